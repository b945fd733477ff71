"""Opens the encrypted local database: SQLCipher with a raw 256-bit key, migrated to head.

`open_engine(path, key)` is the only way in. Each new connection is a `sqlcipher3` connection on
which `PRAGMA key = "x'<hex>'"` runs first (a raw key: no key derivation, about 0.15 ms), then
WAL journaling, `synchronous=FULL`, foreign keys and a busy timeout. SQLAlchemy's own
`sqlite+pysqlcipher` dialect cannot take a raw key, so the plain `sqlite://` dialect gets a
`creator` (FACTS.md).

A wrong key makes SQLCipher answer "file is not a database"; here it is `WrongKey`, a
`KnownError` the login screen can show. The key itself is never logged or stored.
"""

from __future__ import annotations

import functools
import logging
import re
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, pool

from agent_app import paths
from agent_app.domain.messages import Text
from agent_app.errors import KnownError
from agent_app.storage import deferred_indexes

log = logging.getLogger("db")

KEY_BYTES = 32
BUSY_TIMEOUT_MS = 10_000
#: Page cache per connection, in KiB. Every page read from disk is decrypted, so a cache that
#: holds the pages search as you type touches keeps it fast: at 100,000 businesses and 100,000
#: enrollments 16 MiB searches as fast as 64 MiB did, 8 MiB is two to three times slower, and
#: 16 MiB lowers the peak memory by about 19 MB (docs/benchmarks.md, issue 15).
CACHE_KIB = 16_384
#: Page cache of the connections that do background work (the sync thread): what a sync cycle
#: reads it reads once, so 8 MiB is plenty.
BACKGROUND_CACHE_KIB = 8_192
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class WrongKey(KnownError):
    """The key does not open this database file (or the file is not one of ours)."""

    def __init__(self) -> None:
        super().__init__(
            Text.of(
                "The database cannot be opened with this key (wrong password or damaged file)."
            ),
            code="wrong_key",
        )


class StorageError(KnownError):
    """The database file cannot be used (disk full, read-only folder, locked...)."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        known = _KNOWN_FAILURES.get(_failure_kind(detail))
        text = known or Text.of("The local database cannot be used: {detail}", detail=detail)
        super().__init__(text, code="storage")


_KNOWN_FAILURES = {
    "full": Text.of("The laptop's disk is full. Free some space and try again."),
    "locked": Text.of("The database is busy in another process. Wait a moment and try again."),
    "readonly": Text.of(
        "The database file cannot be written (read-only). Check the data folder's permissions."
    ),
    "io": Text.of("A disk read/write error on the local database. Check the laptop's disk."),
    "open": Text.of("The database file cannot be opened. Check the data folder."),
}


def _failure_kind(detail: str) -> str:
    text = detail.lower()
    if "full" in text:
        return "full"
    if "locked" in text or "busy" in text:
        return "locked"
    if "readonly" in text or "read-only" in text:
        return "readonly"
    if "disk i/o" in text:
        return "io"
    if "unable to open" in text:
        return "open"
    return ""


def as_storage_error(error: BaseException) -> StorageError | None:
    """The StorageError for an SQLite failure the person can act on (disk full, locked,
    read-only, I/O, cannot open), or None for anything else (a bug)."""
    from sqlcipher3 import dbapi2

    cause = getattr(error, "orig", error)
    if isinstance(cause, dbapi2.OperationalError) and _failure_kind(str(cause)):
        return StorageError(str(cause))
    return None


def _connect(path: Path, key: bytes, cache_kib: int | None = None) -> Any:
    """A fresh sqlcipher3 connection with the key set and the pragmas applied (a page cache
    of `cache_kib`, by default `CACHE_KIB`).

    SQLCipher (~5 MB resident) is imported by the functions that use it: the app imports this
    module while the password is typed, and the password's key derivation (64 MiB) runs on top
    of what is loaded by then (docs/benchmarks.md, "Issue 15: log-in and memory, again")."""
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(str(path), check_same_thread=False)
    try:
        # SQLCipher prints "ERROR CORE ... hmac check failed" to stderr for a wrong key; the
        # WrongKey below says it better. (The log level is process-wide.)
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except dbapi2.DatabaseError as error:
            if "not a database" in str(error):
                raise WrongKey() from None
            raise
        finally:
            conn.execute("PRAGMA cipher_log_level = WARN")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB if cache_kib is None else cache_kib}")
    except BaseException:
        conn.close()
        raise
    return conn


def open_engine(
    path: Path, key: bytes, *, migrate: bool = True, cache_kib: int | None = None
) -> Engine:
    """Opens (creating if needed) the encrypted database at `path` and migrates it to head.

    Args:
        path: the database file; its folder must exist.
        key: the raw 32-byte database key (from the account's key slot).
        migrate: run the Alembic migrations to head, and build the indexes a killed first
            pull left deferred (`deferred_indexes`); off for migration tests, and for a
            second engine on a file that is already open.
        cache_kib: SQLite's page cache per connection (default `CACHE_KIB`, for search as
            you type; `BACKGROUND_CACHE_KIB` for an engine that serves the sync thread).

    Returns:
        An Engine whose every connection is keyed; dispose it to close the file.

    Raises:
        WrongKey: the key does not open the file.
        StorageError: the file cannot be opened or written.
    """
    from sqlcipher3 import dbapi2

    if len(key) != KEY_BYTES:
        raise ValueError("the database key must be 32 bytes")
    path = Path(path)
    if str(path) != ":memory:" and path.parent.is_dir():
        # Created 0o600 before SQLCipher opens it, so its -wal and -shm get that mode too.
        paths.private_file(path)
        for suffix in ("-wal", "-shm", "-journal"):
            paths.make_private(path.with_name(path.name + suffix), 0o600)
    engine = _keyed_engine(path, key, cache_kib)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        if migrate:
            migrate_to_head(engine)
            _ensure_sync_state(engine)
            # A first pull killed before it built its indexes (storage.deferred_indexes).
            deferred_indexes.restore_now(engine)
    except WrongKey:
        engine.dispose()
        log.warning("wrong key for the local database %s", path.name)
        raise
    except dbapi2.OperationalError as error:
        engine.dispose()
        raise StorageError(str(error)) from error
    except Exception as error:
        engine.dispose()
        cause = getattr(error, "orig", None)
        if isinstance(cause, WrongKey):
            raise cause from None
        if isinstance(cause, dbapi2.OperationalError):
            raise StorageError(str(cause)) from error
        raise
    log.info("opened local database %s", path.name)
    return engine


def _keyed_engine(path: Path, key: bytes, cache_kib: int | None) -> Engine:
    """An Engine over a pool of keyed connections to `path` (nothing opened yet)."""
    from sqlcipher3 import dbapi2

    engine = create_engine(
        "sqlite://",
        module=dbapi2,
        creator=lambda: _connect(path, key, cache_kib),
        poolclass=pool.QueuePool,
        pool_size=2,  # two threads (the app gives its sync thread an engine of its own)
        max_overflow=4,
        pool_use_lifo=True,  # reuse the connection whose cache is warm
        pool_pre_ping=False,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        connection_record.info["path"] = str(path)

    return engine


def _ensure_sync_state(engine: Engine) -> None:
    """Creates the sync_state row, and with it this laptop's device id, once and for good, so
    that reading it never depends on a transaction that might be rolled back. (Raw SQL, as
    the rest of this module: it runs at the engine level, without the ORM's tables.)"""
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO sync_state (id, device_id, last_op_seq) VALUES (1, ?, 0)",
            (str(uuid.uuid4()),),
        )


def alembic_config(connection: Any = None) -> Any:
    """An Alembic config for our migrations, bound to an open connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def migrate_to_head(engine: Engine) -> None:
    """Runs the Alembic migrations up to head, in one transaction.

    The transaction is opened explicitly (`BEGIN IMMEDIATE`): Python's sqlite3 would otherwise
    run each DDL statement in autocommit, and a failed migration would leave half a schema.
    IMMEDIATE also makes a second process that opens the file at the same time wait its turn.
    """
    if _current_revision(engine) == head_revision():
        return  # the usual start: nothing to do, and Alembic (about 11 MB) is never imported
    from alembic import command

    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        command.upgrade(alembic_config(conn), "head")
        conn.commit()


_REVISION = re.compile(r"^revision(?:\s*:\s*str)?\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=]+)?\s*=\s*(?:None|[\"']([^\"']+)[\"'])", re.MULTILINE)


@functools.cache
def head_revision() -> str:
    """The newest migration's revision id, read from the scripts' text without importing
    Alembic (a test checks it equals Alembic's own answer). The scripts form one line."""
    revisions: dict[str, str | None] = {}
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        text = script.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN.search(text)
        if revision and down:
            revisions[revision.group(1)] = down.group(1)
    parents = {down for down in revisions.values() if down}
    heads = [rev for rev in revisions if rev not in parents]
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must have one head, found {heads}")
    return heads[0]


def _current_revision(engine: Engine) -> str | None:
    # Raw SQL: SQLite's catalogue and Alembic's own table have no ORM mapping here.
    with engine.connect() as conn:
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
        if not exists:
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return str(row[0]) if row else None
