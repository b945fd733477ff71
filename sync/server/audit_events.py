"""The laptops' audit trails on the server: pushed `audit_event` creates (SYNC_PROTOCOL.md 1.1).

Each laptop numbers its audit events and chains them by hash (`sync.protocol.AuditEventFields`).
The server keeps every event it takes in `audit_event`, append-only: this module only inserts
(there is no update or delete path in the code, and a database trigger refuses UPDATE and
DELETE on both SQLite and PostgreSQL, migration 0007). The agent is the token's; the
`agent_code` the laptop put in the event is kept apart as what the laptop claimed.

The chain is checked against the last event stored for the same device: an event whose `hash`
is not the hash of its content (`bad_hash`), whose `seq` skips numbers (`gap`: events deleted
on the laptop before they left it), or whose `seq`/`prev_hash` does not follow the last one
(`mismatch`: an event edited or replaced) is stored all the same, with `chain_ok` false and
the problem named, and a warning is logged (device and seq only). An event without chain
fields is stored as `unchained`.

Push calls in here from its batch transaction (`AuditBatch`); replays are answered by the
ledger as for any op. `details` must be ids and codes only: a value that is not a scalar or
that looks like a NIK (16 digits in a row) is `rejected` with `invalid_field`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pydantic
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from agent_app.domain import validation
from sync import protocol
from sync.server import db

log = logging.getLogger("server")

_NIK_LIKE = re.compile(r"\d{16}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DETAIL_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_AGENT_CODE = re.compile(protocol.AGENT_CODE_PATTERN)
MAX_DETAILS = 32
MAX_DETAIL_TEXT = 1000
#: The years an event's `at` may fall in (anything else is a laptop clock gone wild, or worse).
YEARS = (2000, 2100)

GAP = "gap"
MISMATCH = "mismatch"
BAD_HASH = "bad_hash"
UNCHAINED = "unchained"


def _problem(field: str, en: str, id_: str) -> validation.Problem:
    return validation.Problem(field, "invalid_field", id_, en)


#: Server-set: the pusher's agent code is the event's; what the laptop sent is kept apart.
SERVER_SET = frozenset({"agent_code"})


def validate(fields: Mapping[str, Any], *, partial: bool = False) -> list[validation.Problem]:
    """The problems of an `audit_event`'s fields (server-set `agent_code` already left out)."""
    try:
        event = protocol.AuditEventFields.model_validate(fields)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(part) for part in first["loc"][:1]) or "fields"
        return [_problem(name, "Not a valid audit event field.", "Isian audit tidak sah.")]
    try:
        at = dt.datetime.fromisoformat(event.at)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None or not YEARS[0] <= at.year <= YEARS[1]:
        return [_problem("at", "Must be a time with offset.", "Harus berupa waktu dengan zona.")]
    if len(event.details) > MAX_DETAILS:
        return [_problem("details", "Too many details.", "Terlalu banyak rincian.")]
    for key, value in event.details.items():
        if not _DETAIL_KEY.match(key) or not _detail_ok(value):
            return [
                _problem(
                    "details",
                    "Details hold ids and codes only (no personal data, no lists).",
                    "Rincian hanya berisi id dan kode (tanpa data pribadi, tanpa daftar).",
                )
            ]
    return []


def _detail_ok(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) < 2**53 and not _NIK_LIKE.search(str(abs(value)))
    if isinstance(value, str):
        return (
            len(value) <= MAX_DETAIL_TEXT
            and not _CONTROL.search(value)
            and not _NIK_LIKE.search(value)
        )
    return False  # floats, lists, objects


@dataclass(frozen=True)
class Verdict:
    """How push answers an audit op: `applied`, `duplicate` or `rejected` (with `code` None:
    the field rules' own answer)."""

    status: str
    code: str | None = None
    field: str | None = None
    message: str = ""


@dataclass
class _Head:
    seq: int | None
    hash: str | None


def chain_problem(head: _Head | None, fields: dict[str, Any]) -> str | None:
    """What is wrong with an event's place in its device's chain (None: it follows)."""
    seq, prev, claimed = fields.get("seq"), fields.get("prev_hash"), fields.get("hash")
    if seq is None or claimed is None:
        return UNCHAINED
    if protocol.audit_event_hash(fields) != claimed:
        return BAD_HASH
    if head is None or head.seq is None:
        return None if seq == 1 and prev is None else GAP
    if seq > head.seq + 1:
        return GAP
    if seq == head.seq + 1 and prev == head.hash:
        return None
    return MISMATCH


class AuditBatch:
    """The audit events of one push batch, judged and inserted in its transaction (which
    holds the write lock, so the last stored event of a device cannot change under it)."""

    def __init__(self, conn: Connection, device_id: str, agent_code: str, now: dt.datetime):
        self.conn = conn
        self.device_id = device_id
        self.agent_code = agent_code
        self.now = now
        self.head: _Head | None = None
        self.head_loaded = False
        self.rows: list[dict[str, Any]] = []
        self.taken: set[str] = set()

    def _load_head(self) -> None:
        if self.head_loaded:
            return
        t = db.table(db.AuditEvent)
        row = self.conn.execute(
            sa.select(t.c.seq, t.c.hash)
            .where(t.c.device_id == self.device_id)
            .order_by(t.c.id.desc())
            .limit(1)
        ).first()
        self.head = None if row is None else _Head(row.seq, row.hash)
        self.head_loaded = True

    def _exists(self, event_id: str) -> bool:
        if event_id in self.taken:
            return True
        t = db.table(db.AuditEvent)
        found = self.conn.execute(sa.select(t.c.id).where(t.c.event_id == event_id)).first()
        return found is not None

    def apply(self, op: protocol.Op, op_id: str, event_id: str, invalid: bool) -> Verdict:
        """Judges one audit op and queues its row (`invalid`: its fields broke the rules)."""
        if op.kind != "create":
            return Verdict("rejected", "forbidden", None, "Audit events are append-only.")
        if op.base_version is not None:
            return Verdict("rejected", "invalid_field", "base_version", "A create has none.")
        if invalid:
            return Verdict("rejected")
        if self._exists(event_id):
            return Verdict("duplicate")
        fields = op.fields
        self._load_head()
        flaw = chain_problem(self.head, fields)
        seq, claimed = fields.get("seq"), fields.get("hash")
        if flaw is not None:
            log.warning("audit chain of device %s: %s at seq %s", self.device_id, flaw, seq)
        if seq is not None:
            self.head = _Head(seq, claimed)
        laptop_agent = fields.get("agent_code")
        self.rows.append(
            {
                "event_id": event_id,
                "op_id": op_id,
                "device_id": self.device_id,
                "agent_code": self.agent_code,
                "laptop_agent_code": laptop_agent
                if isinstance(laptop_agent, str) and _AGENT_CODE.match(laptop_agent)
                else None,
                "seq": seq,
                "prev_hash": fields.get("prev_hash"),
                "hash": claimed,
                "action": fields["action"],
                "entity": fields.get("entity"),
                "entity_ref": fields.get("entity_id"),
                # In UTC: SQLite keeps no offset, and the trails are compared by time.
                "at": dt.datetime.fromisoformat(fields["at"]).astimezone(dt.UTC),
                "details": dict(fields.get("details") or {}),
                "received_at": self.now,
                "chain_ok": flaw is None,
                "chain_problem": flaw,
            }
        )
        self.taken.add(event_id)
        return Verdict("applied")

    def flush(self) -> None:
        if self.rows:
            self.conn.execute(db.table(db.AuditEvent).insert(), self.rows)
            self.rows = []


def listing(
    engine: Engine, device_id: str | None = None, gaps_only: bool = False, limit: int = 200
) -> list[str]:
    """The latest stored audit events, newest first, one line each (ids and codes only)."""
    t = db.table(db.AuditEvent)
    stmt = sa.select(t).order_by(t.c.id.desc()).limit(limit)
    if device_id:
        stmt = stmt.where(t.c.device_id == device_id)
    if gaps_only:
        stmt = stmt.where(t.c.chain_ok.is_(False))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    lines = []
    for row in rows:
        flag = "ok" if row.chain_ok else f"CHAIN {row.chain_problem}"
        agent = row.agent_code
        if row.laptop_agent_code != row.agent_code:
            agent += f" (laptop: {row.laptop_agent_code or '-'})"
        lines.append(
            f"{row.at:%Y-%m-%d %H:%M:%S%z} device {row.device_id} seq {row.seq or '-'} "
            f"{agent} {row.action} {row.entity or '-'} {row.entity_ref or '-'} {flag}"
        )
    return lines
