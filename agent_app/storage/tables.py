"""The local database schema: SQLAlchemy 2.0 declarative tables of the encrypted SQLite file.

Synced entities (businesses, visits, enrollments) carry every field of their wire form
(SYNC_PROTOCOL.md, "Entities") under the same names, plus local bookkeeping: `version` (the
entity version the server last confirmed, null until then), `sync_state` (pending, synced,
rejected, conflict; null for an enrollment draft, which never leaves the laptop), the last sync
error, created/updated times (ISO 8601 with offset) and a `deleted` flag.

Businesses and enrollments have an integer `pk` beside their UUID `id`: it is the stable rowid
of their FTS5 (trigram) search tables, which the initial migration creates together with the
triggers that keep them in step. Those virtual tables are not models; `SEARCH_TABLES` names them
so schema comparisons can leave them out.

Dates are stored as `YYYY-MM-DD` and times as ISO text with offset, exactly as on the wire, so a
record turns into its op without conversion and text comparison orders them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from agent_app.domain import keys
from agent_app.storage.deferred_indexes import DeferredIndex as DeferredIndex
from agent_app.storage.employer_tables import EmployerRegistration as EmployerRegistration
from agent_app.storage.employer_tables import EmployerWorkerNik as EmployerWorkerNik
from agent_app.storage.evidence_tables import ConsentText as ConsentText
from agent_app.storage.evidence_tables import StoredAttachment as StoredAttachment
from agent_app.storage.table_base import ATTENTION_SQL as ATTENTION_SQL
from agent_app.storage.table_base import LIVE_SQL as LIVE_SQL
from agent_app.storage.table_base import NAMING_CONVENTION as NAMING_CONVENTION
from agent_app.storage.table_base import NOT_LIVE_SQL as NOT_LIVE_SQL
from agent_app.storage.table_base import OPEN_BUSINESS_SQL as OPEN_BUSINESS_SQL
from agent_app.storage.table_base import SEARCH_TABLES as SEARCH_TABLES
from agent_app.storage.table_base import Base as Base
from agent_app.storage.table_base import NoCase as NoCase
from agent_app.storage.table_base import SyncedMixin as SyncedMixin
from agent_app.storage.table_base import include_name as include_name


class Branch(Base):
    __tablename__ = "branches"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(String(16))
    # The branch's time zone as the server last said it (None: WIB); docs/time.md.
    time_zone: Mapped[str | None] = mapped_column(String(32))


class Agent(Base):
    __tablename__ = "agents"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    branch: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16), default="agent")


class Event(Base):
    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str] = mapped_column(String(200), default="")
    branch: Mapped[str] = mapped_column(String(32))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    version: Mapped[int | None] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Target(Base):
    __tablename__ = "targets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    scope_id: Mapped[str] = mapped_column(String(64))
    metric: Mapped[str] = mapped_column(String(16))
    goal: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    version: Mapped[int | None] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    __table_args__ = (Index(None, "scope", "scope_id"),)


class Assignment(Base):
    """A supervisor's assignment pulled from the server (only the agent's own); `status` is
    this laptop's (a "done" not yet pushed included)."""

    __tablename__ = "assignments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    business_id: Mapped[str] = mapped_column(String(36))
    agent_code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index(None, "agent_code", "status", "due_on"),)


class RateTable(Base):
    __tablename__ = "rate_tables"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    table: Mapped[dict[str, Any]] = mapped_column(JSON)
    pulled_version: Mapped[int | None] = mapped_column(Integer)


class Business(SyncedMixin, Base):
    __tablename__ = "businesses"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(NoCase)
    owner_name: Mapped[str | None] = mapped_column(NoCase)
    phone: Mapped[str | None] = mapped_column(String(20))
    sector: Mapped[str | None] = mapped_column(String(32))
    size_class: Mapped[str | None] = mapped_column(String(16))
    workers_count: Mapped[int | None] = mapped_column(Integer)
    address: Mapped[str | None] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(String(16))
    nib: Mapped[str | None] = mapped_column(String(13))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    attachments: Mapped[list[Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="prospect")
    event_id: Mapped[str | None] = mapped_column(String(36))
    registered_by: Mapped[str | None] = mapped_column(String(32))
    #: The partner whose prospect list the business came from (server-set, pulled; 0011).
    partner_source: Mapped[str | None] = mapped_column(String(200))
    #: Local: the business this one was merged into on the server (0011; storage.merges).
    merged_into: Mapped[str | None] = mapped_column(String(36))
    # Local, derived from the latest visit: what the follow-up list and filters read.
    last_visit_at: Mapped[str | None] = mapped_column(String(40))
    last_outcome: Mapped[str | None] = mapped_column(String(16))
    next_follow_up: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (
        # Partial indexes: the queries repeat these WHERE terms word for word (repositories).
        Index("ix_businesses_live_name", "name", sqlite_where=text(LIVE_SQL)),
        # The search's matches looked up by key, sorted by name and counted without reading
        # the rows (0014; repositories.businesses).
        Index("ix_businesses_live_search", "pk", "name", "owner_name", sqlite_where=text(LIVE_SQL)),
        # The soft-deleted keys: a search counts its trigram matches less these (0017).
        Index("ix_businesses_not_live", "pk", sqlite_where=text(NOT_LIVE_SQL)),
        Index(
            "ix_businesses_follow_up",
            "next_follow_up",
            "name",
            sqlite_where=text(f"{LIVE_SQL} AND {OPEN_BUSINESS_SQL}"),
        ),
        Index(None, "status", "name"),
        Index(None, "sector"),
        Index(None, "event_id"),
        Index(None, "created_at"),
        # The duplicate check's narrowing (0011).
        Index(None, "nib"),
        Index(None, "phone"),
        Index(None, "region_code"),
    )


class Visit(SyncedMixin, Base):
    __tablename__ = "visits"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    business_id: Mapped[str] = mapped_column(ForeignKey("businesses.id"))
    visited_at: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16), default="door_to_door")
    outcome: Mapped[str] = mapped_column(String(16), default="interested")
    reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    next_follow_up: Mapped[dt.date | None] = mapped_column(Date)
    event_id: Mapped[str | None] = mapped_column(String(36))
    agent_code: Mapped[str | None] = mapped_column(String(32))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    attachments: Mapped[list[Any] | None] = mapped_column(JSON)

    __table_args__ = (
        Index(None, "business_id", "visited_at"),
        Index(None, "visited_at"),
    )


class Enrollment(SyncedMixin, Base):
    __tablename__ = "enrollments"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    nik: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(NoCase)
    birth_place: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(1))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(String(16))
    occupation: Mapped[str | None] = mapped_column(String(32))
    declared_income: Mapped[int | None] = mapped_column(Integer)
    programs: Mapped[list[Any]] = mapped_column(JSON)
    period_months: Mapped[int] = mapped_column(Integer, default=1)
    paid_by_state: Mapped[bool] = mapped_column(Boolean, default=False)
    monthly_contribution: Mapped[int | None] = mapped_column(Integer)
    consent: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    business_id: Mapped[str | None] = mapped_column(String(36))
    event_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    review_reason: Mapped[str | None] = mapped_column(Text)
    review_reason_code: Mapped[str | None] = mapped_column(String(32))
    membership_number: Mapped[str | None] = mapped_column(String(40))
    agent_code: Mapped[str | None] = mapped_column(String(32))
    attachments: Mapped[list[Any] | None] = mapped_column(JSON)
    # Local only.
    birth_date_override_reason: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    submitted_at: Mapped[str | None] = mapped_column(String(40))
    #: The wire fields as the server last confirmed them (diff base for a correction); read
    #: and written through `storage.confirmed`.
    confirmed_fields: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Instead of a copy: the op_seq of the applied create whose fields the server confirmed
    #: as sent (`confirmed_fields` NULL meanwhile; migration 0016).
    confirmed_op: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index(None, "nik", "status"),
        Index(None, "status", "full_name"),
        # by name, with the agent and NIK a search's short words test (0015)
        Index(
            "ix_enrollments_live_name",
            "full_name",
            "pk",
            "agent_code",
            "nik",
            sqlite_where=text(LIVE_SQL),
        ),
        Index("ix_enrollments_attention", "sync_state", sqlite_where=text(ATTENTION_SQL)),
        # The search's matches looked up by key, sorted by name, kept for the agent and counted
        # without reading the rows (0015; repositories.enrollments).
        Index(
            "ix_enrollments_live_search",
            "pk",
            "full_name",
            "nik",
            "agent_code",
            sqlite_where=text(LIVE_SQL),
        ),
        Index(None, "event_id"),
        Index(None, "business_id"),
        Index(None, "submitted_at"),
    )


class OutboxOp(Base):
    __tablename__ = "outbox"

    op_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    op_id: Mapped[str] = mapped_column(String(36), unique=True)
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(8))
    base_version: Mapped[int | None] = mapped_column(Integer)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        Index(None, "status", "op_seq"),
        Index(None, "entity_id", "status"),
    )


class SyncState(Base):
    """A single row (id 1): who this laptop is to the server and how far it has pulled."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    cursor: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[str | None] = mapped_column(String(40))
    clock_offset_seconds: Mapped[float | None] = mapped_column(Float)
    server_url: Mapped[str | None] = mapped_column(Text)
    last_op_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The head of the laptop's audit hash chain: the last entry's seq and hash (0006).
    audit_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    audit_hash: Mapped[str | None] = mapped_column(String(64))


class PullCursor(Base):
    """How far each account on this laptop has pulled: the server shows each agent different
    records (their own enrollments), so a booth laptop shared by several agents keeps one
    cursor per account (migration 0003)."""

    __tablename__ = "pull_cursors"

    agent_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(String(40))


class SyncSecret(Base):
    """Secrets of the sync link, kept only in the encrypted file: the server's tokens per agent,
    the device's bundle-signing key, the server's bundle key. `name` says which; `value` is a
    JSON object (`services/sync/credentials.py` reads and writes them through
    `SyncSecretRepository`)."""

    __tablename__ = "sync_secrets"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[str] = mapped_column(String(40))


class FormDraft(Base):
    """What a person was typing in a form (the enrollment form, a new business, a visit), saved
    within seconds of each change so that a crash or a restart loses nothing (migration 0007).
    One row per account and form; only that account is ever offered it. `state` is the form's
    plain values (ui.widgets.form_state) plus what the form was about (a business id); it holds
    personal data, so it lives only here, in the encrypted file, and never leaves the laptop."""

    __tablename__ = "form_drafts"

    agent_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    form: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[str] = mapped_column(String(40))


class AuditEntry(Base):
    """Who did what to which record, and when. `details` never holds personal data.

    Since migration 0006 each entry is a link of the laptop's hash chain (`seq`, `prev_hash`,
    `hash`: `sync.protocol.audit_event_hash` of its wire form) and goes to the server as the
    `audit_event` op `op_id`, written in the same transaction. Entries from before 0006 have
    null chain fields."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str | None] = mapped_column(String(16))
    entity_id: Mapped[str | None] = mapped_column(String(36))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    seq: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    op_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (
        Index(None, "at"),
        Index(None, "entity_id"),
        Index(None, "op_id"),
    )


metadata = Base.metadata


#: A synced record's row: what the outbox's ops and the pulled changes are about.
SyncedRow = Business | Visit | Enrollment | EmployerRegistration
#: The synced records' tables by the wire's entity name (SYNC_PROTOCOL.md).
SYNCED_TABLES: Mapping[str, type[SyncedRow]] = {
    keys.Entity.BUSINESS: Business,
    keys.Entity.VISIT: Visit,
    keys.Entity.ENROLLMENT: Enrollment,
    keys.EMPLOYER_REGISTRATION: EmployerRegistration,
}
