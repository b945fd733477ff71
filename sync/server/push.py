"""Applying a pushed batch: the idempotency ledger, the conflict policy and server_seq.

Before any lock, each op's fields are judged by the domain's rules (`prepare`: validation,
the contribution quote, the payload hash), since that needs no database. Then one database
transaction per batch:

1. lock the single `seq_counter` row (`UPDATE ... RETURNING`): every writer takes it first, so
   writers are serialized and `server_seq` order is commit order (a pull never skips a change);
2. read the ledger rows of the batch's op_ids: ops already there get their stored answer (or
   `key_reuse` when the payload differs); the others are this transaction's (under the lock no
   other writer is between reading the ledger and committing);
3. judge each owned op against the records it touches (loaded once per batch), apply it in
   memory, and give each applied op the next `server_seq`;
4. write the records, the NIK guard rows, the owned ops' ledger rows (their results) and the
   counter in bulk; commit.

The unique `op_id` still guards the ledger: its rows go in with a plain INSERT (COPY), so were
a copy of the batch ever applied past the lock, the insert would fail and the batch be retried,
then answered from the ledger (`duplicate`); never applied twice.
A crash before the commit leaves nothing behind; the laptop sends the batch again. A deadlock
or serialization failure (PostgreSQL) or a unique-constraint race is retried with the whole
batch; a database that stays locked is `Busy` (503 with Retry-After).
The conflict policy is SYNC_PROTOCOL.md's; the field rules are `agent_app.domain.validation`'s.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from agent_app.domain import clock, contributions, validation
from sync import protocol
from sync.server import audit_events, bulk, db, rates

log = logging.getLogger("server")

PROTECTED_ENROLLMENT_FIELDS = ("status", "review_reason", "membership_number")
QUOTE_FIELDS = frozenset(
    {
        "declared_income",
        "programs",
        "period_months",
        "occupation",
        "paid_by_state",
        "monthly_contribution",
    }
)
_VALIDATORS = {
    "business": validation.validate_business,
    "visit": validation.validate_visit,
    "enrollment": validation.validate_enrollment,
    protocol.AUDIT_EVENT: audit_events.validate,
}
_CHUNK = 500
_RETRIES = 5
_FIELD_NAME = re.compile(r"[a-z_][a-z0-9_]{0,63}", re.ASCII)


class Busy(Exception):
    """The database could not take the batch now (lock timeout, repeated deadlocks)."""


@dataclass(frozen=True)
class Caller:
    agent_code: str
    branch_code: str
    role: str
    device_id: str

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


@dataclass
class Rec:
    entity_id: str
    entity: str
    branch_code: str | None
    owner_code: str | None
    version: int
    deleted: bool
    fields: dict[str, Any]
    field_versions: dict[str, Any]
    server_seq: int
    created_at: dt.datetime
    updated_at: dt.datetime
    is_new: bool = False
    dirty: bool = False


@dataclass(frozen=True)
class NikRow:
    entity_id: str
    branch_code: str
    enrolled_on: dt.date


@dataclass
class Outcome:
    status: str
    entity_version: int | None = None
    server_seq: int | None = None
    error: dict[str, Any] | None = None
    current: dict[str, Any] | None = None


@dataclass
class Prepared:
    """An op with what can be judged without the database (done outside the write lock)."""

    op: protocol.Op
    op_id: str
    entity_id: str
    digest: str
    sent: dict[str, Any]
    problem: Outcome | None  # the field rules (agent_app.domain.validation)
    contribution: Outcome | None  # an enrollment create's quote check


def prepare(op: protocol.Op, today: dt.date, zone: str = clock.DEFAULT_ZONE) -> Prepared:
    """`today` is the day it is in `zone`, the caller's branch's (docs/time.md)."""
    server_set = protocol.SERVER_SET_FIELDS[op.entity]
    fields = op.fields
    sent = (
        fields
        if server_set.isdisjoint(fields)
        else {k: v for k, v in fields.items() if k not in server_set}
    )
    op_id, entity_id = str(op.op_id), str(op.entity_id)
    problem = contribution = None
    if not validation.datetime_in_range(op.recorded_at):
        problem = _rejected(
            "invalid_field",
            "recorded_at",
            f"The op's time must lie between the years {validation.MIN_YEAR} and "
            f"{validation.MAX_YEAR}.",
        )
    elif op.kind != "delete":
        if op.entity == "enrollment":
            problems = validation.validate_enrollment(
                sent, partial=op.kind == "update", today=today
            )
        else:
            problems = _VALIDATORS[op.entity](sent, partial=op.kind == "update")
        if problems:
            first = problems[0]
            # The name of an unknown field is echoed only when it is a plain name.
            name = first.field if _FIELD_NAME.fullmatch(first.field) else None
            problem = _rejected("invalid_field", name, first.message_en)
        elif op.kind == "create" and op.entity == "enrollment":
            contribution = check_contribution(
                {"paid_by_state": False, **sent}, op.recorded_at, today, zone
            )
    return Prepared(
        op, op_id, entity_id, payload_hash(op, op_id, entity_id), sent, problem, contribution
    )


def payload_hash(op: protocol.Op, op_id: str | None = None, entity_id: str | None = None) -> str:
    """SHA-256 of the op's canonical JSON without `op_seq` (SYNC_PROTOCOL.md "payload")."""
    payload = {
        "op_id": op_id or str(op.op_id),
        "entity": op.entity,
        "entity_id": entity_id or str(op.entity_id),
        "kind": op.kind,
        "base_version": op.base_version,
        "fields": op.fields,
        "recorded_at": op.recorded_at.isoformat(),
    }
    return hashlib.sha256(_CANONICAL.encode(payload).encode("utf-8")).hexdigest()


# json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str), with the encoder
# built once instead of at every call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def _rejected(code: str, field_name: str | None, message: str) -> Outcome:
    return Outcome("rejected", error={"code": code, "field": field_name, "message": message})


def _unknown_record() -> Outcome:
    return _rejected("unknown_reference", "entity_id", "The server has no such record.")


def _conflict(
    code: str, field_name: str | None, message: str, version: int | None, current: Any
) -> Outcome:
    return Outcome(
        "conflict",
        entity_version=version,
        error={"code": code, "field": field_name, "message": message},
        current=current,
    )


@functools.lru_cache(maxsize=4096)
def _quote_total(
    generation: int,  # contributions.tables_generation(): a newly published table
    income: int,
    programs: tuple[str, ...],
    period: int,
    on: dt.date,
    occupation: str | None,
    paid_by_state: bool,
) -> int | tuple[str, str]:
    """The monthly total of a quote, or (field, message) when it cannot be quoted."""
    try:
        return contributions.quote(
            income, programs, period, on, occupation, paid_by_state
        ).monthly_total
    except contributions.QuoteError as error:
        return (error.field or "declared_income", error.text.en)


def check_contribution(
    fields: dict[str, Any],
    recorded_at: dt.datetime,
    today: dt.date,
    zone: str = clock.DEFAULT_ZONE,
) -> Outcome | None:
    """Rejects a `monthly_contribution` that is the quote neither for the op's day nor today.

    The op's day is the day `recorded_at` falls on in the branch's `zone` (or in the offset
    the laptop wrote, for laptops that quoted on their own calendar); `today` is the branch's
    day now (an op quoted offline and sent later)."""
    try:
        key = (
            int(fields["declared_income"]),
            tuple(fields["programs"]),
            int(fields["period_months"]),
        )
    except (KeyError, TypeError, ValueError):
        return _rejected("invalid_field", "declared_income", "Cannot compute the quote.")
    occupation = fields.get("occupation")
    paid_by_state = bool(fields.get("paid_by_state", False))
    sent = fields.get("monthly_contribution")
    dates = {recorded_at.date(), clock.local_date(recorded_at, zone), today}
    expected: list[int] = []
    generation = contributions.tables_generation()
    for day in sorted(dates):
        total = _quote_total(generation, *key, day, occupation, paid_by_state)
        if isinstance(total, tuple):
            return _rejected("invalid_field", total[0], total[1])
        if total == sent:
            return None
        expected.append(total)
    return _rejected(
        "invalid_field",
        "monthly_contribution",
        "The monthly contribution does not match the quote "
        f"(expected {' or '.join(f'Rp{v:,}' for v in dict.fromkeys(expected))}).",
    )


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

    # --- loading ----------------------------------------------------------------------------

    def load_records(self, ids: Iterable[str]) -> None:
        wanted = sorted({i for i in ids if i not in self.records})
        for row in _select(self.conn, db.Record, "entity_id", wanted):
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
        for row in _select(self.conn, db.ActiveNik, "nik", wanted):
            self.niks[row.nik] = NikRow(row.entity_id, row.branch_code, row.enrolled_on)
        self.niks_before.update({n: self.niks[n] for n in wanted})

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
            return _unknown_record()
        if op.kind == "create":
            return self._create(prep, rec)
        if rec is None or rec.entity != op.entity:
            return _unknown_record()
        if op.kind == "delete":
            forbidden = self._may_delete(rec)
            if forbidden is not None:
                return forbidden
            return self._delete(rec)
        return self._update(prep, rec)

    def _audit_event(self, prep: Prepared) -> Outcome:
        """A laptop's audit event: append-only, chain-checked (sync/server/audit_events.py)."""
        verdict = self.audit.apply(prep.op, prep.op_id, prep.entity_id, prep.problem is not None)
        if verdict.status == "rejected":
            if verdict.code is None and prep.problem is not None:
                return prep.problem
            return _rejected(verdict.code or "invalid_field", verdict.field, verdict.message)
        return Outcome(verdict.status, entity_version=1)

    def _visible(self, rec: Rec) -> bool:
        """Whether the caller may pull the record (SYNC_PROTOCOL.md, "Pull")."""
        caller = self.caller
        if rec.branch_code not in (None, caller.branch_code):  # None: everyone's (rate tables)
            return False
        return (
            rec.entity != "enrollment"
            or caller.is_supervisor
            or rec.owner_code == caller.agent_code
        )

    def _may_delete(self, rec: Rec) -> Outcome | None:
        """A business or visit is deleted by the agent who created it or a supervisor of its
        branch (an enrollment's owner is checked by visibility)."""
        caller = self.caller
        if rec.entity in ("business", "visit") and not caller.is_supervisor:
            creator = rec.owner_code or rec.fields.get(
                "registered_by" if rec.entity == "business" else "agent_code"
            )
            if creator != caller.agent_code:
                return _rejected(
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
            return _rejected("unknown_reference", name, f"The server has no such {entity}.")
        return None

    def _references(self, entity: str, fields: dict[str, Any]) -> Outcome | None:
        if entity in ("visit", "enrollment"):
            problem = self._reference(fields, "business_id", "business")
            if problem is not None:
                return problem
        return self._reference(fields, "event_id", "event")

    def _protected(self, fields: dict[str, Any], current: dict[str, Any]) -> Outcome | None:
        """An agent may not set an enrollment's status, review reason or membership number."""
        if self.caller.is_supervisor:
            return None
        for name in PROTECTED_ENROLLMENT_FIELDS:
            if name not in fields:
                continue
            value = fields[name]
            if value == current.get(name) or (name == "status" and value == "submitted"):
                continue
            return _rejected("forbidden", name, f"Only a supervisor may change {name}.")
        return None

    def _nik_conflict(self, nik: str, entity_id: str, version: int | None) -> Outcome | None:
        holder = self.niks.get(nik)
        if holder is not None and holder.entity_id != entity_id:
            return _conflict(
                "nik_already_enrolled",
                "nik",
                "This NIK is already enrolled.",
                version,
                {"branch": holder.branch_code, "enrolled_on": holder.enrolled_on.isoformat()},
            )
        return None

    def _create(self, prep: Prepared, rec: Rec | None) -> Outcome:
        op, entity_id, sent = prep.op, prep.entity_id, prep.sent
        if rec is not None:
            if rec.entity != op.entity:
                return _rejected(
                    "invalid_field", "entity_id", "The id belongs to another kind of record."
                )
            if rec.deleted:
                return _rejected("deleted", None, "The record was deleted.")
            return Outcome("duplicate", entity_version=rec.version, server_seq=rec.server_seq)
        if op.base_version is not None:
            return _rejected("invalid_field", "base_version", "A create has no base_version.")
        problem = prep.problem or self._references(op.entity, sent)
        if problem is not None:
            return problem
        caller = self.caller
        fields = dict(sent)
        owner: str | None = caller.agent_code
        if op.entity == "business":
            fields["registered_by"] = caller.agent_code
        elif op.entity == "visit":
            fields["agent_code"] = caller.agent_code
        else:
            problem = self._protected(sent, {"status": "submitted"})
            if problem is not None:
                return problem
            if not caller.is_supervisor or "status" not in fields:
                fields["status"] = "submitted"
            fields.setdefault("paid_by_state", False)
            fields["agent_code"] = caller.agent_code
            if prep.contribution is not None:
                return prep.contribution
            nik = fields["nik"]
            if nik not in self.niks:
                self.load_niks([nik])
            problem = self._nik_conflict(nik, entity_id, None)
            if problem is not None:
                return problem
            self.niks[nik] = NikRow(
                entity_id, caller.branch_code, clock.local_date(op.recorded_at, self.zone)
            )
        seq = self.next_seq()
        self.records[entity_id] = Rec(
            entity_id=entity_id,
            entity=op.entity,
            branch_code=caller.branch_code,
            owner_code=owner,
            version=1,
            deleted=False,
            fields=fields,
            # Marks are kept only for changes after the create: a field without one was set
            # at version 1, which no update's base_version (>= 1) predates.
            field_versions={},
            server_seq=seq,
            created_at=self.now,
            updated_at=self.now,
            is_new=True,
            dirty=True,
        )
        return Outcome("applied", entity_version=1, server_seq=seq)

    def _update(self, prep: Prepared, rec: Rec) -> Outcome:
        op, sent = prep.op, prep.sent
        if rec.deleted:
            return _rejected("deleted", None, "The record was deleted.")
        base = op.base_version
        if base is None or base > rec.version:
            return _rejected(
                "invalid_field",
                "base_version",
                "An update needs the base_version the laptop last saw (not newer than the "
                "server's).",
            )
        if rec.entity == "enrollment" and rec.fields.get("status") == "accepted":
            return _conflict(
                "enrollment_accepted",
                "status",
                "The enrollment was accepted; it can no longer be changed.",
                rec.version,
                dict(rec.fields),
            )
        problem = prep.problem or self._references(op.entity, sent)
        if problem is not None:
            return problem
        if rec.entity == "enrollment":
            problem = self._protected(sent, rec.fields)
            if problem is not None:
                return problem
            for name, value in sent.items():
                mark = rec.field_versions.get(name)
                if (
                    mark is not None
                    and mark[0] > base
                    and mark[1] != self.caller.device_id
                    and rec.fields.get(name) != value
                ):
                    return _conflict(
                        "field_changed",
                        name,
                        f"Someone else changed {name} since version {base}.",
                        rec.version,
                        dict(rec.fields),
                    )
        # Businesses and visits: a field changed by someone else is taken from this, the
        # later arrival; fields nobody else changed merge as they are.
        merged = {**rec.fields, **sent}
        if rec.entity == "enrollment":
            if not self.caller.is_supervisor and rec.fields.get("status") == "needs_correction":
                merged["status"] = "submitted"
            if QUOTE_FIELDS & sent.keys():
                problem = check_contribution(merged, op.recorded_at, self.today, self.zone)
                if problem is not None:
                    return problem
            old_nik, new_nik = str(rec.fields.get("nik")), str(merged.get("nik"))
            if new_nik != old_nik:
                self.load_niks([new_nik, old_nik])
                problem = self._nik_conflict(new_nik, rec.entity_id, rec.version)
                if problem is not None:
                    return problem
                before = self.niks.get(old_nik)
                self.niks[old_nik] = None
                self.niks[new_nik] = NikRow(
                    rec.entity_id,
                    rec.branch_code or self.caller.branch_code,
                    before.enrolled_on if before else clock.local_date(op.recorded_at, self.zone),
                )
        version = rec.version + 1
        for name, value in merged.items():
            if rec.fields.get(name, _MISSING) != value:
                rec.field_versions[name] = [version, self.caller.device_id]
        rec.fields = merged
        rec.version = version
        rec.server_seq = self.next_seq()
        rec.updated_at = self.now
        rec.dirty = True
        return Outcome("applied", entity_version=version, server_seq=rec.server_seq)

    def _delete(self, rec: Rec) -> Outcome:
        if rec.deleted:
            return Outcome("duplicate", entity_version=rec.version, server_seq=rec.server_seq)
        if (
            rec.entity == "enrollment"
            and rec.fields.get("status") == "accepted"
            and not self.caller.is_supervisor
        ):
            return _conflict(
                "enrollment_accepted",
                "status",
                "The enrollment was accepted; only a supervisor may delete it.",
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
        dirty = [r for r in self.records.values() if r.dirty]
        bulk.insert_records(self.conn, [r for r in dirty if r.is_new])
        bulk.update_records(self.conn, [r for r in dirty if not r.is_new])
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


_MISSING = object()


def _stored(conn: Connection, op_ids: list[str]) -> dict[str, Any]:
    return {row.op_id: row for row in _select(conn, db.Ledger, "op_id", op_ids)}


def _select(conn: Connection, model: type[db.Base], key: str, keys: list[str]) -> list[Any]:
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


def _replayed(row: Any, digest: str) -> Outcome:
    if row.payload_hash != digest:
        return _rejected("key_reuse", "op_id", "This op_id was used before for another op.")
    status = "duplicate" if row.status == "applied" else row.status
    return Outcome(
        status,
        entity_version=row.entity_version,
        server_seq=row.server_seq,
        error=row.error,
        current=row.current,
    )


def _referenced_ids(preps: list[Prepared]) -> set[str]:
    """The records a batch's ops touch: their own, and those referenced by the fields of
    the ops that passed the field rules (whatever a refused op holds is never a key)."""
    ids: set[str] = set()
    for prep in preps:
        ids.add(prep.entity_id)
        if prep.problem is not None or prep.op.kind == "delete":
            continue
        for name in ("business_id", "event_id"):
            value = prep.sent.get(name)
            if isinstance(value, str):
                ids.add(value)
    return ids


def branch_zone(conn: Connection, branch_code: str) -> str:
    """The branch's time zone (WIB for a branch the database does not know)."""
    branches = db.table(db.Branch)
    zone = conn.execute(
        sa.select(branches.c.time_zone).where(branches.c.code == branch_code)
    ).scalar()
    return clock.zone_or_default(zone)


def _apply_once(
    engine: Engine, caller: Caller, preps: list[Prepared], zone: str = clock.DEFAULT_ZONE
) -> list[tuple[str, Outcome]]:
    now = dt.datetime.now(dt.UTC)
    with engine.connect() as conn, conn.begin():
        # The write lock: every writer takes this row first (see the module docstring).
        seq = conn.execute(
            sa.text("UPDATE seq_counter SET value = value WHERE id = 1 RETURNING value")
        ).scalar_one()
        first: dict[str, int] = {}
        for index, prep in enumerate(preps):
            first.setdefault(prep.op_id, index)
        # Under the lock no other writer is between its ledger read and its commit, so the
        # op_ids not in the ledger are this transaction's; their rows go in at the end with
        # a plain INSERT, which the unique op_id still guards (see the module docstring).
        stored = _stored(conn, list(first))
        owned = {op_id for op_id in first if op_id not in stored}
        batch = Batch(conn, caller, seq, now, zone)
        mine = [prep for prep in preps if prep.op_id in owned]
        batch.load_records(_referenced_ids(mine))
        batch.load_niks(
            prep.sent.get("nik")
            for prep in mine
            if prep.op.entity == "enrollment" and prep.problem is None
        )
        results: list[tuple[str, Outcome]] = []
        decided: dict[str, Outcome] = {}
        for index, prep in enumerate(preps):
            op_id = prep.op_id
            if first[op_id] != index:
                earlier = decided[op_id]
                if preps[first[op_id]].digest != prep.digest:
                    outcome = _rejected(
                        "key_reuse", "op_id", "This op_id was used before for another op."
                    )
                elif earlier.status == "applied":
                    outcome = Outcome("duplicate", earlier.entity_version, earlier.server_seq)
                else:
                    outcome = earlier
            elif op_id in owned:
                outcome = batch.apply(prep)
                decided[op_id] = outcome
            else:
                outcome = _replayed(stored[op_id], prep.digest)
                decided[op_id] = outcome
            results.append((op_id, outcome))
        batch.flush()
        bulk.insert_ledger(
            conn,
            [
                (
                    op_id,
                    preps[index].entity_id,
                    preps[index].digest,
                    outcome,
                    preps[index].op.clock_offset_seconds,
                )
                for index, (op_id, outcome) in enumerate(results)
                if op_id in owned and first[op_id] == index
            ],
            caller.device_id,
            caller.agent_code,
            now,
        )
        if batch.seq != seq:
            conn.execute(
                sa.text("UPDATE seq_counter SET value = :value WHERE id = 1"),
                {"value": batch.seq},
            )
    return results


def _retryable(error: sa.exc.DBAPIError) -> bool:
    code = getattr(error.orig, "sqlstate", None)
    if code in ("40P01", "40001"):
        return True
    return isinstance(error, sa.exc.IntegrityError)


def apply_batch(
    engine: Engine, caller: Caller, ops: list[protocol.Op]
) -> list[tuple[str, Outcome]]:
    """Applies a batch (see the module docstring); returns (op_id, outcome) in op order.

    Raises:
        Busy: the database stayed locked or kept deadlocking.
    """
    with engine.connect() as conn:
        zone = branch_zone(conn, caller.branch_code)
    today = clock.today(zone)
    rates.refresh(engine)  # a contribution table published since the last batch
    preps = [prepare(op, today, zone) for op in ops]
    for attempt in range(_RETRIES):
        try:
            return _apply_once(engine, caller, preps, zone)
        except sa.exc.OperationalError as error:
            if _retryable(error) and attempt + 1 < _RETRIES:
                continue
            if "locked" in str(error.orig) or _retryable(error):
                raise Busy(str(error.orig)) from error
            raise
        except sa.exc.IntegrityError as error:
            # The ledger and NIK guards are unique constraints; a race past our lock (e.g. a
            # NIK freed and taken by another process) is retried and then judged on fresh data.
            if attempt + 1 < _RETRIES:
                log.info("push: integrity race, retrying the batch (%s)", type(error.orig))
                continue
            raise
    raise Busy("gave up after retries")


def outcome_json(op_id: str, outcome: Outcome) -> dict[str, Any]:
    return {
        "op_id": op_id,
        "status": outcome.status,
        "entity_version": outcome.entity_version,
        "server_seq": outcome.server_seq,
        "error": outcome.error,
        "current": outcome.current,
    }
