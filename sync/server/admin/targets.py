"""Targets (a goal for a branch, an event or an agent over a period): set, edit, end and list
them, one service for the command line (`set-target`), the administration API
(`/v1/admin/targets`) and the console's targets page. The rules of `admin.events` hold: the
branch wall (another branch's target, event or agent is not found), `FieldError` before any
write, one transaction with its trail row, and `put_record` so the laptops pull the change.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain.messages import Text
from sync.server import db
from sync.server.admin.common import FieldError, NotFound, lock_seq, put_record, record_action
from sync.server.admin.events import (
    MAX_LIST,
    branch_today,
    check_line,
    check_span,
    check_version,
    list_events,
    parse_id,
    visible_branch,
    visible_record,
)
from sync.server.admin.review import COMMAND_LINE, Reviewer

SCOPES = ("branch", "event", "agent")
METRICS = ("enrollments", "businesses", "visits", "employers")
GOAL_MAX = 10_000_000
_GOAL = re.compile(r"^\d{1,3}([.,]\d{3})*$|^\d+$")


@dataclass(frozen=True)
class TargetInput:
    """A target as a form or a request gives it. `scope`, `scope_id` and `metric` are kept
    when a target is edited (only its goal and period change)."""

    scope: str = ""
    scope_id: str = ""
    metric: str = ""
    goal: str | int = ""
    period_start: str = ""
    period_end: str = ""


class NoTarget(NotFound):
    def __init__(self) -> None:
        super().__init__(Text.of("There is no such target."))


def check_goal(value: str | int) -> int:
    """A whole number from 0 to 10,000,000 ("1441", "1.441" and "1,441" are the same)."""
    if isinstance(value, bool):
        raise FieldError("goal", Text.of("The goal is a whole number, 0 or more."))
    if isinstance(value, int):
        goal = value
    else:
        text = (value or "").strip().replace(" ", "")
        if not text:
            raise FieldError("goal", Text.of("This field is required."))
        if not _GOAL.match(text):
            raise FieldError("goal", Text.of("The goal is a whole number, 0 or more."))
        goal = int(text.replace(".", "").replace(",", ""))
    if not 0 <= goal <= GOAL_MAX:
        raise FieldError(
            "goal", Text.of("The goal is a whole number from 0 to {most}.", most="10.000.000")
        )
    return goal


def _choice(field: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise FieldError(field, Text.of("Choose one of: {choices}.", choices=", ".join(choices)))
    return value


def scope_branch(conn: sa.Connection, scope: str, scope_id: str, who: Reviewer) -> str:
    """The branch of the target's subject (a branch, an event or an agent that `who` sees)."""
    scope_id = check_line("scope_id", scope_id, 64, required=scope != "branch")
    if scope == "branch":
        return visible_branch(conn, scope_id, who, "scope_id")
    if scope == "agent":
        agent = conn.execute(
            sa.select(db.Agent.branch_code).where(db.Agent.code == scope_id)
        ).scalar()
        if agent is None or (who.branch is not None and agent != who.branch):
            raise FieldError("scope_id", Text.of("There is no agent {code}.", code=scope_id))
        return str(agent)
    try:
        event_id = str(uuid.UUID(scope_id))
    except ValueError:
        event_id = ""
    row = visible_record(conn, "event", event_id, who) if event_id else None
    if row is None:
        raise FieldError("scope_id", Text.of("There is no such event."))
    return str(row.branch_code)


def target_view(row: Any, today: dt.date | None = None) -> dict[str, Any]:
    fields = row.fields
    view = {
        "id": row.entity_id,
        "branch": row.branch_code,
        "scope": fields["scope"],
        "scope_id": str(fields["scope_id"]),
        "metric": fields["metric"],
        "goal": int(fields["goal"]),
        "period_start": dt.date.fromisoformat(fields["period_start"]),
        "period_end": dt.date.fromisoformat(fields["period_end"]),
        "version": row.version,
    }
    view["ended"] = today is not None and view["period_end"] < today
    return view


def _write(
    conn: sa.Connection, action: str, entity_id: str, branch: str, fields: dict[str, Any], by: Any
) -> dict[str, Any]:
    owner = fields["scope_id"] if fields["scope"] == "agent" else None
    record_action(
        conn, action, entity_id, by=by, branch=branch, scope=fields["scope"], goal=fields["goal"]
    )
    put_record(conn, "target", entity_id, branch, owner, fields)
    row = visible_record(conn, "target", entity_id, Reviewer())
    return target_view(row, branch_today(conn, branch))


def set_target(engine: Engine, data: TargetInput, who: Reviewer = COMMAND_LINE) -> dict[str, Any]:
    """The target of a scope, metric and period: created, or its goal changed when one with
    the same scope, metric and period exists (the command line sets it again that way)."""
    scope = _choice("scope", data.scope, SCOPES)
    metric = _choice("metric", data.metric, METRICS)
    goal = check_goal(data.goal)
    start, end = check_span("period_start", data.period_start, "period_end", data.period_end)
    with db.write_transaction(engine) as conn:
        branch = scope_branch(conn, scope, data.scope_id, who)
        scope_id = data.scope_id.strip() or branch
        if scope == "event":
            scope_id = str(uuid.UUID(scope_id))
        key = f"perisai-target:{scope}:{scope_id}:{metric}:{start}:{end}"
        entity_id = str(uuid.uuid5(uuid.NAMESPACE_URL, key))
        fields = {
            "scope": scope,
            "scope_id": scope_id,
            "metric": metric,
            "goal": goal,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
        }
        return _write(conn, "set-target", entity_id, branch, fields, who.name)


def edit_target(
    engine: Engine, target_id: str, data: TargetInput, who: Reviewer, version: int | None = None
) -> dict[str, Any]:
    """A new goal and period for the target (its scope and metric stay); `version`: the one
    the caller saw (Conflict if it changed since)."""
    entity_id = parse_id(target_id, NoTarget())
    goal = check_goal(data.goal)
    start, end = check_span("period_start", data.period_start, "period_end", data.period_end)
    with db.write_transaction(engine) as conn:
        lock_seq(conn)  # one change of a record at a time: the version check holds
        row = visible_record(conn, "target", entity_id, who)
        if row is None:
            raise NoTarget()
        check_version(row, version)
        fields = {
            **row.fields,
            "goal": goal,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
        }
        return _write(conn, "edit-target", entity_id, row.branch_code, fields, who.name)


def end_target(engine: Engine, target_id: str, who: Reviewer) -> dict[str, Any]:
    """Ends the target's period today (in its branch's time zone) if it ended later; a target
    whose period has not begun cannot end (change its period instead)."""
    entity_id = parse_id(target_id, NoTarget())
    with db.write_transaction(engine) as conn:
        row = visible_record(conn, "target", entity_id, who)
        if row is None:
            raise NoTarget()
        today = branch_today(conn, row.branch_code)
        fields = dict(row.fields)
        if dt.date.fromisoformat(fields["period_start"]) > today:
            raise FieldError(
                "period_end", Text.of("This target's period has not begun: change it instead.")
            )
        if dt.date.fromisoformat(fields["period_end"]) <= today:
            return target_view(row, today)
        fields["period_end"] = today.isoformat()
        return _write(conn, "end-target", entity_id, row.branch_code, fields, who.name)


def get_target(engine: Engine, target_id: str, who: Reviewer) -> dict[str, Any]:
    entity_id = parse_id(target_id, NoTarget())
    with engine.connect() as conn:
        row = visible_record(conn, "target", entity_id, who)
        if row is None:
            raise NoTarget()
        return target_view(row, branch_today(conn, row.branch_code))


def list_targets(
    engine: Engine, who: Reviewer, branch: str | None = None, *, current_only: bool = False
) -> list[dict[str, Any]]:
    """The targets `who` sees (an admin may narrow to one branch), latest period first."""
    t = db.table(db.Record)
    query = sa.select(t).where(t.c.entity == "target", t.c.deleted.is_(False))
    for code in (who.branch, check_line("branch", branch or "", 32) or None):
        if code is not None:
            query = query.where(t.c.branch_code == code)
    query = query.order_by(t.c.fields["period_start"].as_string().desc(), t.c.entity_id)
    with engine.connect() as conn:
        rows = conn.execute(query.limit(MAX_LIST)).all()
        days = {code: branch_today(conn, code) for code in {row.branch_code for row in rows}}
    views = [target_view(row, days[row.branch_code]) for row in rows]
    return [v for v in views if not (current_only and v["ended"])]


def subjects(engine: Engine, who: Reviewer) -> dict[str, list[tuple[str, str]]]:
    """What `who` may set a target for, as (id, label) lists by scope: the branches, the
    events not ended, the active agents (at most `MAX_LIST` of each)."""
    branch_q = sa.select(db.Branch.code, db.Branch.name).order_by(db.Branch.code)
    agent_q = (
        sa.select(db.Agent.code, db.Agent.name)
        .where(db.Agent.active.is_(True), db.Agent.role == "agent")
        .order_by(db.Agent.code)
    )
    if who.branch is not None:
        branch_q = branch_q.where(db.Branch.code == who.branch)
        agent_q = agent_q.where(db.Agent.branch_code == who.branch)
    with engine.connect() as conn:
        branch_rows = conn.execute(branch_q.limit(MAX_LIST)).all()
        agent_rows = conn.execute(agent_q.limit(MAX_LIST)).all()
    events = list_events(engine, who, current_only=True)
    return {
        "branch": [(row.code, f"{row.code} {row.name}") for row in branch_rows],
        "event": [(e["id"], f"{e['name']} ({e['branch']})") for e in events],
        "agent": [(row.code, f"{row.code} {row.name}") for row in agent_rows],
    }
