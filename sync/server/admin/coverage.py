"""Coverage: what a branch, an event and an agent did against their targets.

Each target (a pulled `target` record: scope branch|event|agent, metric, goal, period) is
counted over its own period, the branch's days (`clock.day_bounds` in the branch's zone):

- enrollments: the scope's live enrollments the server received in the period (a laptop
  never sends a draft, so every one is submitted, accepted or needing correction);
- businesses: the UMKM registered (business records an agent's laptop sent and the server
  received in the period; a partner's imported prospects are not counted);
- employers: the scope's employer registrations (PU) the server received in the period and
  a supervisor accepted; those still waiting for review are counted apart (`Line.waiting`);
  one sent back or erased counts in neither. The period is judged on the server's received
  time, as for the other records, never on the laptop's `recorded_at`: a laptop's clock can be
  wrong or set back, and a period once closed would then still change (a registration made
  offline on a period's last day and synced the next morning counts in the next period);
- visits: the visits whose `visited_at` falls in the period.

An event's scope is the records naming it (`event_id`), an agent's the records they made
(`owner_code`). Counted in SQL: one GROUP BY (agent, event, status) per branch, kind of record
and period, through the covering indexes of migration 0011 on its generated columns. A
supervisor sees their branch (another branch, or its event or agent, is "not found"), an admin
every branch or one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import clock
from agent_app.domain.messages import Text
from sync.server import branches, db
from sync.server.admin.common import FieldError, NotFound
from sync.server.admin.records import METRICS, SCOPES
from sync.server.admin.review import Reviewer, check_text
from sync.server.record_terms import utc_bound

#: At most this many targets in one answer (the newest periods first are kept).
MAX_TARGETS = 500
ENTITY = {
    "enrollments": "enrollment",
    "businesses": "business",
    "employers": "employer_registration",
}
ENTITY["visits"] = "visit"


@dataclass(frozen=True)
class CoverageFilter:
    """What to show: `branch` narrows an admin's view (a supervisor's is their own); `event`
    and `agent` keep that event's or agent's targets; `period_from`/`period_to` (YYYY-MM-DD)
    keep the targets whose period reaches into those days."""

    branch: str | None = None
    event: str | None = None
    agent: str | None = None
    period_from: str | None = None
    period_to: str | None = None


@dataclass(frozen=True)
class Line:
    """One target and what was done towards it."""

    target_id: str
    branch: str
    scope: str
    scope_id: str
    scope_name: str
    metric: str
    goal: int
    period_start: dt.date
    period_end: dt.date
    done: int
    #: Employers: the registrations received in the period and still waiting for review (not
    #: in `done`); None for the other metrics.
    waiting: int | None = None

    @property
    def percent(self) -> float | None:
        """Done as a percentage of the goal (None for a goal of 0)."""
        return round(100 * self.done / self.goal, 1) if self.goal else None


@dataclass(frozen=True)
class _Target:
    entity_id: str
    branch: str
    scope: str
    scope_id: str
    metric: str
    goal: int
    start: dt.date
    end: dt.date


def _day(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise FieldError(
            field,
            Text.of("Write the date as YYYY-MM-DD, for example {example}.", example="2026-12-31"),
        ) from error


def _check(wanted: CoverageFilter) -> tuple[dt.date | None, dt.date | None]:
    for name, value in (("branch", wanted.branch), ("event", wanted.event)):
        check_text(name, value or "")
    check_text("agent", wanted.agent or "")
    low, high = _day(wanted.period_from, "from"), _day(wanted.period_to, "to")
    if low and high and high < low:
        raise FieldError("to", Text.of("The last day is before the first day."))
    return low, high


def _visible_branches(conn: sa.Connection, wanted: CoverageFilter, who: Reviewer) -> list[str]:
    """The branches in view; another branch than the supervisor's is not found."""
    b = db.table(db.Branch).c
    query = sa.select(b.code).order_by(b.code)
    for code in (who.branch, wanted.branch):
        if code is not None:
            query = query.where(b.code == code)
    found = list(conn.execute(query).scalars())
    if wanted.branch and not found:
        raise NotFound(Text.of("There is no such branch."))
    return found


def _check_event_and_agent(conn: sa.Connection, wanted: CoverageFilter, seen: list[str]) -> None:
    r, a = db.table(db.Record).c, db.table(db.Agent).c
    if wanted.event:
        try:
            event_id = str(uuid.UUID(wanted.event))
        except ValueError:
            event_id = ""
        found = conn.execute(
            sa.select(r.entity_id).where(
                r.entity_id == event_id, r.entity == "event", r.branch_code.in_(seen)
            )
        ).first()
        if found is None:
            raise NotFound(Text.of("There is no such event."))
    if wanted.agent:
        found = conn.execute(
            sa.select(a.code).where(a.code == wanted.agent, a.branch_code.in_(seen))
        ).first()
        if found is None:
            raise NotFound(Text.of("There is no such agent."))


def _targets(
    conn: sa.Connection,
    wanted: CoverageFilter,
    seen: list[str],
    low: dt.date | None,
    high: dt.date | None,
) -> list[_Target]:
    r = db.table(db.Record).c
    rows = conn.execute(
        sa.select(r.entity_id, r.branch_code, r.fields)
        .where(r.entity == "target", r.deleted == sa.false(), r.branch_code.in_(seen))
        .order_by(r.server_seq.desc())
        .limit(MAX_TARGETS)
    ).all()
    keep = []
    for row in rows:
        target = _target(row)
        if target is None or (low and target.end < low) or (high and target.start > high):
            continue
        if wanted.event or wanted.agent:
            wanted_scopes = {("event", wanted.event), ("agent", wanted.agent)}
            if (target.scope, target.scope_id) not in wanted_scopes:
                continue
        keep.append(target)
    return keep


def _target(row: Any) -> _Target | None:
    fields = row.fields or {}
    try:
        target = _Target(
            row.entity_id,
            row.branch_code,
            str(fields["scope"]),
            str(fields["scope_id"]),
            str(fields["metric"]),
            int(fields["goal"]),
            dt.date.fromisoformat(fields["period_start"]),
            dt.date.fromisoformat(fields["period_end"]),
        )
    except (KeyError, TypeError, ValueError):
        return None  # not a target the set-target service wrote
    return target if target.scope in SCOPES and target.metric in METRICS else None


@dataclass(frozen=True)
class Tally:
    """What a branch did of one kind of record over a period: (agent, event, status) -> count,
    the database's GROUP BY (a few rows per agent and event, never the records)."""

    groups: list[tuple[str | None, str | None, str | None, int]]

    def done(self, metric: str, scope: str, scope_id: str, status_is: str = "accepted") -> int:
        """The count for a target of `metric` on `scope` `scope_id` (in the tally's branch);
        employers: the registrations whose status is `status_is` (accepted: done)."""
        total = 0
        for owner, event, status, n in self.groups:
            if metric == "employers" and status != status_is:
                continue
            if (scope == "agent" and owner != scope_id) or (scope == "event" and event != scope_id):
                continue
            total += n
        return total


def count_query(
    branch: str,
    zone: str,
    entity: str,
    days: tuple[dt.date, dt.date],
    *,
    by_event: bool = True,
    by_status: bool = True,
) -> Any:
    """(owner_code, event_id, status, count) of the branch's live `entity` records over `days`
    (first and last, inclusive, the branch's days in `zone`): received by the server in them,
    or for visits, visited in them. Through migration 0011's indexes; event_id and status only
    when asked (`by_event`, `by_status`: SQLite computes them from the JSON of each row)."""
    c = db.table(db.Record).c
    low, high = clock.day_bounds(*days, zone)
    where: list[sa.ColumnElement[bool]] = [
        c.branch_code == branch,
        c.entity == entity,
        c.deleted == sa.false(),
    ]
    if entity == "business":
        # Registered by an agent (a push sets the owner): the prospects a supervisor imported
        # from a partner's list (issue 18, no owner) are whom to visit, not outreach done.
        where.append(c.owner_code.is_not(None))
    if entity == "visit":  # the computed UTC text of `visited_at`
        where += [c.occurred_at >= utc_bound(low), c.occurred_at < utc_bound(high)]
    else:
        where += [c.created_at >= low.astimezone(dt.UTC), c.created_at < high.astimezone(dt.UTC)]
    keys: list[sa.ColumnElement[Any]] = [c.owner_code]
    if by_event:
        keys.append(c.event_id)
    if by_status and entity != "visit":
        keys.append(c.status)
    shown = [
        c.owner_code,
        c.event_id if by_event else sa.null(),
        c.status if by_status and entity != "visit" else sa.null(),
    ]
    return sa.select(*shown, sa.func.count()).where(*where).group_by(*keys)


def tally(
    conn: sa.Connection, branch: str, entity: str, days: tuple[dt.date, dt.date], needs: set[str]
) -> Tally:
    """The tally of `entity` in `branch` over `days`; `needs` the metrics and scopes of its
    targets (the grouping asks only for what they use)."""
    zone = branches.time_zone(conn, branch)
    query = count_query(
        branch, zone, entity, days, by_event="event" in needs, by_status="employers" in needs
    )
    rows = conn.execute(query).all()
    return Tally([(owner, event, status, int(n)) for owner, event, status, n in rows])


def _names(conn: sa.Connection, targets: list[_Target]) -> dict[tuple[str, str], str]:
    b, a, r = db.table(db.Branch).c, db.table(db.Agent).c, db.table(db.Record).c
    ids: dict[str, set[str]] = defaultdict(set)
    for target in targets:
        ids[target.scope].add(target.scope_id)
    names: dict[tuple[str, str], str] = {}
    if ids["branch"]:
        query = sa.select(b.code, b.name).where(b.code.in_(ids["branch"]))
        names.update({("branch", code): name for code, name in conn.execute(query)})
    if ids["agent"]:
        query = sa.select(a.code, a.name).where(a.code.in_(ids["agent"]))
        names.update({("agent", code): name for code, name in conn.execute(query)})
    if ids["event"]:
        query = sa.select(r.entity_id, r.fields).where(r.entity_id.in_(ids["event"]))
        for entity_id, fields in conn.execute(query):
            names[("event", entity_id)] = str((fields or {}).get("name") or entity_id)
    return names


SCOPE_ORDER = {scope: index for index, scope in enumerate(SCOPES)}


def coverage(engine: Engine, wanted: CoverageFilter, who: Reviewer) -> list[Line]:
    """The targets in view and what was done towards each, by branch, then branch, event and
    agent targets, then name, metric and period."""
    low, high = _check(wanted)
    with engine.connect() as conn:
        seen = _visible_branches(conn, wanted, who)
        _check_event_and_agent(conn, wanted, seen)
        targets = _targets(conn, wanted, seen, low, high)
        # One GROUP BY per branch, kind of record and period, whatever the scopes.
        needs: dict[tuple[str, str, dt.date, dt.date], set[str]] = defaultdict(set)
        for target in targets:
            key = (target.branch, ENTITY[target.metric], target.start, target.end)
            needs[key] |= {target.scope, target.metric}
        tallies = {
            key: tally(conn, key[0], key[1], (key[2], key[3]), wants)
            for key, wants in needs.items()
        }
        done = {
            t.entity_id: tallies[(t.branch, ENTITY[t.metric], t.start, t.end)].done(
                t.metric, t.scope, t.scope_id
            )
            for t in targets
        }
        waiting = {
            t.entity_id: tallies[(t.branch, ENTITY[t.metric], t.start, t.end)].done(
                t.metric, t.scope, t.scope_id, "submitted"
            )
            for t in targets
            if t.metric == "employers"
        }
        names = _names(conn, targets)
    lines = [
        Line(
            t.entity_id,
            t.branch,
            t.scope,
            t.scope_id,
            names.get((t.scope, t.scope_id), t.scope_id),
            t.metric,
            t.goal,
            t.start,
            t.end,
            done[t.entity_id],
            waiting.get(t.entity_id),
        )
        for t in targets
    ]
    lines.sort(
        key=lambda x: (
            x.branch,
            SCOPE_ORDER[x.scope],
            x.scope_name,
            METRICS.index(x.metric),
            x.period_start,
            x.period_end,
        )
    )
    return lines


@dataclass(frozen=True)
class Choices:
    """What a coverage filter may name: (value, label) pairs in view of the caller."""

    branches: list[tuple[str, str]]
    events: list[tuple[str, str]]
    agents: list[tuple[str, str]]


def choices(engine: Engine, who: Reviewer, branch: str | None = None) -> Choices:
    """The branches, events and agents the caller may filter on (`branch` narrows an admin's
    events and agents; an unknown or hidden branch gives empty lists)."""
    b, a, r = db.table(db.Branch).c, db.table(db.Agent).c, db.table(db.Record).c
    with engine.connect() as conn:
        query = sa.select(b.code, b.name).order_by(b.code)
        if who.branch is not None:
            query = query.where(b.code == who.branch)
        branch_rows = [(code, name) for code, name in conn.execute(query)]
        seen = [code for code, _ in branch_rows if branch in (None, "", code)]
        events = conn.execute(
            sa.select(r.entity_id, r.fields)
            .where(r.entity == "event", r.deleted == sa.false(), r.branch_code.in_(seen))
            .order_by(r.server_seq.desc())
            .limit(MAX_TARGETS)
        ).all()
        agents = conn.execute(
            sa.select(a.code, a.name).where(a.branch_code.in_(seen)).order_by(a.code)
        ).all()
    return Choices(
        branch_rows,
        [(entity_id, str((fields or {}).get("name") or entity_id)) for entity_id, fields in events],
        [(code, f"{name} ({code})") for code, name in agents],
    )
