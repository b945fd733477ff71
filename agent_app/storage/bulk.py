"""Bulk reads and writes the local store's sync paths share: the synced record tables, rows
fetched by id in chunks, one executemany INSERT, and the `no_fsync` connection mode.

A push answer or a pulled page touches thousands of rows: these work in a few statements per
table, not one ORM object each (see `push_results` and `pulled_changes`).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

import sqlalchemy as sa

from agent_app.domain import keys
from agent_app.storage import tables
from agent_app.storage.repositories import chunks
from agent_app.storage.uow import SqlUnitOfWork

OUTBOX = cast(sa.Table, tables.OutboxOp.__table__)
#: The entities whose records keep the wire fields the server confirmed (`confirmed_fields`,
#: the base of a correction's diff), by their table.
CONFIRMING: Mapping[str, Any] = {
    keys.Entity.ENROLLMENT: tables.Enrollment,
    keys.EMPLOYER_REGISTRATION: tables.EmployerRegistration,
}
#: WAL pages before a checkpoint during sync writes (SQLite's default, kept otherwise: 1000).
SYNC_WAL_AUTOCHECKPOINT = 20_000


def table_of(model: Any) -> sa.Table:
    """The Core table of an ORM class."""
    return cast(sa.Table, model.__table__)


def plain(value: Any) -> Mapping[str, Any]:
    """A pydantic model (sync.protocol) or a mapping, as JSON-like values."""
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        found: Mapping[str, Any] = dump(mode="json")
        return found
    return cast(Mapping[str, Any], value)


def group(rows: Sequence[Any]) -> dict[str, set[str]]:
    """The entity ids of `rows` (with `entity` and `entity_id`), by entity."""
    grouped: dict[str, set[str]] = {}
    for row in rows:
        grouped.setdefault(row.entity, set()).add(row.entity_id)
    return grouped


def entity_rows(uow: SqlUnitOfWork, entity: str, ids: Iterable[str]) -> dict[str, Any]:
    """The local rows of these records, by id (absent ids are left out)."""
    table = tables.SYNCED_TABLES.get(entity)
    found: dict[str, Any] = {}
    if table is None:
        return found
    for chunk in chunks(sorted(set(ids))):
        stmt = sa.select(table).where(table.id.in_(chunk))
        for row in cast("Sequence[tables.SyncedRow]", uow.session.scalars(stmt).all()):
            found[row.id] = row
    return found


def business_ids(uow: SqlUnitOfWork, ids: Iterable[str]) -> set[str]:
    """Which of these businesses this laptop has (ids only, no rows loaded)."""
    t = table_of(tables.Business)
    found: set[str] = set()
    for chunk in chunks(sorted(set(ids))):
        found.update(uow.session.execute(sa.select(t.c.id).where(t.c.id.in_(chunk))).scalars())
    return found


def versions(uow: SqlUnitOfWork, entity: str, ids: Iterable[str]) -> dict[str, int | None]:
    return {i: row.version for i, row in entity_rows(uow, entity, ids).items()}


def _column_default(column: sa.Column[Any]) -> Any:
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        return getattr(default, "arg", None)
    return None


def insert_rows(uow: SqlUnitOfWork, table: Any, rows: list[dict[str, Any]]) -> None:
    """One executemany INSERT; a column some rows lack gets its default (or NULL).

    The values go through each column type's own bind processor (JSON, dates, booleans are
    stored exactly as SQLAlchemy stores them), straight to the driver's executemany: for a
    first pull of 100,000 records SQLAlchemy's per-row parameter handling was a tenth of it.
    That speed is why this one statement is raw SQL on the driver's cursor.
    """
    columns = table_of(table).c
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
        f"INSERT INTO {table_of(table).name} ({', '.join(names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(sql, values)
    finally:
        cursor.close()


@contextlib.contextmanager
def no_fsync(connection: sa.Connection) -> Iterator[None]:
    """`synchronous = NORMAL` on this connection for a commit a power cut may undo.

    In WAL mode that commit is atomic but not flushed to the disk at once (the next
    `synchronous = FULL` commit, or a checkpoint, flushes it). Used where losing the commit
    is harmless: a pulled page and its cursor (pulled again), push results (the resent ops
    get the server's stored answers again). Marking ops `sent` (their payload is frozen from
    then on) and the user's own changes keep `FULL`. (PRAGMAs have no SQLAlchemy expression:
    they go to the driver as text.)
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


def execute_many(uow: SqlUnitOfWork, stmt: sa.Update, rows: Sequence[Mapping[str, Any]]) -> None:
    """`stmt` once per mapping of `rows` (its bind parameters by name), with the driver's
    executemany: SQLAlchemy's own executemany builds and processes a parameter dictionary per
    row, most of a push answer's settling. Each value still goes through its bind
    parameter's type (JSON, booleans, dates stored exactly as SQLAlchemy stores them);
    parameters a row lacks take the statement's own values (its literals). The statement is
    compiled once per dialect (pass the same statement object each time: building and
    compiling an UPDATE costs 1-4 ms)."""
    if not rows:
        return
    connection = uow.session.connection()
    sql, parameters = _compiled(stmt, connection.dialect)
    values = []
    for row in rows:
        record = []
        for name, literal, process in parameters:
            value = row.get(name, literal)
            record.append(process(value) if process is not None else value)
        values.append(tuple(record))
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(sql, values)
    finally:
        cursor.close()


@functools.lru_cache(maxsize=32)
def _compiled(stmt: sa.Update, dialect: sa.Dialect) -> tuple[str, list[tuple[str, Any, Any]]]:
    """`stmt`'s SQL for `dialect` and its positional parameters: name, the statement's own
    value (a literal's), the bind processor of its type."""
    compiled = stmt.compile(dialect=dialect)
    parameters = []
    for name in compiled.positiontup or []:
        bind = compiled.binds[name]
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        parameters.append((name, bind.effective_value, process))
    return compiled.string, parameters
