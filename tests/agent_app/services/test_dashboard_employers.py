"""The Beranda's `employers` target (issue 17): accepted employer registrations submitted
inside the target's period are its progress, the submitted ones not yet reviewed are shown
beside it, sent-back ones count in neither; an agent's target counts their own, an event's
those of the businesses registered at it."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from agent_app.domain import records
from agent_app.services import businesses, dashboard, employers, zones
from agent_app.services.actor import Actor
from agent_app.storage import tables
from agent_app.storage.uow import SqlUnitOfWork
from tests.helpers.employers import registration_fields


def _set(uow: SqlUnitOfWork, registration_id: uuid.UUID, **values: object) -> None:
    with uow:
        uow.session.execute(
            sa.update(tables.EmployerRegistration)
            .where(tables.EmployerRegistration.id == str(registration_id))
            .values(**values)
        )
        uow.commit()


def test_accepted_count_submitted_shown_beside_sent_back_in_neither(
    uow: SqlUnitOfWork, actor: Actor
) -> None:
    today = zones.today(uow, actor.branch)
    event_id = str(uuid.uuid4())
    period = (today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    with uow:
        for scope, scope_id in (
            ("branch", actor.branch),
            ("agent", actor.agent_code),
            ("event", event_id),
        ):
            uow.targets.upsert(
                records.Target(str(uuid.uuid4()), scope, scope_id, "employers", 10, *period)
            )
        uow.commit()
    made = []
    for n in range(5):
        shop = businesses.register_business(
            uow, actor, {"name": f"Usaha {n}"}, event_id=event_id if n == 0 else None
        )
        made.append(employers.submit(uow, actor, registration_fields(shop.id, first=10 * n)))
    _set(uow, made[0], status="accepted", npp="NPP-1")
    _set(uow, made[1], status="accepted", npp="NPP-2")
    _set(uow, made[2], status="needs_correction")
    # Submitted before the period: counts in neither.
    _set(uow, made[3], recorded_at="2026-01-05T10:00:00+07:00")
    # Another agent's, on this shared laptop: the branch's, not mine.
    _set(uow, made[4], agent_code="AG002")

    summary = dashboard.summary(uow, actor, today)
    progress = {p.target.scope: p for p in summary.targets}
    assert (progress["branch"].achieved, progress["branch"].pending) == (2, 1)
    assert (progress["agent"].achieved, progress["agent"].pending) == (2, 0)
    assert summary.employers_needing_correction == 1  # the one sent back
    at_event = dashboard.summary(uow, actor, today, event_id=event_id)
    event = next(p for p in at_event.targets if p.target.scope == "event")
    assert (event.achieved, event.pending) == (1, 0)
