"""Benchmark of the branch console's reads (issue 13): with 100,000 enrollments in branch PLG,
the review queue's first page and the coverage, median of N runs, on SQLite and PostgreSQL.

Run:  .venv/bin/python tests/bench/bench_console.py [--n 100000] [--runs 30]
          [--pg-url postgresql+psycopg://...] [--without-indexes]

A fresh database (SQLite file in a temporary folder; PostgreSQL: a scratch database on the
server of --pg-url or TEST_DATABASE_URL, dropped afterwards) at the head revision. Branch PLG
gets N enrollments (bulk insert: 30% submitted, 60% accepted, 10% sent back, received over the
last 90 days, 20 agents, a third at the booth event), 10,000 businesses (a third enrolled as
employers) and 30,000 visits; branch LLG 10,000 enrollments; PLG has 46 targets (branch,
event and 40 agent targets over the 90 days). PostgreSQL is vacuumed and analyzed after the
load, as autovacuum would; SQLite is left as the server leaves it (no ANALYZE).

Each figure is the median (and the 90th percentile) over --runs calls after one warm-up:
- `service`: the service function in this process (`review_queue.list_enrollments`,
  `admin.coverage.coverage`): the database time plus Python's;
- `api`: `GET /v1/admin/enrollments` and `GET /v1/admin/coverage` through the ASGI app
  in-process (no network): everything the server does for a request;
- `console`: the pages `/console/review` and `/console/coverage` likewise (templates included).

--without-indexes drops migration 0011's indexes first: the figures before the fix.
Prints lines `console_bench db=... what=... median_ms=... p90_ms=... cpu_median_ms=...
load=...` (load: the machine's 1-minute load average then); asserts no timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import sqlalchemy as sa  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from helpers.databases import scratch_database  # noqa: E402
from helpers.niks import nik_birth_date, synthetic_nik  # noqa: E402

from sync.server import admin, config, db, migrate  # noqa: E402
from sync.server import app as server_app  # noqa: E402
from sync.server.admin import coverage, review, review_queue  # noqa: E402

PASSWORD = "rahasia-bench-console-1"
AGENTS = [f"A{i:02d}" for i in range(20)]
DAYS = 90
INDEXES = ("ix_record_queue", "ix_record_branch_entity_created", "ix_record_branch_entity_occurred")


def settings_for(url: str) -> config.Settings:
    return config.Settings(
        database_url=url,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
        login_rate_per_client=100_000,
        login_rate_per_agent=100_000,
    )


def people(engine: Any, settings: config.Settings) -> str:
    """Branches, accounts, the event and the targets; returns the event's id."""
    admin.create_branch(engine, "PLG", "Palembang", "16.71", "Asia/Jakarta")
    admin.create_branch(engine, "LLG", "Lubuklinggau", "16.73", "Asia/Jakarta")
    admin.create_agent(engine, settings, "S1", "Supervisor", "PLG", "supervisor", PASSWORD)
    for code in AGENTS:
        admin.create_agent(engine, settings, code, f"Agen {code}", "PLG", "agent", PASSWORD)
    today = dt.date.today()
    start, end = str(today - dt.timedelta(days=DAYS - 1)), str(today)
    event = str(uuid.uuid4())
    admin.create_event(engine, "Sumsel Marketing", "PIM", "PLG", start, end, event)
    for metric, goal in (("employers", 1441), ("enrollments", 120_000), ("visits", 40_000)):
        admin.set_target(engine, "branch", "PLG", metric, goal, start, end)
    admin.set_target(engine, "branch", "PLG", "businesses", 12_000, start, end)
    admin.set_target(engine, "event", event, "businesses", 100, start, end)
    admin.set_target(engine, "event", event, "enrollments", 40_000, start, end)
    for code in AGENTS:
        admin.set_target(engine, "agent", code, "enrollments", 5_000, start, end)
        admin.set_target(engine, "agent", code, "visits", 2_000, start, end)
    return event


def enrollment(i: int, status: str, event: str | None) -> dict[str, Any]:
    female = i % 2 == 1
    nik = synthetic_nik(i, female)
    return {
        "nik": nik,
        "full_name": f"Peserta Sintetis {i:06d}",
        "birth_place": "Palembang",
        "birth_date": nik_birth_date(nik),
        "gender": "F" if female else "M",
        "phone": f"+62812{i % 100_000_000:08d}",
        "email": None,
        "address": "Jl. Kolonel Atmo No. 12, RT 03 RW 01, Kelurahan 17 Ilir",
        "region_code": "16.71.03",
        "occupation": "pedagang",
        "declared_income": 2_000_000,
        "programs": ["JKK", "JKM"],
        "period_months": 1,
        "paid_by_state": False,
        "monthly_contribution": 16_800,
        "consent": {"text_version": "2026-01", "given_at": "2026-11-01T10:00:00+07:00"},
        "business_id": None,
        "event_id": event,
        "status": status,
        "agent_code": AGENTS[i % len(AGENTS)],
    }


class Loader:
    """Bulk inserts of records (Core executemany, 5,000 a statement)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.seq = 10_000
        self.rows: list[dict[str, Any]] = []
        self.now = dt.datetime.now(dt.UTC)
        self.rng = random.Random(13)

    def add(self, entity: str, branch: str, owner: str, fields: dict[str, Any]) -> str:
        self.seq += 1
        entity_id = str(uuid.uuid4())
        at = self.now - dt.timedelta(seconds=self.rng.randrange(DAYS * 86_400 - 3_600))
        self.rows.append(
            {
                "entity_id": entity_id,
                "entity": entity,
                "branch_code": branch,
                "owner_code": owner,
                "version": 1,
                "deleted": False,
                "fields": fields,
                "field_versions": {},
                "server_seq": self.seq,
                "created_at": at,
                "updated_at": at,
            }
        )
        if len(self.rows) >= 5_000:
            self.flush()
        return entity_id

    def flush(self) -> None:
        if self.rows:
            with self.engine.begin() as conn:
                conn.execute(db.table(db.Record).insert(), self.rows)
            self.rows = []


def load(engine: Any, n: int, event: str) -> float:
    started = time.perf_counter()
    loader = Loader(engine)
    statuses = ["submitted"] * 3 + ["accepted"] * 6 + ["needs_correction"]
    for i in range(n):
        fields = enrollment(i, statuses[i % 10], event if i % 3 == 0 else None)
        loader.add("enrollment", "PLG", fields["agent_code"], fields)
    for i in range(10_000):
        fields = enrollment(n + i, statuses[i % 10], None)
        loader.add("enrollment", "LLG", "B01", fields)
    business_ids = []
    for i in range(10_000):
        status = "enrolled" if i % 3 == 0 else "contacted"
        fields = {"name": f"Usaha {i}", "status": status, "region_code": "16.71.03"}
        fields |= {"event_id": event if i % 10 == 0 else None, "registered_by": AGENTS[i % 20]}
        business_ids.append(loader.add("business", "PLG", AGENTS[i % 20], fields))
    for i in range(30_000):
        when = loader.now - dt.timedelta(minutes=loader.rng.randrange(DAYS * 1440 - 60))
        fields = {
            "business_id": business_ids[i % len(business_ids)],
            "visited_at": when.astimezone(dt.timezone(dt.timedelta(hours=7))).isoformat(),
            "channel": "door_to_door",
            "outcome": "interested",
            "agent_code": AGENTS[i % 20],
        }
        loader.add("visit", "PLG", AGENTS[i % 20], fields)
    loader.flush()
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE seq_counter SET value = :v"), {"v": loader.seq})
    return time.perf_counter() - started


def timed(call: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    """Median and 90th percentile of the wall time, and the median CPU time of this process
    (on a shared machine the CPU time is what the code cost; SQLite runs in this process)."""
    call()  # warm-up: caches, prepared statements
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    times.sort()
    return (
        statistics.median(times),
        times[max(0, int(len(times) * 0.9) - 1)],
        statistics.median(cpu),
    )


def console_client(app: Any) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    page = client.get("/console/sign-in")
    token = re.search(r'name="sign_in_token" value="([^"]+)"', page.text)
    assert token, page.text
    answer = client.post(
        "/console/sign-in",
        data={"agent_code": "S1", "password": PASSWORD, "sign_in_token": token.group(1)},
    )
    assert answer.status_code == 303, answer.text
    return client


def measure(name: str, url: str, n: int, runs: int, without_indexes: bool) -> None:
    settings = settings_for(url)
    engine = db.make_engine(settings)
    migrate.upgrade(engine)
    event = people(engine, settings)
    seconds = load(engine, n, event)
    print(f"console_bench db={name} loaded enrollments={n} seconds={seconds:.1f}", flush=True)
    with engine.begin() as conn:
        if without_indexes:
            for index in INDEXES:
                conn.execute(sa.text(f"DROP INDEX {index}"))
    if engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE record"))
    who = review.Reviewer("S1", "PLG")
    app = server_app.create_app(settings)
    api = TestClient(app)
    login = api.post(
        "/v1/auth/login",
        json={
            "agent_code": "S1",
            "password": PASSWORD,
            "device_id": str(uuid.uuid4()),
            "device_name": "Bench",
        },
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    browser = console_client(app)
    first = review_queue.list_enrollments(engine, review_queue.QueueFilter(), who, None, 50)
    lines = coverage.coverage(engine, coverage.CoverageFilter(), who)
    assert len(first.items) == 50 and len(lines) == 46, (len(first.items), len(lines))

    def check(path: str, client: TestClient, **kwargs: Any) -> Callable[[], Any]:
        def call() -> None:
            answer = client.get(path, **kwargs)
            assert answer.status_code == 200, (path, answer.status_code)

        return call

    cases: list[tuple[str, Callable[[], Any]]] = [
        (
            "queue_first_page_service",
            lambda: review_queue.list_enrollments(
                engine, review_queue.QueueFilter(), who, None, 50
            ),
        ),
        (
            "queue_sent_back_first_page_service",
            lambda: review_queue.list_enrollments(
                engine, review_queue.QueueFilter("needs_correction"), who, None, 50
            ),
        ),
        ("queue_first_page_api", check("/v1/admin/enrollments", api, headers=headers)),
        ("queue_first_page_console", check("/console/review", browser)),
        (
            "coverage_service",
            lambda: coverage.coverage(engine, coverage.CoverageFilter(), who),
        ),
        ("coverage_api", check("/v1/admin/coverage", api, headers=headers)),
        ("coverage_console", check("/console/coverage", browser)),
    ]
    for what, call in cases:
        median, p90, cpu = timed(call, runs)
        print(
            f"console_bench db={name} what={what} runs={runs} "
            f"median_ms={median:.1f} p90_ms={p90:.1f} cpu_median_ms={cpu:.1f} "
            f"load={os.getloadavg()[0]:.1f}" + (" indexes=dropped" if without_indexes else ""),
            flush=True,
        )
    api.close()
    browser.close()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--without-indexes", action="store_true")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.sqlite3"
            measure("sqlite", url, args.n, args.runs, args.without_indexes)
    if args.only != "sqlite":
        if not args.pg_url:
            print("console_bench db=postgresql skipped (no --pg-url or TEST_DATABASE_URL)")
            return
        with scratch_database(args.pg_url, "bench_console") as url:
            measure("postgresql", url, args.n, args.runs, args.without_indexes)


if __name__ == "__main__":
    main()
