"""Runs the server's Alembic migrations programmatically (no alembic.ini needed).

Several processes may migrate at once (replicas of `serve` starting together, each migrating
first, or two operators running `migrate`): `upgrade` runs under a lock so the others wait and
then find the schema at head. On PostgreSQL it is a transaction-level advisory lock
(`pg_advisory_xact_lock`, released when the migration's transaction ends); on SQLite the
migration's transaction starts with `BEGIN IMMEDIATE`, so the second writer waits for the
first (busy timeout) instead of failing to upgrade a read lock. SQLite can still answer
"database is locked" at once, without waiting, while a fresh file is turned to WAL or its
index is recovered by another process: that attempt rolls back whole and is tried again.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import exc
from sqlalchemy.engine import Engine

from sync.server import db

log = logging.getLogger("server")

SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"
#: The advisory lock's key (any 64-bit number no other code of ours uses): "perisai1".
MIGRATION_LOCK_KEY = 0x7065726973616931
#: SQLite: attempts when another process holds the file in a way the busy timeout does not
#: wait for, and the pause before the next (times the attempt's number).
SQLITE_ATTEMPTS = 10
SQLITE_PAUSE_SECONDS = 0.2


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Brings the database at `engine` to `revision` (idempotent; concurrent callers wait for
    each other)."""
    _run(engine, lambda cfg: command.upgrade(cfg, revision))


def downgrade(engine: Engine, revision: str) -> None:
    _run(engine, lambda cfg: command.downgrade(cfg, revision))


def _run(engine: Engine, step: Callable[[Config], object]) -> None:
    if engine.dialect.name != "sqlite":
        _run_once(engine, step)
        return
    for attempt in range(1, SQLITE_ATTEMPTS + 1):
        try:
            _run_once(engine, step)
            return
        except exc.OperationalError as error:
            if "locked" not in str(error.orig) or attempt == SQLITE_ATTEMPTS:
                raise
            log.info("migration: the database is locked by another process; trying again")
            engine.dispose()
            time.sleep(SQLITE_PAUSE_SECONDS * attempt)


def _run_once(engine: Engine, step: Callable[[Config], object]) -> None:
    cfg = alembic_config()
    with db.write_transaction(engine) as connection:  # SQLite: BEGIN IMMEDIATE
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
        cfg.attributes["connection"] = connection
        step(cfg)


@functools.cache
def head_revision() -> str | None:
    """The newest revision this code knows (what `upgrade` brings a database to)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
