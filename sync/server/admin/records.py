"""The records an administrator publishes to the laptops (events, targets, rate tables)."""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import contributions
from sync.server import db, meta, rates
from sync.server.admin.common import (
    AdminError,
    parse_date,
    put_record,
    record_action,
)

SCOPES = ("branch", "event", "agent")
METRICS = ("enrollments", "businesses", "visits", "employers")


def create_event(
    engine: Engine,
    name: str,
    venue: str,
    branch: str,
    starts_on: str,
    ends_on: str,
    event_id: str | None = None,
) -> str:
    start, end = parse_date(starts_on, "--starts-on"), parse_date(ends_on, "--ends-on")
    if end < start:
        raise AdminError("--ends-on is before --starts-on")
    if not name.strip():
        raise AdminError("--name must not be empty")
    try:
        entity_id = str(uuid.UUID(event_id)) if event_id else str(uuid.uuid4())
    except ValueError as error:
        raise AdminError("--id must be a UUID") from error
    with engine.begin() as conn:
        record_action(conn, "create-event", entity_id, branch=branch)
        if conn.execute(sa.select(db.Branch.code).where(db.Branch.code == branch)).first() is None:
            raise AdminError(f"no branch {branch}")
        fields = {
            "name": name.strip(),
            "venue": venue,
            "branch": branch,
            "starts_on": start.isoformat(),
            "ends_on": end.isoformat(),
        }
        put_record(conn, "event", entity_id, branch, None, fields)
    return f"created event {entity_id} ({name.strip()}, {branch}, {start} to {end})"


def set_target(
    engine: Engine,
    scope: str,
    scope_id: str,
    metric: str,
    goal: int,
    period_start: str,
    period_end: str,
) -> str:
    if scope not in SCOPES:
        raise AdminError(f"--scope must be one of {', '.join(SCOPES)}")
    if metric not in METRICS:
        raise AdminError(f"--metric must be one of {', '.join(METRICS)}")
    if goal < 0:
        raise AdminError("--goal must be 0 or more")
    start, end = parse_date(period_start, "--period-start"), parse_date(period_end, "--period-end")
    if end < start:
        raise AdminError("--period-end is before --period-start")
    records = db.table(db.Record)
    with engine.begin() as conn:
        record_action(conn, "set-target", scope_id, scope=scope, metric=metric, goal=goal)
        owner: str | None = None
        if scope == "branch":
            found = conn.execute(sa.select(db.Branch.code).where(db.Branch.code == scope_id))
            branch = found.scalar()
        elif scope == "agent":
            agent = conn.execute(
                sa.select(db.Agent.code, db.Agent.branch_code).where(db.Agent.code == scope_id)
            ).first()
            branch = agent.branch_code if agent else None
            owner = scope_id
        else:
            branch = conn.execute(
                sa.select(records.c.branch_code).where(
                    records.c.entity_id == scope_id, records.c.entity == "event"
                )
            ).scalar()
        if branch is None:
            raise AdminError(f"no {scope} {scope_id}")
        # One target per scope, metric and period: setting it again changes the goal.
        entity_id = str(
            uuid.uuid5(
                uuid.NAMESPACE_URL, f"perisai-target:{scope}:{scope_id}:{metric}:{start}:{end}"
            )
        )
        fields = {
            "scope": scope,
            "scope_id": scope_id,
            "metric": metric,
            "goal": goal,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
        }
        version, _ = put_record(conn, "target", entity_id, branch, owner, fields)
    return (
        f"set target {entity_id}: {scope} {scope_id} {metric} {goal} ({start} to {end}), "
        f"version {version}"
    )


def publish_rate_table(engine: Engine, version: str, effective_from: str, table_json: str) -> str:
    """Publishes a contribution table (the shape of resources/contributions.json, checked by
    `contributions.check_table`) under `version`, in force from `effective_from`: every laptop
    pulls it and quotes with it, and the push check uses it."""
    if not version.strip():
        raise AdminError("--version must not be empty")
    start = parse_date(effective_from, "--effective-from")
    try:
        table = json.loads(table_json)
    except ValueError as error:
        raise AdminError(f"the rate table is not valid JSON: {error}") from error
    try:
        contributions.check_table(table)  # what the laptops and the push check will quote with
    except contributions.RateTableError as error:
        raise AdminError(f"the rate table cannot be used: {error}") from error
    entity_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"perisai-rate-table:{version.strip()}"))
    fields = {"version": version.strip(), "effective_from": start.isoformat(), "table": table}
    with engine.begin() as conn:
        record_action(conn, "publish-rate-table", version.strip(), effective_from=start.isoformat())
        record_version, _ = put_record(conn, "rate_table", entity_id, None, None, fields)
        meta.write(conn, rates.META_KEY, str(uuid.uuid4()))  # the push check reloads
    return f"published rate table {version.strip()} ({entity_id}), version {record_version}"
