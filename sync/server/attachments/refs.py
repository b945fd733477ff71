"""The attachments' rows: which blobs the server holds, which records reference them, who
may read them, the clean-up of what nobody references, and a merge's hand-over (the bytes are
in `store`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from agent_app.domain import keys
from sync.server import db
from sync.server.attachments.store import BlobStore

#: The entities whose records may reference attachments.
ATTACHING = frozenset(keys.ATTACHMENT_KINDS)
#: A blob nobody references is deleted this long after it was stored or last released.
KEEP_UNREFERENCED = dt.timedelta(days=7)
_CHUNK = 500
BLOB = db.table(db.AttachmentBlob)
REF = db.table(db.AttachmentRef)


def shas_of(fields: dict[str, Any] | None) -> list[str]:
    """The SHA-256 of each attachment `fields` references (its `attachments` list)."""
    listed = (fields or {}).get("attachments")
    if not isinstance(listed, list):
        return []
    return list(
        dict.fromkeys(
            item["sha256"]
            for item in listed
            if isinstance(item, dict) and isinstance(item.get("sha256"), str)
        )
    )


def _chunks(items: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield list(items[start : start + _CHUNK])


def present(conn: Connection, shas: Iterable[str], store: BlobStore | None = None) -> set[str]:
    """Which of `shas` the server holds (one query per 500): a row, and with `store` its
    bytes too (one stat per blob whose row exists)."""
    found: set[str] = set()
    for chunk in _chunks(sorted(set(shas))):
        found.update(conn.scalars(sa.select(BLOB.c.sha256).where(BLOB.c.sha256.in_(chunk))))
    if store is not None:
        found = {sha for sha in found if store.has(sha)}
    return found


def blob_row(conn: Connection, sha256: str) -> Any:
    return conn.execute(sa.select(BLOB).where(BLOB.c.sha256 == sha256)).first()


def save(
    engine: Engine, store: BlobStore, sha256: str, media_type: str, data: bytes, agent: str
) -> bool:
    """Stores a verified blob: the bytes first (atomically), then its row. Returns whether it
    is new (False: the server had it already; missing bytes are written again)."""
    with engine.connect() as conn:
        known = blob_row(conn, sha256) is not None
    if known and store.has(sha256):
        return False
    store.put(sha256, data)
    if known:
        return False
    row = {
        "sha256": sha256,
        "media_type": media_type,
        "size": len(data),
        "stored_at": db.utcnow(),
        "uploaded_by": agent,
        "released_at": None,
    }
    with db.write_transaction(engine) as conn:
        try:
            with conn.begin_nested():
                conn.execute(BLOB.insert(), row)
        except sa.exc.IntegrityError:
            return False  # the same blob, uploaded at the same moment by another request
    return True


def replace_refs(
    conn: Connection, written: Sequence[tuple[str, str, bool, list[str]]], now: dt.datetime
) -> None:
    """Makes the `attachment_ref` rows of each written record (entity_id, entity, is_new,
    its current attachments' SHA-256: none once deleted) what it references now: one select,
    one delete, one insert and one update per batch at most."""
    written = [item for item in written if item[1] in ATTACHING]
    old: dict[str, set[str]] = {}
    for chunk in _chunks([item[0] for item in written if not item[2]]):
        query = sa.select(REF.c.entity_id, REF.c.sha256).where(REF.c.entity_id.in_(chunk))
        for entity_id, sha in conn.execute(query):
            old.setdefault(entity_id, set()).add(sha)
    changed: list[str] = []
    rows: list[dict[str, str]] = []
    released: set[str] = set()
    for entity_id, entity, _, shas in written:
        before, after = old.get(entity_id, set()), set(shas)
        if before == after:
            continue
        changed.append(entity_id)
        released |= before - after
        rows += [{"sha256": s, "entity_id": entity_id, "entity": entity} for s in sorted(after)]
    for chunk in _chunks([i for i in changed if i in old]):
        conn.execute(REF.delete().where(REF.c.entity_id.in_(chunk)))
    if rows:
        conn.execute(REF.insert(), rows)
    for chunk in _chunks(sorted(released)):
        conn.execute(BLOB.update().where(BLOB.c.sha256.in_(chunk)).values(released_at=now))


def readable_media_type(
    conn: Connection, sha256: str, branch_code: str | None, agent_code: str, supervising: bool
) -> str | None:
    """The blob's media type when the account may see a record referencing it (the pull's
    rules: its branch's businesses and visits, and its own enrollments, or all of its branch's
    for a supervisor; `branch_code` None: every branch, the console's admin), else None."""
    record = db.table(db.Record)
    query = (
        sa.select(BLOB.c.media_type)
        .select_from(
            BLOB.join(REF, REF.c.sha256 == BLOB.c.sha256).join(
                record, record.c.entity_id == REF.c.entity_id
            )
        )
        .where(
            BLOB.c.sha256 == sha256,
            record.c.deleted.is_(False),
        )
        .limit(1)
    )
    if branch_code is not None:
        query = query.where(record.c.branch_code == branch_code)
    if not supervising:
        query = query.where(
            sa.or_(record.c.entity != "enrollment", record.c.owner_code == agent_code)
        )
    return conn.scalar(query)


def purge(
    engine: Engine,
    store: BlobStore,
    now: dt.datetime | None = None,
    *,
    record: Callable[[Connection, int], None] | None = None,
) -> int:
    """Deletes the blobs (rows, then bytes) nobody has referenced for `KEEP_UNREFERENCED`;
    under the push write lock, so no batch in flight is counting on one. Returns how many.
    `record(conn, count)` writes the purge's row of the administration trail in the same
    transaction as the deletion (a trail written after it was lost when the process died in
    between, and a reader could see the photos gone and no trail yet).

    A PUT of the same blob between the commit and the deletion of its bytes leaves a row
    without bytes: HEAD then answers 404, so the laptop uploads again and `save` writes the
    bytes back (a row whose bytes are missing is healed, not trusted)."""
    cutoff = (now or db.utcnow()) - KEEP_UNREFERENCED
    referenced = sa.exists().where(REF.c.sha256 == BLOB.c.sha256)
    with db.write_transaction(engine) as conn:
        conn.execute(sa.text("UPDATE seq_counter SET value = value WHERE id = 1"))
        doomed = list(
            conn.scalars(
                sa.select(BLOB.c.sha256).where(
                    ~referenced,
                    BLOB.c.stored_at < cutoff,
                    sa.or_(BLOB.c.released_at.is_(None), BLOB.c.released_at < cutoff),
                )
            )
        )
        for chunk in _chunks(doomed):
            conn.execute(BLOB.delete().where(BLOB.c.sha256.in_(chunk)))
        if record is not None:
            record(conn, len(doomed))
    for sha in doomed:
        store.delete(sha)
    return len(doomed)


def erase_refs(conn: Connection, entity_id: str) -> list[str]:
    """Drops a record's references and the rows of the blobs no live record references;
    returns those blobs (their bytes are deleted once the transaction commits). A reference
    on a deleted record (a merge before `hand_over` left the loser's) does not keep an erased
    photo: it goes with the blob."""
    shas = list(conn.scalars(sa.select(REF.c.sha256).where(REF.c.entity_id == entity_id)))
    conn.execute(REF.delete().where(REF.c.entity_id == entity_id))
    if not shas:
        return []
    record = db.table(db.Record)
    live = (
        sa.select(REF.c.sha256)
        .join(record, record.c.entity_id == REF.c.entity_id)
        .where(REF.c.sha256.in_(shas), record.c.deleted.is_(False))
    )
    still = set(conn.scalars(live))
    only = [s for s in shas if s not in still]
    if only:
        conn.execute(REF.delete().where(REF.c.sha256.in_(only)))
        conn.execute(BLOB.delete().where(BLOB.c.sha256.in_(only)))
    return only


def hand_over(
    conn: Connection, loser_id: str, survivor_id: str, survivor_shas: list[str], now: dt.datetime
) -> dict[str, int]:
    """A merge's references (`prospects.merging`): the survivor business names
    `survivor_shas` (its own and the loser's it took), the deleted loser none. The loser's
    blobs the survivor did not take are released (the 7-day clean-up's, unless another record
    names them). Returns how many of the loser's the survivor took and how many it left."""
    losers = set(conn.scalars(sa.select(REF.c.sha256).where(REF.c.entity_id == loser_id)))
    before = set(conn.scalars(sa.select(REF.c.sha256).where(REF.c.entity_id == survivor_id)))
    replace_refs(conn, [(survivor_id, "business", False, survivor_shas)], now)
    conn.execute(REF.delete().where(REF.c.entity_id == loser_id))
    left = sorted(losers - set(survivor_shas))
    for chunk in _chunks(left):
        conn.execute(BLOB.update().where(BLOB.c.sha256.in_(chunk)).values(released_at=now))
    return {"photos_taken": len((losers - before) & set(survivor_shas)), "photos_left": len(left)}
