"""Small frozen row objects the repositories hand out besides domain records.

Lists and tables need a few columns of many records plus their local sync state; the outbox and
audit have no domain record. Like the records, these are plain values safe to pass between
threads, never ORM objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from agent_app.domain.filters import BusinessFilter as BusinessFilter  # its one home


@dataclass(frozen=True, slots=True)
class SyncMeta:
    """The local sync bookkeeping of one record."""

    version: int | None
    sync_state: str | None  # pending | synced | rejected | conflict; None for a draft
    sync_error_code: str | None
    sync_error_message: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class BusinessRow:
    id: str
    name: str
    owner_name: str | None
    phone: str | None
    sector: str | None
    size_class: str | None
    status: str
    event_id: str | None
    last_visit_at: str | None
    last_outcome: str | None
    next_follow_up: dt.date | None
    sync_state: str | None
    updated_at: str
    partner_source: str | None = None


@dataclass(frozen=True, slots=True)
class BusinessBrief:
    """What the duplicate check compares and shows of a business (issue 18)."""

    id: str
    name: str
    owner_name: str | None
    phone: str | None
    nib: str | None
    address: str | None
    region_code: str | None
    partner_source: str | None


@dataclass(frozen=True, slots=True)
class EnrollmentRow:
    id: str
    nik: str
    full_name: str
    status: str
    occupation: str | None
    monthly_contribution: int | None
    business_id: str | None
    event_id: str | None
    agent_code: str | None
    submitted_at: str | None
    review_reason: str | None
    sync_state: str | None
    sync_error_message: str | None
    updated_at: str


@dataclass(frozen=True, slots=True)
class EnrollmentFilter:
    """Text matches the full name or the NIK (substring)."""

    text: str = ""
    status: str | None = None
    event_id: str | None = None
    business_id: str | None = None
    agent_code: str | None = None


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One outbox op as stored (a frozen `tables.OutboxOp` row); `wire()` is its form in a push
    batch (SYNC_PROTOCOL.md, "Push")."""

    op_seq: int
    op_id: str
    entity: str
    entity_id: str
    kind: str
    base_version: int | None
    fields: dict[str, Any]
    recorded_at: str
    status: str
    attempts: int = 0
    error_code: str | None = None
    error_message: str | None = None

    def wire(self) -> dict[str, Any]:
        return {
            "op_id": self.op_id,
            "op_seq": self.op_seq,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "kind": self.kind,
            "base_version": self.base_version,
            "fields": dict(self.fields),
            "recorded_at": self.recorded_at,
        }


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: str
    actor: str | None
    action: str
    entity: str | None
    entity_id: str | None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SyncInfo:
    device_id: str
    cursor: str | None
    last_success_at: str | None
    clock_offset_seconds: float | None
    server_url: str | None
    last_op_seq: int


@dataclass(frozen=True, slots=True)
class FormDraft:
    """An autosaved form of one account: which form, its plain values, when it was saved."""

    form: str
    state: dict[str, Any]
    updated_at: str
