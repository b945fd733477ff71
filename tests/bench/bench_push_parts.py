"""Benchmark: where a push batch's time goes on the server, part by part, in this process
(issue 15). N enrollment creates (the ops of `bench_server_push.py`) in batches of 500 are
taken the route's way: the body parsed (`parse_body`), each op judged before the lock
(`prepare`), the batch's transaction (`apply_batch`'s locked part) and the answer encoded.
CPU seconds of this process per part (`time.process_time`, steadier than the wall clock on a
shared machine), wall seconds per part, and on PostgreSQL the CPU seconds of the database's
backend serving it (from /proc).

    .venv/bin/python tests/bench/bench_push_parts.py --n 10000
    .venv/bin/python tests/bench/bench_push_parts.py --pg-url "$TEST_DATABASE_URL" --repeat 3

The garbage collector is set as in a serving process (`app.freeze_gc`: the start-up objects
frozen, the young generation collected after 20,000 allocations); without it `prepare` was
charged for collections the server does not make (94 us per op here against 53 in
`bench_prepare.py`). `--python-gc` leaves Python's defaults.

`--profile FILE` writes cProfile statistics of the whole run to FILE (and prints the top).
The last lines read `push_parts db=... part=... cpu_ms_per_batch=... wall_ms_per_batch=...`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from helpers.databases import scratch_database  # noqa: E402

from agent_app.domain import clock, contributions  # noqa: E402
from sync import protocol  # noqa: E402
from sync.server import admin, app, config, db, migrate, rates  # noqa: E402
from sync.server.api.errors import JsonAnswer, parse_body  # noqa: E402
from sync.server.api.state import server_time  # noqa: E402
from sync.server.push import Caller, ledger, outcome_json  # noqa: E402
from sync.server.push.prepare import prepare  # noqa: E402
from tests.bench.bench_server_push import WIB, enrollment_op  # noqa: E402
from tests.bench.push_measure import cpu_seconds  # noqa: E402

PARTS = ("parse", "prepare", "transaction", "answer")


def _bodies(n: int, batch: int, device: str) -> list[bytes]:
    now = dt.datetime.now(WIB).replace(microsecond=0)
    monthly = contributions.quote(
        2_000_000, ["JKK", "JKM"], 1, now.date(), "pedagang"
    ).monthly_total
    ops = [enrollment_op(i, now, monthly) for i in range(n)]
    return [
        json.dumps(
            {
                "protocol_version": 1,
                "device_id": device,
                "batch_id": str(uuid.uuid4()),
                "ops": ops[start : start + batch],
            }
        ).encode()
        for start in range(0, n, batch)
    ]


def _prepare_all(ops: list[protocol.Op], today: dt.date) -> list[Any]:
    return [prepare(op, today) for op in ops]


def _answer(results: list[Any]) -> Any:
    """The answer as `run_batch` writes it (`JsonAnswer`: orjson)."""
    return JsonAnswer(
        {"results": [outcome_json(i, o) for i, o in results], "server_time": server_time()}
    )


def _backend_pid(engine: Any) -> int | None:
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def run(url: str, n: int, batch: int) -> dict[str, tuple[float, float]]:
    """Pushes n ops; the CPU and wall seconds of each part (and `db`: the backend's CPU)."""
    engine = db.make_engine(config.Settings(database_url=url))
    migrate.upgrade(engine)
    admin.create_branch(engine, "PLG", "Palembang", "16.71", "Asia/Jakarta")
    device = str(uuid.uuid4())
    caller = Caller("BENCH", "PLG", "agent", device)
    bodies = _bodies(n, batch, device)
    pid = _backend_pid(engine)  # the pool's one connection, reused by every batch
    spent = {part: [0.0, 0.0] for part in PARTS}
    db_cpu = cpu_seconds(pid) if pid else 0.0

    def timed(part: str, fn: Any, *args: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        value = fn(*args)
        spent[part][0] += time.process_time() - cpu
        spent[part][1] += time.perf_counter() - wall
        return value

    for body in bodies:
        request = timed("parse", parse_body, protocol.PushRequest, body)
        today = clock.today("Asia/Jakarta")
        rates.refresh(engine)
        preps = timed("prepare", _prepare_all, request.ops, today)
        results = timed("transaction", ledger._apply_once, engine, caller, preps)
        assert all(o.status == "applied" for _, o in results), results[:3]
        timed("answer", _answer, results)
    figures = {part: (cpu, wall) for part, (cpu, wall) in spent.items()}
    if pid:
        figures["db backend"] = (cpu_seconds(pid) - db_cpu, 0.0)
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-url", default=None, help="a PostgreSQL server's admin URL")
    parser.add_argument("--profile", help="write cProfile statistics of the runs here")
    parser.add_argument(
        "--python-gc", action="store_true", help="Python's collector (not the server's)"
    )
    args = parser.parse_args()
    if not args.python_gc:
        app.freeze_gc()  # as a serving process does
    profile = None
    if args.profile:
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    runs = []
    for _ in range(args.repeat):
        if args.pg_url:
            with scratch_database(args.pg_url, "perisai_bench") as url:
                runs.append(run(url, args.n, args.batch))
        else:
            with tempfile.TemporaryDirectory() as folder:
                runs.append(run(f"sqlite:///{folder}/server.sqlite3", args.n, args.batch))
    if profile is not None:
        import pstats

        profile.disable()
        profile.dump_stats(args.profile)
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
    batches = -(-args.n // args.batch)
    label = "postgresql" if args.pg_url else "sqlite"
    for part in runs[0]:
        cpu = statistics.median(r[part][0] for r in runs) * 1000 / batches
        wall = statistics.median(r[part][1] for r in runs) * 1000 / batches
        print(
            f"push_parts db={label} n={args.n} batch={args.batch} part={part!r} "
            f"cpu_ms_per_batch={cpu:.2f} wall_ms_per_batch={wall:.2f} "
            f"(medians of {args.repeat})",
            flush=True,
        )
    total = sum(statistics.median(r[p][0] for r in runs) for p in PARTS)
    print(f"push_parts db={label} total_cpu_s={total:.2f} ops_per_cpu_s={args.n / total:.0f}")


if __name__ == "__main__":
    main()
