"""The sync benchmark's seeders (tests/bench/bench_sync.py): a laptop database with N submitted
enrollments waiting to be pushed, and a server database holding N changes of branch PLG to
pull (written straight into it: see `seed_server`). Every NIK, name and phone number is
synthetic."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from helpers.niks import nik_birth_date, synthetic_nik

from agent_app.domain import contributions
from agent_app.storage import tables, wire
from agent_app.storage.repositories import now
from agent_app.storage.uow import SqlUnitOfWork

WIB = dt.timezone(dt.timedelta(hours=7))
PASSWORD = "rahasia-bench-sync-1"


def seed_enrollments(uow_factory: Callable[[], SqlUnitOfWork], agent_code: str, n: int) -> None:
    """N submitted enrollments and their create ops, as `enrollments.submit` writes them."""
    today = dt.datetime.now(WIB).replace(microsecond=0)
    monthly = contributions.quote(2_000_000, ["JKK", "JKM"], 1, today.date(), "pedagang")
    stamp = now()
    with uow_factory() as uow:
        for i in range(n):
            female = i % 2 == 1
            nik = synthetic_nik(i, female)
            birth = nik_birth_date(nik)
            fields: dict[str, Any] = {
                "nik": nik,
                "full_name": f"Peserta Uji {i}",
                "birth_place": "Palembang",
                "birth_date": birth,
                "gender": "F" if female else "M",
                "phone": f"+62812{i:08d}",
                "email": None,
                "address": f"Jl. Merdeka No. {i}, Kelurahan 20 Ilir",
                "region_code": "16.71.03",
                "occupation": "pedagang",
                "declared_income": 2_000_000,
                "programs": ["JKK", "JKM"],
                "period_months": 1,
                "paid_by_state": False,
                "monthly_contribution": monthly.monthly_total,
                "consent": {"text_version": "2026.1", "given_at": today.isoformat()},
                "business_id": None,
                "event_id": None,
                "status": "submitted",
            }
            entity_id = str(uuid.uuid4())
            values = wire.from_wire("enrollment", entity_id, fields)
            values["agent_code"] = agent_code
            uow.session.add(
                tables.Enrollment(
                    **values,
                    sync_state="pending",
                    created_at=stamp,
                    updated_at=stamp,
                    submitted_at=stamp,
                )
            )
            uow.outbox.add("enrollment", entity_id, "create", None, fields)
            if i % 1000 == 999:
                uow.session.flush()
        uow.commit()


def _seed_business(i: int) -> dict[str, Any]:
    return {
        "name": f"Usaha Uji {i}",
        "owner_name": f"Pemilik {i}",
        "phone": None,
        "sector": "kuliner",
        "size_class": "mikro",
        "workers_count": 1 + i % 7,
        "address": f"Jl. Sudirman No. {i}, Palembang",
        "region_code": "16.71.03",
        "nib": None,
        "latitude": None,
        "longitude": None,
        "status": "prospect",
        "event_id": None,
    }


def _seed_ops(n: int, when: str) -> list[dict[str, Any]]:
    """N wire ops of branch PLG: four businesses to one visit (of one of them)."""
    ops: list[dict[str, Any]] = []
    seq = 0
    businesses: list[str] = []

    def add(entity: str, entity_id: str, fields: dict[str, Any]) -> None:
        nonlocal seq
        seq += 1
        ops.append(
            {
                "op_id": str(uuid.uuid4()),
                "op_seq": seq,
                "entity": entity,
                "entity_id": entity_id,
                "kind": "create",
                "base_version": None,
                "fields": fields,
                "recorded_at": when,
            }
        )

    for i in range(n):
        if i % 5 == 4:
            add(
                "visit",
                str(uuid.uuid4()),
                {
                    "business_id": businesses[i // 5],
                    "visited_at": when,
                    "channel": "door_to_door",
                    "outcome": "interested",
                    "reason": None,
                    "notes": "Pemilik tertarik, minta brosur JKK dan JKM.",
                    "next_follow_up": None,
                    "event_id": None,
                },
            )
        else:
            business_id = str(uuid.uuid4())
            businesses.append(business_id)
            add(
                "business",
                business_id,
                _seed_business(i),
            )
    return ops


def seed_server(database_url: str, n: int, agent_code: str = "AGSEED") -> None:
    """N changes of branch PLG (four businesses to one visit) written straight into the
    server's database, as a push by `agent_code` would leave them: the same records (the
    push's server-set `registered_by` / `agent_code` added, owner `agent_code`, version 1),
    consecutive `server_seq` in the ops' order with `seq_counter` moved past them, and
    hence the same change feed. Written with the server's own bulk writer
    (`sync.server.admin.common.insert_new_records`) in one transaction, `seq_counter` locked
    first as every writer does. A push would also leave its ledger rows and the suspected
    duplicates among the near-identical names: neither is pulled, and judging each name
    against the district's (issue 18) made the seeding through the push quadratic (30,000
    changes never finished)."""
    from sync.server import config, db
    from sync.server.admin.common import insert_new_records

    when = dt.datetime.now(WIB).replace(microsecond=0).isoformat()
    ops = _seed_ops(n, when)
    settings = config.Settings.from_env({"DATABASE_URL": database_url})
    engine = db.make_engine(settings)
    try:
        with engine.begin() as conn:
            last = conn.execute(
                sa.text("UPDATE seq_counter SET value = value + :n WHERE id = 1 RETURNING value"),
                {"n": len(ops)},
            ).scalar_one()
            first = last - len(ops) + 1
            now = db.utcnow()
            # Runs of one entity (four businesses, then their visit) keep the ops' seq order.
            start = 0
            while start < len(ops):
                entity = ops[start]["entity"]
                end = start
                while end < len(ops) and ops[end]["entity"] == entity:
                    end += 1
                rows = [
                    (op["entity_id"], agent_code, _server_fields(entity, op["fields"], agent_code))
                    for op in ops[start:end]
                ]
                insert_new_records(conn, entity, "PLG", first + start, rows, now)
                start = end
    finally:
        engine.dispose()


def _server_fields(entity: str, fields: dict[str, Any], agent_code: str) -> dict[str, Any]:
    """The fields the push's create stores (`sync.server.push.edits.create`)."""
    if entity == "business":
        return {**fields, "registered_by": agent_code}
    return {**fields, "agent_code": agent_code}
