"""Benchmark: push throughput of the central server (issue 3).

Starts `python -m sync.server serve` in its own process on a fresh database, creates a branch
and an agent with the admin CLI, logs in, and pushes N enrollment creates (about 800 bytes of
JSON each, valid synthetic NIKs unique per op) in batches of 500 from this, separate, client
process; prints ops per second. Runs on SQLite (WAL, synchronous=FULL) and, when
TEST_DATABASE_URL or --pg-url is given, on PostgreSQL (fsync on: the server's default).

    .venv/bin/python tests/bench/bench_server_push.py --n 10000 50000 --batch 500
    .venv/bin/python tests/bench/bench_server_push.py --pg-url postgresql+psycopg://...

The last lines read `server_push db=... n=... batch=... seconds=... ops_per_s=...`, with the
CPU seconds the push took in this client process, in the server process and (PostgreSQL) in
the database's backends serving the bench's database (`pg_cpu_s`, read from /proc while the
bench's connections are open): on a shared machine the steadier figures; and the server
process's peak resident memory (`server_peak_mb`, VmHWM). `--profile DIR`
records the server process with py-spy during the push (pip install py-spy): a collapsed-
stack file per run, and its hottest functions printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import httpx  # noqa: E402
from helpers.niks import nik_birth_date, synthetic_nik  # noqa: E402
from helpers.servers import free_port  # noqa: E402

from agent_app.domain import contributions  # noqa: E402
from tests.bench.push_measure import Backends, Profile, cpu_seconds  # noqa: E402

WIB = dt.timezone(dt.timedelta(hours=7))
PASSWORD = "rahasia-bench-1"


def _peak_mb(pid: int) -> float:
    """The server process's peak resident memory so far (VmHWM), in MB (0 when unknown)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def enrollment_op(i: int, now: dt.datetime, monthly: int) -> dict[str, Any]:
    female = i % 2 == 1
    nik = synthetic_nik(i, female)
    return {
        "op_id": str(uuid.uuid4()),
        "op_seq": i + 1,
        "entity": "enrollment",
        "entity_id": str(uuid.uuid4()),
        "kind": "create",
        "base_version": None,
        "fields": {
            "nik": nik,
            "full_name": f"Peserta Sintetis Nomor {i:06d}",
            "birth_place": "Palembang",
            "birth_date": nik_birth_date(nik),
            "gender": "F" if female else "M",
            "phone": f"+62812{i % 100_000_000:08d}",
            "email": None,
            "address": "Jl. Kolonel Atmo No. 12, RT 03 RW 01, Kelurahan 17 Ilir, Ilir Timur I",
            "region_code": "16.71.03",
            "occupation": "pedagang",
            "declared_income": 2_000_000,
            "programs": ["JKK", "JKM"],
            "period_months": 1,
            "paid_by_state": False,
            "monthly_contribution": monthly,
            "consent": {"text_version": "2026-01", "given_at": now.isoformat()},
            "business_id": None,
            "event_id": None,
        },
        "recorded_at": now.isoformat(),
    }


def run_cli(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "sync.server", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )


def _server_env(database_url: str, home: Path, batch: int) -> dict[str, str]:
    """A fresh server: its database migrated, branch PLG and the agent BENCH created."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PERISAI_SERVER_HOME": str(home),
        "PYTHONPATH": str(REPO),
        "PERISAI_MAX_OPS_PER_BATCH": str(max(batch, 1000)),
        "PERISAI_MAX_BODY_BYTES": str(64 * 1024 * 1024),
    }
    run_cli(env, "migrate")
    run_cli(env, "create-branch", "PLG", "--name", "Palembang", "--region", "16.71")
    run_cli(
        env,
        "create-agent",
        "BENCH",
        "--name",
        "Agen Bench",
        "--branch",
        "PLG",
        "--role",
        "agent",
        stdin=PASSWORD + "\n",
    )
    return env


def _serve(
    env: dict[str, str], port: int, workers: int, log: Any, spans: Path | None = None
) -> subprocess.Popen[bytes]:
    module = ["tests.bench.server_timeline", str(spans)] if spans else ["sync.server"]
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            *module,
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--workers",
            str(workers),
            "--no-migrate",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _log_in(base: str, device: str) -> tuple[httpx.Client, str]:
    """Waits for the server's health, then logs the agent in: the client and its token."""
    for _ in range(300):
        try:
            if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    client = httpx.Client(base_url=base, timeout=300)
    token = (
        client.post(
            "/v1/auth/login",
            json={
                "agent_code": "BENCH",
                "password": PASSWORD,
                "device_id": device,
                "device_name": "bench",
            },
        )
        .raise_for_status()
        .json()["access_token"]
    )
    return client, token


def _bodies(n: int, batch: int, device: str, use_gzip: bool) -> tuple[list[bytes], float]:
    """N enrollment creates in push bodies of `batch` ops, and an op's mean size in bytes."""
    now = dt.datetime.now(WIB).replace(microsecond=0)
    monthly = contributions.quote(
        2_000_000, ["JKK", "JKM"], 1, now.date(), "pedagang"
    ).monthly_total
    ops = [enrollment_op(i, now, monthly) for i in range(n)]
    op_bytes = sum(len(json.dumps(o)) for o in ops[:1000]) / min(n, 1000)
    bodies = []
    for start in range(0, n, batch):
        raw = json.dumps(
            {
                "protocol_version": 1,
                "device_id": device,
                "batch_id": str(uuid.uuid4()),
                "ops": ops[start : start + batch],
            }
        ).encode()
        bodies.append(gzip.compress(raw, 5) if use_gzip else raw)
    return bodies, op_bytes


def _push_all(
    base: str,
    bodies: list[bytes],
    headers: dict[str, str],
    clients: int,
    requests: list[tuple[float, float]] | None = None,
) -> tuple[int, float]:
    """Pushes the bodies from `clients` threads: the ops applied, and the seconds it took
    (each request's start and end appended to `requests`)."""
    applied = 0
    lock = threading.Lock()

    def push_share(share: list[bytes]) -> None:
        nonlocal applied
        http = httpx.Client(base_url=base, timeout=300)
        for body in share:
            begun = time.perf_counter()
            response = http.post("/v1/sync/push", content=body, headers=headers)
            if requests is not None:
                requests.append((begun, time.perf_counter()))
            response.raise_for_status()
            count = sum(r["status"] == "applied" for r in response.json()["results"])
            with lock:
                applied += count

    started = time.perf_counter()
    if clients == 1:
        push_share(bodies)
    else:
        threads = [
            threading.Thread(target=push_share, args=(bodies[k::clients],)) for k in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return applied, time.perf_counter() - started


def _pull_all(client: httpx.Client, token: str) -> tuple[int, float]:
    """A fresh laptop of the same agent pulls everything back (pages of 1,000)."""
    started = time.perf_counter()
    cursor, pulled = None, 0
    while True:
        params: dict[str, Any] = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
        page = client.get(
            "/v1/sync/pull", params=params, headers={"Authorization": f"Bearer {token}"}
        ).json()
        pulled += len(page["changes"])
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    return pulled, time.perf_counter() - started


def bench_one(
    database_url: str,
    label: str,
    n: int,
    batch: int,
    use_gzip: bool,
    workers: int,
    clients: int = 1,
    backends: Backends | None = None,
    profile: str | None = None,
    timeline: bool = False,
) -> float:
    home = Path(tempfile.mkdtemp(prefix="perisai-bench-"))
    port = free_port()
    env = _server_env(database_url, home, batch)
    log = (home / "server.log").open("wb")
    spans = home / "spans.jsonl" if timeline else None
    server = _serve(env, port, workers, log, spans)
    requests: list[tuple[float, float]] = []
    try:
        base = f"http://127.0.0.1:{port}"
        device = str(uuid.uuid4())
        client, token = _log_in(base, device)
        bodies, op_bytes = _bodies(n, batch, device, use_gzip)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if use_gzip:
            headers["Content-Encoding"] = "gzip"
        backends = backends or Backends(None, None)
        spy = Profile(profile, server.pid, label)
        cpu, server_cpu, pg_cpu = time.process_time(), cpu_seconds(server.pid), backends.mark()
        applied, seconds = _push_all(base, bodies, headers, clients, requests)
        cpu, server_cpu = time.process_time() - cpu, cpu_seconds(server.pid) - server_cpu
        pg_cpu = backends.mark() - pg_cpu
        peak_mb = _peak_mb(server.pid)
        spy.stop()
        if applied != n:
            raise SystemExit(f"only {applied} of {n} ops applied")
        rate = n / seconds
        pulled, pull_seconds = _pull_all(client, token)
        print(
            f"server_push db={label} n={n} batch={batch} gzip={use_gzip} "
            f"workers={workers} clients={clients} "
            f"op_bytes={op_bytes:.0f} seconds={seconds:.2f} ops_per_s={rate:.0f} "
            f"client_cpu_s={cpu:.2f} server_cpu_s={server_cpu:.2f} pg_cpu_s={pg_cpu:.2f} "
            f"server_peak_mb={peak_mb:.0f} pull_changes={pulled} pull_seconds={pull_seconds:.2f}",
            flush=True,
        )
        return rate
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        if spans is not None and spans.exists():
            from tests.bench.server_timeline import report

            print(report(spans, requests), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--gzip", action="store_true", help="gzip the request bodies")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument(
        "--clients",
        type=int,
        default=1,
        help="concurrent connections pushing (1: one laptop, batch after batch)",
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", help="py-spy the server during the push into this folder")
    parser.add_argument("--timeline", action="store_true", help="time the server's steps")
    args = parser.parse_args()
    targets: list[tuple[str, Any]] = []
    if not args.no_sqlite:
        targets.append(("sqlite", None))
    if args.pg_url:
        targets.append(("postgresql", args.pg_url))
    for label, pg_url in targets:
        for n in args.n:
            for _ in range(args.repeat):
                if pg_url is None:
                    folder = tempfile.mkdtemp(prefix="perisai-bench-db-")
                    bench_one(
                        f"sqlite:///{folder}/server.sqlite3",
                        label,
                        n,
                        args.batch,
                        args.gzip,
                        args.workers,
                        args.clients,
                        profile=args.profile,
                        timeline=args.timeline,
                    )
                    continue
                import sqlalchemy as sa

                name = f"perisai_bench_{uuid.uuid4().hex[:8]}"
                admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
                url = (
                    sa.engine.make_url(pg_url)
                    .set(database=name)
                    .render_as_string(hide_password=False)
                )
                backends = Backends(pg_url, name)
                try:
                    bench_one(
                        url,
                        label,
                        n,
                        args.batch,
                        args.gzip,
                        args.workers,
                        args.clients,
                        backends,
                        args.profile,
                        args.timeline,
                    )
                finally:
                    backends.close()
                    with admin.connect() as conn:
                        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    admin.dispose()


if __name__ == "__main__":
    main()
