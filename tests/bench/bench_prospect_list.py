"""Benchmark of an imported prospect list of 10,000 businesses (issue 18, items 3 and 4): the
list's page (`prospects.assigning.list_page`, unfiltered and by district), the bulk assignment
of every business (`assigning.assign` -> `admin.assignments.create_many`), and the export back
to the partner as CSV and XLSX (read to the end), on SQLite and PostgreSQL.

Run:  .venv/bin/python tests/bench/bench_prospect_list.py [--n 10000]
          [--pg-url postgresql+psycopg://...]

A fresh database (SQLite file in a temporary folder; PostgreSQL: a scratch database on the
server of --pg-url or TEST_DATABASE_URL, dropped afterwards) at the head revision. Branch PLG
gets N listed businesses over 20 kecamatan, 5,000 other businesses, 3 visits per listed business
for a third of them and an enrollment for a tenth (bulk inserts). Prints lines
`prospect_bench db=... what=... seconds=... peak_kib=...` (peak: tracemalloc's peak of Python
allocations during a second call; 0: not measured); asserts no timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from helpers.databases import scratch_database  # noqa: E402
from helpers.prospect_lists import imported_list  # noqa: E402

from agent_app.domain import clock  # noqa: E402
from sync.server import admin, config, db, migrate  # noqa: E402
from sync.server.admin import assignments  # noqa: E402
from sync.server.admin.review import Reviewer  # noqa: E402
from sync.server.prospects import assigning, partner_export  # noqa: E402

WHO = Reviewer("S1", "PLG")


def _records(engine: Any, rows: list[dict[str, Any]]) -> None:
    now = db.utcnow()
    values = [
        {
            "entity_id": str(uuid.uuid4()),
            "entity": entity,
            "branch_code": "PLG",
            "owner_code": "A1",
            "version": 1,
            "deleted": False,
            "fields": fields,
            "field_versions": {},
            "server_seq": 0,
            "created_at": now,
            "updated_at": now,
        }
        for entity, fields in ((r.pop("entity"), r) for r in rows)
    ]
    with engine.begin() as conn:
        for start in range(0, len(values), 2000):
            conn.execute(db.table(db.Record).insert(), values[start : start + 2000])


def load(engine: Any, n: int) -> str:
    admin.create_branch(engine, "PLG", "Palembang", "16.71", "Asia/Jakarta")
    settings = config.Settings(database_url="sqlite://", argon2_time_cost=1, argon2_memory_kib=1024)
    admin.create_agent(engine, settings, "A1", "Agen A1", "PLG", "agent", "rahasia-bench-1")
    districts = [f"16.71.{d:02d}" for d in range(1, 21)]
    businesses = [
        {"name": f"Usaha Mitra {i}", "region_code": f"{districts[i % 20]}.1001"} for i in range(n)
    ]
    list_id, ids = imported_list(engine, businesses)
    others = [{"entity": "business", "name": f"Usaha Lain {i}"} for i in range(5000)]
    day = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
    visits = [
        {
            "entity": "visit",
            "business_id": ids[i],
            "visited_at": (day + dt.timedelta(hours=k)).isoformat(),
            "outcome": "interested",
        }
        for i in range(0, n, 3)
        for k in range(3)
    ]
    enrollments = [
        {"entity": "enrollment", "business_id": ids[i], "status": "accepted"}
        for i in range(0, n, 10)
    ]
    _records(engine, others + visits + enrollments)
    return list_id


def measure(label: str, db_name: str, call: Callable[[], Any], memory: bool = True) -> Any:
    """Times `call`, then (`memory`) calls it again under tracemalloc for its peak."""
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    peak = 0
    if memory:
        tracemalloc.start()
        call()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(f"prospect_bench db={db_name} what={label} seconds={seconds:.2f} peak_kib={peak // 1024}")
    return result


def drain(fmt: str, engine: Any, list_id: str) -> int:
    made = partner_export.export(engine, list_id, fmt, WHO, "id")
    try:
        return sum(len(chunk) for chunk in made.body)
    finally:
        made.close()


def run(url: str, db_name: str, n: int) -> None:
    engine = db.make_engine(config.Settings(database_url=url))
    migrate.upgrade(engine)
    start = time.perf_counter()
    list_id = load(engine, n)
    print(f"prospect_bench db={db_name} what=load seconds={time.perf_counter() - start:.1f}")
    everything = assigning.ListFilter()
    measure("page", db_name, lambda: assigning.list_page(engine, list_id, everything, WHO))
    one = assigning.ListFilter(district="16.71.03")
    measure("page_district", db_name, lambda: assigning.list_page(engine, list_id, one, WHO))
    due = (clock.today("Asia/Jakarta") + dt.timedelta(days=3)).isoformat()
    form = assignments.ManyAssignments("A1", "visit", due)
    choice = assigning.Choice("filter")
    done = measure(
        "assign_all", db_name, lambda: assigning.assign(engine, list_id, choice, form, WHO), False
    )
    assert len(done.ids) == n
    for fmt in ("csv", "xlsx"):
        size = measure(f"export_{fmt}", db_name, lambda fmt=fmt: drain(fmt, engine, list_id))
        print(f"prospect_bench db={db_name} what=export_{fmt}_bytes bytes={size}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", "sqlite", args.n)
    if args.pg_url:
        with scratch_database(args.pg_url, "perisai_bench_prospects") as url:
            run(url, "postgres", args.n)


if __name__ == "__main__":
    main()
