"""The two audit trails side by side, for the administration API (`/v1/admin/audit`) and the
console's audit page: the server's administration trail (`admin_audit`: who changed what,
from the console, the API or the command line) and the laptops' pushed `audit_event`s, in one
list newest first, a page at a time (keyset on time, trail and id), filtered by agent, action
and days, with every event that breaks its laptop's hash chain flagged.

A supervisor sees their branch: the laptop events of its agents and devices, and the trail
rows about it (rows naming the branch, or whose target is one of its agents, devices or
records, or done by one of its people other than an admin, whose work spans branches); an
admin sees everything. Both trails hold ids and
codes only (no NIK, name or phone), so listing them writes nothing.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import clock, keys
from agent_app.domain.messages import Text
from sync.server import branches, db
from sync.server.admin.common import FieldError
from sync.server.admin.events import check_line
from sync.server.admin.review import Reviewer

MAX_LIMIT = 200
SERVER, LAPTOP = "server", "laptop"
SOURCES = ("all", SERVER, LAPTOP)
#: Ties at the same instant: the laptop's events before the server's (descending order).
_RANK = {SERVER: 1, LAPTOP: 0}


@dataclass(frozen=True)
class AuditFilter:
    """What to list: `agent` (who acted, or whom a trail row is about), `action` (exact),
    `day_from`/`day_to` (days in the branch's time zone; WIB for an admin), `source` (all,
    server or laptop), `branch` (narrows an admin's view) and `gaps_only` (laptop events that
    break their chain)."""

    agent: str | None = None
    action: str | None = None
    day_from: dt.date | None = None
    day_to: dt.date | None = None
    source: str = "all"
    branch: str | None = None
    gaps_only: bool = False


@dataclass(frozen=True)
class AuditPage:
    items: list[dict[str, Any]]
    next_cursor: str | None
    #: Devices whose chain is broken within the filter: device id, breaks, latest break.
    chain_breaks: list[dict[str, Any]]


def _check(audit: AuditFilter) -> AuditFilter:
    if audit.source not in SOURCES:
        raise FieldError("source", Text.of("Choose one of: {choices}.", choices=", ".join(SOURCES)))
    if audit.day_from and audit.day_to and audit.day_to < audit.day_from:
        raise FieldError("to", Text.of("The end date is before the start date."))
    return AuditFilter(
        check_line("agent", audit.agent or "", 64) or None,
        check_line("action", audit.action or "", 64) or None,
        audit.day_from,
        audit.day_to,
        audit.source,
        check_line("branch", audit.branch or "", 32) or None,
        audit.gaps_only,
    )


def _encode(at: dt.datetime, source: str, row_id: int) -> str:
    raw = json.dumps([at.isoformat(), source, row_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[dt.datetime, str, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, source, row_id = json.loads(raw)
        when = dt.datetime.fromisoformat(at)
        if source not in _RANK or not isinstance(row_id, int):
            raise ValueError(source)
        return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)), source, row_id
    except (ValueError, TypeError, AttributeError, binascii.Error) as error:
        raise FieldError("cursor", Text.of("This cursor is not one the server gave.")) from error


def _before(table: sa.Table, source: str, cursor: tuple[dt.datetime, str, int]) -> Any:
    """Rows of `table` (trail `source`) after the cursor in the order (at, rank, id) desc."""
    at, their_source, row_id = cursor
    when = sa.literal(at, table.c.at.type)
    if _RANK[source] < _RANK[their_source]:
        return table.c.at <= when
    if _RANK[source] > _RANK[their_source]:
        return table.c.at < when
    return sa.or_(table.c.at < when, sa.and_(table.c.at == when, table.c.id < row_id))


def _branch_people(branch: str) -> tuple[Any, Any]:
    agents = sa.select(db.Agent.code).where(db.Agent.branch_code == branch)
    devices = sa.select(db.Device.device_id).where(db.Device.branch_code == branch)
    return agents, devices


def _laptop_where(audit: AuditFilter, scope: str | None, span: Any) -> list[Any]:
    t = db.table(db.AuditEvent)
    where: list[Any] = []
    for branch in (scope, audit.branch):
        if branch is not None:
            agents, devices = _branch_people(branch)
            where.append(sa.or_(t.c.agent_code.in_(agents), t.c.device_id.in_(devices)))
    if audit.agent:
        where.append(sa.or_(t.c.agent_code == audit.agent, t.c.laptop_agent_code == audit.agent))
    if audit.action:
        where.append(t.c.action == audit.action)
    if audit.gaps_only:
        where.append(t.c.chain_ok.is_(False))
    if span is not None:
        where += [t.c.at >= span[0], t.c.at < span[1]]
    return where


def _server_where(audit: AuditFilter, scope: str | None, span: Any) -> list[Any]:
    t = db.table(db.AdminAudit)
    r = db.table(db.Record)
    where: list[Any] = []
    for branch in (scope, audit.branch):
        if branch is not None:
            agents, devices = _branch_people(branch)
            records = sa.exists().where(r.c.entity_id == t.c.target, r.c.branch_code == branch)
            where.append(
                sa.or_(
                    t.c.details["branch"].as_string() == branch,
                    t.c.target == branch,
                    t.c.target.in_(agents),
                    t.c.target.in_(devices),
                    t.c.operator.in_(agents.where(db.Agent.role != keys.Role.ADMIN)),
                    records,
                )
            )
    if audit.agent:
        where.append(sa.or_(t.c.operator == audit.agent, t.c.target == audit.agent))
    if audit.action:
        where.append(t.c.action == audit.action)
    if span is not None:
        where += [t.c.at >= span[0], t.c.at < span[1]]
    return where


def _span(conn: sa.Connection, audit: AuditFilter, who: Reviewer) -> Any:
    if audit.day_from is None and audit.day_to is None:
        return None
    zone = branches.time_zone(conn, who.branch or audit.branch or "")
    first = audit.day_from or dt.date(2000, 1, 1)
    last = audit.day_to or dt.date(2100, 12, 31)
    return clock.day_bounds(first, last, zone)


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _server_item(row: Any) -> dict[str, Any]:
    return {
        "source": SERVER,
        "id": row.id,
        "at": _as_utc(row.at),
        "actor": row.operator,
        "action": row.action,
        "target": row.target,
        "details": row.details or {},
        "device_id": None,
        "seq": None,
        "laptop_agent": None,
        "chain_ok": None,
        "chain_problem": None,
    }


def _laptop_item(row: Any) -> dict[str, Any]:
    return {
        "source": LAPTOP,
        "id": row.id,
        "at": _as_utc(row.at),
        "actor": row.agent_code,
        "action": row.action,
        "target": " ".join(p for p in (row.entity, row.entity_ref) if p) or None,
        "details": row.details or {},
        "device_id": row.device_id,
        "seq": row.seq,
        "laptop_agent": row.laptop_agent_code,
        "chain_ok": bool(row.chain_ok),
        "chain_problem": row.chain_problem,
    }


def _chain_breaks(conn: sa.Connection, where: list[Any]) -> list[dict[str, Any]]:
    t = db.table(db.AuditEvent)
    query = (
        sa.select(t.c.device_id, sa.func.count().label("n"), sa.func.max(t.c.at).label("last"))
        .where(*where, t.c.chain_ok.is_(False))
        .group_by(t.c.device_id)
        .order_by(sa.func.max(t.c.at).desc())
        .limit(MAX_LIMIT)
    )
    return [
        {"device_id": row.device_id, "breaks": row.n, "latest": _as_utc(row.last)}
        for row in conn.execute(query)
    ]


def list_audit(
    engine: Engine, audit: AuditFilter, who: Reviewer, cursor: str | None = None, limit: int = 50
) -> AuditPage:
    """One page of both trails, newest first; `next_cursor` None on the last page."""
    audit = _check(audit)
    limit = max(1, min(limit, MAX_LIMIT))
    after = _decode(cursor) if cursor else None
    tables = {SERVER: db.table(db.AdminAudit), LAPTOP: db.table(db.AuditEvent)}
    with engine.connect() as conn:
        span = _span(conn, audit, who)
        laptop_where = _laptop_where(audit, who.branch, span)
        wheres = {SERVER: _server_where(audit, who.branch, span), LAPTOP: laptop_where}
        rows: list[tuple[str, Any]] = []
        for source, table in tables.items():
            if audit.source not in ("all", source) or (audit.gaps_only and source == SERVER):
                continue
            where = list(wheres[source])
            if after is not None:
                where.append(_before(table, source, after))
            query = sa.select(table).where(*where).order_by(table.c.at.desc(), table.c.id.desc())
            rows += [(source, row) for row in conn.execute(query.limit(limit + 1))]
        breaks = _chain_breaks(conn, laptop_where) if audit.source != SERVER else []
    rows.sort(key=lambda item: (_as_utc(item[1].at), _RANK[item[0]], item[1].id), reverse=True)
    more = len(rows) > limit
    rows = rows[:limit]
    items = [_server_item(r) if s == SERVER else _laptop_item(r) for s, r in rows]
    last = items[-1] if items else None
    next_cursor = _encode(last["at"], last["source"], last["id"]) if more and last else None
    return AuditPage(items, next_cursor, breaks)
