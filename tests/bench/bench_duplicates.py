"""Benchmark of the duplicate check a new business runs before saving (issue 18): an encrypted
database with 20,000 businesses (70 % in one of 20 districts, the rest without a region), then
the time `business_duplicates.likely_duplicates` takes for names typed with and without a
district, a known phone and a known NIB, and how many rows SQL handed to the domain.

Run:  .venv/bin/python tests/bench/bench_duplicates.py [--rows 20000] [--runs 30]

No goal is asserted: it runs off the UI thread while the agent reads the form; under 100 ms
keeps the "Save" answer immediate.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agent_app.domain import identity
from agent_app.services import business_duplicates
from agent_app.storage.engine import open_engine
from agent_app.storage.uow import SqlUnitOfWork
from devtools.seed import fill

CASES: list[tuple[str, dict[str, Any]]] = [
    ("name, district", {"name": "Pempek Cek Molek", "region_code": "16.71.03"}),
    ("name, no district", {"name": "Pempek Cek Molek"}),
    ("common words, district", {"name": "Warung Makan Bu Sri", "region_code": "16.71.07"}),
    ("common words, none", {"name": "Warung Makan Bu Sri"}),
    ("phone", {"name": "Toko Baru", "phone": None}),
    ("nib", {"name": "Toko Baru", "nib": "1671030000042"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-duplicates-"))
    engine = open_engine(folder / "bench.db", os.urandom(32))
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    seconds = fill(engine, args.rows, random.Random(20261206))
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE businesses SET region_code = CASE WHEN pk % 10 < 7 "
            "THEN printf('16.71.%02d', pk % 20 + 1) END, "
            "nib = CASE WHEN pk = 42 THEN '1671030000042' END"
        )
        phone = conn.exec_driver_sql("SELECT phone FROM businesses WHERE pk = 7").scalar()
    print(f"fill: {args.rows:,} businesses in {seconds:.1f} s")
    uow = SqlUnitOfWork(engine)
    for label, fields in CASES:
        if "phone" in fields:
            fields = {**fields, "phone": "0" + str(phone)[3:]}
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            found = business_duplicates.likely_duplicates(uow, fields)
            times.append((time.perf_counter() - start) * 1000)
        with uow:
            narrowed = uow.businesses.duplicate_candidates(
                nib=fields.get("nib"),
                phones=business_duplicates._phones(fields.get("phone")),
                district=identity.district_of(fields.get("region_code")),
                name_words=business_duplicates.name_words(fields["name"]),
            )
        print(
            f"{label:<24} median {statistics.median(times):7.1f} ms, "
            f"worst {max(times):7.1f} ms; {len(narrowed):>6} rows from SQL, "
            f"{len(found)} candidates"
        )
    engine.dispose()


if __name__ == "__main__":
    main()
