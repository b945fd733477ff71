"""Fixtures for report tests: a real key store and SQLCipher database in the app home of the
test (AGENT_APP_HOME), a supervisor and an agent, and seeded records with controlled dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from helpers.niks import FIXTURE_BORN, fixture_nik
from sqlalchemy import Engine

from agent_app import paths
from agent_app.domain import records
from agent_app.domain.keys import Role
from agent_app.security import keyslots
from agent_app.services import businesses, enrollments, visits
from agent_app.services.actor import Actor
from agent_app.storage import tables
from agent_app.storage.engine import open_engine
from agent_app.storage.uow import SqlUnitOfWork

PASSWORD = "rahasia-booth-1"
CHEAP_KDF = keyslots.KdfParams(time_cost=1, memory_cost_kib=1024, parallelism=1)
EVENT_ID = "11111111-2222-4333-8444-555555555555"


@dataclass
class World:
    engine: Engine
    supervisor: Actor
    agent: Actor
    other: Actor
    ids: dict[str, Any] = field(default_factory=dict)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)


def _stamp(day: dt.date, hour: int = 10) -> str:
    return dt.datetime(
        day.year, day.month, day.day, hour, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))
    ).isoformat()


def enrollment_fields(serial: int, name: str, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "nik": fixture_nik(serial),
        "full_name": name,
        "birth_place": "Palembang",
        "birth_date": FIXTURE_BORN,
        "gender": "F",
        "phone": f"0812-3456-{7000 + serial:04d}",
        "email": None,
        "address": "Jl. Merdeka 10",
        "region_code": "16.71.03",
        "occupation": "penjual_makanan",
        "declared_income": 1_000_000,
        "programs": ["JKK", "JKM"],
        "period_months": 1,
        "paid_by_state": False,
        "consent": {"text_version": "2026.1", "given_at": "2027-01-11T09:00:00+07:00"},
    }
    fields.update(changes)
    return fields


def seed(world: World) -> None:
    """Two agents' work over January 2027, partly at an event."""
    agent, other = world.agent, world.other
    uow = world.uow
    with uow() as u:
        u.events.upsert(
            records.Event(
                EVENT_ID,
                "Sumsel Marketing",
                "PLG",
                dt.date(2027, 1, 11),
                dt.date(2027, 1, 20),
                "Palembang Indah Mall",
            )
        )
        u.session.add(tables.Agent(code=agent.agent_code, name=agent.name, branch="PLG"))
        u.commit()
    warung = businesses.register_business(
        uow(),
        agent,
        {
            "name": "Pempek Cek Mar",
            "owner_name": "Mariam",
            "phone": "081277778888",
            "sector": "kuliner",
        },
        event_id=EVENT_ID,
    )
    songket = businesses.register_business(
        uow(), other, {"name": "Songket Zainal", "owner_name": "Zainal", "phone": "081366665555"}
    )
    v1 = visits.record_visit(
        uow(), agent, warung.id, {"outcome": "follow_up", "next_follow_up": dt.date(2027, 1, 12)}
    )
    v2 = visits.record_visit(uow(), other, songket.id, {"outcome": "declined"})
    e1 = enrollments.save_draft(
        uow(), agent, enrollment_fields(1, "Siti Aminah", event_id=EVENT_ID)
    )
    enrollments.submit(uow(), agent, e1.id, today=dt.date(2027, 1, 11))
    e2 = enrollments.save_draft(
        uow(),
        agent,
        enrollment_fields(2, "Rina Wati", programs=["JKK", "JKM", "JHT"], period_months=3),
    )
    enrollments.submit(uow(), agent, e2.id, today=dt.date(2027, 1, 25))
    e3 = enrollments.save_draft(
        uow(), other, enrollment_fields(3, "Dewi Lestari", event_id=EVENT_ID)
    )
    enrollments.submit(uow(), other, e3.id, today=dt.date(2027, 1, 11))
    e4 = enrollments.save_draft(uow(), agent, enrollment_fields(4, "Nur Hasanah"))
    day = dt.date(2027, 1, 11)
    with uow() as u:
        s = u.session
        B, V, E = tables.Business, tables.Visit, tables.Enrollment
        s.execute(sa.update(B).where(B.id == warung.id).values(created_at=_stamp(day)))
        s.execute(sa.update(B).where(B.id == songket.id).values(created_at=_stamp(day, 11)))
        s.execute(
            sa.update(V).where(V.id == v1.id).values(visited_at=_stamp(day, 12), event_id=EVENT_ID)
        )
        s.execute(sa.update(V).where(V.id == v2.id).values(visited_at=_stamp(day, 13)))
        s.execute(sa.update(E).where(E.id == e1.id).values(submitted_at=_stamp(day, 14)))
        s.execute(
            sa.update(E).where(E.id == e2.id).values(submitted_at=_stamp(dt.date(2027, 1, 25), 9))
        )
        s.execute(sa.update(E).where(E.id == e3.id).values(submitted_at=_stamp(day, 15)))
        s.execute(sa.update(E).where(E.id == e4.id).values(created_at=_stamp(day, 16)))
        u.commit()
    world.ids.update(
        warung=warung.id,
        songket=songket.id,
        v1=v1.id,
        v2=v2.id,
        e1=e1.id,
        e2=e2.id,
        e3=e3.id,
        e4=e4.id,
    )


@pytest.fixture
def keystore() -> keyslots.KeyStore:
    return keyslots.KeyStore(paths.keystore_path(), kdf=CHEAP_KDF)


@pytest.fixture
def world(keystore: keyslots.KeyStore) -> Iterator[World]:
    unlocked = keystore.create_first_account(
        "SPV01", "Bu Supervisor", "PLG", "supervisor", PASSWORD
    )
    keystore.add_account(unlocked, "AG001", "Agen Satu", "PLG", "agent", PASSWORD)
    keystore.add_account(unlocked, "AG002", "Agen Dua", "PLG", "agent", PASSWORD)
    engine = open_engine(paths.database_path(), unlocked.key)
    device = "00000000-0000-4000-8000-000000000001"
    w = World(
        engine,
        Actor("SPV01", "Bu Supervisor", "PLG", Role.SUPERVISOR, device),
        Actor("AG001", "Agen Satu", "PLG", Role.AGENT, device),
        Actor("AG002", "Agen Dua", "PLG", Role.AGENT, device),
    )
    seed(w)
    yield w
    engine.dispose()


@pytest.fixture(autouse=True)
def _widgets_application(qapp: Any) -> Any:
    """Every report test runs with pytest-qt's QApplication. Printing makes a bare
    QGuiApplication when no Qt application exists, and a widget test that runs after it in the
    same process (xdist puts any test on any worker) aborts Python."""
    return qapp
