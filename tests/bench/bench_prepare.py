"""Benchmark: what the server does to each pushed op before the write lock (`prepare`: the
domain's field rules, the quote check, the payload hash), on N enrollment creates (the ops of
`bench_server_push.py`, with fixed ids and time so that every run does the same work).

    .venv/bin/python tests/bench/bench_prepare.py --passes 5          # CPU us per op

The machine is shared, so for a before/after count instructions instead (issue 15): run it under
callgrind with `--passes 0` and `--passes 3` and divide the difference of the two totals by
3 x N (the imports and the set-up cancel out):

    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg0 \\
        .venv/bin/python tests/bench/bench_prepare.py --passes 0
    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg3 \\
        .venv/bin/python tests/bench/bench_prepare.py --passes 3
    grep summary: /tmp/cg0 /tmp/cg3
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from agent_app.domain import contributions  # noqa: E402
from sync import protocol  # noqa: E402
from sync.server import app as _app  # noqa: E402, F401  (the push package's import order)
from sync.server.push.prepare import prepare  # noqa: E402
from tests.bench.bench_server_push import WIB, enrollment_op  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args()
    now = dt.datetime(2026, 12, 6, 10, 0, tzinfo=WIB)
    monthly = contributions.quote(
        2_000_000, ["JKK", "JKM"], 1, now.date(), "pedagang"
    ).monthly_total
    ops = [enrollment_op(i, now, monthly) for i in range(args.n)]
    for i, op in enumerate(ops):
        op["op_id"] = str(uuid.UUID(int=i + 1))
        op["entity_id"] = str(uuid.UUID(int=10**9 + i))
    body = {"protocol_version": 1, "device_id": str(uuid.UUID(int=7)), "ops": ops}
    body["batch_id"] = str(uuid.UUID(int=8))
    request = protocol.PushRequest.model_validate_json(json.dumps(body))
    today = now.date()
    for op in request.ops[:50]:  # the quote caches warmed
        prepare(op, today)
    best = None
    for _ in range(args.passes):
        started = time.process_time()
        for op in request.ops:
            prepare(op, today)
        spent = time.process_time() - started
        best = spent if best is None else min(best, spent)
    if best is not None:
        per_op = best / args.n * 1e6
        print(f"prepare n={args.n} passes={args.passes} best_cpu_us_per_op={per_op:.1f}")


if __name__ == "__main__":
    main()
