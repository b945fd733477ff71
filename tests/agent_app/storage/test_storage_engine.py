"""The encrypted database: schema from migrations, encryption at rest, wrong keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from agent_app.errors import KnownError
from agent_app.services import businesses, enrollments
from agent_app.services.actor import Actor
from agent_app.storage import engine as storage_engine
from agent_app.storage import tables
from agent_app.storage.engine import WrongKey, open_engine
from agent_app.storage.uow import SqlUnitOfWork


def test_migrated_schema_equals_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": tables.include_name, "compare_type": True}
        )
        assert compare_metadata(context, tables.metadata) == []
        head = ScriptDirectory.from_config(storage_engine.alembic_config()).get_current_head()
        assert context.get_current_revision() == head


def test_partial_indexes_have_the_models_conditions(engine: Engine) -> None:
    # compare_metadata does not look at a partial index's WHERE; the queries rely on it.
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        for table in tables.metadata.sorted_tables:
            reflected = {
                ix["name"]: ix["dialect_options"].get("sqlite_where")
                for ix in inspector.get_indexes(table.name)
            }
            for index in table.indexes:
                where = index.dialect_options["sqlite"]["where"]
                found = reflected[index.name]
                assert (None if where is None else str(where)) == (
                    None if found is None else str(found)
                ), index.name


def test_migrations_create_the_search_tables_and_pragmas(engine: Engine) -> None:
    with engine.connect() as conn:
        names = set(conn.scalars(sa.text("SELECT name FROM sqlite_master")))
        assert {"businesses_fts", "enrollments_fts", "businesses_fts_ai"} <= names
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


def test_opening_again_keeps_the_data_and_migrates_nothing(
    db_path: Path, key: bytes, actor: Actor
) -> None:
    engine = open_engine(db_path, key)
    business = businesses.register_business(SqlUnitOfWork(engine), actor, {"name": "Pempek Cek"})
    engine.dispose()
    engine = open_engine(db_path, key)
    try:
        detail = businesses.get_detail(SqlUnitOfWork(engine), business.id)
        assert detail.business.name == "Pempek Cek"
    finally:
        engine.dispose()


@pytest.mark.expect_warning_log(r"wrong key for the local database")
def test_a_wrong_key_opens_nothing(db_path: Path, key: bytes) -> None:
    open_engine(db_path, key).dispose()
    with pytest.raises(WrongKey) as caught:
        open_engine(db_path, bytes(32))
    assert isinstance(caught.value, KnownError)
    assert "kunci" in caught.value.message("id")
    assert "key" in caught.value.message("en")


def test_a_key_must_be_32_bytes(db_path: Path) -> None:
    with pytest.raises(ValueError):
        open_engine(db_path, b"short")


@pytest.mark.expect_warning_log(
    r"wrong key for the local database plain\.db", r"tightened plain\.db from mode 644"
)
def test_a_plain_sqlite_file_is_not_opened(tmp_path: Path, key: bytes) -> None:
    import sqlite3

    plain = tmp_path / "plain.db"
    with sqlite3.connect(plain) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(WrongKey):
        open_engine(plain, key)


def _file_bytes(path: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-journal"):
        part = Path(str(path) + suffix)
        if part.exists():
            data += part.read_bytes()
    return data


def test_the_file_holds_no_personal_data_in_clear(
    db_path: Path,
    key: bytes,
    actor: Actor,
    enrollment_fields: Callable[..., dict[str, Any]],
) -> None:
    engine = open_engine(db_path, key)
    uow = SqlUnitOfWork(engine)
    secrets = []
    for serial in range(1, 6):
        name = f"Rahmawati Kusumadewi {serial}"
        fields = enrollment_fields(serial, full_name=name, phone=f"08123456780{serial}")
        draft = enrollments.save_draft(uow, actor, fields)
        enrollments.submit(uow, actor, draft.id)
        businesses.register_business(
            uow,
            actor,
            {
                "name": f"Songket Palembang Jaya {serial}",
                "owner_name": f"Hendrawan Saputra {serial}",
                "phone": f"08212345670{serial}",
            },
        )
        secrets += [
            fields["nik"],
            name,
            f"+628123456780{serial}",
            f"08123456780{serial}",
            f"Songket Palembang Jaya {serial}",
            f"Hendrawan Saputra {serial}",
            f"+628212345670{serial}",
        ]
    while_open = _file_bytes(db_path)
    assert Path(str(db_path) + "-wal").exists()  # the test reads the WAL too
    engine.dispose()
    after_close = _file_bytes(db_path)
    assert not db_path.read_bytes().startswith(b"SQLite format 3")
    for data in (while_open, after_close):
        for secret in secrets:
            for encoding in ("utf-8", "utf-16-le"):
                assert secret.encode(encoding) not in data, secret
        assert b"Rahmawati" not in data and b"Songket" not in data


def test_a_failed_migration_leaves_no_half_schema(
    db_path: Path, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alembic.operations import Operations

    def broken(self: Any, sqltext: Any, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("migration failed half-way")

    monkeypatch.setattr(Operations, "execute", broken)  # the FTS5 DDL comes after the tables
    with pytest.raises(RuntimeError):
        open_engine(db_path, key)
    monkeypatch.undo()
    engine = open_engine(db_path, key, migrate=False)
    with engine.connect() as conn:
        assert list(conn.scalars(sa.text("SELECT name FROM sqlite_master"))) == []
    engine.dispose()
    open_engine(db_path, key).dispose()  # and it migrates fine afterwards


def test_a_missing_folder_is_a_storage_error(tmp_path: Path, key: bytes) -> None:
    with pytest.raises(storage_engine.StorageError) as caught:
        open_engine(tmp_path / "no" / "such" / "agent.db", key)
    assert isinstance(caught.value, KnownError)


def test_two_threads_write_at_once(engine: Engine, actor: Actor) -> None:
    import threading

    from agent_app.storage.store import LocalStore

    store = LocalStore(engine)
    errors: list[BaseException] = []

    def register() -> None:
        try:
            uow = SqlUnitOfWork(engine)
            for n in range(40):
                businesses.register_business(uow, actor, {"name": f"Usaha {n}"})
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    def push() -> None:
        try:
            for _ in range(40):
                ops = store.pending_ops(5)
                store.mark_results(
                    [{"op_id": o["op_id"], "status": "applied", "entity_version": 1} for o in ops]
                )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=register), threading.Thread(target=push)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    while ops := store.pending_ops(50):
        store.mark_results(
            [{"op_id": o["op_id"], "status": "applied", "entity_version": 1} for o in ops]
        )
    assert businesses.count(SqlUnitOfWork(engine)) == 40
    with engine.connect() as conn:
        seqs = list(
            conn.scalars(sa.select(tables.OutboxOp.op_seq).order_by(tables.OutboxOp.op_seq))
        )
        states = set(conn.scalars(sa.select(tables.Business.sync_state)))
    assert seqs == list(range(1, 81))  # each registration: its record's op and its audit op
    assert states == {"synced"}


def test_the_device_id_is_made_once_and_kept(db_path: Path, key: bytes) -> None:
    engine = open_engine(db_path, key)
    with SqlUnitOfWork(engine) as uow:  # read without committing
        first = uow.sync_state.get().device_id
    with SqlUnitOfWork(engine) as uow:
        assert uow.sync_state.get().device_id == first
    engine.dispose()
    engine = open_engine(db_path, key)
    with SqlUnitOfWork(engine) as uow:
        assert uow.sync_state.get().device_id == first
    engine.dispose()


def test_a_locked_database_is_a_known_error(
    db_path: Path, key: bytes, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlcipher3

    monkeypatch.setattr(storage_engine, "BUSY_TIMEOUT_MS", 50)
    engine = open_engine(db_path, key)
    other = sqlcipher3.dbapi2.connect(str(db_path), isolation_level=None)
    other.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(storage_engine.StorageError) as caught:
            businesses.register_business(SqlUnitOfWork(engine), actor, {"name": "Terkunci"})
        assert isinstance(caught.value, KnownError)
        assert "busy" in caught.value.message("en")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert businesses.register_business(SqlUnitOfWork(engine), actor, {"name": "Bebas"}).name
    assert businesses.count(SqlUnitOfWork(engine)) == 1
    engine.dispose()


def test_other_database_errors_stay_bugs(engine: Engine) -> None:
    with pytest.raises(sa.exc.OperationalError), SqlUnitOfWork(engine) as uow:
        uow.session.execute(sa.text("SELECT * FROM no_such_table"))


def test_0005_drops_the_unsealed_account_secrets_and_keeps_the_rest(
    tmp_path: Path, key: bytes
) -> None:
    """Issue 10 item 2: server tokens and the laptop-wide signing key stored under the shared
    database key alone are dropped (each agent logs in to the server again); the server's
    address and bundle key stay."""
    from alembic import command

    db_path = tmp_path / "old.db"
    engine = open_engine(db_path, key, migrate=False)
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        command.upgrade(storage_engine.alembic_config(conn), "0003")
        for name in ("tokens:AG001", "tokens:AG002", "device_key", "server"):
            conn.execute(
                sa.text(
                    "INSERT INTO sync_secrets (name, value, updated_at) VALUES (:n, :v, 'now')"
                ),
                {"n": name, "v": '{"access_token": "x"}'},
            )
        conn.exec_driver_sql("COMMIT")
    engine.dispose()
    engine = open_engine(db_path, key)
    with engine.connect() as conn:
        names = set(conn.scalars(sa.text("SELECT name FROM sync_secrets")))
    engine.dispose()
    assert names == {"server"}


def test_0010_downgrades_to_0009_and_up_again_keeping_the_search(
    tmp_path: Path, key: bytes, actor: Actor
) -> None:
    """Employer registrations (issue 17): the downgrade drops their two tables and touches
    nothing else (the search triggers of businesses and enrollments still work)."""
    from alembic import command

    engine = open_engine(tmp_path / "down.db", key)
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        command.downgrade(storage_engine.alembic_config(conn), "0009")
        conn.exec_driver_sql("COMMIT")
        names = set(conn.scalars(sa.text("SELECT name FROM sqlite_master")))
    assert not {"employer_registrations", "employer_workers"} & names
    assert {"businesses_fts_ai", "enrollments_fts_ai"} <= names
    engine.dispose()
    engine = open_engine(tmp_path / "down.db", key)  # migrated up again (0010, 0011)
    try:
        businesses.register_business(SqlUnitOfWork(engine), actor, {"name": "Pempek Cek"})
        found = businesses.search(SqlUnitOfWork(engine), "pempek")
        assert [b.name for b in found] == ["Pempek Cek"]
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_name": tables.include_name, "compare_type": True}
            )
            assert compare_metadata(context, tables.metadata) == []
    finally:
        engine.dispose()
