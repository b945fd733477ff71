"""One batch's transaction state: the records and NIK guard rows it touches, judged op by op
under the write lock (SYNC_PROTOCOL.md's conflict policy), and written at the end in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from agent_app.domain import clock, keys, validation
from sync import protocol
from sync.server import audit_events, bulk, db
from sync.server.attachments import refs
from sync.server.attachments.store import BlobStore
from sync.server.prospects import suspects
from sync.server.push import assignments, consent, edits, employers
from sync.server.push.prepare import Prepared
from sync.server.push.records import (
    Caller,
    NikRow,
    Outcome,
    Rec,
    conflict,
    rejected,
    unknown_record,
)

#: The fields only a supervisor may change, in the order an agent's op is judged on them.
PROTECTED_ENROLLMENT_FIELDS = tuple(
    name for name in validation.ENROLLMENT.fields if name in validation.ENROLLMENT_PROTECTED
)
PROTECTED_FIELDS = {
    "enrollment": PROTECTED_ENROLLMENT_FIELDS,
    keys.EMPLOYER_REGISTRATION: tuple(
        name
        for name in validation.EMPLOYER_REGISTRATION.fields
        if name in validation.EMPLOYER_PROTECTED
    ),
}
#: The entities an agent sees only their own of (a supervisor: the branch's).
_OWN = ("enrollment", keys.EMPLOYER_REGISTRATION)
_CHUNK = 500


class Batch:
    """One batch's transaction state: the records it touches and what it changed."""

    def __init__(
        self,
        conn: Connection,
        caller: Caller,
        seq: int,
        now: dt.datetime,
        zone: str = clock.DEFAULT_ZONE,
    ) -> None:
        self.conn = conn
        self.caller = caller
        self.seq = seq
        self.now = now
        self.zone = zone  # the caller's branch's: its days (enrolled_on, quotes)
        self.today = clock.today(zone, now)
        self.records: dict[str, Rec] = {}
        self.niks: dict[str, NikRow | None] = {}
        self.niks_before: dict[str, NikRow | None] = {}
        self.audit = audit_events.AuditBatch(conn, caller.device_id, caller.agent_code, now)
        #: The attachments the batch's ops reference that the server holds (load_blobs).
        self.blobs: set[str] = set()
        #: The businesses the batch creates or changes, queued for the duplicate search.
        self.suspects = suspects.Queue(caller.branch_code, now, self._live_business)

    # --- loading ----------------------------------------------------------------------------

    def load_records(self, ids: Iterable[str]) -> None:
        wanted = sorted({i for i in ids if i not in self.records})
        for row in select_rows(self.conn, db.Record, "entity_id", wanted):
            self.records[row.entity_id] = Rec(
                entity_id=row.entity_id,
                entity=row.entity,
                branch_code=row.branch_code,
                owner_code=row.owner_code,
                version=row.version,
                deleted=row.deleted,
                fields=dict(row.fields or {}),
                field_versions=dict(row.field_versions or {}),
                server_seq=row.server_seq,
                created_at=row.created_at,
                updated_at=row.updated_at,
            )

    def load_niks(self, niks: Iterable[Any]) -> None:
        wanted = sorted({n for n in niks if isinstance(n, str) and n not in self.niks})
        for nik in wanted:
            self.niks[nik] = None
        for row in select_rows(self.conn, db.ActiveNik, "nik", wanted):
            self.niks[row.nik] = NikRow(row.entity_id, row.branch_code, row.enrolled_on)
        self.niks_before.update({n: self.niks[n] for n in wanted})

    def load_blobs(self, preps: Iterable[Prepared], store: BlobStore | None) -> None:
        """Which attachments the ops reference the server holds: one query per batch, then
        one stat per blob whose row exists (a row whose bytes are gone is not trusted: the op
        is `attachment_missing` and the laptop's upload writes the bytes back)."""
        wanted = {sha for prep in preps if prep.problem is None for sha in refs.shas_of(prep.sent)}
        self.blobs = refs.present(self.conn, wanted, store) if wanted else set()

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    # --- judging ----------------------------------------------------------------------------

    def apply(self, prep: Prepared) -> Outcome:
        op, entity_id = prep.op, prep.entity_id
        if op.entity == protocol.AUDIT_EVENT:
            return self._audit_event(prep)
        rec = self.records.get(entity_id)
        if rec is not None and not self._visible(rec):
            # A record the caller may not pull is answered as if the server had none, for
            # every kind of op: no version, kind, deletion or "exists" for another branch's
            # (or, for an agent, another agent's enrollment's) id. An invalid create is
            # judged on its fields first, as a create of a free id would be.
            if op.kind == "create" and prep.problem is not None:
                return prep.problem
            return unknown_record()
        if op.entity == keys.ASSIGNMENT:
            return assignments.judge(self, prep, rec)
        if op.kind == "update" or (op.kind == "create" and rec is None):
            missing = self._missing_attachment(prep)
            if missing is not None:
                return missing
        if op.kind == "create":
            outcome = edits.create(self, prep, rec)
            if outcome.status == "applied" and op.entity == "business":
                self.suspects.created(self.conn, entity_id, self.records[entity_id].fields)
            return outcome
        if rec is None or rec.entity != op.entity:
            return unknown_record()
        if op.kind == "delete":
            forbidden = self._may_delete(rec)
            if forbidden is not None:
                return forbidden
            return self._delete(rec)
        before = rec.fields
        outcome = edits.update(self, prep, rec)
        if outcome.status == "applied" and op.entity == "business":
            self.suspects.updated(self.conn, entity_id, before, rec.fields)
        return outcome

    def _live_business(self, entity_id: str) -> bool:
        """False for a business this batch deleted (the branch's index was read before)."""
        rec = self.records.get(entity_id)
        return rec is None or not rec.deleted

    def _missing_attachment(self, prep: Prepared) -> Outcome | None:
        """`attachment_missing` (transient: the ledger keeps no answer) for an op that
        references a blob the server does not hold."""
        if prep.problem is not None:
            return None
        for sha in refs.shas_of(prep.sent):
            if sha not in self.blobs:
                return rejected(
                    protocol.ATTACHMENT_MISSING,
                    "attachments",
                    f"Upload the attachment {sha} first, then send the op again.",
                )
        return None

    def _audit_event(self, prep: Prepared) -> Outcome:
        """A laptop's audit event: append-only, chain-checked (sync/server/audit_events.py)."""
        verdict = self.audit.apply(prep.op, prep.op_id, prep.entity_id, prep.problem is not None)
        if verdict.status == "rejected":
            if verdict.code is None and prep.problem is not None:
                return prep.problem
            return rejected(verdict.code or "invalid_field", verdict.field, verdict.message)
        return Outcome(verdict.status, entity_version=1)

    def _visible(self, rec: Rec) -> bool:
        """Whether the caller may pull the record (SYNC_PROTOCOL.md, "Pull")."""
        caller = self.caller
        if rec.branch_code not in (None, caller.branch_code):  # None: everyone's (rate tables)
            return False
        if rec.entity == keys.ASSIGNMENT:  # made to one agent: nobody else's to see
            return rec.owner_code == caller.agent_code
        return rec.entity not in _OWN or caller.is_supervisor or rec.owner_code == caller.agent_code

    def _may_delete(self, rec: Rec) -> Outcome | None:
        """A business or visit is deleted by the agent who created it or a supervisor of its
        branch (an enrollment's owner is checked by visibility)."""
        caller = self.caller
        if rec.entity in ("business", "visit") and not caller.is_supervisor:
            creator = rec.owner_code or rec.fields.get(
                "registered_by" if rec.entity == "business" else "agent_code"
            )
            if creator != caller.agent_code:
                return rejected(
                    "forbidden",
                    None,
                    f"Only the agent who recorded this {rec.entity} or a supervisor may delete it.",
                )
        return None

    def _reference(self, fields: dict[str, Any], name: str, entity: str) -> Outcome | None:
        ref = fields.get(name)
        if ref is None:
            return None
        target = self.records.get(str(ref))
        if (
            target is None
            or target.entity != entity
            or target.deleted
            or target.branch_code != self.caller.branch_code
        ):
            return rejected("unknown_reference", name, f"The server has no such {entity}.")
        return None

    def references(self, entity: str, fields: dict[str, Any]) -> Outcome | None:
        if entity in ("visit", "enrollment", keys.EMPLOYER_REGISTRATION):
            problem = self._reference(fields, "business_id", "business")
            if problem is not None:
                return problem
        problem = self._reference(fields, "event_id", "event")
        return problem or consent.judge(self, entity, fields)

    def protected(
        self, fields: dict[str, Any], current: dict[str, Any], entity: str = "enrollment"
    ) -> Outcome | None:
        """An agent may not set an enrollment's status, review reason or membership number
        (an employer registration's: its employer number `npp`)."""
        if self.caller.is_supervisor:
            return None
        for name in PROTECTED_FIELDS[entity]:
            if name not in fields:
                continue
            value = fields[name]
            if value == current.get(name) or (name == "status" and value == "submitted"):
                continue
            return rejected("forbidden", name, f"Only a supervisor may change {name}.")
        return None

    def nik_conflict(
        self, nik: str, entity_id: str, version: int | None, field_name: str = "nik"
    ) -> Outcome | None:
        """`nik_already_enrolled` when another active participant (an enrollment, or a
        worker of an employer registration) holds the NIK."""
        holder = self.niks.get(nik)
        if holder is not None and holder.entity_id != entity_id:
            return conflict(
                "nik_already_enrolled",
                field_name,
                "This NIK is already enrolled.",
                version,
                {"branch": holder.branch_code, "enrolled_on": holder.enrolled_on.isoformat()},
            )
        return None

    def _delete(self, rec: Rec) -> Outcome:
        if rec.deleted:
            return Outcome("duplicate", entity_version=rec.version, server_seq=rec.server_seq)
        if (
            rec.entity in _OWN
            and rec.fields.get("status") == "accepted"
            and not self.caller.is_supervisor
        ):
            return conflict(
                "enrollment_accepted",
                "status",
                f"The {rec.entity.replace('_', ' ')} was accepted; only a supervisor may "
                "delete it.",
                rec.version,
                dict(rec.fields),
            )
        if rec.entity == "enrollment":
            nik = rec.fields.get("nik")
            if isinstance(nik, str):
                self.load_niks([nik])
                holder = self.niks.get(nik)
                if holder is not None and holder.entity_id == rec.entity_id:
                    self.niks[nik] = None
        elif rec.entity == keys.EMPLOYER_REGISTRATION:
            employers.release_niks(self, rec.entity_id, employers.worker_niks(rec.fields))
        rec.deleted = True
        rec.version += 1
        rec.fields = {}
        rec.field_versions = {}
        rec.server_seq = self.next_seq()
        rec.updated_at = self.now
        rec.dirty = True
        return Outcome("applied", entity_version=rec.version, server_seq=rec.server_seq)

    # --- writing ----------------------------------------------------------------------------

    def flush(self) -> None:
        self.audit.flush()
        self.suspects.flush(self.conn)
        dirty = [r for r in self.records.values() if r.dirty]
        bulk.insert_records(self.conn, [r for r in dirty if r.is_new])
        bulk.update_records(self.conn, [r for r in dirty if not r.is_new])
        refs.replace_refs(
            self.conn,
            [
                (r.entity_id, r.entity, r.is_new, [] if r.deleted else refs.shas_of(r.fields))
                for r in dirty
            ],
            self.now,
        )
        bulk.delete_niks(
            self.conn,
            [n for n, row in self.niks.items() if self.niks_before.get(n) not in (None, row)],
        )
        bulk.insert_niks(
            self.conn,
            [
                (n, row.entity_id, row.branch_code, row.enrolled_on)
                for n, row in self.niks.items()
                if row is not None and self.niks_before.get(n) != row
            ],
        )


def select_rows(conn: Connection, model: type[db.Base], key: str, keys: list[str]) -> list[Any]:
    """The rows whose `key` is one of `keys`: on PostgreSQL one array parameter; elsewhere
    `IN (...)` in chunks (SQLAlchemy's result types turn SQLite's JSON and times back)."""
    table = db.table(model)
    if conn.dialect.name == "postgresql":
        return bulk.select_by_keys(conn, table.name, key, keys)
    rows: list[Any] = []
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        rows += conn.execute(sa.select(table).where(table.c[key].in_(chunk)))
    return rows
