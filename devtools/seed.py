"""The one seeder of the developer tools: the demo database (screenshots, trying the app, the
UI integration tests) and the benchmarks' bulk fill.

The demo: Palembang businesses, a "Sumsel Marketing" booth event at Palembang Indah Mall,
visits, enrollments (two sent back for correction), targets, three assignments, and two
answers of the server on the Sync page. Records go through the services, as the app would
make them; the event, targets and assignments (which a laptop only ever pulls from the
server), the backdating of history and the server's answers are written directly. Every
name, phone number and NIK is synthetic (devtools/synthetic.py). No Qt here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from agent_app.domain import keys, records
from agent_app.services import businesses, enrollments, visits
from agent_app.services.actor import Actor
from agent_app.storage import tables
from agent_app.storage.uow import SqlUnitOfWork
from devtools.synthetic import (
    BULK_FIRST,
    BULK_THIRD,
    CALLS,
    DISTRICTS,
    FAMILY,
    PEOPLE,
    REASONS,
    SECTORS,
    STATUSES,
    STREETS,
    business_fields,
    synthetic_nik,
)

PASSWORD = "demo-perisai"
AGENT = ("PLG-0123", "Siti Aminah", "PLG", "agent")
SECOND_AGENT = ("PLG-0456", "Budi Santoso", "PLG", "agent")
EVENT_ID = "5a0e6c52-3f1b-4d7e-9a77-2f3c1d0b9e01"
OCCUPATIONS = [
    "penjual_makanan",
    "pedagang",
    "pengrajin",
    "pengemudi",
    "penjahit",
    "nelayan",
    "buruh_harian",
]

UnitOfWork = Callable[[], SqlUnitOfWork]


def seed(engine: Any, today: dt.date, businesses_count: int = 240, seed_value: int = 7) -> None:
    """Fills an opened (empty) database with the demo data."""
    rng = random.Random(seed_value)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine)

    _events_and_targets(uow, today)
    actors = [Actor(*AGENT[:3]), Actor(*SECOND_AGENT[:3])]
    created: list[records.Business] = []
    for n in range(businesses_count):
        actor = actors[n % 5 == 0]
        event = EVENT_ID if n % 3 == 0 else None
        created.append(
            businesses.register_business(uow(), actor, business_fields(rng, n), event_id=event)
        )
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    _record_visits(uow, rng, actors, created[:160], now, today)
    submitted_ids = _enroll_workers(uow, rng, actors, now, today)
    _send_back(uow, submitted_ids)
    _backdate(engine, now)
    _sync_problems(engine, submitted_ids[10])
    _assignments(uow, created, today)


def _events_and_targets(uow: UnitOfWork, today: dt.date) -> None:
    """The booth event (now) and an earlier one, and this branch's targets (pulled data)."""
    with uow() as work:
        work.events.upsert(
            records.Event(
                id=EVENT_ID,
                name="Sumsel Marketing",
                branch="PLG",
                starts_on=today - dt.timedelta(days=2),
                ends_on=today + dt.timedelta(days=9),
                venue="Atrium Palembang Indah Mall",
            ),
            version=1,
        )
        work.events.upsert(
            records.Event(
                id="5a0e6c52-3f1b-4d7e-9a77-2f3c1d0b9e02",
                name="Pasar 16 Ilir Sadar Jaminan",
                branch="PLG",
                starts_on=today - dt.timedelta(days=40),
                ends_on=today - dt.timedelta(days=38),
                venue="Pasar 16 Ilir",
            ),
            version=1,
        )
        start, end = today - dt.timedelta(days=2), today + dt.timedelta(days=9)
        for n, (scope, scope_id, metric, goal) in enumerate(
            [
                ("event", EVENT_ID, "employers", 1441),
                ("event", EVENT_ID, "enrollments", 120),
                ("agent", AGENT[0], "visits", 60),
                ("branch", "PLG", "businesses", 400),
            ]
        ):
            work.targets.upsert(
                records.Target(
                    f"7b1d0c3e-0000-4000-8000-00000000000{n}",
                    scope,
                    scope_id,
                    metric,
                    goal,
                    start,
                    end,
                ),
                version=1,
            )
        work.commit()


def _assignments(uow: UnitOfWork, created: list[records.Business], today: dt.date) -> None:
    """Three businesses the supervisor gave Siti (pulled data): one overdue, one due today."""
    given = [
        (1, "follow_up", -1, "Tanyakan lagi jumlah pekerja yang mau didaftarkan"),
        (2, "enroll", 0, "Pemilik minta didaftarkan bersama dua pekerjanya"),
        (3, "visit", 4, None),
    ]
    with uow() as work:
        for n, kind, days, note in given:
            due = today + dt.timedelta(days=days)
            entity_id = f"9c2f4e1a-0000-4000-8000-00000000000{n}"
            found = records.Assignment(entity_id, created[n].id, AGENT[0], kind, due, note, "open")
            work.assignments.upsert(dataclasses.replace(found, version=1))
        work.commit()


def _record_visits(
    uow: UnitOfWork,
    rng: random.Random,
    actors: list[Actor],
    visited: list[records.Business],
    now: dt.datetime,
    today: dt.date,
) -> None:
    """One to twenty visits each, most on earlier days."""
    for n, business in enumerate(visited):
        for k in range(1 + (n % 3 == 0) + (n % 11 == 0) * 18):
            outcome = rng.choice(
                ["interested", "follow_up", "follow_up", "declined", "enrolled"]
                if k
                else ["interested", "follow_up"]
            )
            days_ago = 0 if n < 14 and k == 0 else rng.randrange(1, 40)
            when = now - dt.timedelta(days=days_ago, hours=rng.randrange(0, 6))
            follow = today + dt.timedelta(days=rng.randrange(-5, 10))
            visits.record_visit(
                uow(),
                actors[n % 5 == 0],
                business.id,
                {
                    "visited_at": when.isoformat(),
                    "channel": rng.choice(["door_to_door", "booth", "phone"]),
                    "outcome": outcome,
                    "reason": rng.choice(REASONS) if outcome != "enrolled" else None,
                    "notes": rng.choice(
                        [
                            None,
                            "Pemilik ramah, usaha ramai sore hari",
                            "Pekerja 3 orang, semua belum terdaftar",
                            "Minta dijelaskan beda JHT dan JKM",
                        ]
                    ),
                    "next_follow_up": follow.isoformat() if outcome == "follow_up" else None,
                    "event_id": EVENT_ID if n % 3 == 0 else None,
                },
            )


def _enroll_workers(
    uow: UnitOfWork, rng: random.Random, actors: list[Actor], now: dt.datetime, today: dt.date
) -> list[str]:
    """48 enrollments: 46 submitted (their ids returned), two drafts."""
    submitted_ids = []
    for n in range(48):
        female = n % 2 == 0
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(0, 12000))
        district = rng.choice(DISTRICTS)
        fields = {
            "nik": synthetic_nik(rng, birth, female, district),
            "full_name": f"{rng.choice(PEOPLE)} {rng.choice(FAMILY)}",
            "birth_place": "Palembang",
            "birth_date": birth.isoformat(),
            "gender": "F" if female else "M",
            "phone": f"+62813{rng.randrange(10**7, 10**8)}",
            "address": f"{rng.choice(STREETS)} No. {rng.randrange(1, 200)}",
            "region_code": district,
            "occupation": rng.choice(OCCUPATIONS),
            "declared_income": rng.choice([1_000_000, 1_500_000, 2_000_000, 2_500_000]),
            "programs": ["JKK", "JKM", "JHT"] if n % 3 == 0 else ["JKK", "JKM"],
            "period_months": rng.choice([1, 1, 3, 6, 12]),
            "event_id": EVENT_ID if n % 2 == 0 else None,
            "consent": {"text_version": "persetujuan-bpu-2026.1", "given_at": now.isoformat()},
        }
        actor = actors[n % 6 == 0]
        draft = enrollments.save_draft(uow(), actor, fields)
        if n >= 46:
            continue
        enrollments.submit(uow(), actor, draft.id, today=today)
        submitted_ids.append(draft.id)
    return submitted_ids


def _send_back(uow: UnitOfWork, submitted_ids: list[str]) -> None:
    """Two submitted enrollments the supervisor sent back for correction (a pulled decision)."""
    with uow() as work:
        for enrollment_id, reason in (
            (submitted_ids[3], "Nama tidak sesuai KTP; foto KTP buram."),
            (submitted_ids[7], "Nomor HP tidak aktif, mohon konfirmasi ulang."),
        ):
            old = work.enrollments.get(enrollment_id)
            assert old is not None
            work.enrollments.update(
                dataclasses.replace(
                    old,
                    status=keys.EnrollmentStatus.NEEDS_CORRECTION,
                    review_reason=reason,
                    version=1,
                ),
                sync_state="synced",
            )
        work.commit()


def _backdate(engine: Any, now: dt.datetime) -> None:
    """History: most records were made on earlier days."""
    with engine.begin() as conn:
        for table in (tables.Business, tables.Enrollment):
            for n, row_id in enumerate(conn.scalars(sa.select(table.id)).all()):
                if n % 4 == 0:
                    continue
                back = now - dt.timedelta(days=n % 3, hours=n % 5)
                values: dict[str, Any] = {"created_at": back.isoformat()}
                if table is tables.Enrollment:
                    # the consent is given while the form is typed, just before the submit:
                    # backdating only the submission dated the receipt before its consent
                    consent = conn.scalar(sa.select(table.consent).where(table.id == row_id))
                    values["submitted_at"] = back.isoformat()
                    given = back - dt.timedelta(minutes=3)
                    values["consent"] = {**consent, "given_at": given.isoformat()}
                conn.execute(sa.update(table).where(table.id == row_id).values(**values))


def _sync_problems(engine: Any, enrollment_id: str) -> None:
    """Two answers of the server to show on the Sync page: a conflict on an enrollment the
    supervisor corrected meanwhile (the phone), and a business the server refused (an event
    it does not know)."""
    t = tables.OutboxOp
    with engine.begin() as conn:
        op = conn.execute(
            sa.select(t).where(t.entity_id == enrollment_id).order_by(t.op_seq.desc()).limit(1)
        ).one()
        current = {**op.fields, "phone": "+6281373112090", "status": "needs_correction"}
        message = "Someone else changed phone since version 1."
        conn.execute(
            sa.update(t)
            .where(t.op_seq == op.op_seq)
            .values(
                status="conflict",
                error_code="field_changed",
                error_message=message,
                result={
                    "status": "conflict",
                    "error": {"code": "field_changed", "field": "phone", "message": message},
                    "current": current,
                    "entity_version": 2,
                },
            )
        )
        conn.execute(
            sa.update(tables.Enrollment)
            .where(tables.Enrollment.id == enrollment_id)
            .values(sync_state="conflict")
        )
        business_op = conn.execute(
            sa.select(t).where(t.entity == "business").order_by(t.op_seq.desc()).limit(1)
        ).one()
        refused = "The server has no such event."
        conn.execute(
            sa.update(t)
            .where(t.op_seq == business_op.op_seq)
            .values(
                status="rejected",
                error_code="unknown_reference",
                error_message=refused,
                result={
                    "status": "rejected",
                    "error": {"code": "unknown_reference", "field": "event_id", "message": refused},
                },
            )
        )
        conn.execute(
            sa.update(tables.Business)
            .where(tables.Business.id == business_op.entity_id)
            .values(sync_state="rejected")
        )


def fill(engine: sa.Engine, rows: int, rng: random.Random) -> float:
    """Bulk rows for the benchmarks (tests/bench): `rows` synced businesses and as many
    accepted enrollments, written straight into the tables; returns the seconds it took."""
    stamp = "2026-11-20T09:00:00+07:00"
    start = time.perf_counter()
    business_rows = _bulk_businesses(rng, rows, stamp)
    enrollment_rows = _bulk_enrollments(rng, rows, stamp)
    with engine.begin() as conn:
        conn.execute(sa.insert(tables.Business), business_rows)
        conn.execute(sa.insert(tables.Enrollment), enrollment_rows)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return time.perf_counter() - start


def _bulk_businesses(rng: random.Random, rows: int, stamp: str) -> list[dict[str, Any]]:
    business_rows: list[dict[str, Any]] = []
    for n in range(rows):
        name = f"{rng.choice(BULK_FIRST)} {rng.choice(CALLS)} {rng.choice(BULK_THIRD)} {n}"
        business_rows.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "name": name,
                "owner_name": f"{rng.choice(PEOPLE)} {rng.choice(FAMILY)}",
                "phone": f"+62812{rng.randrange(10**7, 10**8)}",
                "sector": rng.choice(SECTORS),
                "size_class": "mikro",
                "workers_count": rng.randrange(0, 20),
                "status": rng.choice(STATUSES),
                "registered_by": "AG001",
                "version": 1,
                "sync_state": "synced",
                "created_at": stamp,
                "updated_at": stamp,
                "deleted": False,
                "next_follow_up": dt.date(2026, 11, 1) + dt.timedelta(days=rng.randrange(60)),
            }
        )
    return business_rows


def _bulk_enrollments(rng: random.Random, rows: int, stamp: str) -> list[dict[str, Any]]:
    enrollment_rows: list[dict[str, Any]] = []
    for n in range(rows):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=n % 15000)
        day = birth.day + (40 if n % 2 else 0)
        nik = f"167103{day:02d}{birth:%m%y}{(n // 15000) + 1:04d}"
        enrollment_rows.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "nik": nik,
                "full_name": f"{rng.choice(PEOPLE)} {rng.choice(FAMILY)} {n}",
                "birth_date": birth,
                "gender": "F" if n % 2 else "M",
                "phone": f"+62813{rng.randrange(10**7, 10**8)}",
                "occupation": "pedagang",
                "declared_income": 1_500_000,
                "programs": ["JKK", "JKM"],
                "period_months": 1,
                "paid_by_state": False,
                "monthly_contribution": 10_900,
                "consent": {"text_version": "2026.1", "given_at": stamp},
                "status": "accepted",
                "agent_code": "AG001",
                "version": 1,
                "sync_state": "synced",
                "created_at": stamp,
                "updated_at": stamp,
                "submitted_at": stamp,
                "deleted": False,
            }
        )
    return enrollment_rows
