"""The server's database engine: SQLite (WAL, `synchronous` as configured, its files private)
or PostgreSQL, and how a transaction that writes is opened (`write_transaction`).

The rule (see `sync/server/db.py`): a transaction that may write begins with the write lock.
Under WAL, SQLite refuses at once ("database is locked", SQLITE_BUSY_SNAPSHOT, whatever the
busy timeout) to let a deferred transaction write after its reads when another connection
committed since they began: the read is outdated and cannot be redone by waiting. `BEGIN
IMMEDIATE` takes the lock before the first read, so the second writer waits its turn instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from sync.server import config


def _sqlite_pragmas(synchronous: str) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions (working SAVEPOINTs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # Indexes keyed by random UUIDs and NIKs: keep their pages in memory (64 MB).
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    return on_connect


def _private_sqlite_files(url: str) -> None:
    """Creates the SQLite file 0o600 (its -wal and -shm files then get the same mode) and
    tightens existing ones."""
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.is_dir():
        return  # SQLite will answer that the folder is missing
    config.private_file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        config.make_private(path.with_name(path.name + suffix), 0o600)


def make_engine(settings: config.Settings) -> Engine:
    url = settings.resolved_database_url()
    if url.startswith("sqlite"):
        _private_sqlite_files(url)
        if settings.sqlite_synchronous.upper() not in {"FULL", "NORMAL", "EXTRA"}:
            raise ValueError("sqlite_synchronous must be FULL, NORMAL or EXTRA")
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
        event.listen(engine, "connect", _sqlite_pragmas(settings.sqlite_synchronous.upper()))

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # `write_transaction` takes the write lock at once: a second writer waits for it
            # (busy timeout) instead of failing to upgrade after its reads.
            mode = conn.get_execution_options().get("sqlite_begin", "")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_pre_ping=True,
    )


@contextlib.contextmanager
def write_transaction(bind: Engine | sa.Connection) -> Iterator[sa.Connection]:
    """A connection in a transaction that may write, committed on leaving (rolled back on an
    exception). On SQLite it begins with the write lock (`BEGIN IMMEDIATE`), so a read before
    the first write cannot be outdated by another writer's commit; on PostgreSQL it is a plain
    transaction (row locks and constraints order its writers). Given a connection (one with no
    transaction open: a push's, which read its branch's settings on it first), the
    transaction runs on it instead of on a checkout of its own."""
    if isinstance(bind, sa.Connection):
        with bind.execution_options(sqlite_begin="IMMEDIATE").begin():
            yield bind
        return
    with bind.connect() as conn, conn.execution_options(sqlite_begin="IMMEDIATE").begin():
        yield conn


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def ping(engine: Engine) -> None:
    """Asks the database something trivial (raises sqlalchemy's DBAPIError if it cannot)."""
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
