"""The audit trails an administrator reads: the administration commands', the laptops'
pushed events and the participant checks."""

from __future__ import annotations

import json
import re
import uuid

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.server import audit_events, db, meta
from sync.server.admin.common import (
    AdminError,
    record_action,
)


def trail(engine: Engine, limit: int = 50) -> list[str]:
    """The latest administration rows, newest first, one line each."""
    table = db.table(db.AdminAudit)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table).order_by(table.c.id.desc()).limit(limit)).all()
    return [
        f"{row.at:%Y-%m-%d %H:%M:%S} {row.operator} {row.action} {row.target or '-'}"
        + (f" {json.dumps(row.details, sort_keys=True)}" if row.details else "")
        for row in rows
    ]


def laptop_audit(
    engine: Engine, device_id: str | None = None, gaps_only: bool = False, limit: int = 200
) -> list[str]:
    """The laptops' pushed audit events, newest first (`gaps_only`: those that break their
    device's hash chain). Reading them is recorded in the administration trail."""
    if device_id is not None:
        try:
            device_id = str(uuid.UUID(device_id))
        except ValueError as error:
            raise AdminError(f"--device must be a device id (UUID), not {device_id!r}") from error
    if not 1 <= limit <= 10_000:
        raise AdminError("--limit must be between 1 and 10000")
    lines = audit_events.listing(engine, device_id, gaps_only, limit)
    with db.write_transaction(engine) as conn:
        record_action(conn, "audit-events", device_id, gaps_only=gaps_only or None)
    return lines


def check_log(
    engine: Engine, nik: str | None = None, agent_code: str | None = None, limit: int = 50
) -> list[str]:
    """The latest participant checks, newest first: of one NIK (hashed the way the audit keeps
    it) and/or by one agent."""
    table = db.table(db.ParticipantCheck)
    query = sa.select(table).order_by(table.c.id.desc()).limit(limit)
    with engine.connect() as conn:
        if nik is not None:
            if not re.fullmatch(r"\d{16}", nik):
                raise AdminError("a NIK is 16 digits")
            query = query.where(table.c.nik_hash == meta.nik_hash(meta.read(conn), nik))
        if agent_code is not None:
            query = query.where(table.c.agent_code == agent_code)
        rows = conn.execute(query).all()
    return [
        f"{row.at:%Y-%m-%d %H:%M:%S} {row.agent_code} device {row.device_id} from {row.client}"
        f" nik#{row.nik_hash[:12]} {'enrolled' if row.enrolled else 'not enrolled'}"
        for row in rows
    ]
