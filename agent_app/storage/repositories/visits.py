"""Visits: records in and out, per business, counts."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.domain import clock, records
from agent_app.storage import tables, wire
from agent_app.storage.repositories.sql import (
    live,
    now,
    on_days,
)


class VisitRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, visit_id: str) -> records.Visit | None:
        row = self.session.get(tables.Visit, visit_id)
        return None if row is None or row.deleted else wire.visit_from_row(row)

    def add(self, visit: records.Visit, *, sync_state: str | None = "pending") -> None:
        stamp = now()
        self.session.add(
            tables.Visit(
                **wire.record_values(visit),
                sync_state=sync_state,
                created_at=stamp,
                updated_at=stamp,
            )
        )
        self.session.flush()

    def for_business(self, business_id: str, limit: int = 1000) -> list[records.Visit]:
        stmt = (
            sa.select(tables.Visit)
            .where(tables.Visit.business_id == business_id, live(tables.Visit))
            .order_by(tables.Visit.visited_at.desc())
            .limit(limit)
        )
        return [wire.visit_from_row(r) for r in self.session.scalars(stmt)]

    def count_between(
        self,
        start: dt.date,
        end: dt.date,
        *,
        agent_code: str | None = None,
        event_id: str | None = None,
        zone: str = clock.DEFAULT_ZONE,
    ) -> int:
        t = tables.Visit
        where: list[sa.ColumnElement[bool]] = [
            live(t),
            on_days(t.visited_at, start, end, zone),
        ]
        if agent_code:
            where.append(t.agent_code == agent_code)
        if event_id:
            where.append(t.event_id == event_id)
        return int(self.session.scalar(sa.select(sa.func.count()).where(*where)) or 0)
