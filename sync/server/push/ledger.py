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
import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from agent_app.domain import clock
from sync import protocol
from sync.server import branches, bulk, db, rates
from sync.server.attachments.store import BlobStore
from sync.server.prospects import merging
from sync.server.push import employers
from sync.server.push.batch import Batch, select_rows
from sync.server.push.prepare import Prepared, prepare
from sync.server.push.records import Busy, Caller, Outcome, rejected

log = logging.getLogger("server")

_RETRIES = 5


def stored(conn: Connection, op_ids: list[str]) -> dict[str, Any]:
    """The ledger rows of `op_ids`."""
    return {row.op_id: row for row in select_rows(conn, db.Ledger, "op_id", op_ids)}


def _replayed(row: Any, digest: str) -> Outcome:
    if row.payload_hash != digest:
        return rejected("key_reuse", "op_id", "This op_id was used before for another op.")
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


def _to_survivors(conn: Connection, preps: list[Prepared]) -> None:
    """Points each op naming a merged business in `business_id` (a laptop that had not
    pulled the merge yet) at the business it was merged into (docs/wire.md, "Merges")."""
    named = {
        prep.sent["business_id"]
        for prep in preps
        if prep.problem is None
        and prep.op.kind != "delete"
        and isinstance(prep.sent.get("business_id"), str)
    }
    if not named:
        return
    moved = merging.survivors(conn, named)
    if not moved:
        return
    for prep in preps:
        old = prep.sent.get("business_id") if prep.problem is None else None
        if isinstance(old, str) and old in moved and prep.op.kind != "delete":
            prep.sent = {**prep.sent, "business_id": moved[old]}


def _judge(
    batch: Batch, preps: list[Prepared], ledger: dict[str, Any], owned: set[str]
) -> list[tuple[str, Outcome]]:
    """Each op's outcome, in op order: its own judgement when this transaction owns it, the
    ledger's answer when an earlier batch did, and the first copy's for a repeat in the batch."""
    first: dict[str, int] = {}
    for index, prep in enumerate(preps):
        first.setdefault(prep.op_id, index)
    results: list[tuple[str, Outcome]] = []
    decided: dict[str, Outcome] = {}
    for index, prep in enumerate(preps):
        op_id = prep.op_id
        if first[op_id] != index:
            earlier = decided[op_id]
            if preps[first[op_id]].digest != prep.digest:
                outcome = rejected(
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
            outcome = _replayed(ledger[op_id], prep.digest)
            decided[op_id] = outcome
        results.append((op_id, outcome))
    return results


def _apply_once(
    bind: Engine | Connection,
    caller: Caller,
    preps: list[Prepared],
    zone: str = clock.DEFAULT_ZONE,
    store: BlobStore | None = None,
) -> list[tuple[str, Outcome]]:
    """The batch's transaction, on `bind` (a connection with no transaction open, or an
    engine to check one out of)."""
    now = dt.datetime.now(dt.UTC)
    with db.write_transaction(bind) as conn:
        # The write lock: every writer takes this row first (see the module docstring).
        seq = conn.execute(
            sa.text("UPDATE seq_counter SET value = value WHERE id = 1 RETURNING value")
        ).scalar_one()
        op_ids = list(dict.fromkeys(prep.op_id for prep in preps))
        # Under the lock no other writer is between its ledger read and its commit, so the
        # op_ids not in the ledger are this transaction's; their rows go in at the end with
        # a plain INSERT, which the unique op_id still guards (see the module docstring).
        ledger = stored(conn, op_ids)
        owned = {op_id for op_id in op_ids if op_id not in ledger}
        batch = Batch(conn, caller, seq, now, zone)
        mine = [prep for prep in preps if prep.op_id in owned]
        _to_survivors(conn, mine)
        batch.load_records(_referenced_ids(mine))
        batch.load_blobs(mine, store)
        batch.load_niks(
            [
                prep.sent.get("nik")
                for prep in mine
                if prep.op.entity == "enrollment" and prep.problem is None
            ]
            + employers.prefetch(
                prep.sent
                for prep in mine
                if prep.op.entity == employers.ENTITY and prep.problem is None
            )
        )
        results = _judge(batch, preps, ledger, owned)
        batch.flush()
        _write_ledger(conn, caller, preps, results, owned, now)
        if batch.seq != seq:
            conn.execute(
                sa.text("UPDATE seq_counter SET value = :value WHERE id = 1"),
                {"value": batch.seq},
            )
    return results


def _write_ledger(
    conn: Connection,
    caller: Caller,
    preps: list[Prepared],
    results: list[tuple[str, Outcome]],
    owned: set[str],
    now: dt.datetime,
) -> None:
    """The ledger rows of the ops this transaction owns (each op_id's first copy)."""
    seen: set[str] = set()
    rows = []
    for prep, (op_id, outcome) in zip(preps, results, strict=True):
        if op_id not in owned or op_id in seen or _transient(outcome):
            continue
        seen.add(op_id)
        rows.append((op_id, prep.entity_id, prep.digest, outcome, prep.op.clock_offset_seconds))
    bulk.insert_ledger(conn, rows, caller.device_id, caller.agent_code, now)


def _transient(outcome: Outcome) -> bool:
    """`attachment_missing`: the one answer the ledger does not keep (the laptop uploads the
    blob and sends the same op_id again)."""
    error = outcome.error or {}
    return outcome.status == "rejected" and error.get("code") == protocol.ATTACHMENT_MISSING


def _retryable(error: sa.exc.DBAPIError) -> bool:
    code = getattr(error.orig, "sqlstate", None)
    if code in ("40P01", "40001"):
        return True
    return isinstance(error, sa.exc.IntegrityError)


def apply_batch(
    engine: Engine, caller: Caller, ops: list[protocol.Op], store: BlobStore | None = None
) -> list[tuple[str, Outcome]]:
    """Applies a batch (see the module docstring); returns (op_id, outcome) in op order.
    With `store`, a referenced blob counts as held only if its bytes are there too (without
    it, its row is trusted: the demo's ops reference no attachments).

    Raises:
        Busy: the database stayed locked or kept deadlocking.
    """
    # One connection for the batch: the branch's time zone and the rate tables' stamp are
    # read on the one its transaction then runs on (a checkout each was a pre-ping and a
    # ROLLBACK, two round trips; issue 15).
    with engine.connect() as conn:
        zone = branches.time_zone(conn, caller.branch_code)
        rates.refresh(engine, conn)  # a contribution table published since the last batch
        conn.rollback()  # the reads' transaction ends: no snapshot held while `prepare` runs
        today = clock.today(zone)
        preps = [prepare(op, today, zone) for op in ops]
        for attempt in range(_RETRIES):
            try:
                return _apply_once(conn, caller, preps, zone, store)
            except sa.exc.OperationalError as error:
                if _retryable(error) and attempt + 1 < _RETRIES:
                    continue
                if "locked" in str(error.orig) or _retryable(error):
                    raise Busy(str(error.orig)) from error
                raise
            except sa.exc.IntegrityError as error:
                # The ledger and NIK guards are unique constraints; a race past our lock (e.g.
                # a NIK freed and taken by another process) is retried and then judged on
                # fresh data.
                if attempt + 1 < _RETRIES:
                    log.info("push: integrity race, retrying the batch (%s)", type(error.orig))
                    continue
                raise
    raise Busy("gave up after retries")
