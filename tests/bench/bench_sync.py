"""Benchmark: sync from the app (issue 5): push from the encrypted laptop database, pull into it.

Starts `python -m sync.server serve` in its own process on a fresh, durable SQLite database
(WAL, synchronous=FULL: the server's default) on loopback, then, in this process, runs the
app's own sync service (`agent_app.services.sync.run_cycle`) over the app's SQLCipher store:

- push: N pending enrollment creates (about 800 bytes of JSON each, valid synthetic NIKs)
  written to a laptop database beforehand (not timed), pushed in batches of `--batch`. The
  push phase is timed from the start of the cycle to the start of its pull (which then pulls
  the agent's own N enrollments back; the whole cycle is printed too).
- pull: M changes of the branch, four businesses to one visit (the same fields as before),
  written into the server's database beforehand (not timed) with the server's own bulk writer
  (`sync.server.admin.common.insert_new_records`): the records, their `server_seq` and the
  change feed a push of them would leave (`tests/bench/sync_seeding.py`; seeding through the
  push judged every new name against the district's since issue 18, quadratic here), then
  pulled into an empty laptop database by a full cycle (pages of `--pull-limit`).

    .venv/bin/python tests/bench/bench_sync.py --push-n 10000 --pull-n 100000 --batch 500

Each is run `--reps` times (3): the push with a copy of the seeded laptop database against a
new server each time, the pull into a new empty laptop database from the one seeded server.
Each run prints its wall time and the CPU seconds of this process and of the server process
(the machine is shared, so CPU time is the steadier figure); the last lines read
`sync_push n=... seconds=... ops_per_s=... (medians)` and `sync_pull n=... seconds=...
changes_per_s=... wire_bytes_per_change=... (medians)` (the pull answers' bytes on the wire,
compressed when the server compressed them). `--pull-encodings identity,gzip` alternates the
pull runs over those `Accept-Encoding` values (issue 15: plain against gzipped in one sitting;
by default the client sends requests' own `gzip, deflate`). `--profile DIR` writes
pyinstrument HTML profiles of the first run (pip install pyinstrument); `--profile cprofile`
prints cProfile statistics instead.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import requests  # noqa: E402
from helpers.servers import free_port  # noqa: E402

from agent_app.domain.keys import Role  # noqa: E402
from agent_app.services import sync as sync_service  # noqa: E402
from agent_app.services.actor import Actor  # noqa: E402
from agent_app.storage import tables  # noqa: E402
from agent_app.storage.engine import open_engine  # noqa: E402
from agent_app.storage.store import LocalStore  # noqa: E402
from agent_app.storage.uow import SqlUnitOfWork  # noqa: E402
from sync import pusher  # noqa: E402
from sync.client import SyncClient  # noqa: E402
from tests.bench.push_timeline import STORE_CALLS, Timeline  # noqa: E402
from tests.bench.sync_seeding import (  # noqa: E402
    PASSWORD,
    seed_enrollments,
    seed_server,
)


class Server:
    """The central server in its own process on a fresh database."""

    def __init__(self, home: Path, *, max_ops: int) -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            key: value for key, value in os.environ.items() if not key.startswith("PERISAI_")
        }
        self.env.update(
            {
                "DATABASE_URL": f"sqlite:///{home / 'server.sqlite3'}",
                "PERISAI_SERVER_HOME": str(home),
                "PERISAI_PASSWORD": PASSWORD,
                "PERISAI_MAX_OPS_PER_BATCH": str(max_ops),
                "PERISAI_MAX_BODY_BYTES": str(64 * 1024 * 1024),
                "PYTHONPATH": str(REPO),
            }
        )
        self.process: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "sync.server", *args],
            cwd=REPO,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def start(self) -> Server:
        self.home.mkdir(exist_ok=True)
        self.cli("migrate")
        self.cli("create-branch", "PLG", "--name", "Palembang", "--region", "16.71")
        for code in ("AGPUSH", "AGPULL", "AGSEED"):
            self.cli("create-agent", code, "--name", code, "--branch", "PLG", "--role", "agent")
        log = (self.home / "server.log").open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sync.server",
                "serve",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--no-migrate",
            ],
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/v1/health", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise SystemExit("the server did not start")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


class Laptop:
    def __init__(self, path: Path, agent_code: str, url: str, key: bytes | None = None) -> None:
        self.key = key or os.urandom(32)
        self.engine = open_engine(path, self.key)
        with SqlUnitOfWork(self.engine) as uow:
            device = uow.sync_state.get().device_id
            uow.commit()
        self.actor = Actor(
            agent_code, agent_code, "PLG", Role.AGENT, device, account_key=os.urandom(32)
        )
        self.url = url

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)


@contextmanager
def profiled(directory: str | None, name: str) -> Iterator[None]:
    if not directory:
        yield
        return
    if directory == "cprofile":  # CPU by function, this thread only
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        try:
            yield
        finally:
            profile.disable()
            profile.dump_stats(f"/tmp/bench-sync-{name}.prof")
            pstats.Stats(profile).sort_stats("tottime").print_stats(35)
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.005)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        Path(directory).mkdir(parents=True, exist_ok=True)
        Path(directory, f"{name}.html").write_text(profiler.output_html())
        print(profiler.output_text(unicode=False, color=False, show_all=False)[:6000])


def seeded_laptop(work: Path, n: int, keep: Path | None) -> tuple[Path, bytes]:
    """A laptop database with `n` pending enrollment creates and its key: seeded in `work`,
    or in `keep` once and reused from there by later runs (`--keep-template`)."""
    folder = keep if keep is not None else work
    folder.mkdir(parents=True, exist_ok=True)
    template, key_file = folder / f"push-template-{n}.db", folder / f"push-template-{n}.key"
    if key_file.exists() and template.exists():
        print(f"(reusing the {n} pending ops of {template})", flush=True)
        return template, key_file.read_bytes()
    for stale in (template, Path(f"{template}-wal"), Path(f"{template}-shm")):
        stale.unlink(missing_ok=True)
    seeder = Laptop(template, "AGPUSH", "")
    started = time.perf_counter()
    seed_enrollments(seeder.uow, seeder.actor.agent_code, n)
    print(f"(seeded {n} pending ops in {time.perf_counter() - started:.1f} s)", flush=True)
    seeder.engine.dispose()
    key_file.write_bytes(seeder.key)
    return template, seeder.key


def bench_push(
    work: Path,
    n: int,
    batch: int,
    reps: int,
    profile: str | None,
    keep: Path | None = None,
    timeline: bool = False,
) -> None:
    """Seeds one laptop database, then pushes a copy of it to a fresh server `reps` times."""
    template, key = seeded_laptop(work, n, keep)
    runs: list[tuple[float, float, float]] = []
    for rep in range(1, reps + 1):
        home = work / f"push-server-{rep}"
        home.mkdir()
        server = Server(home, max_ops=max(batch, 1000)).start()
        try:
            copy = work / f"push-{rep}.db"
            for suffix in ("", "-wal"):
                if Path(f"{template}{suffix}").exists():
                    shutil.copyfile(f"{template}{suffix}", f"{copy}{suffix}")
            laptop = Laptop(copy, "AGPUSH", server.url, key)
            first = profile if rep == 1 else None
            runs.append(push_once(server, laptop, n, batch, first, timeline))
            laptop.engine.dispose()
        finally:
            server.stop()
    seconds, client_cpu, server_cpu = (statistics.median(r[i] for r in runs) for i in range(3))
    print(
        f"sync_push n={n} batch={batch} reps={reps} seconds={seconds:.2f} "
        f"ops_per_s={n / seconds:.0f} client_cpu_s={client_cpu:.2f} "
        f"server_cpu_s={server_cpu:.2f} (medians)",
        flush=True,
    )


def push_once(
    server: Server, laptop: Laptop, n: int, batch: int, profile: str | None, timeline: bool
) -> tuple[float, float, float]:
    sync_service.connect(laptop.uow, laptop.actor, server.url, PASSWORD)
    marks: dict[str, tuple[float, float, float]] = {}
    spans = Timeline()
    targets: list[tuple[Any, str]] = [(LocalStore, name) for name in STORE_CALLS]
    targets += [(SyncClient, "push")]
    targets += [(pusher, name) for name in ("valid_ops", "split_by_size", "push_request")]

    def progress(phase: str, done: int, total: int | None) -> None:
        if phase not in marks:
            marks[phase] = (time.perf_counter(), time.process_time(), server.cpu_seconds())

    recording = spans.recording(targets) if timeline else contextlib.nullcontext()
    with profiled(profile, "push"), recording:
        started = time.perf_counter()
        cpu, server_cpu = time.process_time(), server.cpu_seconds()
        report = sync_service.run_cycle(
            laptop.uow, laptop.actor, server.url, progress=progress, batch_size=batch
        )
        ended = time.perf_counter()
    pull_wall, pull_cpu, pull_server_cpu = marks["pull"]
    if report.applied != n or report.pending_ops != 0:
        raise SystemExit(f"push: applied {report.applied} of {n}")
    run = (pull_wall - started, pull_cpu - cpu, pull_server_cpu - server_cpu)
    print(
        f"  push run: seconds={run[0]:.2f} ops_per_s={n / run[0]:.0f} "
        f"client_cpu_s={run[1]:.2f} server_cpu_s={run[2]:.2f} "
        f"(whole cycle {ended - started:.2f} s, pulling back {report.pulled})",
        flush=True,
    )
    if timeline:
        print(spans.report(started, pull_wall), flush=True)
    return run


class PullWire:
    """Counts the bytes of the pull answers as they come over the wire (their Content-Length:
    compressed when the server compressed them) by wrapping `requests.Session.send` for the
    length of a run; with `encodings` set, the client asks for them instead of requests'
    default `gzip, deflate` ("identity": answers not compressed)."""

    def __init__(self, encodings: str | None) -> None:
        self.encodings = encodings
        self.bytes = 0
        self.answers = 0

    @contextmanager
    def counting(self) -> Iterator[None]:
        original = requests.Session.send

        def send(session: requests.Session, request: Any, **kwargs: Any) -> Any:
            pulling = "/v1/sync/pull" in (request.url or "")
            if pulling and self.encodings:
                request.headers["Accept-Encoding"] = self.encodings
            response = original(session, request, **kwargs)
            if pulling:
                self.answers += 1
                self.bytes += int(response.headers.get("Content-Length", len(response.content)))
            return response

        requests.Session.send = send  # type: ignore[method-assign]
        try:
            yield
        finally:
            requests.Session.send = original  # type: ignore[method-assign]


def bench_pull(
    work: Path, n: int, limit: int, reps: int, profile: str | None, encodings: tuple[str, ...]
) -> None:
    """Seeds one server, then pulls everything into a new, empty laptop `reps` times for each
    of `encodings` (the Accept-Encoding the client sends; "" for requests' default), runs
    alternated."""
    home = work / "pull-server"
    home.mkdir()
    server = Server(home, max_ops=1000).start()
    try:
        started = time.perf_counter()
        seed_server(server.env["DATABASE_URL"], n)
        print(f"(seeded {n} changes on the server in {time.perf_counter() - started:.1f} s)")
        runs: dict[str, list[tuple[float, float, float, float]]] = {e: [] for e in encodings}
        for rep in range(1, reps + 1):
            for encoding in encodings:
                path = work / f"pull-{rep}-{encoding or 'default'}.db"
                first = rep == 1 and encoding == encodings[0]
                runs[encoding].append(
                    pull_once(server, path, n, limit, profile if first else None, encoding)
                )
    finally:
        server.stop()
    for encoding, done in runs.items():
        seconds, client_cpu, server_cpu, wire = (
            statistics.median(r[i] for r in done) for i in range(4)
        )
        print(
            f"sync_pull n={n} limit={limit} reps={reps} "
            f"accept_encoding={encoding or 'default'} seconds={seconds:.2f} "
            f"changes_per_s={n / seconds:.0f} client_cpu_s={client_cpu:.2f} "
            f"server_cpu_s={server_cpu:.2f} wire_bytes_per_change={wire:.1f} (medians)",
            flush=True,
        )


def pull_once(
    server: Server, path: Path, n: int, limit: int, profile: str | None, encoding: str = ""
) -> tuple[float, float, float, float]:
    laptop = Laptop(path, "AGPULL", server.url)
    sync_service.connect(laptop.uow, laptop.actor, server.url, PASSWORD)
    wire = PullWire(encoding or None)
    with profiled(profile, "pull"), wire.counting():
        started = time.perf_counter()
        cpu, server_cpu = time.process_time(), server.cpu_seconds()
        report = sync_service.run_cycle(laptop.uow, laptop.actor, server.url, pull_limit=limit)
        seconds = time.perf_counter() - started
        cpu, server_cpu = time.process_time() - cpu, server.cpu_seconds() - server_cpu
    with laptop.uow() as uow:
        businesses = uow.session.query(tables.Business).count()
        visits = uow.session.query(tables.Visit).count()
    if report.pulled < n or businesses + visits < n:
        raise SystemExit(f"pull: {report.pulled} pulled, {businesses + visits} stored of {n}")
    print(
        f"  pull run: n={report.pulled} seconds={seconds:.2f} "
        f"changes_per_s={report.pulled / seconds:.0f} client_cpu_s={cpu:.2f} "
        f"server_cpu_s={server_cpu:.2f} businesses={businesses} visits={visits} "
        f"accept_encoding={encoding or 'default'} pull_answers={wire.answers} "
        f"wire_bytes={wire.bytes} wire_bytes_per_change={wire.bytes / report.pulled:.1f}",
        flush=True,
    )
    laptop.engine.dispose()
    return seconds, cpu, server_cpu, wire.bytes / report.pulled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--push-n", type=int, default=10_000)
    parser.add_argument("--pull-n", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument(
        "--pull-limit", type=int, default=5000, help="the app asks for 5,000 (issue 15)"
    )
    parser.add_argument("--only", choices=("push", "pull"))
    parser.add_argument("--reps", type=int, default=3, help="runs of each; medians printed")
    parser.add_argument(
        "--pull-encodings",
        default="",
        help="comma-separated Accept-Encoding values the pull runs alternate over, e.g. "
        "'identity,gzip' (default: requests' own 'gzip, deflate' only)",
    )
    parser.add_argument(
        "--timeline",
        action="store_true",
        help="time the push's store calls and requests (tests/bench/push_timeline.py)",
    )
    parser.add_argument(
        "--keep-template",
        help="a folder where the push's seeded laptop database is kept and reused next time",
    )
    parser.add_argument(
        "--profile",
        help="write pyinstrument profiles to this folder ('cprofile': print cProfile stats)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="perisai-bench-sync-"))
    if args.only in (None, "push"):
        keep = Path(args.keep_template) if args.keep_template else None
        bench_push(work, args.push_n, args.batch, args.reps, args.profile, keep, args.timeline)
    if args.only in (None, "pull"):
        encodings = tuple(e.strip() for e in args.pull_encodings.split(",")) or ("",)
        bench_pull(work, args.pull_n, args.pull_limit, args.reps, args.profile, encodings)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
