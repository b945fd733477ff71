"""The follow-up list: businesses whose latest visit asked to come back by a given day and that
have neither enrolled nor declined."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from agent_app.domain.filters import BusinessFilter
from agent_app.services.actor import Actor
from agent_app.storage.uow import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class FollowUp:
    business_id: str
    name: str
    owner_name: str | None
    phone: str | None
    status: str
    next_follow_up: dt.date
    last_visit_at: str | None
    last_outcome: str | None


def due(
    uow: SqlUnitOfWork, actor: Actor, on: dt.date, event_id: str | None = None, limit: int = 1000
) -> list[FollowUp]:
    """Businesses due for a follow-up on or before `on`, the most overdue first.

    Every agent of the branch sees the branch's businesses (they are pulled for the branch).
    """
    flt = BusinessFilter(follow_up_due_on=on, event_id=event_id)
    with uow:
        found = uow.businesses.search(flt, limit=limit)
    return [
        FollowUp(
            r.id,
            r.name,
            r.owner_name,
            r.phone,
            r.status,
            r.next_follow_up,  # type: ignore[arg-type]
            r.last_visit_at,
            r.last_outcome,
        )
        for r in found
    ]


def count_due(uow: SqlUnitOfWork, actor: Actor, on: dt.date, event_id: str | None = None) -> int:
    with uow:
        return uow.businesses.count(BusinessFilter(follow_up_due_on=on, event_id=event_id))
