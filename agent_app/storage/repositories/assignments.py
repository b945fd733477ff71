"""Assignments pulled from the server: the agent's open (and done) ones with their business's
name, due soonest first; a cancelled or deleted one is dropped."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.domain import records
from agent_app.storage import tables


def _record(
    row: tables.Assignment, business_name: str | None, partner_source: str | None = None
) -> records.Assignment:
    return records.Assignment(
        id=row.id,
        business_id=row.business_id,
        agent_code=row.agent_code,
        kind=row.kind,
        due_on=row.due_on,
        note=row.note,
        status=row.status,
        version=row.version,
        business_name=business_name,
        partner_source=partner_source,
    )


class AssignmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert(self, assignment: records.Assignment) -> None:
        row = self.session.get(tables.Assignment, assignment.id) or tables.Assignment(
            id=assignment.id
        )
        row.business_id, row.agent_code = assignment.business_id, assignment.agent_code
        row.kind, row.due_on, row.note = assignment.kind, assignment.due_on, assignment.note
        row.status, row.version = assignment.status, assignment.version
        self.session.add(row)
        self.session.flush()

    def drop(self, assignment_id: str) -> bool:
        row = self.session.get(tables.Assignment, assignment_id)
        if row is None:
            return False
        self.session.delete(row)
        self.session.flush()
        return True

    def get(self, assignment_id: str) -> records.Assignment | None:
        row = self.session.get(tables.Assignment, assignment_id)
        if row is None:
            return None
        b = tables.Business
        found = self.session.execute(
            sa.select(b.name, b.partner_source).where(b.id == row.business_id)
        ).one_or_none()
        return _record(row, *(found or (None, None)))

    def set_status(self, assignment_id: str, status: str) -> None:
        row = self.session.get(tables.Assignment, assignment_id)
        if row is not None:
            row.status = status
            self.session.flush()

    def for_agent(
        self, agent_code: str, statuses: tuple[str, ...] = ("open",), limit: int = 1000
    ) -> list[records.Assignment]:
        """The agent's assignments in `statuses`, due soonest first."""
        a, b = tables.Assignment, tables.Business
        stmt = (
            sa.select(a, b.name, b.partner_source)
            .outerjoin(b, b.id == a.business_id)
            .where(a.agent_code == agent_code, a.status.in_(statuses))
            .order_by(a.due_on, a.id)
            .limit(limit)
        )
        return [_record(row, name, source) for row, name, source in self.session.execute(stmt)]

    def count_overdue(self, agent_code: str, today: dt.date) -> int:
        a = tables.Assignment
        stmt = sa.select(sa.func.count()).where(
            a.agent_code == agent_code, a.status == "open", a.due_on < today
        )
        return int(self.session.scalar(stmt) or 0)
