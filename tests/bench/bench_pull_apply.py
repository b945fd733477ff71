"""Benchmark: the laptop's side of a first pull alone (issue 15), without a server.

The pages a server would answer for N changes of branch PLG (four businesses to one visit,
the fields `tests/bench/sync_seeding.py` seeds: `bench_sync.py --only pull` pulls the same)
are built in memory beforehand (not timed); then the real `sync.engine.SyncEngine` pulls them
from a stand-in client into an empty encrypted laptop database (`agent_app`'s `LocalStore`),
page by page as over the wire, and the CPU seconds of this process (`time.process_time`) and
the wall time are printed. No HTTP, JSON or server: what is left is the client's work per page
(decrypting and encrypting SQLCipher pages, the search and secondary indexes, the Python per
change; the page cache is the app's sync thread's, `--cache-kib` to change it), which is what
the issue's first pull is bound by, measured with far less noise than the whole pull on a
shared machine. (`sync.client`'s own work, HTTP, gzip, JSON and pydantic, is left out.)

    .venv/bin/python tests/bench/bench_pull_apply.py --n 100000 --limit 1000 --reps 3

`--profile FILE` writes a cProfile of the first run. The last line reads
`pull_apply n=... limit=... cpu_s=... wall_s=... (medians)`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import shutil
import statistics
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

from agent_app.storage import tables  # noqa: E402
from agent_app.storage.engine import BACKGROUND_CACHE_KIB, open_engine  # noqa: E402
from agent_app.storage.store import LocalStore  # noqa: E402
from agent_app.storage.uow import SqlUnitOfWork  # noqa: E402
from sync import protocol  # noqa: E402
from sync.engine import SyncEngine  # noqa: E402
from tests.bench.sync_seeding import _seed_ops, _server_fields  # noqa: E402


def server_pages(n: int, limit: int) -> list[protocol.PullResponse]:
    """The pull answers a server holding the seeded N changes gives, `limit` a page."""
    when = dt.datetime.now(dt.UTC).replace(microsecond=0)
    changes = [
        protocol.Change(
            entity=op["entity"],
            entity_id=op["entity_id"],
            version=1,
            deleted=False,
            fields=_server_fields(op["entity"], op["fields"], "AGSEED"),
            server_seq=seq,
        )
        for seq, op in enumerate(_seed_ops(n, when.isoformat()), start=1)
    ]
    return [
        protocol.PullResponse(
            changes=changes[start : start + limit],
            next_cursor=f"page-{start // limit + 1}",
            has_more=start + limit < len(changes),
            server_time=when,
        )
        for start in range(0, len(changes), limit)
    ]


class PagesClient:
    """Stands in for `sync.client.SyncClient`: answers the config and the pages built above."""

    def __init__(self, device_id: str, pages: list[protocol.PullResponse]) -> None:
        self.device_id = device_id
        self.pages = pages
        self.cancel_event: threading.Event | None = None
        self.app_version = protocol.installed_app_version()

    def config(self) -> protocol.SyncConfig:
        return protocol.SyncConfig(
            protocol_version=protocol.PROTOCOL_VERSION,
            max_ops_per_batch=1000,
            max_body_bytes=8 * 1024 * 1024,
            server_time=dt.datetime.now(dt.UTC),
        )

    def pull(self, cursor: str | None = None, limit: int = 500) -> protocol.PullResponse:
        index = 0 if cursor is None else int(cursor.removeprefix("page-"))
        return self.pages[index]

    def push(self, body: Any) -> Any:  # pragma: no cover - the outbox is empty
        raise AssertionError("nothing to push")


def apply_once(
    path: Path, pages: list[protocol.PullResponse], limit: int, cache_kib: int
) -> tuple[float, float]:
    engine = open_engine(path, os.urandom(32), cache_kib=cache_kib)
    store = LocalStore(engine, "AGPULL")
    client = PagesClient(store.device_id, pages)
    sync = SyncEngine(client, store, pull_limit=limit)  # type: ignore[arg-type]
    started, cpu = time.perf_counter(), time.process_time()
    report = sync.run_cycle()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    with SqlUnitOfWork(engine) as uow:
        stored = uow.session.query(tables.Business).count()
        stored += uow.session.query(tables.Visit).count()
    engine.dispose()
    expected = sum(len(p.changes) for p in pages)
    if report.pulled != expected or stored != expected:
        raise SystemExit(f"pulled {report.pulled}, stored {stored} of {expected}")
    print(f"  apply run: n={expected} cpu_s={cpu:.2f} wall_s={wall:.2f}", flush=True)
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument(
        "--cache-kib",
        type=int,
        default=BACKGROUND_CACHE_KIB,
        help="the laptop database's page cache (default: the app sync thread's)",
    )
    parser.add_argument("--profile", help="write a cProfile of the first run to this file")
    args = parser.parse_args()
    pages = server_pages(args.n, args.limit)
    # The pages stand for answers still on the wire: kept out of the collector's scans, which
    # would otherwise walk 100,000 objects the real pull never holds at once.
    gc.freeze()
    work = Path(tempfile.mkdtemp(prefix="perisai-bench-pull-apply-"))
    runs = []
    try:
        for rep in range(args.reps):
            path = work / f"laptop-{rep}-{uuid.uuid4().hex[:6]}.db"
            if rep == 0 and args.profile:
                import cProfile

                profile = cProfile.Profile(time.process_time)
                profile.enable()
                runs.append(apply_once(path, pages, args.limit, args.cache_kib))
                profile.disable()
                profile.dump_stats(args.profile)
            else:
                runs.append(apply_once(path, pages, args.limit, args.cache_kib))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cpu, wall = (statistics.median(r[i] for r in runs) for i in range(2))
    print(
        f"pull_apply n={args.n} limit={args.limit} reps={args.reps} cpu_s={cpu:.2f} "
        f"wall_s={wall:.2f} (medians)",
        flush=True,
    )


if __name__ == "__main__":
    main()
