"""The duplicate search's queue drained (issue 15): the businesses a push queued
(`suspects.Queue`, `duplicate_check`) judged after it committed, outside its write lock.

A pass reads up to `DRAIN_LIMIT` queued businesses and, per branch, the businesses they could
be like (`duplicates.near_keys`: their districts', NIBs' and phones'; bounded by `NEAR_LIMIT`
and `PROBE_LIMIT` as before), in a read transaction; it judges the queued ones oldest first
(in server order: as created or last changed), each against the branch's others and the queued
ones before it, as a batch judged its creates one by one: a pair names the later first. Then one
short write transaction, under the push's lock (`seq_counter`, as a push, a merge and the
attachments' purge take it), writes the pairs not kept before (either way round: checked again
there, so two drains at once in two worker processes write each pair once), and takes off the
queue the businesses it judged and those deleted before its read (dropped unjudged). What
changed since its read is one query (the records whose `server_seq` is later than the
`seq_counter` it read, on the pull's own index): a judged business changed since stays queued
and is judged again (its pairs are left to that), a pair naming a candidate deleted since is
left out. Judging twice is harmless:
a pair already kept is left as it is. A kill between a push's commit and its drain leaves the
queue as it was: the housekeeping loop drains it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from agent_app.domain import duplicates
from sync.server import db, record_terms
from sync.server.prospects.duplicates import Near, near_keys
from sync.server.prospects.suspects import MAX_PAIRS
from sync.server.prospects.tables import BusinessDuplicate, DuplicateCheck

log = logging.getLogger("server.duplicates")

#: The most queued businesses one pass judges (its read and its write are bounded).
DRAIN_LIMIT = 2_000
_CHUNK = 500
_KEY_FIELDS = ("name", "nib", "phone", "region_code")


@dataclass
class Judged:
    """One branch's queued businesses judged in one pass."""

    branch_code: str
    #: The server's `seq_counter` when they were read: a record changed since has a later one.
    seq: int
    #: The businesses judged.
    judged: list[str] = field(default_factory=list)
    #: Queued businesses that are no more (deleted): dropped unjudged.
    gone: list[str] = field(default_factory=list)
    #: (the business, its candidate) -> (reason, score), in the order found.
    pairs: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)


def drain(
    engine: Engine,
    branch: str | None = None,
    limit: int = DRAIN_LIMIT,
    now: dt.datetime | None = None,
) -> int:
    """Judges the queued businesses of `branch` (None: every branch) and keeps their new
    pairs; returns how many pairs were written. Passes of `limit` until the queue is empty or
    a pass takes nothing off it (each business changed meanwhile: the next drain judges it)."""
    written = 0
    while True:
        with engine.connect() as conn:  # reads only: the writes take the lock in `_write`
            seq = conn.execute(sa.text("SELECT value FROM seq_counter WHERE id = 1")).scalar_one()
            queued = _queued(conn, branch, limit)
            judged = [_judge(conn, code, ids, seq) for code, ids in sorted(queued.items())]
        if not judged:
            return written
        pairs, removed = _write(engine, judged, now or db.utcnow())
        written += pairs
        if removed == 0 or sum(len(ids) for ids in queued.values()) < limit:
            return written


#: The branches this process is draining after a push (by engine), and those a push queued
#: more for meanwhile: one drain at a time per branch, run again once for all those pushes.
_draining: set[tuple[int, str | None]] = set()
_again: set[tuple[int, str | None]] = set()
_guard = threading.Lock()


def drain_quietly(engine: Engine, branch: str | None = None) -> None:
    """`drain`, for a background task after a push's answer: a failure is logged (the
    housekeeping loop drains what is left). While this process drains the branch already,
    that drain runs once more when done instead (pushes arriving together are judged in one
    read of the branch, not one each)."""
    key = (id(engine), branch)
    with _guard:
        if key in _draining:
            _again.add(key)
            return
        _draining.add(key)
    while True:
        try:
            drain(engine, branch)
        except Exception:
            log.warning("the duplicate search after a push failed; it runs again", exc_info=True)
        with _guard:
            if key not in _again:
                _draining.discard(key)
                return
            _again.discard(key)


def _queued(conn: Connection, branch: str | None, limit: int) -> dict[str, list[str]]:
    """The oldest `limit` queued businesses, by branch."""
    table = db.table(DuplicateCheck)
    query = sa.select(table.c.entity_id, table.c.branch_code)
    if branch is not None:
        query = query.where(table.c.branch_code == branch)
    query = query.order_by(table.c.queued_at, table.c.entity_id).limit(limit)
    queued: dict[str, list[str]] = defaultdict(list)
    for row in conn.execute(query):
        queued[row.branch_code].append(row.entity_id)
    return queued


def _judge(conn: Connection, branch_code: str, ids: list[str], seq: int) -> Judged:
    """The pairs of the queued businesses `ids` of one branch (see the module docstring)."""
    judged = Judged(branch_code, seq)
    rows = sorted(_keys(conn, branch_code, ids), key=lambda row: row.server_seq)
    judged.judged = [row.entity_id for row in rows]
    judged.gone = sorted(set(ids).difference(judged.judged))
    keys = [_key(row) for row in rows]
    index = duplicates.Index(near_keys(conn, branch_code, Near.of(keys), set(ids)))
    for key in keys:
        found = sorted(index.find(key), key=lambda c: -c.score)
        for candidate in [c for c in found if c.business_id != key.id][:MAX_PAIRS]:
            pair = (key.id, candidate.business_id)
            if pair not in judged.pairs and pair[::-1] not in judged.pairs:
                judged.pairs[pair] = (candidate.reason, candidate.score)
        index.add(key)
    return judged


def _keys(conn: Connection, branch_code: str, ids: list[str]) -> list[Any]:
    """The live businesses of the branch among `ids`: their key fields and `server_seq`."""
    record = db.table(db.Record)
    fields = [record_terms.field_text(record.c.fields, n).label(n) for n in _KEY_FIELDS]
    columns = [record.c.entity_id, record.c.server_seq, *fields]
    return [
        row
        for start in range(0, len(ids), _CHUNK)
        for row in conn.execute(
            sa.select(*columns).where(
                record.c.entity_id.in_(ids[start : start + _CHUNK]),
                record.c.entity == "business",
                record.c.branch_code == branch_code,
                record.c.deleted.is_(False),
            )
        )
    ]


def _key(row: Any) -> duplicates.BusinessKey:
    return duplicates.BusinessKey(
        row.entity_id,
        str(row.name or ""),
        nib=row.nib or None,
        phone=row.phone or None,
        region_code=row.region_code or None,
    )


def _write(engine: Engine, judged: list[Judged], now: dt.datetime) -> tuple[int, int]:
    """One short transaction under the push's lock: the new pairs of live businesses, and the
    queue rows done with; (pairs written, queue rows taken off)."""
    written = removed = 0
    with db.write_transaction(engine) as conn:
        conn.execute(sa.text("UPDATE seq_counter SET value = value WHERE id = 1"))
        changed = _changed_since(conn, min(one.seq for one in judged))
        for one in judged:
            kept = _kept(conn, one.judged)
            rows = [
                {
                    "branch_code": one.branch_code,
                    "business_id": business_id,
                    "candidate_id": candidate_id,
                    "reason": reason,
                    "score": score,
                    "found_at": now,
                }
                for (business_id, candidate_id), (reason, score) in one.pairs.items()
                if business_id not in changed  # changed since: judged again (still queued)
                and not changed.get(candidate_id, False)  # deleted since
                and frozenset((business_id, candidate_id)) not in kept
            ]
            if rows:
                conn.execute(db.table(BusinessDuplicate).insert(), rows)
            done = [i for i in one.judged if i not in changed] + one.gone
            _unqueue(conn, done)
            written += len(rows)
            removed += len(done)
    return written, removed


def _changed_since(conn: Connection, seq: int) -> dict[str, bool]:
    """The businesses changed since `seq` (the pull's own index): id -> deleted."""
    record = db.table(db.Record)
    query = sa.select(record.c.entity_id, record.c.deleted).where(
        record.c.server_seq > seq, record.c.entity == "business"
    )
    return {row.entity_id: bool(row.deleted) for row in conn.execute(query)}


def _kept(conn: Connection, ids: list[str]) -> set[frozenset[str]]:
    """The pairs kept (any resolution) that name one of `ids`, either way round."""
    table = db.table(BusinessDuplicate)
    kept: set[frozenset[str]] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        query = sa.select(table.c.business_id, table.c.candidate_id).where(
            sa.or_(table.c.business_id.in_(chunk), table.c.candidate_id.in_(chunk))
        )
        kept.update(frozenset(row) for row in conn.execute(query))
    return kept


def _unqueue(conn: Connection, ids: Iterable[str]) -> None:
    table = db.table(DuplicateCheck)
    done = sorted(ids)
    for start in range(0, len(done), _CHUNK):
        conn.execute(table.delete().where(table.c.entity_id.in_(done[start : start + _CHUNK])))
