"""Benchmark: the laptop's side of a push, in process, without a server (issue 15).

A copy of a seeded laptop database (N pending enrollment creates, `bench_sync.py
--keep-template DIR` keeps one) is pushed by the engine's own `sync.pusher.Pusher` (its push
thread, its read-ahead, the two batches in flight) to a stand-in client that answers every op
`applied` (version 1, as the server answers a create). The CPU of the whole process is
measured (both threads), and per part, in CPU and wall seconds per N ops: the store's reads
(`pending_ops`), the engine's checks and batching (`valid_ops`, `split_by_size`), the request
body (`encode_push`: JSON and gzip, as `SyncClient.push` sends it), the stand-in's answer
(parsing the answer's JSON, as `SyncClient.push` does) and the settling (`mark_results`).

    .venv/bin/python tests/bench/bench_laptop_push.py --template DIR [--n 10000] [--reps 3]
    .venv/bin/python tests/bench/bench_laptop_push.py --template DIR --cprofile mark_results

`--cprofile PART` prints cProfile's statistics of that part (a part on the cycle's thread).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import pstats
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from agent_app.storage.engine import BACKGROUND_CACHE_KIB, open_engine  # noqa: E402
from agent_app.storage.store import LocalStore  # noqa: E402
from sync import protocol, pusher  # noqa: E402
from sync.client import SyncClient  # noqa: E402
from sync.contract import CycleReport  # noqa: E402
from sync.transport import Body  # noqa: E402


class Parts:
    def __init__(self, profile: str | None) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        self.profile = profile
        self.profiler = cProfile.Profile()
        self.lock = threading.Lock()

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.thread_time()
            profiling = name == self.profile
            if profiling:
                self.profiler.enable()
            try:
                return fn(*args, **kwargs)
            finally:
                if profiling:
                    self.profiler.disable()
                with self.lock:
                    self.cpu[name] += time.thread_time() - cpu
                    self.wall[name] += time.perf_counter() - wall

        return timed

    @contextlib.contextmanager
    def timing(self, targets: list[tuple[Any, str, str]]) -> Iterator[None]:
        """`owner.attr` wrapped as part `name` for each (owner, attr, name) while the block
        runs."""
        originals = [(owner, attr, owner.__dict__[attr]) for owner, attr, _ in targets]
        for owner, attr, name in targets:
            setattr(owner, attr, self.wrap(name, owner.__dict__[attr]))
        try:
            yield
        finally:
            for owner, attr, fn in originals:
                setattr(owner, attr, fn)


class StandIn(SyncClient):
    """Answers every op `applied`, as JSON parsed the way `SyncClient.push` parses the
    server's answer; encodes bodies as the real client does."""

    def push(
        self, batch: protocol.PushRequest | Any, *, body: Body | None = None
    ) -> protocol.PushResponse:
        return answer(batch.ops)


def answer(ops: list[protocol.Op]) -> protocol.PushResponse:
    results = [
        protocol.OpResult(op_id=op.op_id, status="applied", entity_version=1, server_seq=i)
        for i, op in enumerate(ops)
    ]
    now = dt.datetime.now(dt.UTC)
    text = protocol.PushResponse(results=results, server_time=now).model_dump_json()
    return protocol.PushResponse.model_validate_json(text)


def config(batch: int) -> protocol.SyncConfig:
    return protocol.SyncConfig.model_validate(
        {
            "protocol_version": protocol.PROTOCOL_VERSION,
            "protocol_minor": 1,
            "max_ops_per_batch": batch,
            "max_body_bytes": 64 * 1024 * 1024,
            "max_attachment_bytes": 8 * 1024 * 1024,
            "server_time": dt.datetime.now(dt.UTC).isoformat(),
        }
    )


def push_all(store: LocalStore, batch: int, parts: Parts) -> int:
    """The pusher's run over the whole outbox; returns the ops it settled."""
    client = StandIn("http://stand-in.invalid", store.device_id, "bench")
    report = CycleReport(clock_offset=0.25)
    run = pusher.Pusher(
        client, store, threading.Event(), config(batch), batch, report, lambda *_: None
    )
    targets = [
        (LocalStore, "pending_ops", "pending_ops"),
        (LocalStore, "mark_results", "mark_results"),
        (pusher, "valid_ops", "valid_ops"),
        (pusher, "split_by_size", "split_by_size"),
        (SyncClient, "encode_push", "encode_push"),
        (StandIn, "push", "answer (stand-in)"),
    ]
    with parts.timing(targets):
        run.run()
    return report.applied


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--template", required=True, help="bench_sync.py's --keep-template")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
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
        wall, cpu = time.perf_counter(), time.process_time()
        pushed = push_all(LocalStore(engine, "AGPUSH"), args.batch, parts)
        total_cpu, total_wall = time.process_time() - cpu, time.perf_counter() - wall
        engine.dispose()
        assert pushed == args.n, pushed
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
