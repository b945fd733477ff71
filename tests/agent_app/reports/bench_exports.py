"""Times the exports and the daily summary on a large encrypted database (not a test).

    .venv/bin/python tests/agent_app/reports/bench_exports.py [--rows 20000]

Fills a temporary SQLCipher database with N submitted enrollments (bulk insert), then times a
masked and an unmasked export of all of them to CSV and XLSX, and one daily summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from agent_app.domain.keys import Role
from agent_app.reports import exports
from agent_app.services import daily_summary as daily
from agent_app.services.actor import Actor
from agent_app.storage import tables
from agent_app.storage.engine import open_engine
from agent_app.storage.uow import SqlUnitOfWork


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    rows = parser.parse_args().rows
    supervisor = Actor("SPV01", "Supervisor", "PLG", Role.SUPERVISOR, "d")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = open_engine(folder / "bench.db", secrets.token_bytes(32))
        stamp = "2027-01-11T10:00:00+07:00"
        values = [
            {
                "id": str(uuid.uuid4()),
                "nik": f"167103450999{i % 9999 + 1:04d}",
                "full_name": f"Peserta Nomor {i}",
                "birth_date": dt.date(1999, 9, 5),
                "gender": "F",
                "phone": "+6281234567890",
                "address": "Jl. Merdeka 10",
                "occupation": "pedagang",
                "declared_income": 1_000_000,
                "programs": ["JKK", "JKM"],
                "period_months": 1,
                "paid_by_state": False,
                "monthly_contribution": 16_800,
                "status": "submitted",
                "agent_code": f"AG{i % 20:03d}",
                "created_at": stamp,
                "updated_at": stamp,
                "submitted_at": stamp,
                "sync_state": "pending",
            }
            for i in range(rows)
        ]
        with engine.begin() as conn:
            conn.execute(sa.insert(tables.Enrollment), values)
        request = dict(start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 31))
        for fmt in exports.Format:
            for unmasked in (False, True):
                started = time.perf_counter()
                result = exports.export(
                    SqlUnitOfWork(engine),
                    supervisor,
                    exports.ExportRequest(
                        exports.Kind.ENROLLMENTS, format=fmt, unmasked=unmasked, **request
                    ),
                    folder / f"out.{fmt}",
                )
                took = time.perf_counter() - started
                size = result.path.stat().st_size / 1e6
                mode = "unmasked" if unmasked else "masked"
                print(f"{rows} enrollments {fmt} {mode}: {took:.2f} s, {size:.1f} MB")
        started = time.perf_counter()
        daily.daily_summary(
            SqlUnitOfWork(engine), supervisor, dt.date(2027, 1, 11), agent_code="AG001"
        )
        print(
            f"daily summary of one agent ({rows // 20} enrollments that day): "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
