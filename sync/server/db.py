"""The central server's tables (SQLAlchemy 2.0 declarative); its engine is made in `engines.py`.

One `record` table holds every synced entity (business, visit, enrollment, and the pulled-only
event, target and rate_table): its current fields, version, per-field change marks and the
`server_seq` of its latest change. `ledger` is the idempotency ledger (unique `op_id`);
`active_nik` enforces one active enrollment per NIK; `seq_counter` is the single row whose
lock orders every change; `server_meta` keeps the epoch, the token secret and the bundle key.

Transactions (the engine and its helpers: `sync/server/engines.py`, re-exported here): one that
may write opens with `db.write_transaction(engine)`, which takes SQLite's write lock first
(`BEGIN IMMEDIATE`). Under WAL a deferred transaction that reads and then writes fails at once
with "database is locked" when another connection commits in between, whatever the busy
timeout. Reads use `engine.connect()` (a deferred transaction, rolled back at close): pulls and
pages never wait behind a writer. `sync/server` calls no `.begin()` or `.commit()` of its own
(tests/sync/server/test_write_transactions.py checks it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sync.server import record_terms
from sync.server.engines import is_sqlite as is_sqlite
from sync.server.engines import make_engine as make_engine
from sync.server.engines import ping as ping
from sync.server.engines import write_transaction as write_transaction

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = sa.JSON(none_as_null=True)
UTC = dt.UTC


def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class ServerMeta(Base):
    __tablename__ = "server_meta"
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text)


class SeqCounter(Base):
    __tablename__ = "seq_counter"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(sa.BigInteger)


class Branch(Base):
    __tablename__ = "branch"
    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    region_code: Mapped[str | None] = mapped_column(sa.String(32))
    # The branch's day (docs/time.md): one of agent_app.domain.clock.ZONES.
    time_zone: Mapped[str] = mapped_column(
        sa.String(32), default="Asia/Jakarta", server_default="Asia/Jakarta"
    )


class Agent(Base):
    __tablename__ = "agent"
    code: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    branch_code: Mapped[str] = mapped_column(sa.ForeignKey("branch.code"))
    role: Mapped[str] = mapped_column(sa.String(16))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    failed_logins: Mapped[int] = mapped_column(sa.Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: The password is a one-time code from a reset: the person chooses their own next.
    must_change_password: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )


class Device(Base):
    """A laptop. It belongs to the branch of its first login (`branch_code`); a revoked one
    (`revoked_at`) binds nobody until `reset-device`. `public_key` is the shared device key
    of the first format, no longer trusted for bundles (see `DeviceAgent.public_key`)."""

    __tablename__ = "device"
    device_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    public_key: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    branch_code: Mapped[str | None] = mapped_column(sa.String(32))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The device's latest push or pull, and the app version its User-Agent named then.
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    app_version: Mapped[str | None] = mapped_column(sa.String(32))


class DeviceAgent(Base):
    """Login binds a device to an agent; a booth laptop may be bound to several.

    `public_key`: that agent's own bundle-signing key on that device (Ed25519), registered at
    the first login that gives one and replaced only by `reset-device`."""

    __tablename__ = "device_agent"
    device_id: Mapped[str] = mapped_column(sa.ForeignKey("device.device_id"), primary_key=True)
    agent_code: Mapped[str] = mapped_column(sa.ForeignKey("agent.code"), primary_key=True)
    bound_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    public_key: Mapped[str | None] = mapped_column(sa.String(100))


class RefreshToken(Base):
    __tablename__ = "refresh_token"
    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    agent_code: Mapped[str] = mapped_column(sa.ForeignKey("agent.code"))
    device_id: Mapped[str] = mapped_column(sa.ForeignKey("device.device_id"))
    expires_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The login this token descends from (every refresh keeps it): reuse of a spent token
    #: after the grace window revokes the whole family.
    family_id: Mapped[str] = mapped_column(sa.String(128), index=True)
    #: The pair this token was traded for, sealed with a key derived from this token (so only
    #: its holder opens it): a replay within the grace window is answered with the same pair.
    successor: Mapped[str | None] = mapped_column(sa.Text)


class LoginFailure(Base):
    """Wrong passwords in a row per (agent code, client address), known codes or not; an
    attempt is counted before its password is checked (throttle.py)."""

    __tablename__ = "login_failure"
    agent_code: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    client: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(sa.Integer)
    #: No password from this client is checked for this code before then.
    next_allowed_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    last_failure_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))


class RateCount(Base):
    """Requests per rate-limit key (`scope|subject|window`) in a fixed window."""

    __tablename__ = "rate_count"
    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    count: Mapped[int] = mapped_column(sa.Integer)
    expires_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), index=True)


class ParticipantCheck(Base):
    """Who asked `/v1/participants/check` about which NIK, and when. The NIK is kept only as
    an HMAC-SHA256 under the server's `nik_audit_key`: the office can answer "who checked this
    NIK" (hash the NIK it is asked about), the table alone names nobody."""

    __tablename__ = "participant_check"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    agent_code: Mapped[str] = mapped_column(sa.String(64), index=True)
    device_id: Mapped[str] = mapped_column(sa.String(36))
    client: Mapped[str] = mapped_column(sa.String(64))
    nik_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    enrolled: Mapped[bool] = mapped_column(sa.Boolean)


_FIELDS: sa.ColumnElement[Any] = sa.literal_column("fields")
_STATUS = record_terms.field_text(_FIELDS, "status")
_EVENT = record_terms.field_text(_FIELDS, "event_id")
_OCCURRED = record_terms.utc_text(record_terms.field_text(_FIELDS, "visited_at"))


class Record(Base):
    __tablename__ = "record"
    entity_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(sa.String(32))
    #: The branch whose people may pull it (null: everyone, e.g. a rate table).
    branch_code: Mapped[str | None] = mapped_column(sa.String(32))
    #: The agent it belongs to (enrollments, visits, agent targets), for visibility.
    owner_code: Mapped[str | None] = mapped_column(sa.String(64))
    version: Mapped[int] = mapped_column(sa.Integer)
    deleted: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    fields: Mapped[dict[str, Any]] = mapped_column(JSONType)
    #: field -> [version that last changed it, device that changed it]
    field_versions: Mapped[dict[str, Any]] = mapped_column(JSONType)
    server_seq: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    # Computed by the database from `fields` (migration 0011): never written by the code.
    #: The review status of an enrollment, the status of a business.
    status: Mapped[str | None] = mapped_column(sa.String(24), sa.Computed(_STATUS))
    #: The event a business, visit or enrollment was made at.
    event_id: Mapped[str | None] = mapped_column(sa.String(64), sa.Computed(_EVENT))
    #: When a visit took place, as UTC text `YYYY-MM-DD HH:MM:SS` (record_terms.utc_text).
    occurred_at: Mapped[str | None] = mapped_column(sa.String(19), sa.Computed(_OCCURRED))


# What the console filters and counts on (migration 0011): the generated columns' indexes.
sa.Index(
    "ix_record_queue",
    Record.branch_code,
    Record.entity,
    Record.status,
    Record.created_at,
    Record.entity_id,
)
sa.Index(
    "ix_record_branch_entity_created",
    Record.branch_code,
    Record.entity,
    Record.created_at,
    Record.owner_code,
    Record.event_id,
    Record.status,
    Record.deleted,
)
sa.Index(
    "ix_record_branch_entity_occurred",
    Record.branch_code,
    Record.entity,
    Record.occurred_at,
    Record.owner_code,
    Record.event_id,
    Record.deleted,
)


class ActiveNik(Base):
    """One row per active (not deleted) enrollment: the NIK's uniqueness guard."""

    __tablename__ = "active_nik"
    nik: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    entity_id: Mapped[str] = mapped_column(sa.String(36))
    branch_code: Mapped[str] = mapped_column(sa.String(32))
    enrolled_on: Mapped[dt.date] = mapped_column(sa.Date)


class Ledger(Base):
    """Every op's result, written in the transaction that applied it."""

    __tablename__ = "ledger"
    op_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    #: The op's record (null on rows written before migration 0008): erasure finds by it
    #: every stored answer that showed the record.
    entity_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    payload_hash: Mapped[str] = mapped_column(sa.String(64))
    device_id: Mapped[str] = mapped_column(sa.String(36))
    agent_code: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16))
    entity_version: Mapped[int | None] = mapped_column(sa.Integer)
    server_seq: Mapped[int | None] = mapped_column(sa.BigInteger)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    current: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    #: Server time minus the laptop's time, as the laptop measured it when it sent the op
    #: (SYNC_PROTOCOL.md 1.1; null from a 1.0 laptop or before migration 0009): a reviewer
    #: tells a laptop clock that was hours off from a late entry.
    clock_offset_seconds: Mapped[float | None] = mapped_column(sa.Float)


class AdminAudit(Base):
    """The administration trail: every command of `python -m sync.server` that changes
    something (accounts, devices, reviews, erasures, rate tables, compaction), with who ran
    it and when; written in the command's own transaction."""

    __tablename__ = "admin_audit"
    __table_args__ = (sa.Index("ix_admin_audit_at_id", "at", "id"),)  # the trail's pages
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    operator: Mapped[str] = mapped_column(sa.String(100))
    action: Mapped[str] = mapped_column(sa.String(40))
    target: Mapped[str | None] = mapped_column(sa.String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType)


class AuditEvent(Base):
    """The laptops' audit trails (SYNC_PROTOCOL.md 1.1 `audit_event`), append-only: rows are
    only inserted (sync/server/audit_events.py); a trigger refuses UPDATE and DELETE. `agent_code`
    is the pushing token's agent; `laptop_agent_code` is what the laptop wrote in the event.
    `chain_ok` is false when the event does not follow the device's last stored one
    (`chain_problem`: gap, mismatch, bad_hash, unchained)."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_at_id", "at", "id"),)  # the trail's pages
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    op_id: Mapped[str] = mapped_column(sa.String(36))
    device_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    agent_code: Mapped[str] = mapped_column(sa.String(64))
    laptop_agent_code: Mapped[str | None] = mapped_column(sa.String(64))
    seq: Mapped[int | None] = mapped_column(sa.BigInteger)
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64))
    hash: Mapped[str | None] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(64))
    entity: Mapped[str | None] = mapped_column(sa.String(32))
    entity_ref: Mapped[str | None] = mapped_column(sa.String(64))
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType)
    received_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    chain_ok: Mapped[bool] = mapped_column(sa.Boolean)
    chain_problem: Mapped[str | None] = mapped_column(sa.String(16))


class ConsoleSession(Base):
    """A browser signed in to the branch console: the SHA-256 of its cookie (never the cookie),
    the account, the CSRF token of its forms and its times (idle timeout, maximum age)."""

    __tablename__ = "console_session"
    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    agent_code: Mapped[str] = mapped_column(sa.ForeignKey("agent.code"), index=True)
    csrf_token: Mapped[str] = mapped_column(sa.String(64))
    lang: Mapped[str] = mapped_column(sa.String(8))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    #: A message for the next page (after a change and its redirect): {"id": ..., "en": ...}.
    notice: Mapped[dict[str, str] | None] = mapped_column(JSONType)


def table(model: type[Base]) -> sa.Table:
    """The Core table of a mapped class (for bulk statements)."""
    return cast(sa.Table, model.__table__)


# The attachments' tables (migration 0012) live beside their code; imported here so that
# `Base.metadata` (migrations, tests) holds every table.
from sync.server.attachments.tables import AttachmentBlob as AttachmentBlob  # noqa: E402
from sync.server.attachments.tables import AttachmentRef as AttachmentRef  # noqa: E402
from sync.server.prospects import tables as prospect_tables  # noqa: E402, F401
