"""The daily summary of an agent or of a branch event: visits by outcome, enrollments by
status and program, contributions quoted, businesses registered and follow-ups due.

`daily_summary` reads one day (in the branch's zone) through `storage.report_queries`;
`agent_app.reports.daily.summary_html` lays it out. An agent sees their own day or the day of
an event (everyone's work there); a supervisor may also look at any agent's day. Follow-ups
list business names and dates only, no personal data.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from agent_app.domain import clock, contributions, keys, records
from agent_app.domain.messages import Text
from agent_app.errors import KnownError
from agent_app.services import zones
from agent_app.services.actor import Actor
from agent_app.storage import report_queries
from agent_app.storage.report_queries import DayEnrollment, FollowUpDue
from agent_app.storage.uow import SqlUnitOfWork

FOLLOW_UP_LIMIT = 50

__all__ = ["FOLLOW_UP_LIMIT", "DailySummary", "FollowUpDue", "NotYours", "daily_summary"]


class NotYours(KnownError):
    def __init__(self) -> None:
        super().__init__(
            Text.of("An agent can only see their own daily summary."),
            code="not_yours",
        )


@dataclass(frozen=True, slots=True)
class DailySummary:
    on: dt.date
    scope: str  # "agent" or "event"
    agent_code: str | None
    agent_name: str
    event: records.Event | None
    visits_by_outcome: dict[str, int]
    enrollments_by_status: dict[str, int]
    enrollments_by_program: dict[str, int]
    contributions_monthly: int  # the monthly contributions quoted (submitted that day)
    contributions_period: int  # the totals for their payment periods
    businesses_registered: int
    follow_ups_due: tuple[FollowUpDue, ...]
    follow_ups_due_count: int
    generated_at: dt.datetime

    @property
    def visits_total(self) -> int:
        return sum(self.visits_by_outcome.values())

    @property
    def enrollments_total(self) -> int:
        return sum(self.enrollments_by_status.values())

    @property
    def title(self) -> str:
        if self.scope == "event" and self.event is not None:
            return f"Acara {self.event.name}"
        name = f"{self.agent_name} ({self.agent_code})" if self.agent_name else self.agent_code
        return f"Agen {name}"


@dataclass(frozen=True, slots=True)
class _Money:
    monthly: int
    period: int


def _period_total(row: DayEnrollment, on: dt.date, zone: str) -> int:
    """What the enrollment quotes for its whole payment period, from the day it was sent."""
    monthly = int(row.monthly_contribution or 0)
    try:
        start = (
            clock.local_date(dt.datetime.fromisoformat(row.submitted_at), zone)
            if row.submitted_at
            else on
        )
        return contributions.quote(
            row.declared_income,  # type: ignore[arg-type]  # a bad row falls back below
            row.programs,  # type: ignore[arg-type]
            row.period_months,  # type: ignore[arg-type]
            start,
            row.occupation,
            row.paid_by_state,  # type: ignore[arg-type]
        ).period_total
    except (contributions.QuoteError, TypeError, ValueError):
        return monthly * int(row.period_months or 1)


def _money(rows: Sequence[DayEnrollment], on: dt.date, zone: str) -> _Money:
    """The contributions quoted by the day's sent enrollments (drafts quote nothing)."""
    monthly = period = 0
    for row in rows:
        if row.status == keys.EnrollmentStatus.DRAFT.value or row.monthly_contribution is None:
            continue
        monthly += int(row.monthly_contribution)
        period += _period_total(row, on, zone)
    return _Money(monthly, period)


def _counts(rows: Sequence[DayEnrollment]) -> tuple[Counter[str], Counter[str]]:
    """The day's enrollments by status and by program."""
    statuses: Counter[str] = Counter()
    programs: Counter[str] = Counter()
    for row in rows:
        statuses[row.status] += 1
        for program in row.programs or ():
            programs[program] += 1
    return statuses, programs


def daily_summary(
    uow: SqlUnitOfWork,
    actor: Actor,
    on: dt.date,
    *,
    event_id: str | None = None,
    agent_code: str | None = None,
) -> DailySummary:
    """The summary of one day: of an event when `event_id` is given, else of an agent
    (`agent_code`, by default the actor).

    Raises:
        NotYours: an agent asked for another agent's day.
    """
    code = None if event_id else (agent_code or actor.agent_code)
    if code and code != actor.agent_code and not actor.is_supervisor:
        raise NotYours()
    with uow:
        zone = zones.zone_in(uow, actor.branch)
        event = uow.events.get(event_id) if event_id else None
        agent_name = actor.name if code == actor.agent_code else ""
        if code and not agent_name:
            agent_name = report_queries.agent_name(uow.session, code)
        day = report_queries.day_activity(
            uow.session, on, zone, event_id=event_id, agent_code=code, limit=FOLLOW_UP_LIMIT
        )
    statuses, programs = _counts(day.enrollments)
    money = _money(day.enrollments, on, zone)
    outcomes = day.visits_by_outcome
    return DailySummary(
        on=on,
        scope="event" if event_id else "agent",
        agent_code=code,
        agent_name=agent_name,
        event=event,
        visits_by_outcome={k.value: outcomes.get(k.value, 0) for k in keys.VisitOutcome} | outcomes,
        enrollments_by_status={k.value: statuses.get(k.value, 0) for k in keys.EnrollmentStatus}
        | dict(statuses),
        enrollments_by_program={p: programs.get(p, 0) for p in keys.PROGRAMS},
        contributions_monthly=money.monthly,
        contributions_period=money.period,
        businesses_registered=day.businesses_registered,
        follow_ups_due=tuple(day.follow_ups_due),
        follow_ups_due_count=day.follow_ups_due_count,
        generated_at=dt.datetime.now().astimezone(),
    )
