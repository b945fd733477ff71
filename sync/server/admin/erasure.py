"""Erasing an enrollment at the worker's request, compacting old tombstones, and deleting the
attachments nobody references."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync.server import db, meta
from sync.server.admin.common import (
    AdminError,
    lock_seq,
    record_action,
)
from sync.server.attachments import refs
from sync.server.attachments.store import BlobStore

#: What `erase_enrollment` erases, and how its answer names it.
ERASABLE = {"enrollment": "enrollment", "employer_registration": "employer registration"}


def erase_enrollment(engine: Engine, entity_id: str, store: BlobStore | None = None) -> str:
    """Erases an enrollment at the worker's request (UU PDP 27/2022): its fields are dropped
    and it becomes a tombstone, which every laptop pulls and then removes with its own copy
    (`agent_app.services.retention`); the NIK may be enrolled again; every stored answer
    that showed the record to a laptop in a conflict (`current`) loses that copy, whatever NIK
    the record had then; and on SQLite the file is rewritten (VACUUM, then the write-ahead
    log truncated), so the erased data does not linger in free pages or old log frames. The
    attachments only it referenced (photos, signature) are deleted, rows and bytes (from
    `store`); those another record references stay. Idempotent: erasing an erased
    enrollment changes nothing. An employer registration (PU) is erased the same way, whole
    (at its employer's request): every worker's NIK is freed with it."""
    try:
        entity_id = str(uuid.UUID(entity_id))
    except ValueError as error:
        raise AdminError("the enrollment id must be a UUID") from error
    kind = "enrollment"
    records = db.table(db.Record)
    niks = db.table(db.ActiveNik)
    with db.write_transaction(engine) as conn:
        record_action(conn, "erase-enrollment", entity_id)
        row = conn.execute(sa.select(records).where(records.c.entity_id == entity_id)).first()
        if row is None or row.entity not in ERASABLE:
            raise AdminError(f"no enrollment {entity_id}")
        kind = ERASABLE[row.entity]
        if row.deleted:
            return f"{kind} {entity_id} was already erased"
        seq = lock_seq(conn)
        conn.execute(niks.delete().where(niks.c.entity_id == entity_id))
        conn.execute(
            records.update()
            .where(records.c.entity_id == entity_id)
            .values(
                deleted=True,
                fields={},
                field_versions={},
                version=row.version + 1,
                server_seq=seq,
                updated_at=db.utcnow(),
            )
        )
        cleared = _clear_stored_answers(conn, entity_id, dict(row.fields or {}))
        blobs = refs.erase_refs(conn, entity_id)
    if store is not None:
        for sha in blobs:
            store.delete(sha)
    purged = _purge_free_space(engine)
    return (
        f"erased {kind} {entity_id} (version {row.version + 1}; "
        f"{cleared} stored answer(s) cleared; {len(blobs)} attachment(s) deleted{purged})"
    )


def _clear_stored_answers(conn: sa.Connection, entity_id: str, fields: dict[str, Any]) -> int:
    """Drops `current` (the record as a conflict showed it) from every ledger row about the
    enrollment. Rows from before migration 0008 name no record: those are matched by the
    record's NIK, or by its name and birth date (the NIK may have been corrected since)."""
    ledger = db.table(db.Ledger)
    cleared = conn.execute(
        ledger.update()
        .where(ledger.c.entity_id == entity_id, ledger.c.current.is_not(None))
        .values(current=None)
    ).rowcount
    nik, name, born = fields.get("nik"), fields.get("full_name"), fields.get("birth_date")
    legacy = [
        answer.op_id
        for answer in conn.execute(
            sa.select(ledger.c.op_id, ledger.c.current).where(
                ledger.c.entity_id.is_(None), ledger.c.current.is_not(None)
            )
        )
        if isinstance(answer.current, dict)
        and (
            (nik and answer.current.get("nik") == nik)
            or (
                name
                and answer.current.get("full_name") == name
                and answer.current.get("birth_date") == born
            )
        )
    ]
    for start in range(0, len(legacy), 500):
        conn.execute(
            ledger.update()
            .where(ledger.c.op_id.in_(legacy[start : start + 500]))
            .values(current=None)
        )
    return int(cleared) + len(legacy)


def _purge_free_space(engine: Engine) -> str:
    """SQLite keeps deleted rows' bytes in free pages and earlier page images in the WAL:
    VACUUM rewrites the file with live rows only, and a TRUNCATE checkpoint empties the log.
    (PostgreSQL: a query never sees the dead row versions; autovacuum reclaims them.)"""
    if not db.is_sqlite(engine):
        return ""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("VACUUM")
        busy, _, _ = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
    finally:
        raw.close()
    if busy:
        return "; the write-ahead log was busy: run the command again when the server is idle"
    return "; database file rewritten"


def compact(engine: Engine, older_than_days: int) -> str:
    """Forgets tombstones older than N days; cursors before them can no longer be served."""
    if older_than_days < 0:
        raise AdminError("--older-than-days must be 0 or more")
    cutoff = db.utcnow() - dt.timedelta(days=older_than_days)
    table = db.table(db.Record)
    with db.write_transaction(engine) as conn:
        record_action(conn, "compact", None, older_than_days=older_than_days)
        lock_seq(conn)
        horizon = conn.execute(
            sa.select(sa.func.max(table.c.server_seq)).where(
                table.c.deleted.is_(True), table.c.updated_at <= cutoff
            )
        ).scalar()
        if horizon is None:
            return "nothing to compact"
        purged = conn.execute(
            table.delete().where(table.c.deleted.is_(True), table.c.server_seq <= horizon)
        ).rowcount
        current = int(meta.read(conn).get("cursor_horizon", "0"))
        meta.write(conn, "cursor_horizon", str(max(current, int(horizon))))
    return f"purged {purged} deleted records; cursors before seq {horizon} now get 410"


def purge_attachments(engine: Engine, store: BlobStore, now: dt.datetime | None = None) -> str:
    """Deletes the attachments nobody has referenced for 7 days (rows and bytes)."""
    deleted = refs.purge(
        engine,
        store,
        now,
        record=lambda conn, count: record_action(conn, "purge-attachments", None, deleted=count),
    )
    return f"deleted {deleted} attachment(s) nobody referenced for 7 days"
