"""Employer registrations (PU) stored directly for the server's review and counting tests (a
received time of the test's choosing): a valid registration with any number of workers
(synthetic NIKs) and its business, both stored the way the push stores a laptop's create (a
record row, version 1, the server's received time as `created_at`). Registrations pushed
through the real push come from `employer_support`."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from srv_support import World, business_fields

from agent_app.domain import clock, employer_contributions
from sync.server import db
from tests.helpers.niks import nik, synthetic_nik

EMPLOYER = "employer_registration"


def owner_nik(i: int) -> str:
    return nik(dt.date(1975, 3, 14), False, 1 + i % 9999, district="167104")


def worker(i: int, wage: int = 2_500_000) -> dict[str, Any]:
    female = i % 2 == 1
    return {
        "nik": synthetic_nik(50_000 + i, female),
        "full_name": f"Pekerja Contoh {i + 1}",
        "birth_place": "Palembang",
        "birth_date": "1990-01-01",
        "gender": "F" if female else "M",
        "start_date": "2026-11-01",
        "monthly_wage": wage,
        "jkn": i % 3 != 0,
        "wage_below_minimum_reason": None,
    }


def registration_fields(
    business_id: str, i: int = 0, *, workers: int = 3, month: dt.date | None = None, **changes: Any
) -> dict[str, Any]:
    """A micro food seller, risk group I (proposed), JKK + JKM, `workers` workers at
    Rp2,500,000 to Rp3,600,000; its monthly contribution quoted for `month` (this month)."""
    lines = [worker(1000 * i + n, (2_500_000, 3_000_000, 3_600_000)[n % 3]) for n in range(workers)]
    on = month or clock.today()
    quote = employer_contributions.quote_employer(
        [w["monthly_wage"] for w in lines], "mikro", "I", ["JKK", "JKM"], on
    )
    return {
        "business_id": business_id,
        "nib": "1234567890123",
        "npwp": None,
        "owner_nik": owner_nik(i),
        "owner_name": f"Ibu Pemilik {i}",
        "owner_phone": "+6281234567890",
        "size_class": "mikro",
        "size_basis": "sales",
        "sector": "kuliner",
        "region_code": "16.71.03",
        "risk_group": "I",
        "risk_group_assigned": False,
        "start_date": "2026-12-01",
        "programs": ["JKK", "JKM"],
        "workers": lines,
        "monthly_contribution": quote.total,
        "status": "submitted",
        "consent": {
            "text_version": "2026.1",
            "text_sha256": "ab" * 32,
            "given_at": "2026-12-03T10:00:00+07:00",
            "method": "tick",
            "signature_sha256": None,
        },
        "agent_code": "A1",
        **changes,
    }


def store(
    world: World,
    entity: str,
    fields: dict[str, Any],
    branch: str,
    agent: str,
    received: dt.datetime | None = None,
) -> str:
    """A record as the push stores a create: returns its id."""
    entity_id = str(uuid.uuid4())
    at = received or db.utcnow()
    table = db.table(db.Record)
    with world.engine.begin() as conn:
        seq = conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.server_seq), 0))).scalar()
        conn.execute(
            table.insert().values(
                entity_id=entity_id,
                entity=entity,
                branch_code=branch,
                owner_code=agent,
                version=1,
                deleted=False,
                fields=fields,
                field_versions={},
                server_seq=int(seq or 0) + 1,
                created_at=at,
                updated_at=at,
            )
        )
    return entity_id


def register(
    world: World,
    branch: str = "PLG",
    agent: str = "A1",
    i: int = 0,
    *,
    workers: int = 3,
    received: dt.datetime | None = None,
    name: str = "Pempek Cek Molek",
    **changes: Any,
) -> str:
    """A business and its employer registration, received by the server at `received`."""
    business_id = store(world, "business", business_fields(name), branch, agent, received)
    fields = registration_fields(business_id, i, workers=workers, agent_code=agent, **changes)
    return store(world, EMPLOYER, fields, branch, agent, received)


def record_fields(world: World, entity_id: str) -> dict[str, Any]:
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        found: dict[str, Any] = conn.execute(
            sa.select(table.c.fields).where(table.c.entity_id == entity_id)
        ).scalar_one()
    return found
