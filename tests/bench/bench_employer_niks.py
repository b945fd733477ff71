"""Benchmark of the laptop's NIK check for employer registrations (issue 17): the form flags a
worker already active here, and submit refuses one, for up to 200 workers at once.

Run:  .venv/bin/python tests/bench/bench_employer_niks.py [--registrations 50] [--workers 200]

Fills an encrypted database with `registrations` registrations of `workers` workers each, then
times `employers.local_nik_conflicts` for a new registration's 200 NIKs through the worker-NIK
index (`employer_workers`), the same question answered by scanning the registrations' JSON
(`json_each`, what the index replaces), and the submit of a 200-worker registration. Prints one
line per measure: `name median_ms=... max_ms=...`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agent_app.domain import keys
from agent_app.services import businesses, employers
from agent_app.services.actor import Actor
from agent_app.storage.engine import open_engine
from agent_app.storage.uow import SqlUnitOfWork
from tests.helpers.employers import registration_fields

ACTOR = Actor("AG001", "Agen Uji", "PLG", keys.Role.AGENT, "00000000-0000-4000-8000-000000000001")


def _timed(name: str, repeat: int, work: Callable[[int], Any]) -> None:
    seconds = []
    for run in range(repeat):
        started = time.perf_counter()
        work(run)
        seconds.append(time.perf_counter() - started)
    print(
        f"{name} median_ms={statistics.median(seconds) * 1000:.1f} max_ms={max(seconds) * 1000:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrations", type=int, default=50)
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(Path(folder) / "bench.db", bytes(range(32)))
        uow = SqlUnitOfWork(engine)
        wages = tuple(3_000_000 + i for i in range(args.workers))
        started = time.perf_counter()
        for n in range(args.registrations):
            shop = businesses.register_business(uow, ACTOR, {"name": f"Usaha {n}"}).id
            employers.submit(uow, ACTOR, registration_fields(shop, wages, first=n * args.workers))
        filled = time.perf_counter() - started
        print(
            f"filled registrations={args.registrations} workers={args.workers} "
            f"submit_median_ms={filled / args.registrations * 1000:.1f}"
        )
        first = args.registrations * args.workers
        new = registration_fields("x", wages, first=first)
        # Half the NIKs active already (a re-typed registration), half new.
        niks = [w["nik"] for w in registration_fields("x", wages, first=first // 2)["workers"]]
        _timed(
            "local_nik_conflicts_index",
            args.repeat,
            lambda _run: employers.local_nik_conflicts(uow, ACTOR, niks),
        )
        scan = sa.text(
            "SELECT json_extract(w.value, '$.nik') FROM employer_registrations r, "
            "json_each(r.workers) w WHERE r.deleted = 0 AND r.status IN "
            "('submitted', 'accepted', 'needs_correction') "
            "AND json_extract(w.value, '$.nik') IN (SELECT value FROM json_each(:niks))"
        )

        def json_scan(_run: int) -> None:
            with uow:
                uow.session.execute(scan, {"niks": json.dumps(niks)}).all()

        _timed("local_nik_conflicts_json_scan", args.repeat, json_scan)
        shop = businesses.register_business(uow, ACTOR, {"name": "Baru"}).id
        new["business_id"] = shop
        _timed(
            "submit_200_workers",
            1,
            lambda _run: employers.submit(uow, ACTOR, new),
        )
        engine.dispose()


if __name__ == "__main__":
    main()
