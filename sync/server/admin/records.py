"""The records an administrator publishes to the laptops (events, targets, rate tables)."""

from __future__ import annotations

import json
import uuid

from sqlalchemy.engine import Engine

from agent_app.domain import contributions
from sync.server import db, meta, rates
from sync.server.admin import events, targets
from sync.server.admin.common import (
    AdminError,
    parse_date,
    put_record,
    record_action,
)
from sync.server.admin.targets import METRICS as METRICS
from sync.server.admin.targets import SCOPES as SCOPES


def create_event(
    engine: Engine,
    name: str,
    venue: str,
    branch: str,
    starts_on: str,
    ends_on: str,
    event_id: str | None = None,
) -> str:
    """The command line's `create-event` (`admin.events.create_event`)."""
    data = events.EventInput(name, venue, branch, starts_on, ends_on)
    view = events.create_event(engine, data, event_id=event_id)
    return (
        f"created event {view['id']} ({view['name']}, {view['branch']}, "
        f"{view['starts_on']} to {view['ends_on']})"
    )


def set_target(
    engine: Engine,
    scope: str,
    scope_id: str,
    metric: str,
    goal: int,
    period_start: str,
    period_end: str,
) -> str:
    """The command line's `set-target` (`admin.targets.set_target`)."""
    data = targets.TargetInput(scope, scope_id, metric, goal, period_start, period_end)
    view = targets.set_target(engine, data)
    return (
        f"set target {view['id']}: {view['scope']} {view['scope_id']} {view['metric']} "
        f"{view['goal']} ({view['period_start']} to {view['period_end']}), "
        f"version {view['version']}"
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
    with db.write_transaction(engine) as conn:
        record_action(conn, "publish-rate-table", version.strip(), effective_from=start.isoformat())
        record_version, _ = put_record(conn, "rate_table", entity_id, None, None, fields)
        meta.write(conn, rates.META_KEY, str(uuid.uuid4()))  # the push check reloads
    return f"published rate table {version.strip()} ({entity_id}), version {record_version}"
