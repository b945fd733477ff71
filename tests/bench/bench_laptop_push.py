"""Benchmark: the laptop's side of a push, in process, without a server (issue 15).

A copy of a seeded laptop database (N pending enrollment creates, `bench_sync.py
--keep-template DIR` keeps one) is pushed to a stand-in that answers every op `applied`
(version 1, as the server answers a create): the store's reads (`pending_ops`), the engine's
checks and batching (`valid_ops`, `split_by_size`), the request body (JSON and gzip, as
`SyncClient.push` sends it) and the settling (`mark_results`), each timed in CPU and wall
seconds per N ops, in the order and sizes the pusher uses.

    .venv/bin/python tests/bench/bench_laptop_push.py --template DIR [--n 10000] [--reps 3]
    .venv/bin/python tests/bench/bench_laptop_push.py --template DIR --cprofile mark_results

`--cprofile PART` prints cProfile's statistics of that part.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gzip
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from agent_app.storage.engine import BACKGROUND_CACHE_KIB, open_engine  # noqa: E402
from agent_app.storage.store import LocalStore  # noqa: E402
from sync import protocol  # noqa: E402
from sync.batches import by_count, push_request, split_by_size, valid_ops  # noqa: E402
from sync.contract import CycleReport  # noqa: E402


class Parts:
    def __init__(self, profile: str | None) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        self.profile = profile
        self.profiler = cProfile.Profile()

    def run(self, name: str, fn: Callable[..., Any], *args: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        if name == self.profile:
            self.profiler.enable()
        try:
            return fn(*args)
        finally:
            if name == self.profile:
                self.profiler.disable()
            self.cpu[name] += time.process_time() - cpu
            self.wall[name] += time.perf_counter() - wall


def answer(ops: list[protocol.Op]) -> list[protocol.OpResult]:
    return [
        protocol.OpResult(op_id=op.op_id, status="applied", entity_version=1, server_seq=i)
        for i, op in enumerate(ops)
    ]


def body(request: protocol.PushRequest) -> bytes:
    return gzip.compress(request.model_dump_json().encode("utf-8"), compresslevel=6)


def push_all(store: LocalStore, batch: int, read_ahead: int, parts: Parts) -> int:
    report = CycleReport(clock_offset=0.25)
    after: int | None = None
    pushed = 0
    while True:
        raw = parts.run("pending_ops", store.pending_ops, batch * read_ahead, after)
        if not raw:
            return pushed
        after = max(op["op_seq"] for op in raw)
        ops = parts.run("valid_ops", valid_ops, store, raw, report)
        cuts = parts.run("split_by_size", split_by_size, store, ops, 4 * 1024 * 1024, report)
        for cut in by_count(cuts, batch):
            parts.run("request", lambda c=cut: body(push_request(store, c)))
            results = parts.run("answer (stand-in)", answer, cut)
            parts.run("mark_results", store.mark_results, results)
            pushed += len(cut)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--template", required=True, help="bench_sync.py's --keep-template")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--read-ahead", type=int, default=2)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--cprofile", help="a part to profile")
    args = parser.parse_args()
    template = Path(args.template) / f"push-template-{args.n}.db"
    key = (Path(args.template) / f"push-template-{args.n}.key").read_bytes()
    work = Path(tempfile.mkdtemp(prefix="perisai-bench-laptop-push-"))
    runs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for rep in range(args.reps):
        copy = work / f"laptop-{rep}.db"
        for suffix in ("", "-wal"):
            if Path(f"{template}{suffix}").exists():
                shutil.copyfile(f"{template}{suffix}", f"{copy}{suffix}")
        engine = open_engine(copy, key, cache_kib=BACKGROUND_CACHE_KIB)
        parts = Parts(args.cprofile if rep == 0 else None)
        started = dt.datetime.now()
        pushed = push_all(LocalStore(engine, "AGPUSH"), args.batch, args.read_ahead, parts)
        engine.dispose()
        assert pushed == args.n, pushed
        total_cpu, total_wall = sum(parts.cpu.values()), sum(parts.wall.values())
        print(f"run {rep + 1} ({started:%H:%M:%S}): cpu_s={total_cpu:.2f} wall_s={total_wall:.2f}")
        for name in parts.cpu:
            runs[name].append((parts.cpu[name], parts.wall[name]))
            print(f"    {name:<18} cpu_s={parts.cpu[name]:6.3f} wall_s={parts.wall[name]:6.3f}")
        runs["total"].append((total_cpu, total_wall))
        if rep == 0 and args.cprofile:
            pstats.Stats(parts.profiler).sort_stats("tottime").print_stats(30)
    shutil.rmtree(work, ignore_errors=True)
    for name, done in runs.items():
        cpu, wall = statistics.median(r[0] for r in done), statistics.median(r[1] for r in done)
        print(f"laptop_push part={name} n={args.n} cpu_s={cpu:.3f} wall_s={wall:.3f} (medians)")


if __name__ == "__main__":
    main()
