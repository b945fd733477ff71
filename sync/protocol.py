"""The sync protocol, version 1, as pydantic models (SYNC_PROTOCOL.md in code form; what the
repository added since, e.g. `employer_registration` and the list participant check, is in
docs/wire.md).

Both ends use these models: the laptop to build pushes and read answers, the server to parse
requests and to describe its answers in its OpenAPI document. Field names are the wire names.
The contents of an op's `fields` are judged per entity by `agent_app.domain.validation` on the
server, so they stay a free-form mapping here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt

from sync import PROTOCOL_VERSION as PROTOCOL_VERSION  # the one source of the number
from sync import app_versions as _versions
from sync import audit_chain as _audit
from sync import participants_wire as _checks

Entity = Literal[
    "business", "visit", "enrollment", "audit_event", "assignment", "employer_registration"
]
PulledEntity = Literal[
    "business",
    "visit",
    "enrollment",
    "event",
    "target",
    "rate_table",
    "assignment",
    "consent_text",
    "employer_registration",
]
#: Pulled entities a laptop receives only when its pull declares it understands them
#: (`GET /v1/sync/pull?with=assignment`): a laptop from before one of them parses each change's
#: `entity` against a fixed list and would fail on it. The rest of `PulledEntity` is always sent.
OPTIONAL_PULLED: tuple[str, ...] = ("assignment", "consent_text", "employer_registration")
OpKind = Literal["create", "update", "delete"]
OpStatus = Literal["applied", "duplicate", "conflict", "rejected"]
Role = Literal["agent", "supervisor", "admin"]

#: Per-op error codes (`OpError.code`).
REJECT_CODES = (
    "invalid_field",
    "forbidden",
    "unknown_reference",
    "key_reuse",
    "deleted",
    "attachment_missing",
)
#: 1.1: the one transient rejection. The op references an attachment the server does not
#: have; the ledger keeps no answer for it, so the laptop uploads the blob and sends the same
#: op again (same op_id).
ATTACHMENT_MISSING = "attachment_missing"
#: 1.1: the media types `PUT /v1/attachments/{sha256}` takes.
ATTACHMENT_MEDIA_TYPES: tuple[str, ...] = ("image/jpeg", "image/png", "image/webp")
CONFLICT_CODES = ("nik_already_enrolled", "field_changed", "enrollment_accepted")


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- errors ---------------------------------------------------------------------------------


class ErrorDetail(_Model):
    code: str = Field(description="A stable machine-readable code, e.g. `token_expired`.")
    message: str
    field: str | None = Field(
        default=None,
        description="The request field the error concerns (`/v1/admin/` answers of 422; the "
        "message is then in the Accept-Language's language, Indonesian unless English).",
    )


class ErrorResponse(_Model):
    """The body of every non-200 answer."""

    error: ErrorDetail


# --- auth -----------------------------------------------------------------------------------


AGENT_CODE_PATTERN = r"^[A-Za-z0-9_.-]{1,64}$"


class LoginRequest(_Model):
    agent_code: str = Field(pattern=AGENT_CODE_PATTERN, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    device_id: uuid.UUID
    device_name: str = Field(pattern=r"^[^\x00]+$", min_length=1, max_length=200)
    device_public_key: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9+/]+={0,2}$",
        max_length=200,
        description="Base64 of the device's raw Ed25519 public key (32 bytes); it verifies "
        "the signature of the device's offline bundles.",
    )


class ChangePasswordRequest(_Model):
    """A person's own change of password (after a reset: the one-time code is `password`)."""

    agent_code: str = Field(pattern=AGENT_CODE_PATTERN, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class RefreshRequest(_Model):
    refresh_token: str = Field(pattern=r"^[A-Za-z0-9_-]{1,512}$", max_length=512)


class AgentInfo(_Model):
    code: str
    name: str
    branch: str
    role: Role
    time_zone: str | None = Field(
        default=None,
        description="The branch's time zone (IANA: Asia/Jakarta, Asia/Makassar or "
        "Asia/Jayapura). Every calendar day of the branch's work (the date a quote is for, "
        "enrolled_on, target periods, daily summaries, due dates) is a day in this zone; "
        "timestamps stay absolute. Absent from older servers: the laptop then keeps "
        "Asia/Jakarta (WIB).",
        examples=["Asia/Makassar"],
    )


class LoginResponse(_Model):
    access_token: str
    refresh_token: str
    expires_in: int = Field(description="Seconds the access token stays valid.")
    agent: AgentInfo
    server_public_key: str | None = Field(
        default=None,
        description="Base64 of the server's raw X25519 public key, to seal offline bundles.",
    )


# --- config / health ------------------------------------------------------------------------


#: The largest `limit` of a pull (`GET /v1/sync/pull`) this code serves, and the cap of a
#: server whose config does not say (`SyncConfig.max_pull_limit`, absent before issue 15).
MAX_PULL_LIMIT = 5000
LEGACY_PULL_LIMIT = 1000


class SyncConfig(_Model):
    protocol_version: int
    protocol_minor: int | None = Field(
        default=None, description="1.1: the protocol's minor version (1); absent from 1.0."
    )
    max_ops_per_batch: int
    max_body_bytes: int = Field(description="The cap on the decompressed request body.")
    max_pull_limit: int | None = Field(
        default=None,
        description="The largest `limit` a pull takes (absent: 1000, the cap before it).",
    )
    max_attachment_bytes: int | None = Field(
        default=None,
        description="1.1: the largest attachment `PUT /v1/attachments/{sha256}` takes "
        "(larger: 413). Absent from a 1.0 server, which takes no attachments.",
    )
    server_time: AwareDatetime
    entities: list[str] | None = Field(
        default=None,
        description="The entities a push takes; absent from servers before "
        "employer_registration (a laptop holds back the ops they lack).",
    )
    min_app_version: str | None = Field(
        default=None,
        description="1.1: the oldest app version the server still serves. A push from an app "
        "below it (its User-Agent `perisai-agent/<version> (<platform>)`) is refused with 426 "
        "`app_too_old`; the app stops before pushing and asks for an update.",
    )
    latest_app_version: str | None = Field(
        default=None,
        description="1.1: the newest app release; an older app shows a quiet update notice.",
    )


# App versions and the User-Agent (1.1), kept in `sync.app_versions`.
APP_PRODUCT = _versions.APP_PRODUCT
APP_TOO_OLD = _versions.APP_TOO_OLD
OLDEST_APP_VERSION = _versions.OLDEST_APP_VERSION
app_version_of = _versions.app_version_of
installed_app_version = _versions.installed_app_version
is_older = _versions.is_older
user_agent = _versions.user_agent


class Health(_Model):
    status: Literal["ok"]


class Ready(_Model):
    status: Literal["ready"]
    #: The schema's migration revision (the code's head).
    revision: str


# --- the laptop's audit trail (1.1) ----------------------------------------------------------

# The entity, the fields its hash covers and the hash, kept in `sync.audit_chain` (no pydantic).
AUDIT_EVENT = _audit.AUDIT_EVENT
AUDIT_EVENT_FIELDS = _audit.AUDIT_EVENT_FIELDS
audit_event_hash = _audit.audit_event_hash


class AuditEventFields(BaseModel):
    """The `fields` of an `audit_event` create (SYNC_PROTOCOL.md 1.1), with the hash chain.

    Each laptop numbers its audit events (`seq`, from 1) and chains them: `prev_hash` is the
    `hash` of the laptop's previous event (null for the first) and `hash` is
    `audit_event_hash(fields)`. The chain fields are optional so that an event without them
    is still taken (and flagged unchained). `details` holds ids and codes only: scalars, never
    a NIK, name, phone or income. `agent_code` is server-set (the server records the agent of
    the token) but is covered by the hash as the laptop sent it.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    action: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    entity: str | None = Field(default=None, pattern=r"^[a-z_]{1,32}$")
    entity_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    at: str = Field(max_length=40, description="ISO 8601 with offset.")
    agent_code: Any = None
    details: dict[str, Any] = Field(default_factory=dict)
    seq: int | None = Field(default=None, ge=1, le=2**62)
    prev_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


# --- push -----------------------------------------------------------------------------------


class Op(_Model):
    op_id: uuid.UUID
    # Numbers are JSON numbers: "1", 1.0 and true are not taken for an integer.
    op_seq: StrictInt = Field(ge=0, le=2**62)
    entity: Entity
    entity_id: uuid.UUID
    kind: OpKind
    base_version: StrictInt | None = Field(default=None, ge=0, le=2**62)
    fields: dict[str, Any] = Field(default_factory=dict)
    recorded_at: AwareDatetime
    # 1.1: server time minus laptop time as the laptop last measured it when it sent the op
    # (or null). A fact about the sending, not the op: a resent op may carry a newer
    # measurement, so it is not part of the payload `key_reuse` compares.
    clock_offset_seconds: float | None = Field(
        default=None, ge=-(10**10), le=10**10, allow_inf_nan=False
    )

    def payload(self) -> dict[str, Any]:
        """Everything in the op but `op_seq` and `clock_offset_seconds` (what `key_reuse`
        compares)."""
        return {
            "op_id": str(self.op_id),
            "entity": self.entity,
            "entity_id": str(self.entity_id),
            "kind": self.kind,
            "base_version": self.base_version,
            "fields": self.fields,
            "recorded_at": self.recorded_at.isoformat(),
        }


class PushRequest(_Model):
    protocol_version: StrictInt
    device_id: uuid.UUID
    batch_id: uuid.UUID
    ops: list[Op]


class OpError(_Model):
    code: str
    field: str | None = None
    message: str


class OpResult(_Model):
    op_id: uuid.UUID
    status: OpStatus
    entity_version: int | None = None
    server_seq: int | None = None
    error: OpError | None = None
    current: dict[str, Any] | None = Field(
        default=None,
        description="On a conflict: the server's fields of the record when the caller may "
        "pull it; for nik_already_enrolled only {branch, enrolled_on}.",
    )


class PushResponse(_Model):
    results: list[OpResult]
    server_time: AwareDatetime


# --- pull -----------------------------------------------------------------------------------


class Change(_Model):
    entity: PulledEntity
    entity_id: uuid.UUID
    version: int
    deleted: bool
    fields: dict[str, Any]
    server_seq: int


class PullResponse(_Model):
    changes: list[Change]
    next_cursor: str
    has_more: bool
    server_time: AwareDatetime


class ConsentTextFields(_Model):
    """The `fields` of a pulled `consent_text` (1.1): the text the laptop shows exactly as it
    is, and the SHA-256 (hex) of its UTF-8 bytes, which the enrollment's consent records."""

    version: str = Field(max_length=100)
    language: Literal["id", "en"]
    text: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    effective_from: dt.date


def consent_text_sha256(text: str) -> str:
    """The SHA-256 (lowercase hex) of a consent text's UTF-8 bytes, exactly as published."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The participant check's models (sync/participants_wire.py), here with the rest.
MAX_CHECKED_NIKS = _checks.MAX_CHECKED_NIKS
ParticipantCheckRequest = _checks.ParticipantCheckRequest
ParticipantCheckResponse = _checks.ParticipantCheckResponse
ParticipantListCheckRequest = _checks.ParticipantListCheckRequest
ParticipantListCheckResponse = _checks.ParticipantListCheckResponse
