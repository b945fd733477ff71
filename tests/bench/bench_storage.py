"""Benchmark of the local storage: an encrypted database with 100,000 businesses and 100,000
enrollments, then the time to submit one enrollment through the service and to search
businesses by name as a person types.

Run:  .venv/bin/python tests/bench/bench_storage.py [--rows 100000] [--runs 200] [--keep DIR]

Goals (issue 2): submit <= 10 ms, search (first page and count) <= 20 ms, medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


from agent_app.domain.keys import Role
from agent_app.services import businesses, enrollments
from agent_app.services.actor import Actor
from agent_app.storage.engine import open_engine
from agent_app.storage.store import LocalStore
from agent_app.storage.uow import SqlUnitOfWork
from devtools.seed import fill

QUERIES = [
    "p",
    "pe",
    "pem",
    "pemp",
    "pempek",
    "pempek c",
    "pempek cek m",
    "song",
    "songket",
    "toko ber",
    "warung makmur",
    "santoso",
    "siti am",
    "zz",
    "kopi yuk s",
]


def _median_ms(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _writes(uow: SqlUnitOfWork, actor: Actor, today: dt.date, runs: int) -> None:
    """Submit, save a draft, register a business: the writes an agent waits for."""
    drafts = []
    for n in range(runs):
        drafts.append(
            enrollments.save_draft(
                uow,
                actor,
                {
                    "nik": f"167103450999{9000 + n:04d}",
                    "full_name": f"Peserta Uji {n}",
                    "birth_place": "Palembang",
                    "birth_date": dt.date(1999, 9, 5),
                    "gender": "F",
                    "phone": "081234567890",
                    "occupation": "penjual_makanan",
                    "declared_income": 2_000_000,
                    "programs": ["JKK", "JKM", "JHT"],
                    "period_months": 1,
                    "consent": {"text_version": "2026.1", "given_at": "2026-11-21T09:00:00+07:00"},
                },
            ).id
        )
    submit_times = []
    for enrollment_id in drafts:
        start = time.perf_counter()
        enrollments.submit(uow, actor, enrollment_id, today=today)
        submit_times.append((time.perf_counter() - start) * 1000)
    print(
        f"submit enrollment: median {statistics.median(submit_times):.2f} ms, "
        f"p95 {sorted(submit_times)[int(len(submit_times) * 0.95)]:.2f} ms "
        f"over {len(submit_times)} runs"
    )
    draft_ms = _median_ms(
        lambda: enrollments.save_draft(uow, actor, {"full_name": "Draf"}), min(runs, 100)
    )
    print(f"save draft: median {draft_ms:.2f} ms")
    register_ms = _median_ms(
        lambda: businesses.register_business(uow, actor, {"name": "Pempek Baru"}),
        min(runs, 100),
    )
    print(f"register business: median {register_ms:.2f} ms")


def _searches(uow: SqlUnitOfWork, today: dt.date) -> None:
    """Search as you type, the filters, the follow-ups due, a deep page, enrollments."""
    page_all, count_all = [], []
    print(f"{'query':<16}{'hits':>8}{'page ms':>10}{'count ms':>10}")
    for query in QUERIES:
        hits = businesses.count(uow, text=query)
        page = _median_ms(lambda q=query: businesses.search(uow, text=q, limit=100), 15)
        count = _median_ms(lambda q=query: businesses.count(uow, text=q), 15)
        page_all.append(page)
        count_all.append(count)
        print(f"{query!r:<16}{hits:>8}{page:>10.2f}{count:>10.2f}")
    print(
        f"search businesses: median first page {statistics.median(page_all):.2f} ms "
        f"(worst {max(page_all):.2f}), count {statistics.median(count_all):.2f} ms "
        f"(worst {max(count_all):.2f})"
    )
    filtered = _median_ms(
        lambda: businesses.search(uow, text="pempek", status="contacted", sector="kuliner"), 15
    )
    due = _median_ms(lambda: businesses.search(uow, follow_up_due_on=today), 15)
    due_count = _median_ms(lambda: businesses.count(uow, follow_up_due_on=today), 15)
    deep = _median_ms(lambda: businesses.search(uow, offset=50_000, limit=100), 15)
    print(f"search 'pempek' + status + sector: {filtered:.2f} ms")
    print(f"follow-ups due page: {due:.2f} ms, count {due_count:.2f} ms")
    print(f"unfiltered page at offset 50,000: {deep:.2f} ms")
    enr = _median_ms(lambda: enrollments.search(uow, text="siti am"), 15)
    enr_count = _median_ms(lambda: enrollments.count(uow, text="siti am"), 15)
    nik = _median_ms(lambda: enrollments.search(uow, text="16710345"), 15)
    print(
        f"search enrollments 'siti am': page {enr:.2f} ms, count {enr_count:.2f} ms; "
        f"NIK prefix {nik:.2f} ms"
    )


def _sync_store(engine: Any) -> None:
    """The sync store's bookkeeping: hand out 500 pending ops, mark them, apply a pull."""
    store = LocalStore(engine)
    start = time.perf_counter()
    ops = store.pending_ops(500)
    handed = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    store.mark_results(
        [{"op_id": op["op_id"], "status": "applied", "entity_version": 1} for op in ops]
    )
    marked = (time.perf_counter() - start) * 1000
    print(f"sync store: pending_ops({len(ops)}) {handed:.1f} ms, mark_results {marked:.1f} ms")
    changes = [
        {
            "entity": "business",
            "entity_id": str(uuid.uuid4()),
            "version": 1,
            "deleted": False,
            "server_seq": n,
            "fields": {"name": f"Usaha Tarik {n}", "status": "prospect", "sector": "kuliner"},
        }
        for n in range(1000)
    ]
    start = time.perf_counter()
    store.apply_pulled(changes, "bench-cursor")
    pulled = (time.perf_counter() - start) * 1000
    print(f"sync store: apply_pulled(1000 new businesses) {pulled:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="folder for the database (default: a temp one)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-storage-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    key = os.urandom(32)
    rng = random.Random(20261121)

    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    engine = open_engine(path, key)
    seconds = fill(engine, args.rows, rng)
    print(f"fill: {args.rows:,} businesses + {args.rows:,} enrollments in {seconds:.2f} s")
    engine.dispose()
    print(f"file size: {path.stat().st_size / 1e6:.1f} MB")
    start = time.perf_counter()
    engine = open_engine(path, key)
    print(f"open (key + migration check): {(time.perf_counter() - start) * 1000:.1f} ms")

    uow = SqlUnitOfWork(engine)
    start = time.perf_counter()
    businesses.search(uow, text="pempek")
    businesses.count(uow, text="pempek")
    cold = (time.perf_counter() - start) * 1000
    print(f"first search after opening (cold page cache, page + count): {cold:.1f} ms")
    actor = Actor("AG001", "Agen", "PLG", Role.AGENT, str(uuid.uuid4()))
    today = dt.date(2026, 11, 21)
    _writes(uow, actor, today, args.runs)

    _searches(uow, today)

    _sync_store(engine)
    engine.dispose()
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    print(f"file size at the end: {path.stat().st_size / 1e6:.1f} MB ({path})")


if __name__ == "__main__":
    main()
