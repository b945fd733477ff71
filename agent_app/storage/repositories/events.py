"""Events and targets: the branch's reference data pulled from the server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.domain import records
from agent_app.storage import tables
from agent_app.storage.repositories.sql import (
    event_record,
    live,
)


class EventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert(self, event: records.Event, version: int | None = None) -> None:
        row = self.session.get(tables.Event, event.id) or tables.Event(id=event.id)
        row.name, row.venue, row.branch = event.name, event.venue, event.branch
        row.starts_on, row.ends_on = event.starts_on, event.ends_on
        row.version, row.deleted = version, False
        self.session.add(row)
        self.session.flush()

    def get(self, event_id: str) -> records.Event | None:
        row = self.session.get(tables.Event, event_id)
        return None if row is None or row.deleted else event_record(row)

    def list(self, on: dt.date | None = None) -> list[records.Event]:
        """All events, or those running on a day; the latest first."""
        t = tables.Event
        stmt = sa.select(t).where(live(t)).order_by(t.starts_on.desc(), t.name)
        if on is not None:
            stmt = stmt.where(t.starts_on <= on, t.ends_on >= on)
        return [event_record(r) for r in self.session.scalars(stmt)]


class TargetRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert(self, target: records.Target, version: int | None = None) -> None:
        row = self.session.get(tables.Target, target.id) or tables.Target(id=target.id)
        row.scope, row.scope_id, row.metric = target.scope, target.scope_id, target.metric
        row.goal, row.period_start, row.period_end = (
            target.goal,
            target.period_start,
            target.period_end,
        )
        row.version, row.deleted = version, False
        self.session.add(row)
        self.session.flush()

    def for_scopes(
        self, scopes: Iterable[tuple[str, str]], on: dt.date | None = None
    ) -> list[records.Target]:
        """Targets of any of the (scope, scope_id) pairs, optionally covering a day."""
        t = tables.Target
        pairs = [sa.and_(t.scope == s, t.scope_id == i) for s, i in scopes]
        if not pairs:
            return []
        stmt = sa.select(t).where(live(t), sa.or_(*pairs))
        if on is not None:
            stmt = stmt.where(t.period_start <= on, t.period_end >= on)
        stmt = stmt.order_by(t.scope, t.metric, t.id)
        return [
            records.Target(
                r.id, r.scope, r.scope_id, r.metric, r.goal, r.period_start, r.period_end
            )
            for r in self.session.scalars(stmt)
        ]
