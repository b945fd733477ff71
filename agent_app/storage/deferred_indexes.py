"""The search and secondary indexes of a first full pull, built once at its end (issue 15).

A pull from no cursor into record tables that are empty or nearly so (`worth_deferring`)
would otherwise update the FTS5 trigram indexes (`businesses_fts`, `enrollments_fts`, kept in
step by the triggers of migration 0001) row by row, page after page. Instead `defer` drops
those triggers (and the secondary indexes named in `INDEXES`: none, measured), and `restore`
rebuilds the FTS tables from their content (`INSERT INTO x_fts(x_fts) VALUES('rebuild')`)
and creates the triggers again.

Crash safety: `defer` writes, in the transaction that drops them, one `deferred_indexes` row
per object with the statement that brings it back: the object's own `CREATE` text from
`sqlite_master` (so the schema comes back word for word) and, for each FTS table, its
rebuild. `restore` runs those statements and deletes the rows in one transaction. A kill at
any point leaves either the rows (and the objects missing) or neither; the store finishes the
rebuild when it is opened next (`storage.engine.open_engine`) or when its next pull starts
(`LocalStore.pull_started`), and the sync engine asks for it as soon as a pull ends, however it
ends (`LocalStore.pull_ended`).

While the rows are there, search must not rely on the incomplete FTS tables: `search_ready`
says so, and `repositories.sql.text_filter` then matches words with a plain LIKE over the same
columns (slower, and diacritics are not folded, but no record is missed).

All of it is plain DDL on the connection: no Alembic at run time.
"""

from __future__ import annotations

import logging
import time

import sqlalchemy as sa
from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agent_app.storage.table_base import Base

log = logging.getLogger("db")

#: The FTS5 tables and the tables they index (migration 0001).
FTS = {"businesses_fts": "businesses", "enrollments_fts": "enrollments"}
#: The triggers that keep them in step, row by row.
TRIGGERS = tuple(f"{fts}_{suffix}" for fts in FTS for suffix in ("ai", "ad", "au"))
#: Secondary indexes deferred too. None: deferring the fifteen a first pull writes but never
#: reads (all but the unique ids and the `business_id` ones) saved no CPU measurably on
#: 100,000 changes, and they keep the lists fast while the pull runs (docs/benchmarks.md,
#: "Issue 15: the first pull, indexes built once"). The mechanism takes any index's name.
INDEXES: tuple[str, ...] = ()
#: At most this many records already in the tables for a pull from no cursor to defer.
NEARLY_EMPTY = 1000
_RECORD_TABLES = ("businesses", "visits", "enrollments")
# The order `restore` runs the statements in: the indexes, the FTS rebuilds, then the triggers.
_INDEX, _REBUILD, _TRIGGER = 1, 2, 3


class DeferredIndex(Base):
    """An index, trigger or FTS table `defer` took down, and the statement that restores it
    (migration 0012; tables.py re-exports it)."""

    __tablename__ = "deferred_indexes"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    step: Mapped[int] = mapped_column(Integer)
    sql: Mapped[str] = mapped_column(Text)
    deferred_at: Mapped[str] = mapped_column(String(40))


def pending(conn: sa.Connection) -> bool:
    """Whether indexes are deferred (a rebuild is due)."""
    return conn.exec_driver_sql("SELECT 1 FROM deferred_indexes LIMIT 1").first() is not None


def search_ready(conn: sa.Connection, fts_table: str) -> bool:
    """Whether `fts_table` holds every row (no rebuild of it is due)."""
    found = conn.exec_driver_sql(
        "SELECT 1 FROM deferred_indexes WHERE name = ?", (fts_table,)
    ).first()
    return found is None


def worth_deferring(conn: sa.Connection) -> bool:
    """Whether the record tables hold so few rows that rebuilding beats row-by-row upkeep."""
    held = 0
    for table in _RECORD_TABLES:
        # Counting stops past the threshold: a full laptop is not scanned.
        held += conn.exec_driver_sql(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT {NEARLY_EMPTY + 1})"
        ).scalar_one()
    return held <= NEARLY_EMPTY


def defer(conn: sa.Connection, stamp: str) -> None:
    """Drops the triggers and `INDEXES`, recording how to restore them, in the caller's
    transaction (the drop and its record commit together)."""
    wanted = (*INDEXES, *TRIGGERS)
    marks = ", ".join("?" for _ in wanted)
    found = conn.exec_driver_sql(
        f"SELECT type, name, sql FROM sqlite_master WHERE name IN ({marks})", wanted
    ).all()
    rows: list[tuple[str, int, str, str]] = []
    for kind, name, sql in found:
        rows.append((name, _INDEX if kind == "index" else _TRIGGER, sql, stamp))
        conn.exec_driver_sql(f"DROP {'INDEX' if kind == 'index' else 'TRIGGER'} {name}")
    for fts in FTS:
        rows.append((fts, _REBUILD, f"INSERT INTO {fts}({fts}) VALUES('rebuild')", stamp))
    conn.exec_driver_sql(
        "INSERT INTO deferred_indexes (name, step, sql, deferred_at) VALUES (?, ?, ?, ?)", rows
    )
    log.info("search and secondary indexes deferred to the end of the pull (%d)", len(rows))


def restore(conn: sa.Connection) -> bool:
    """Builds what `defer` took down, in the caller's transaction; whether there was any."""
    statements = list(
        conn.exec_driver_sql("SELECT name, sql FROM deferred_indexes ORDER BY step, name")
    )
    if not statements:
        return False
    started = time.perf_counter()
    for _name, sql in statements:
        conn.exec_driver_sql(sql)
    conn.exec_driver_sql("DELETE FROM deferred_indexes")
    log.info(
        "search and secondary indexes built (%d) in %.2f s",
        len(statements),
        time.perf_counter() - started,
    )
    return True


def restore_now(engine: sa.Engine) -> bool:
    """`restore` in a transaction of its own; whether there was anything to build."""
    with engine.connect() as conn:
        if not pending(conn):
            return False
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        built = restore(conn)
        conn.commit()
    return built
