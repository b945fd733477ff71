"""The local store as the sync engine sees it: ops out, results and pulled changes in.

The sync engine (`sync/engine.py`) never imports `agent_app`; `LocalStore` here implements its
`LocalStore` protocol (see that module's docstring for the contract). Ops go out as mappings in
the wire form of SYNC_PROTOCOL.md; results and pulled changes come in as `sync.protocol` models
or plain mappings:

- `device_id` (property): the id this laptop pushes as (made once, kept in sync_state).
- `pending_count()`, `pending_ops(limit, after_seq=None)`: the unsettled ops in rising
  `op_seq`: the changes to records, or with `LocalStore(..., audit_trail=True)` the audit
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
- `get_cursor()`, `reset_cursor()` (after `410 cursor_expired`): the cursor of the account
  the store was made for (`LocalStore(engine, agent_code)`; agents sharing a booth laptop see
  different records, so each pulls from its own), or the laptop-wide one. `record_clock_offset(s)`,
  `record_success(server_time)`. `reset_cursor` also marks the synced businesses and visits
  `stale`; the full pull that follows marks what it returns `synced` again, and the next
  `record_success` (the pull reached its end) marks deleted whatever is still `stale`: the
  server deleted it and compacted its tombstone, so no pull will ever say so. Enrollments are
  left alone (a booth laptop holds other agents' enrollments, which this agent never pulls).

Each call is its own unit of work, so the sync engine may call it from its network thread.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import Engine

from agent_app.domain import keys, records
from agent_app.storage import tables, wire
from agent_app.storage.repositories import audit_ops, chunks, now
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("db")

_ENTITY_TABLES: Mapping[str, type[Any]] = {
    keys.Entity.BUSINESS: tables.Business,
    keys.Entity.VISIT: tables.Visit,
    keys.Entity.ENROLLMENT: tables.Enrollment,
}
_OUTBOX = cast(sa.Table, tables.OutboxOp.__table__)
UNSETTLED_OP = ("pending", "sent")
#: WAL pages before a checkpoint during sync writes (SQLite's default, kept otherwise: 1000).
SYNC_WAL_AUTOCHECKPOINT = 20_000
#: The entity version a create makes on the server (SYNC_PROTOCOL.md).
CREATED_VERSION = 1
#: Kinds a full pull after `reset_cursor` confirms one by one (see the module docstring).
_RECONFIRMED = (tables.Business, tables.Visit)
STALE = "stale"
# Pulled pages are applied parents first, so a visit finds its business.
_PULL_ORDER = {"event": 0, "target": 0, "rate_table": 0, "business": 1, "visit": 2, "enrollment": 3}


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
            for table in _RECONFIRMED:
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
            _drop_unconfirmed(uow)
            uow.sync_state.update(last_success_at=server_time or now())
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
        ops: list[dict[str, Any]] = []
        t = _OUTBOX
        stmt = (
            sa.select(
                t.c.op_seq,
                t.c.op_id,
                t.c.entity,
                t.c.entity_id,
                t.c.kind,
                t.c.base_version,
                t.c.fields,
                t.c.recorded_at,
            )
            .where(t.c.status.in_(UNSETTLED_OP), audit_ops(t.c.entity, self.audit_trail))
            .order_by(t.c.op_seq)
            .limit(limit)
        )
        if after_seq is not None:
            stmt = stmt.where(t.c.op_seq > after_seq)
        with self._uow() as uow:
            rows = uow.session.execute(stmt).all()
            waiting = [r for r in rows if r.kind == keys.OpKind.UPDATE and r.base_version is None]
            versions: dict[str, int | None] = {}
            creating: set[str] = set()
            if waiting:
                for entity, ids in _group(waiting).items():
                    versions.update(_versions(uow, entity, ids))
                creating = uow.outbox.entities_with_unsettled_create({r.entity_id for r in waiting})
            sent: list[int] = []
            based: list[dict[str, Any]] = []
            refused: list[int] = []
            for row in rows:
                base = row.base_version
                if row.kind == keys.OpKind.UPDATE and base is None:
                    base = versions.get(row.entity_id)
                    if base is None:
                        if row.entity_id in creating:
                            if not for_bundle:
                                break  # wait for the create's answer
                            base = CREATED_VERSION
                        else:
                            refused.append(row.op_seq)
                            continue
                    based.append({"b_seq": row.op_seq, "b_base": base})
                sent.append(row.op_seq)
                ops.append(
                    {
                        "op_id": row.op_id,
                        "op_seq": row.op_seq,
                        "entity": row.entity,
                        "entity_id": row.entity_id,
                        "kind": row.kind,
                        "base_version": base,
                        "fields": dict(row.fields),
                        "recorded_at": row.recorded_at,
                    }
                )
            execute = uow.session.execute
            if based:
                execute(
                    sa.update(t)
                    .where(t.c.op_seq == sa.bindparam("b_seq"))
                    .values(base_version=sa.bindparam("b_base")),
                    based,
                )
            for chunk in chunks(sent):
                execute(
                    sa.update(t)
                    .where(t.c.op_seq.in_(chunk))
                    .values(status="sent", attempts=t.c.attempts + 1)
                )
            if refused:
                execute(
                    sa.update(t)
                    .where(t.c.op_seq.in_(refused))
                    .values(
                        status="rejected",
                        error_code="unknown_reference",
                        error_message="the record's create was refused",
                    )
                )
            uow.commit()
        return ops

    def mark_results(self, results: Sequence[Any]) -> None:
        # Not flushed to the disk at once (`_no_fsync`): a result lost to a power cut leaves
        # its op unsettled, and the resent op gets the server's stored answer again.
        with self.engine.connect() as connection, _no_fsync(connection):
            uow = SqlUnitOfWork(cast(Engine, connection))
            with uow:
                _apply_results(uow, [_plain(r) for r in results])
                uow.commit()

    def apply_pulled(self, changes: Sequence[Any], cursor: str | None) -> int:
        """Applies a page of pulled changes and stores `cursor`; returns how many applied."""
        applied = 0
        changes = [_plain(c) for c in changes]
        ordered = sorted(
            changes, key=lambda c: (_PULL_ORDER.get(c.get("entity", ""), 9), c.get("server_seq", 0))
        )
        with self.engine.connect() as connection, _no_fsync(connection):
            uow = SqlUnitOfWork(cast(Engine, connection))  # one connection: see _no_fsync
            with uow:
                applied = self._apply_page(uow, ordered, cursor)
        log.info("pulled %d changes, applied %d", len(changes), applied)
        return applied

    def _apply_page(
        self, uow: SqlUnitOfWork, ordered: Sequence[Mapping[str, Any]], cursor: str | None
    ) -> int:
        applied = 0
        page = _PulledPage(uow, ordered)
        previous = None
        with uow.session.no_autoflush:
            for change in ordered:
                if change.get("entity") != previous:
                    page.insert_new(uow)
                    uow.session.flush()  # parents are written before their children
                    previous = change.get("entity")
                if _apply_change(uow, page, change):
                    applied += 1
        page.insert_new(uow)
        uow.session.flush()
        uow.businesses.refresh_visit_summaries(page.touched)
        uow.sync_state.set_cursor(cursor, self.agent_code)
        uow.commit()
        return applied


@contextlib.contextmanager
def _no_fsync(connection: sa.Connection) -> Iterator[None]:
    """`synchronous = NORMAL` on this connection for a commit a power cut may undo.

    In WAL mode that commit is atomic but not flushed to the disk at once (the next
    `synchronous = FULL` commit, or a checkpoint, flushes it). Used where losing the commit
    is harmless: a pulled page and its cursor (pulled again), push results (the resent ops
    get the server's stored answers again). Marking ops `sent` (their payload is frozen from
    then on) and the user's own changes keep `FULL`.
    """
    connection.exec_driver_sql("PRAGMA synchronous = NORMAL")
    # Fewer, larger checkpoints while a sync writes many pages (a first pull writes 100 MB):
    # an index page rewritten by every page of changes is copied to the file less often.
    connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {SYNC_WAL_AUTOCHECKPOINT}")
    connection.commit()
    try:
        yield
    finally:
        connection.rollback()
        connection.exec_driver_sql("PRAGMA wal_autocheckpoint = 1000")
        connection.exec_driver_sql("PRAGMA synchronous = FULL")
        connection.commit()


def _drop_unconfirmed(uow: SqlUnitOfWork) -> None:
    """After a full pull: records `reset_cursor` marked stale that it did not return are gone
    from the server (tombstones compacted); they are marked deleted here."""
    visits = tables.Visit
    touched = set(
        uow.session.scalars(sa.select(visits.business_id).where(visits.sync_state == STALE))
    )
    dropped = 0
    stamp = now()
    for table in _RECONFIRMED:
        result = uow.session.execute(
            sa.update(table)
            .where(table.sync_state == STALE)
            .values(deleted=True, sync_state="synced", updated_at=stamp)
        )
        dropped += int(getattr(result, "rowcount", 0) or 0)
    if dropped:
        uow.businesses.refresh_visit_summaries(touched)
        log.info("%d records the server no longer has marked deleted", dropped)


def _plain(value: Any) -> Mapping[str, Any]:
    """A pydantic model (sync.protocol) or a mapping, as JSON-like values."""
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        plain: Mapping[str, Any] = dump(mode="json")
        return plain
    return value


def _table(model: Any) -> sa.Table:
    return cast(sa.Table, model.__table__)


def _group(rows: Sequence[Any]) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = {}
    for row in rows:
        grouped.setdefault(row.entity, set()).add(row.entity_id)
    return grouped


def _entity_rows(uow: SqlUnitOfWork, entity: str, ids: Iterable[str]) -> dict[str, Any]:
    """The local rows of these records, by id (absent ids are left out)."""
    table = _ENTITY_TABLES.get(entity)
    found: dict[str, Any] = {}
    if table is None:
        return found
    for chunk in chunks(sorted(set(ids))):
        for row in uow.session.scalars(sa.select(table).where(table.id.in_(chunk))):
            found[row.id] = row
    return found


def _business_ids(uow: SqlUnitOfWork, ids: Iterable[str]) -> set[str]:
    """Which of these businesses this laptop has (ids only, no rows loaded)."""
    t = _table(tables.Business)
    found: set[str] = set()
    for chunk in chunks(sorted(set(ids))):
        found.update(uow.session.execute(sa.select(t.c.id).where(t.c.id.in_(chunk))).scalars())
    return found


def _versions(uow: SqlUnitOfWork, entity: str, ids: Iterable[str]) -> dict[str, int | None]:
    return {i: row.version for i, row in _entity_rows(uow, entity, ids).items()}


def _apply_results(uow: SqlUnitOfWork, results: Sequence[Mapping[str, Any]]) -> None:
    """Settles the ops of one push answer in a few statements (see the module docstring).

    Core statements with executemany, not ORM objects: a push of 10,000 ops settles 10,000
    outbox rows and as many records, and the ORM's per-object cost was most of the push.
    Each record is rewritten once (version, sync state and, for an enrollment, the fields the
    server confirmed); a create's fields are copied from its op inside SQLite, not decoded.
    """
    t = _OUTBOX
    execute = uow.session.execute
    wanted = sorted({str(r.get("op_id")) for r in results})
    ops: dict[str, Any] = {}
    for chunk in chunks(wanted):
        stmt = sa.select(
            t.c.op_seq, t.c.op_id, t.c.entity, t.c.entity_id, t.c.kind, t.c.status
        ).where(t.c.op_id.in_(chunk))
        ops.update((row.op_id, row) for row in execute(stmt))
    settled: list[dict[str, Any]] = []
    versions: dict[str, dict[str, int | None]] = {}
    refused: dict[str, dict[str, dict[str, Any]]] = {}
    confirmed: dict[str, list[Any]] = {}  # enrollment id -> its applied ops, in op_seq order
    for result in results:
        op_id = str(result.get("op_id"))
        row = ops.get(op_id)
        if row is None:
            log.warning("result for unknown op %s", op_id)
            continue
        if row.status not in UNSETTLED_OP:
            continue  # already settled
        status = str(result.get("status"))
        error = result.get("error") or {}
        if status in ("applied", "duplicate"):
            settled.append(
                {
                    "b_seq": row.op_seq,
                    "b_status": status,
                    "b_result": dict(result),
                    "b_code": None,
                    "b_message": None,
                }
            )
            version = result.get("entity_version")
            known = versions.setdefault(row.entity, {})
            before = known.get(row.entity_id)
            known[row.entity_id] = (
                before if version is None else version if before is None else max(before, version)
            )
            if row.entity == keys.Entity.ENROLLMENT:
                confirmed.setdefault(row.entity_id, []).append(row)
        elif status in ("rejected", "conflict"):
            settled.append(
                {
                    "b_seq": row.op_seq,
                    "b_status": status,
                    "b_result": dict(result),
                    "b_code": error.get("code"),
                    "b_message": error.get("message"),
                }
            )
            refused.setdefault(row.entity, {})[row.entity_id] = {
                "b_id": row.entity_id,
                "b_state": status,
                "b_code": error.get("code"),
                "b_message": error.get("message"),
            }
            log.info("op %s %s: %s", op_id, status, error.get("code"))
        else:
            log.warning("op %s: unknown result status %r", op_id, status)
    if settled:
        execute(
            sa.update(t)
            .where(t.c.op_seq == sa.bindparam("b_seq"))
            .values(
                status=sa.bindparam("b_status"),
                result=sa.bindparam("b_result", type_=t.c.result.type),
                error_code=sa.bindparam("b_code"),
                error_message=sa.bindparam("b_message"),
            ),
            settled,
        )
    for entity, marks in refused.items():
        table = _ENTITY_TABLES.get(entity)
        if table is None:
            continue
        c = table.__table__.c
        execute(
            sa.update(_table(table))
            .where(c.id == sa.bindparam("b_id"))
            .values(
                sync_state=sa.bindparam("b_state"),
                sync_error_code=sa.bindparam("b_code"),
                sync_error_message=sa.bindparam("b_message"),
            ),
            list(marks.values()),
        )
    # An enrollment whose first applied op here is its create, and which has no confirmed
    # fields yet, takes the create's fields as they are; the rest are merged below.
    copied: dict[str, int] = {}
    merged_later: dict[str, list[Any]] = {}
    if confirmed:
        e = _table(tables.Enrollment)
        empty: set[str] = set()
        for chunk in chunks(sorted(confirmed)):
            stmt = sa.select(e.c.id).where(e.c.id.in_(chunk), e.c.confirmed_fields.is_(None))
            empty.update(execute(stmt).scalars())
        for enrollment_id, applied in confirmed.items():
            applied.sort(key=lambda op: op.op_seq)
            if enrollment_id in empty and applied[0].kind == keys.OpKind.CREATE:
                copied[enrollment_id] = applied[0].op_seq
                applied = applied[1:]
            if applied:
                merged_later[enrollment_id] = applied
    for entity, known in versions.items():
        table = _ENTITY_TABLES.get(entity)
        if table is None:
            continue
        still = uow.outbox.entities_with_unsettled(known)
        kept = refused.get(entity, {})
        params = [
            {
                "b_id": entity_id,
                "b_version": version,
                "b_synced": entity_id not in still and entity_id not in kept,
                "b_copy": copied.get(entity_id),
            }
            for entity_id, version in known.items()
        ]
        copy = ""
        if entity == keys.Entity.ENROLLMENT:
            copy = (
                ", confirmed_fields = CASE WHEN :b_copy IS NULL THEN confirmed_fields "
                "ELSE (SELECT o.fields FROM outbox AS o WHERE o.op_seq = :b_copy) END"
            )
        execute(
            sa.text(
                f"UPDATE {table.__tablename__} SET "
                "version = CASE WHEN :b_version IS NOT NULL "
                "AND (version IS NULL OR version < :b_version) THEN :b_version ELSE version END, "
                "sync_state = CASE WHEN :b_synced THEN 'synced' ELSE sync_state END, "
                "sync_error_code = CASE WHEN :b_synced THEN NULL ELSE sync_error_code END, "
                "sync_error_message = CASE WHEN :b_synced THEN NULL ELSE sync_error_message END"
                f"{copy} WHERE id = :b_id"
            ),
            params,
        )
    if merged_later:
        _merge_confirmed(uow, merged_later)


def _merge_confirmed(uow: SqlUnitOfWork, applied: Mapping[str, Sequence[Any]]) -> None:
    """Adds the fields of applied enrollment ops to what the server confirmed, in order."""
    t = _OUTBOX
    e = _table(tables.Enrollment)
    execute = uow.session.execute
    seqs = sorted(op.op_seq for ops in applied.values() for op in ops)
    fields: dict[int, dict[str, Any]] = {}
    for chunk in chunks(seqs):
        stmt = sa.select(t.c.op_seq, t.c.fields).where(t.c.op_seq.in_(chunk))
        fields.update((seq, value) for seq, value in execute(stmt))
    merged: list[dict[str, Any]] = []
    for chunk in chunks(sorted(applied)):
        stmt = sa.select(e.c.id, e.c.confirmed_fields).where(e.c.id.in_(chunk))
        for enrollment_id, before in execute(stmt):
            value = dict(before or {})
            for op in applied[enrollment_id]:
                value.update(fields.get(op.op_seq) or {})
            merged.append({"b_id": enrollment_id, "b_fields": value})
    if merged:
        execute(
            sa.update(e)
            .where(e.c.id == sa.bindparam("b_id"))
            .values(confirmed_fields=sa.bindparam("b_fields", type_=e.c.confirmed_fields.type)),
            merged,
        )


def _has_unsent_correction(row: Any) -> bool:
    """Whether a local enrollment sent back for correction holds edits not yet resubmitted."""
    if row is None or row.status != keys.EnrollmentStatus.NEEDS_CORRECTION.value:
        return False
    confirmed = row.confirmed_fields or {}
    for name in wire.ENROLLMENT_FIELDS:
        if name in wire.ENROLLMENT_PROTECTED or name not in confirmed:
            continue
        if wire.value_to_wire(getattr(row, name)) != confirmed[name]:
            return True
    return False


class _PulledPage:
    """What applying one pulled page needs to know, fetched in a few queries up front."""

    def __init__(self, uow: SqlUnitOfWork, changes: Sequence[Mapping[str, Any]]) -> None:
        ids: dict[str, set[str]] = {}
        parents: set[str] = set()
        for change in changes:
            entity = str(change.get("entity"))
            if entity in _ENTITY_TABLES:
                ids.setdefault(entity, set()).add(str(change.get("entity_id")))
            if entity == keys.Entity.VISIT:
                parents.add(str((change.get("fields") or {}).get("business_id")))
        every = set().union(*ids.values()) if ids else set()
        self.unsettled = uow.outbox.entities_with_unsettled(every)
        self.rows = {entity: _entity_rows(uow, entity, group) for entity, group in ids.items()}
        self.businesses = set(self.rows.get(keys.Entity.BUSINESS, {}))
        self.businesses |= _business_ids(uow, parents - self.businesses)
        self.touched: set[str] = set()
        #: The local time written as created/updated on this page's records.
        self.stamp = now()
        #: Records this laptop does not have yet, as column values by entity and id: written
        #: with one executemany INSERT per table (`insert_new`), not one ORM object each.
        self.new: dict[str, dict[str, dict[str, Any]]] = {}

    def insert_new(self, uow: SqlUnitOfWork) -> None:
        for entity, found in self.new.items():
            if found:
                _insert_rows(uow, _ENTITY_TABLES[entity], list(found.values()))
        self.new = {}


def _column_default(column: sa.Column[Any]) -> Any:
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        return getattr(default, "arg", None)
    return None


def _insert_rows(uow: SqlUnitOfWork, table: Any, rows: list[dict[str, Any]]) -> None:
    """One executemany INSERT; a column some rows lack gets its default (or NULL).

    The values go through each column type's own bind processor (JSON, dates, booleans are
    stored exactly as SQLAlchemy stores them), straight to the driver's executemany: for a
    first pull of 100,000 records SQLAlchemy's per-row parameter handling was a tenth of it.
    """
    columns = _table(table).c
    with_default = {c.name for c in columns if _column_default(c) is not None}
    names = sorted(set().union(*rows) | with_default)
    connection = uow.session.connection()
    dialect = connection.dialect
    defaults = [_column_default(columns[name]) for name in names]
    processors = [columns[name].type.bind_processor(dialect) for name in names]
    values = []
    for row in rows:
        record = []
        for name, default, process in zip(names, defaults, processors, strict=True):
            value = row.get(name, default)
            record.append(process(value) if process is not None else value)
        values.append(tuple(record))
    sql = (
        f"INSERT INTO {_table(table).name} ({', '.join(names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(sql, values)
    finally:
        cursor.close()


def _apply_change(uow: SqlUnitOfWork, page: _PulledPage, change: Mapping[str, Any]) -> bool:
    entity = str(change.get("entity"))
    entity_id = str(change.get("entity_id"))
    version = change.get("version")
    deleted = bool(change.get("deleted"))
    fields = dict(change.get("fields") or {})
    if entity == "event":
        if deleted:
            event = uow.session.get(tables.Event, entity_id)
            if event is not None:
                event.deleted = True
            return event is not None
        uow.events.upsert(
            records.Event(
                entity_id,
                fields["name"],
                fields.get("branch", ""),
                wire.parse_date(fields["starts_on"]),  # type: ignore[arg-type]
                wire.parse_date(fields["ends_on"]),  # type: ignore[arg-type]
                fields.get("venue") or "",
            ),
            version,
        )
        return True
    if entity == "target":
        if deleted:
            target = uow.session.get(tables.Target, entity_id)
            if target is not None:
                target.deleted = True
            return target is not None
        uow.targets.upsert(
            records.Target(
                entity_id,
                fields["scope"],
                str(fields["scope_id"]),
                fields["metric"],
                int(fields["goal"]),
                wire.parse_date(fields["period_start"]),  # type: ignore[arg-type]
                wire.parse_date(fields["period_end"]),  # type: ignore[arg-type]
            ),
            version,
        )
        return True
    if entity == "rate_table":
        rate = uow.session.get(tables.RateTable, entity_id) or tables.RateTable(id=entity_id)
        if deleted:
            return False
        rate.version = str(fields.get("version"))
        rate.effective_from = wire.parse_date(fields["effective_from"])  # type: ignore[assignment]
        rate.table = fields.get("table") or {}
        rate.pulled_version = version
        uow.session.add(rate)
        return True
    table = _ENTITY_TABLES.get(entity)
    if table is None:
        log.warning("pulled an unknown entity %r", entity)
        return False
    if entity_id in page.unsettled:
        log.info("pulled %s %s kept: a local op is pending", entity, entity_id)
        return False
    row = page.rows.get(entity, {}).get(entity_id)
    stamp = page.stamp
    if deleted:
        created = page.new.get(entity, {}).pop(entity_id, None)  # made earlier in this page
        if row is None and created is not None:
            page.businesses.discard(entity_id)
            return True
        if row is not None:
            row.deleted = True
            row.version = version
            row.sync_state = "synced"
            row.updated_at = stamp
            if entity == keys.Entity.VISIT:
                page.touched.add(row.business_id)
        return row is not None
    values = wire.from_wire(entity, entity_id, fields)
    if entity == keys.Entity.VISIT:
        business = str(values.get("business_id"))
        if business not in page.businesses:
            log.warning("pulled visit %s of an unknown business; skipped", entity_id)
            return False
        page.touched.add(business)
    if row is None:
        new = {
            **values,
            "version": version,
            "deleted": False,
            "sync_state": "synced",
            "sync_error_code": None,
            "sync_error_message": None,
            "created_at": stamp,
            "updated_at": stamp,
        }
        if entity == keys.Entity.ENROLLMENT:
            new["confirmed_fields"] = {
                k: v for k, v in fields.items() if k in wire.ENROLLMENT_FIELDS
            }
            if new.get("programs") is None:
                new["programs"] = []
        page.new.setdefault(entity, {})[entity_id] = new
        if entity == keys.Entity.BUSINESS:
            page.businesses.add(entity_id)
        return True
    if entity == keys.Entity.ENROLLMENT and _has_unsent_correction(row):
        # The agent is correcting it (edits are saved without an op until resubmitted): keep
        # the edits, take the server's status, review and version as the new diff base.
        log.info("pulled enrollment %s: local corrections kept", entity_id)
        values = {k: v for k, v in values.items() if k in wire.ENROLLMENT_PROTECTED}
    for name, value in values.items():
        setattr(row, name, value)
    row.version = version
    row.deleted = False
    row.sync_state = "synced"
    row.sync_error_code = row.sync_error_message = None
    row.updated_at = stamp
    if entity == keys.Entity.ENROLLMENT:
        row.confirmed_fields = {k: v for k, v in fields.items() if k in wire.ENROLLMENT_FIELDS}
        if row.programs is None:
            row.programs = []
    return True
