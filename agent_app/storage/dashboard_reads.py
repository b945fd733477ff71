"""The Beranda's reads in plain-text SQL: its counts in one statement, each a scalar subquery,
its targets and its open assignments (issue 15: the log-in).

The Beranda (`services.dashboard`) asked thirteen statements of the repositories, built and
compiled by SQLAlchemy's expression language and ORM the first time at each log-in: ~30 ms of
Python on the database thread, holding the GIL the UI thread needs to build the workspace at
the same moment (docs/benchmarks.md, "Issue 15: log-in, third pass"). Here three plain-text
statements: SQLite does the work with the GIL released.

`Counts`: each method adds one count and returns its place in the row `run` returns. Every
read says what the repository method it stands for says, term for term (the partial indexes'
WHERE terms word for word, so SQLite still uses them); a test compares the two on a seeded
database: `Counts.visits` is `VisitRepository.count_between`, `enrollments_submitted`
`EnrollmentRepository.count_submitted`, `businesses_created` `BusinessRepository.count_created`,
`follow_ups_due` `BusinessRepository.count(BusinessFilter(follow_up_due_on=...))`, `drafts` the
count of draft enrollments, `enrollments_needing_attention` and `employers_needing_attention`
the length of `needing_attention`, `unsynced_ops` `OutboxRepository.count_unsettled`,
`employers_with_status` one entry of `EmployerRegistrationRepository.count_by_status`;
`targets` is `TargetRepository.for_scopes` and `open_assignments`
`AssignmentRepository.for_agent(agent_code, ("open",), limit)`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.domain import clock, keys, records
from agent_app.storage.repositories.sql import (
    _DAYS_APART,  # the same coarse range as `on_days`
    ACTIVE_ENROLLMENT,
    UNSETTLED_OP,
    _utc_text,
)
from agent_app.storage.table_base import ATTENTION_SQL, LIVE_SQL, OPEN_BUSINESS_SQL
from sync import audit_chain

_NEEDS_CORRECTION = keys.EnrollmentStatus.NEEDS_CORRECTION.value


class Counts:
    """Counts gathered into one statement; `run` answers them all."""

    def __init__(self, zone: str = clock.DEFAULT_ZONE) -> None:
        #: The branch's zone: a day is the branch's (docs/time.md).
        self.zone = zone
        self._columns: list[str] = []
        self._params: dict[str, Any] = {}

    def _bind(self, value: Any) -> str:
        name = f"p{len(self._params)}"
        self._params[name] = value
        return f":{name}"

    def _in(self, values: tuple[str, ...]) -> str:
        return "(" + ", ".join(self._bind(v) for v in values) + ")"

    def _count(self, table: str, terms: list[str]) -> int:
        self._columns.append(f"(SELECT count(*) FROM {table} WHERE {' AND '.join(terms)})")
        return len(self._columns) - 1

    def _on_days(self, column: str, start: dt.date, end: dt.date) -> list[str]:
        """`sql.on_days`: a coarse range on the stamp's text (its index seeks it), then the
        instant compared with the branch's day bounds."""
        terms = [f"{column} >= {self._bind((start - _DAYS_APART).isoformat())}"]
        if end < dt.date(9999, 12, 28):
            high = end + _DAYS_APART + dt.timedelta(days=1)
            terms.append(f"{column} < {self._bind(high.isoformat())}")
        low, after = (_utc_text(moment) for moment in clock.day_bounds(start, end, self.zone))
        terms += [f"datetime({column}) >= {self._bind(low)}"]
        terms += [f"datetime({column}) < {self._bind(after)}"]
        return terms

    def _by(self, column: str, value: str | None) -> list[str]:
        return [f"{column} = {self._bind(value)}"] if value else []

    def visits(
        self,
        start: dt.date,
        end: dt.date,
        *,
        agent_code: str | None = None,
        event_id: str | None = None,
    ) -> int:
        terms = [LIVE_SQL, *self._on_days("visited_at", start, end)]
        terms += self._by("agent_code", agent_code) + self._by("event_id", event_id)
        return self._count("visits", terms)

    def enrollments_submitted(
        self,
        start: dt.date,
        end: dt.date,
        *,
        agent_code: str | None = None,
        event_id: str | None = None,
    ) -> int:
        terms = [LIVE_SQL, f"status IN {self._in(ACTIVE_ENROLLMENT)}"]
        terms += self._on_days("submitted_at", start, end)
        terms += self._by("agent_code", agent_code) + self._by("event_id", event_id)
        return self._count("enrollments", terms)

    def businesses_created(
        self,
        start: dt.date,
        end: dt.date,
        *,
        registered_by: str | None = None,
        event_id: str | None = None,
    ) -> int:
        terms = [LIVE_SQL, *self._on_days("created_at", start, end), "registered_by IS NOT NULL"]
        terms += self._by("registered_by", registered_by) + self._by("event_id", event_id)
        return self._count("businesses", terms)

    def follow_ups_due(self, on: dt.date, *, event_id: str | None = None) -> int:
        """Open businesses whose next follow-up is on or before `on` (the follow-up index)."""
        terms = [LIVE_SQL, *self._by("event_id", event_id)]
        terms += [f"next_follow_up <= {self._bind(on.isoformat())}", OPEN_BUSINESS_SQL]
        return self._count("businesses", terms)

    def drafts(self, *, agent_code: str | None = None) -> int:
        terms = [LIVE_SQL, f"status = {self._bind(keys.EnrollmentStatus.DRAFT.value)}"]
        return self._count("enrollments", terms + self._by("agent_code", agent_code))

    def enrollments_needing_attention(self, *, agent_code: str | None = None) -> int:
        """Sent back for correction, or refused or in conflict on sync."""
        either = f"(status = {self._bind(_NEEDS_CORRECTION)} OR {ATTENTION_SQL})"
        return self._count("enrollments", [LIVE_SQL, either, *self._by("agent_code", agent_code)])

    def employers_needing_attention(self, *, agent_code: str | None = None) -> int:
        either = f"(status = {self._bind(_NEEDS_CORRECTION)} OR {ATTENTION_SQL})"
        terms = [LIVE_SQL, either, *self._by("agent_code", agent_code)]
        return self._count("employer_registrations", terms)

    def unsynced_ops(self) -> int:
        """The changes to records waiting for the server (the audit trail's ops left out)."""
        terms = [f"status IN {self._in(UNSETTLED_OP)}"]
        terms.append(f"entity != {self._bind(audit_chain.AUDIT_EVENT)}")
        return self._count("outbox", terms)

    def employers_with_status(
        self,
        status: str,
        start: dt.date,
        end: dt.date,
        *,
        agent_code: str | None = None,
        event_id: str | None = None,
    ) -> int:
        """Employer registrations in `status` submitted between two days (a pulled one this
        laptop never submitted: from when it arrived); `event_id`: of the businesses
        registered at that event."""
        terms = [LIVE_SQL, *self._on_days("coalesce(recorded_at, created_at)", start, end)]
        terms += self._by("status", status) + self._by("agent_code", agent_code)
        if event_id:
            at_event = f"SELECT id FROM businesses WHERE event_id = {self._bind(event_id)}"
            terms.append(f"business_id IN ({at_event})")
        return self._count("employer_registrations", terms)

    @property
    def params(self) -> dict[str, Any]:
        return dict(self._params)

    def statement(self) -> sa.TextClause:
        return sa.text("SELECT " + ",\n".join(self._columns))

    def run(self, session: Session) -> list[int]:
        """Every count asked, in the order asked."""
        if not self._columns:
            return []
        row = session.execute(self.statement(), self._params).one()
        return [int(n or 0) for n in row]


def targets(session: Session, scopes: list[tuple[str, str]], on: dt.date) -> list[records.Target]:
    """The live targets of any of the (scope, scope_id) pairs whose period covers `on`."""
    if not scopes:
        return []
    params: dict[str, Any] = {"on": on.isoformat()}
    pairs = []
    for n, (scope, scope_id) in enumerate(scopes):
        pairs.append(f"(scope = :s{n} AND scope_id = :i{n})")
        params.update({f"s{n}": scope, f"i{n}": scope_id})
    statement = sa.text(
        "SELECT id, scope, scope_id, metric, goal, period_start, period_end FROM targets "
        f"WHERE {LIVE_SQL} AND ({' OR '.join(pairs)}) AND period_start <= :on "
        "AND period_end >= :on ORDER BY scope, metric, id"
    )
    return [
        records.Target(
            i,
            scope,
            scope_id,
            metric,
            goal,
            dt.date.fromisoformat(start),
            dt.date.fromisoformat(end),
        )
        for i, scope, scope_id, metric, goal, start, end in session.execute(statement, params)
    ]


def open_assignments(session: Session, agent_code: str, limit: int) -> list[records.Assignment]:
    """The agent's open assignments with their business's name, due soonest first."""
    statement = sa.text(
        "SELECT a.id, a.business_id, a.agent_code, a.kind, a.due_on, a.note, a.status, "
        "a.version, b.name, b.partner_source FROM assignments AS a "
        "LEFT OUTER JOIN businesses AS b ON b.id = a.business_id "
        "WHERE a.agent_code = :agent AND a.status = 'open' ORDER BY a.due_on, a.id LIMIT :limit"
    )
    found = session.execute(statement, {"agent": agent_code, "limit": limit})
    return [
        records.Assignment(
            id=i,
            business_id=business_id,
            agent_code=agent,
            kind=kind,
            due_on=dt.date.fromisoformat(due_on),
            note=note,
            status=status,
            version=version,
            business_name=name,
            partner_source=source,
        )
        for i, business_id, agent, kind, due_on, note, status, version, name, source in found
    ]
