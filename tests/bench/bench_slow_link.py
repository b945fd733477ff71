"""Benchmark: sync over a slow field link (issue 15): 1 Mbit/s with 100 ms delay.

The real server runs in its own process on loopback (`bench_sync.Server`: a fresh, durable
SQLite database) and the laptop's own sync service talks to it through the fault proxy of the
reliability suite (`tests/reliability/faultproxy.py`) shaped to `--kbit` kilobits per second
(both directions, each message sent in 1 KiB pieces with a pause after each) and `--delay`
seconds before each request and each answer is passed on:

- push: N pending enrollment creates written to a laptop database beforehand (not timed, as in
  `bench_sync.py`), pushed in batches of `--batch`; timed from the start of the cycle to the
  start of its pull;
- pull: M changes (businesses and visits of the branch) seeded into the server beforehand (not
  timed), pulled into an empty laptop database by a full cycle.

    .venv/bin/python tests/bench/bench_slow_link.py --push-n 10000 --pull-n 10000

Each run prints its wall seconds and the bytes that crossed the proxy (requests and answers,
headers included, as sent: gzipped answers count compressed). Runs are alternated push, pull,
push, pull... (`--reps`); the last lines read `slow_push ... (medians)` and `slow_pull ...`.
The link, not the CPU, sets these figures: they are steady on a loaded machine.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "reliability"))

from faultproxy import FaultProxy  # noqa: E402

from agent_app.services import sync as sync_service  # noqa: E402
from agent_app.storage import tables  # noqa: E402
from tests.bench.bench_sync import Laptop, Server  # noqa: E402
from tests.bench.sync_seeding import PASSWORD, seed_enrollments, seed_server  # noqa: E402


def shaped(server: Server, kbit: float, delay: float) -> FaultProxy:
    """A proxy in front of `server` passing `kbit` kilobits a second after `delay` seconds."""
    proxy = FaultProxy(int(server.url.rsplit(":", 1)[1]))
    proxy.set(bandwidth=kbit * 1000 / 8, latency=delay)
    return proxy


def push_once(
    work: Path, template: Path, key: bytes, n: int, batch: int, link: tuple[float, float]
) -> tuple[float, int]:
    """Pushes a copy of the seeded laptop to a new server through the link: (seconds, bytes)."""
    home = Path(tempfile.mkdtemp(prefix="push-", dir=work))
    server = Server(home, max_ops=max(batch, 1000)).start()
    try:
        copy = home / "laptop.db"
        for suffix in ("", "-wal"):
            if Path(f"{template}{suffix}").exists():
                shutil.copyfile(f"{template}{suffix}", f"{copy}{suffix}")
        with shaped(server, *link) as proxy:
            laptop = Laptop(copy, "AGPUSH", proxy.url, key)
            sync_service.connect(laptop.uow, laptop.actor, proxy.url, PASSWORD)
            before = proxy.stats["bytes"]
            marks: dict[str, tuple[float, int]] = {}

            def progress(phase: str, done: int, total: int | None) -> None:
                marks.setdefault(phase, (time.perf_counter(), proxy.stats["bytes"]))

            started = time.perf_counter()
            report = sync_service.run_cycle(
                laptop.uow, laptop.actor, proxy.url, progress=progress, batch_size=batch
            )
            laptop.engine.dispose()
        if report.applied != n:
            raise SystemExit(f"push: applied {report.applied} of {n}")
        ended, sent = marks["pull"]
        seconds, wire = ended - started, sent - before
        print(
            f"  push run: n={n} batch={batch} seconds={seconds:.1f} bytes={wire} "
            f"bytes_per_op={wire / n:.0f} requests={proxy.stats['requests']}",
            flush=True,
        )
        return seconds, wire
    finally:
        server.stop()


def pull_once(server: Server, path: Path, n: int, link: tuple[float, float]) -> tuple[float, int]:
    """Pulls everything into a new, empty laptop through the link: (seconds, bytes)."""
    with shaped(server, *link) as proxy:
        laptop = Laptop(path, "AGPULL", proxy.url)
        sync_service.connect(laptop.uow, laptop.actor, proxy.url, PASSWORD)
        before = proxy.stats["bytes"]
        started = time.perf_counter()
        report = sync_service.run_cycle(laptop.uow, laptop.actor, proxy.url)
        seconds, wire = time.perf_counter() - started, proxy.stats["bytes"] - before
    with laptop.uow() as uow:
        stored = uow.session.query(tables.Business).count()
        stored += uow.session.query(tables.Visit).count()
    laptop.engine.dispose()
    if report.pulled < n or stored < n:
        raise SystemExit(f"pull: {report.pulled} pulled, {stored} stored of {n}")
    print(
        f"  pull run: n={report.pulled} seconds={seconds:.1f} bytes={wire} "
        f"bytes_per_change={wire / report.pulled:.0f} requests={proxy.stats['requests']}",
        flush=True,
    )
    return seconds, wire


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--push-n", type=int, default=10_000)
    parser.add_argument("--pull-n", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--kbit", type=float, default=1000.0, help="kilobits per second")
    parser.add_argument("--delay", type=float, default=0.1, help="seconds per message")
    parser.add_argument("--reps", type=int, default=1)
    args = parser.parse_args()
    link = (args.kbit, args.delay)
    work = Path(tempfile.mkdtemp(prefix="perisai-bench-slow-"))
    try:
        template = work / "push-template.db"
        seeder = Laptop(template, "AGPUSH", "")
        seed_enrollments(seeder.uow, seeder.actor.agent_code, args.push_n)
        seeder.engine.dispose()
        home = work / "pull-server"
        home.mkdir()
        source = Server(home, max_ops=1000).start()
        pushes: list[tuple[float, int]] = []
        pulls: list[tuple[float, int]] = []
        try:
            seed_server(source.env["DATABASE_URL"], args.pull_n)
            for rep in range(1, args.reps + 1):
                pushes.append(push_once(work, template, seeder.key, args.push_n, args.batch, link))
                pulls.append(pull_once(source, work / f"pull-{rep}.db", args.pull_n, link))
        finally:
            source.stop()
        where = f"kbit={args.kbit:.0f} delay_s={args.delay} reps={args.reps}"
        seconds, wire = (statistics.median(r[i] for r in pushes) for i in range(2))
        print(
            f"slow_push n={args.push_n} batch={args.batch} {where} seconds={seconds:.1f} "
            f"ops_per_s={args.push_n / seconds:.0f} bytes={wire:.0f} (medians)"
        )
        seconds, wire = (statistics.median(r[i] for r in pulls) for i in range(2))
        print(
            f"slow_pull n={args.pull_n} {where} seconds={seconds:.1f} "
            f"changes_per_s={args.pull_n / seconds:.0f} bytes={wire:.0f} (medians)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
