"""The reads the reports need that no repository offers; plain rows only.

- `day_activity`: one day of an event (everyone's work there) or of one agent, in the branch's
  zone: visits by outcome, the day's enrollments (for counts and the contributions quoted),
  businesses registered, and the open businesses whose follow-up is due
  (`services.daily_summary`).
- `agent_name`, `submitted_at`: what a receipt names besides the enrollment
  (`services.receipts`).
- `export_records`: the records of an export (`services.exports`), in a period of the
  branch's days and/or of an event, an agent's own or (`agent_code` None) all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.storage import repositories, tables


@dataclass(frozen=True, slots=True)
class DayEnrollment:
    status: str
    programs: list[str] | None
    monthly_contribution: int | None
    declared_income: int | None
    period_months: int | None
    occupation: str | None
    paid_by_state: bool | None
    submitted_at: str | None


@dataclass(frozen=True, slots=True)
class FollowUpDue:
    business_name: str
    due_on: dt.date
    last_outcome: str | None


@dataclass(frozen=True, slots=True)
class DayActivity:
    visits_by_outcome: dict[str, int]
    enrollments: list[DayEnrollment]
    businesses_registered: int
    follow_ups_due: list[FollowUpDue]  # the first `limit`, by date then name
    follow_ups_due_count: int


@dataclass(frozen=True, slots=True)
class _Where:
    visits: list[Any]
    enrollments: list[Any]
    businesses: list[Any]
    follow_ups: list[Any]


def agent_name(session: Session, agent_code: str) -> str:
    """The name of an agent the laptop knows (pulled), else ""."""
    row = session.get(tables.Agent, agent_code)
    return row.name if row is not None else ""


def submitted_at(session: Session, enrollment_id: str) -> str | None:
    """When the enrollment was submitted (its stored ISO stamp), None for a draft."""
    return session.scalar(
        sa.select(tables.Enrollment.submitted_at).where(tables.Enrollment.id == enrollment_id)
    )


def _where(on: dt.date, zone: str, event_id: str | None, agent_code: str | None) -> _Where:
    V, E, B = tables.Visit, tables.Enrollment, tables.Business

    def day(column: object) -> sa.ColumnElement[bool]:
        """The stamp falls on `on` in the branch's zone (a Makassar 23:30 is that day's)."""
        return repositories.on_days(column, on, on, zone)

    where = _Where(
        visits=[V.deleted == sa.false(), day(V.visited_at)],
        enrollments=[
            E.deleted == sa.false(),
            day(sa.func.coalesce(E.submitted_at, E.created_at)),
        ],
        # Registered by an agent: a partner's imported prospects are not the day's work.
        businesses=[B.deleted == sa.false(), day(B.created_at), B.registered_by.is_not(None)],
        follow_ups=[
            B.deleted == sa.false(),
            B.next_follow_up <= on,
            sa.text(tables.OPEN_BUSINESS_SQL),
        ],
    )
    if event_id:
        where.visits.append(V.event_id == event_id)
        where.enrollments.append(E.event_id == event_id)
        where.businesses.append(B.event_id == event_id)
        where.follow_ups.append(B.event_id == event_id)
    else:
        where.visits.append(V.agent_code == agent_code)
        where.enrollments.append(E.agent_code == agent_code)
        where.businesses.append(B.registered_by == agent_code)
        visited = sa.select(V.business_id).where(V.agent_code == agent_code)
        where.follow_ups.append(sa.or_(B.registered_by == agent_code, B.id.in_(visited)))
    return where


def day_activity(
    session: Session,
    on: dt.date,
    zone: str,
    *,
    event_id: str | None,
    agent_code: str | None,
    limit: int,
) -> DayActivity:
    """The day `on` of event `event_id` when given, else of agent `agent_code`."""
    V, E, B = tables.Visit, tables.Enrollment, tables.Business
    where = _where(on, zone, event_id, agent_code)
    outcomes = session.execute(
        sa.select(V.outcome, sa.func.count()).where(*where.visits).group_by(V.outcome)
    ).all()
    enrollments = session.execute(
        sa.select(
            E.status,
            E.programs,
            E.monthly_contribution,
            E.declared_income,
            E.period_months,
            E.occupation,
            E.paid_by_state,
            E.submitted_at,
        ).where(*where.enrollments)
    ).all()
    businesses = session.scalar(sa.select(sa.func.count()).where(*where.businesses))
    follow_count = session.scalar(sa.select(sa.func.count()).where(*where.follow_ups))
    follow_rows = session.execute(
        sa.select(B.name, B.next_follow_up, B.last_outcome)
        .where(*where.follow_ups)
        .order_by(B.next_follow_up, B.name)
        .limit(limit)
    ).all()
    return DayActivity(
        visits_by_outcome={str(outcome): int(n) for outcome, n in outcomes},
        enrollments=[DayEnrollment(*row) for row in enrollments],
        businesses_registered=int(businesses or 0),
        follow_ups_due=[FollowUpDue(*row) for row in follow_rows],
        follow_ups_due_count=int(follow_count or 0),
    )


def _between(column: Any, start: dt.date | None, end: dt.date | None, zone: str) -> list[Any]:
    """The stamp falls on the requested days in the branch's zone (docs/time.md)."""
    if start is None and end is None:
        return []
    low = start or dt.date(1900, 1, 1)
    high = end or dt.date(9998, 12, 31)
    return [repositories.on_days(column, low, high, zone)]


@dataclass(frozen=True, slots=True)
class ExportScope:
    """Which records an export holds: days (inclusive, either end open), event, agent."""

    start: dt.date | None
    end: dt.date | None
    event_id: str | None
    agent_code: str | None  # None: everyone's (a supervisor)
    zone: str


def _businesses(scope: ExportScope) -> sa.Select[Any]:
    b = tables.Business
    created = _between(b.created_at, scope.start, scope.end, scope.zone)
    stmt = sa.select(b).where(b.deleted == sa.false(), *created)
    if scope.event_id:
        stmt = stmt.where(b.event_id == scope.event_id)
    if scope.agent_code:
        stmt = stmt.where(b.registered_by == scope.agent_code)
    return stmt.order_by(b.created_at, b.pk)


def _visits(scope: ExportScope) -> sa.Select[Any]:
    v = tables.Visit
    stmt = (
        sa.select(v, tables.Business.name)
        .join(tables.Business, tables.Business.id == v.business_id, isouter=True)
        .where(v.deleted == sa.false(), *_between(v.visited_at, scope.start, scope.end, scope.zone))
    )
    if scope.event_id:
        stmt = stmt.where(v.event_id == scope.event_id)
    if scope.agent_code:
        stmt = stmt.where(v.agent_code == scope.agent_code)
    return stmt.order_by(v.visited_at, v.id)


def _enrollments(scope: ExportScope) -> sa.Select[Any]:
    e = tables.Enrollment
    day_source = sa.func.coalesce(e.submitted_at, e.created_at)
    days = _between(day_source, scope.start, scope.end, scope.zone)
    stmt = sa.select(e).where(e.deleted == sa.false(), *days)
    if scope.event_id:
        stmt = stmt.where(e.event_id == scope.event_id)
    if scope.agent_code:
        stmt = stmt.where(e.agent_code == scope.agent_code)
    return stmt.order_by(day_source, e.pk)


def export_records(session: Session, kind: str, scope: ExportScope) -> list[Any]:
    """The records of `kind` (businesses, visits, enrollments) in `scope`: table rows, and for
    visits (visit, business name) pairs. Read them inside the unit of work."""
    if kind == "businesses":
        return list(session.execute(_businesses(scope)).scalars().all())
    if kind == "visits":
        return list(session.execute(_visits(scope)).all())
    return list(session.execute(_enrollments(scope)).scalars().all())
