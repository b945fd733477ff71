"""Retention covers employer registrations as it covers enrollments (their workers' NIKs,
names and wages are personal data): accepted and untouched for `ACCEPTED_DAYS`, or deleted on
the server, they leave the laptop with their settled ops and their NIK index; a registration
the server has not confirmed stays."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from agent_app.domain import keys
from agent_app.services import businesses, employers, retention
from agent_app.services.actor import Actor
from agent_app.storage import store as app_store
from agent_app.storage import tables
from agent_app.storage.uow import SqlUnitOfWork
from tests.helpers.employers import registration_fields

ENTITY = keys.EMPLOYER_REGISTRATION


@pytest.fixture(autouse=True)
def pushable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_store, "PUSHABLE", tuple({*app_store.PUSHABLE, ENTITY}))


def _left(engine: Engine) -> tuple[list[str], int, int]:
    with engine.connect() as conn:
        ids = sorted(conn.scalars(sa.select(tables.EmployerRegistration.id)))
        lines = conn.scalar(sa.select(sa.func.count()).select_from(tables.EmployerWorkerNik))
        ops = conn.scalar(sa.select(sa.func.count()).where(tables.OutboxOp.entity == ENTITY))
    return ids, int(lines or 0), int(ops or 0)


def _pulled(op: dict[str, Any], version: int, **changes: Any) -> dict[str, Any]:
    return {
        "entity": ENTITY,
        "entity_id": op["entity_id"],
        "version": version,
        "deleted": False,
        "fields": {**op["fields"], **changes},
        "server_seq": version,
    }


def test_accepted_or_deleted_registrations_leave_unconfirmed_ones_stay(
    engine: Engine, actor: Actor
) -> None:
    uow = SqlUnitOfWork(engine)
    store = app_store.LocalStore(engine)
    shops = [businesses.register_business(uow, actor, {"name": f"Usaha {n}"}).id for n in range(3)]
    accepted, deleted, waiting = (
        str(employers.submit(uow, actor, registration_fields(shop, first=10 * n)))
        for n, shop in enumerate(shops)
    )
    ops = {op["entity_id"]: op for op in store.pending_ops(100) if op["entity"] == ENTITY}
    answered = [ops[accepted], ops[deleted]]  # `waiting`'s op stays unanswered
    store.mark_results(
        [{"op_id": op["op_id"], "status": "applied", "entity_version": 1} for op in answered]
    )
    store.apply_pulled(
        [
            _pulled(ops[accepted], 2, status="accepted", npp="NPP-1"),
            {"entity": ENTITY, "entity_id": deleted, "version": 2, "deleted": True},
        ],
        "c",
    )
    now = dt.datetime.now().astimezone()
    soon = retention.purge(uow, actor.agent_code, now + dt.timedelta(days=1))
    assert (soon.deleted_registrations, soon.accepted_registrations) == (1, 0)
    assert _left(engine)[0] == sorted([accepted, waiting])
    late = now + dt.timedelta(days=retention.ACCEPTED_DAYS + 1)
    purged = retention.purge(uow, actor.agent_code, late)
    assert purged.accepted_registrations == 1
    assert _left(engine) == ([waiting], 3, 1)  # its 3 workers indexed, its op waiting
    with uow:
        details = uow.session.scalar(
            sa.select(tables.AuditEntry.details)
            .where(tables.AuditEntry.action == "retention_purge")
            .order_by(tables.AuditEntry.id.desc())
        )
    assert details["accepted_registrations"] == 1
