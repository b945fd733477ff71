"""The audit trail, each entry also an outbox op and a link of the hash chain."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.domain import keys
from agent_app.storage import rows, tables
from agent_app.storage.repositories.outbox import OutboxRepository
from agent_app.storage.repositories.sql import (
    now,
)
from sync import audit_chain


class AuditRepository:
    """The laptop's audit trail. Each entry is also an `audit_event` create in the outbox,
    written in the same transaction, and a link of the laptop's hash chain (SYNC_PROTOCOL.md
    1.1): a co-user who deletes or edits entries cannot undo what reached the server, and a
    deleted entry that had not left yet shows there as a gap in the chain."""

    def __init__(self, session: Session, outbox: OutboxRepository) -> None:
        self.session = session
        self.outbox = outbox

    def add(
        self,
        actor: str | None,
        action: str,
        entity: str | None = None,
        entity_id: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        """Records who did what; `details` must hold ids and codes only, no personal data."""
        at = now()
        kept = dict(details or {})
        seq, prev_hash = self.outbox.sync_state.next_audit_link()
        event: dict[str, Any] = {
            "action": action,
            "entity": str(entity) if entity else None,
            "entity_id": entity_id,
            "at": at,
            "agent_code": actor,
            "details": audit_wire_details(kept),
            "seq": seq,
            "prev_hash": prev_hash,
        }
        event["hash"] = audit_chain.audit_event_hash(event)
        op = self.outbox.add(
            audit_chain.AUDIT_EVENT,
            str(uuid.uuid4()),
            keys.OpKind.CREATE,
            None,
            event,
            recorded_at=at,
        )
        self.outbox.sync_state.set_audit_hash(event["hash"])
        self.session.add(
            tables.AuditEntry(
                at=at,
                actor=actor,
                action=action,
                entity=event["entity"],
                entity_id=entity_id,
                details=kept,
                seq=event["seq"],
                prev_hash=event["prev_hash"],
                hash=event["hash"],
                op_id=op.op_id,
            )
        )
        self.session.flush()

    def list(self, entity_id: str | None = None, limit: int = 100) -> list[rows.AuditRow]:
        t = tables.AuditEntry
        stmt = sa.select(t).order_by(t.id.desc()).limit(limit)
        if entity_id:
            stmt = stmt.where(t.entity_id == entity_id)
        return [
            rows.AuditRow(r.id, r.at, r.actor, r.action, r.entity, r.entity_id, r.details or {})
            for r in self.session.scalars(stmt)
        ]


def audit_wire_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """An audit entry's details as the server takes them: scalars only (a list of field
    names becomes one comma-separated text; anything else, its canonical JSON text)."""
    wired: dict[str, Any] = {}
    for key, value in details.items():
        if value is None or isinstance(value, bool | int | str):
            wired[str(key)] = value
        elif isinstance(value, list | tuple | set | frozenset):
            items = sorted(value) if isinstance(value, set | frozenset) else value
            wired[str(key)] = ",".join(str(item) for item in items)
        else:
            wired[str(key)] = json.dumps(value, sort_keys=True, default=str)
    return wired
