"""The local store as the sync engine sees it: ops out, results and pulled changes in.

The sync engine (`sync/engine.py`) never imports `agent_app`; `LocalStore` here implements its
`LocalStore` protocol (`sync/contract.py`; the contract is in `sync/engine.py`'s docstring).
Ops go out as mappings in the wire form of SYNC_PROTOCOL.md; results and pulled changes come in
as `sync.protocol` models or plain mappings:

- `device_id` (property): the id this laptop pushes as (made once, kept in sync_state).
- `pending_count()`, `pending_ops(limit, after_seq=None)`: the unsettled ops in rising
  `op_seq` (of the entities this build's protocol pushes, `PUSHABLE`): the changes to
  records, or with `LocalStore(..., audit_trail=True)` the audit
  trail's `audit_event` ops (a stream of their own, pushed after the cycle). Handing an op
  out marks it `sent`; from then on its payload never changes (a
  later edit of the record becomes a new op instead of amending it), so a resent op is the
  same op. An update whose record has no server version yet (its create is still unanswered)
  ends the list; once the create's result arrives its `base_version` is filled in and stored.
  If the create was refused, such an update is settled locally as `rejected`. For an offline
  bundle (`for_bundle=True`) such an update is not held back: it carries `base_version` 1.
- `mark_results(results)`: `applied` and `duplicate` settle the op and record the server's
  `entity_version` (the record becomes `synced` when no other op of it is unsettled);
  `rejected` and `conflict` settle it and mark the record with the error (the result, with a
  conflict's `current`, is kept in the op). An op missing from the results stays unsettled.
- `apply_pulled(changes, cursor)`: applies one pulled page and stores the cursor, in one
  transaction. A record with an unsettled local op is not overwritten: the op goes first and
  the server's answer decides; an enrollment being corrected keeps the agent's unsent edits
  and takes only the server's status, review, membership number and version. Pages are
  applied parents first (businesses before visits); a visit whose business this laptop does
  not have is skipped with a warning.
- `pull_started()`, `pull_ended()`: a pull from no cursor into (nearly) empty tables defers
  its search and secondary indexes and builds them once when it stops, however it stops
  (`agent_app.storage.deferred_indexes`, crash-safe).
- `get_cursor()`, `reset_cursor()` (after `410 cursor_expired`): the cursor of the account
  the store was made for (`LocalStore(engine, agent_code)`; agents sharing a booth laptop see
  different records, so each pulls from its own), or the laptop-wide one. `record_clock_offset(s)`,
  `record_success(server_time)`. `reset_cursor` also marks the synced businesses and visits
  `stale`; the full pull that follows marks what it returns `synced` again, and the next
  `record_success` (the pull reached its end) marks deleted whatever is still `stale`: the
  server deleted it and compacted its tombstone, so no pull will ever say so. Enrollments are
  left alone (a booth laptop holds other agents' enrollments, which this agent never pulls).

- `attachments_to_upload(shas)`, `attachment_bytes(sha)`, `mark_attachments_uploaded(shas)`,
  `mark_attachments_not_uploaded(shas)`: the photos and signatures (`uow.attachments`) the
  engine uploads before the ops that reference them (`sync.uploads`); `uploaded_at` says the
  server held one, and is cleared when the server answers `attachment_missing`.

Each call is its own unit of work, so the sync engine may call it from its network thread.
The work is done in `push_results` (`mark_results`), `pulled_changes` (`apply_pulled`,
`record_success`'s clean-up) and `bulk` (what they share).
"""

from __future__ import annotations

import logging
import typing
from collections.abc import Mapping, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import Engine

from agent_app.domain import keys
from agent_app.storage import deferred_indexes, tables
from agent_app.storage.bulk import OUTBOX, group, no_fsync, plain, versions
from agent_app.storage.pulled_changes import (
    RECONFIRMED,
    STALE,
    PulledPage,
    apply_change,
    drop_unconfirmed,
)
from agent_app.storage.push_results import apply_results
from agent_app.storage.repositories import UNSETTLED_OP, any_of, audit_ops, chunks, now
from agent_app.storage.uow import SqlUnitOfWork
from sync import protocol

__all__ = ["CREATED_VERSION", "STALE", "LocalStore"]

log = logging.getLogger("db")

#: The entities this build's protocol pushes. The ops of another (a new entity whose
#: protocol change has not landed yet) stay pending, held back, instead of being refused
#: locally as invalid.
PUSHABLE: tuple[str, ...] = typing.get_args(protocol.Entity)
#: The entity version a create makes on the server (SYNC_PROTOCOL.md).
CREATED_VERSION = 1
# Pulled pages are applied parents first, so a visit finds its business.
_PULL_ORDER = {
    "event": 0,
    "target": 0,
    "rate_table": 0,
    "business": 1,
    "visit": 2,
    "enrollment": 3,
    keys.EMPLOYER_REGISTRATION: 3,
}
_OUT_COLUMNS = (
    OUTBOX.c.op_seq,
    OUTBOX.c.op_id,
    OUTBOX.c.entity,
    OUTBOX.c.entity_id,
    OUTBOX.c.kind,
    OUTBOX.c.base_version,
    OUTBOX.c.fields,
    OUTBOX.c.recorded_at,
)


class LocalStore:
    def __init__(
        self, engine: Engine, agent_code: str | None = None, *, audit_trail: bool = False
    ) -> None:
        """`agent_code`: the account syncing, whose own pull cursor is used (agents sharing a
        booth laptop each see different records); None: the laptop-wide cursor.
        `audit_trail`: hand out and count the audit trail's `audit_event` ops instead of the
        changes to records (the sync service pushes them in a pass of their own)."""
        self.engine = engine
        self.agent_code = agent_code
        self.audit_trail = audit_trail

    def _uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)

    @property
    def device_id(self) -> str:
        with self._uow() as uow:
            device = uow.sync_state.get().device_id
            uow.commit()
            return device

    def get_cursor(self) -> str | None:
        with self._uow() as uow:
            return uow.sync_state.cursor_for(self.agent_code)

    def reset_cursor(self) -> None:
        with self._uow() as uow:
            uow.sync_state.set_cursor(None, self.agent_code)
            for table in RECONFIRMED:
                uow.session.execute(
                    sa.update(table)
                    .where(table.sync_state == "synced", table.deleted.is_(False))
                    .values(sync_state=STALE)
                )
            uow.commit()

    def record_clock_offset(self, seconds: float) -> None:
        with self._uow() as uow:
            uow.sync_state.update(clock_offset_seconds=seconds)
            uow.commit()

    def record_success(self, server_time: str | None = None) -> None:
        with self._uow() as uow:
            drop_unconfirmed(uow)
            uow.sync_state.update(last_success_at=server_time or now())
            uow.commit()

    # --- attachments (the engine uploads them before the ops referencing them) ----------

    def attachments_to_upload(self, shas: Sequence[str]) -> list[str]:
        """Those of `shas` not known to be on the server: not marked uploaded, or not on
        this laptop at all (the engine asks the server, then gives up on them)."""
        wanted = list(dict.fromkeys(shas))
        a = tables.StoredAttachment
        done: set[str] = set()
        with self._uow() as uow:
            for chunk in chunks(sorted(wanted)):
                done.update(
                    uow.session.scalars(
                        sa.select(a.sha256).where(a.sha256.in_(chunk), a.uploaded_at.is_not(None))
                    )
                )
        return [sha for sha in wanted if sha not in done]

    def attachment_bytes(self, sha256: str) -> tuple[str, bytes] | None:
        with self._uow() as uow:
            return uow.attachments.get(sha256)

    def mark_attachments_uploaded(self, shas: Sequence[str]) -> None:
        with self._uow() as uow:
            uow.attachments.mark_uploaded(shas)
            uow.commit()

    def mark_attachments_not_uploaded(self, shas: Sequence[str]) -> None:
        """The server lost them (`attachment_missing`): they are sent again."""
        a = tables.StoredAttachment
        with self._uow() as uow:
            for chunk in chunks(sorted(set(shas))):
                uow.session.execute(
                    sa.update(a).where(a.sha256.in_(chunk)).values(uploaded_at=None)
                )
            uow.commit()

    def pending_count(self) -> int:
        with self._uow() as uow:
            return uow.outbox.count_unsettled(audit=self.audit_trail)

    def pending_ops(
        self, limit: int = 500, after_seq: int | None = None, *, for_bundle: bool = False
    ) -> list[dict[str, Any]]:
        """The next unsettled ops (see the module docstring).

        Args:
            for_bundle: the ops go into an offline bundle, where a record's create travels in
                front of its updates: an update whose create has left the laptop unanswered
                gets `base_version` 1 (the version a create makes on the server) instead of
                ending the list. That base is stored with the op, so the bundle and a later
                online push send the same op.
        """
        t = OUTBOX
        stmt = (
            sa.select(*_OUT_COLUMNS)
            .where(
                t.c.status.in_(UNSETTLED_OP),
                audit_ops(t.c.entity, self.audit_trail),
                t.c.entity.in_(PUSHABLE),
            )
            .order_by(t.c.op_seq)
            .limit(limit)
        )
        if after_seq is not None:
            stmt = stmt.where(t.c.op_seq > after_seq)
        with self._uow() as uow:
            out = _Outgoing(uow, uow.session.execute(stmt).all(), for_bundle)
            out.write(uow)
            uow.commit()
        return out.ops

    def mark_results(self, results: Sequence[Any]) -> None:
        # Not flushed to the disk at once (`no_fsync`): a result lost to a power cut leaves
        # its op unsettled, and the resent op gets the server's stored answer again.
        with self.engine.connect() as connection, no_fsync(connection):
            uow = SqlUnitOfWork(cast(Engine, connection))
            with uow:
                apply_results(uow, [plain(r) for r in results])
                uow.commit()

    def apply_pulled(self, changes: Sequence[Any], cursor: str | None) -> int:
        """Applies a page of pulled changes and stores `cursor`; returns how many applied."""
        applied = 0
        changes = [plain(c) for c in changes]
        ordered = sorted(
            changes, key=lambda c: (_PULL_ORDER.get(c.get("entity", ""), 9), c.get("server_seq", 0))
        )
        with self.engine.connect() as connection, no_fsync(connection):
            uow = SqlUnitOfWork(cast(Engine, connection))  # one connection: see no_fsync
            with uow:
                applied = self._apply_page(uow, ordered, cursor)
        log.info("pulled %d changes, applied %d", len(changes), applied)
        return applied

    def pull_started(self) -> None:
        """A pull begins. From no cursor into (nearly) empty tables, its search and
        secondary indexes are built once at its end (`pull_ended`) instead of row by row:
        deferred here, in a transaction of its own. Indexes an earlier pull left deferred (it
        was killed) are built first."""
        first = self.get_cursor() is None
        with self.engine.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            if deferred_indexes.pending(conn):
                deferred_indexes.restore(conn)
            elif first and deferred_indexes.worth_deferring(conn):
                deferred_indexes.defer(conn, now())
            conn.commit()

    def pull_ended(self) -> None:
        """The pull stopped (at its end, a cancel or a failure): the indexes `pull_started`
        deferred are built now."""
        deferred_indexes.restore_now(self.engine)

    def _apply_page(
        self, uow: SqlUnitOfWork, ordered: Sequence[Mapping[str, Any]], cursor: str | None
    ) -> int:
        applied = 0
        page = PulledPage(uow, ordered)
        previous = None
        with uow.session.no_autoflush:
            for change in ordered:
                if change.get("entity") != previous:
                    page.insert_new(uow)
                    uow.session.flush()  # parents are written before their children
                    previous = change.get("entity")
                if apply_change(uow, page, change):
                    applied += 1
        page.insert_new(uow)
        uow.session.flush()
        uow.businesses.refresh_visit_summaries(page.touched)
        uow.employer_registrations.index_workers(page.registrations)
        uow.sync_state.set_cursor(cursor, self.agent_code)
        uow.commit()
        return applied


class _Outgoing:
    """The ops `pending_ops` hands out, and what handing them out writes: `sent`, the base
    version an update waited for, and `rejected` for an update whose create was refused."""

    def __init__(self, uow: SqlUnitOfWork, rows: Sequence[Any], for_bundle: bool) -> None:
        waiting = [r for r in rows if r.kind == keys.OpKind.UPDATE and r.base_version is None]
        known: dict[str, int | None] = {}
        creating: set[str] = set()
        if waiting:
            for entity, ids in group(waiting).items():
                known.update(versions(uow, entity, ids))
            creating = uow.outbox.entities_with_unsettled_create({r.entity_id for r in waiting})
        self.ops: list[dict[str, Any]] = []
        self.sent: list[int] = []
        self.based: list[dict[str, Any]] = []
        self.refused: list[int] = []
        for row in rows:
            base = row.base_version
            if row.kind == keys.OpKind.UPDATE and base is None:
                base = known.get(row.entity_id)
                if base is None:
                    if row.entity_id in creating:
                        if not for_bundle:
                            break  # wait for the create's answer
                        base = CREATED_VERSION
                    else:
                        self.refused.append(row.op_seq)
                        continue
                self.based.append({"b_seq": row.op_seq, "b_base": base})
            self.sent.append(row.op_seq)
            self.ops.append(_wire_op(row, base))

    def write(self, uow: SqlUnitOfWork) -> None:
        t = OUTBOX
        execute = uow.session.execute
        if self.based:
            execute(
                sa.update(t)
                .where(t.c.op_seq == sa.bindparam("b_seq"))
                .values(base_version=sa.bindparam("b_base")),
                self.based,
            )
        if self.sent:
            execute(
                sa.update(t)
                .where(any_of(t.c.op_seq, self.sent))
                .values(status="sent", attempts=t.c.attempts + 1)
            )
        if self.refused:
            execute(
                sa.update(t)
                .where(t.c.op_seq.in_(self.refused))
                .values(
                    status="rejected",
                    error_code="unknown_reference",
                    error_message="the record's create was refused",
                )
            )


def _wire_op(row: Any, base: int | None) -> dict[str, Any]:
    return {
        "op_id": row.op_id,
        "op_seq": row.op_seq,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "kind": row.kind,
        "base_version": base,
        "fields": row.fields,  # decoded for this row alone: not copied
        "recorded_at": row.recorded_at,
    }
