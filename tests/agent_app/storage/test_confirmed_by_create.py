"""A create the server applied as sent is confirmed by reference (`confirmed_op`, laptop
migration 0016; issue 15, "the laptop's push, fifth pass"), not by a copy of its fields.

Each case that reads the confirmed fields runs twice: with the reference the settling now
stores, and with the copy it stored before (made here as the old settling made it, inside
SQLite). The outcomes must be the same: the correction's diff, a pull meeting unsent
corrections, a later update merged in, a business merge, the outbox's retention, a pull, the
migration down and up again."""

from __future__ import annotations

import ast
import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from agent_app.domain import keys
from agent_app.services import businesses, employers, enrollments
from agent_app.services.actor import Actor
from agent_app.storage import engine as storage_engine
from agent_app.storage import store as app_store
from agent_app.storage import tables
from agent_app.storage.engine import open_engine
from agent_app.storage.repositories.retention import RetentionRepository
from agent_app.storage.store import LocalStore
from agent_app.storage.uow import SqlUnitOfWork
from tests.helpers.employers import registration_fields

MODES = ("reference", "copy")
E = tables.Enrollment


def _push(store: LocalStore, entity: str = "enrollment") -> dict[str, Any]:
    """Hands out the pending ops and answers them all `applied`; returns the `entity` one."""
    ops = store.pending_ops(50)
    store.mark_results(
        [{"op_id": op["op_id"], "status": "applied", "entity_version": 1} for op in ops]
    )
    [op] = [op for op in ops if op["entity"] == entity]
    return op


def _keep_as(engine: Engine, mode: str) -> None:
    """`copy`: every reference made a copy, as the settling stored it before 0016."""
    if mode == "copy":
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "UPDATE enrollments SET confirmed_fields = (SELECT fields FROM outbox"
                " WHERE outbox.op_seq = enrollments.confirmed_op), confirmed_op = NULL"
                " WHERE confirmed_op IS NOT NULL"
            )


def _stored(engine: Engine, enrollment_id: str) -> tuple[Any, Any]:
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(E.confirmed_fields, E.confirmed_op).where(E.id == enrollment_id)
        ).one()
    return row.confirmed_fields, row.confirmed_op


@pytest.fixture(params=MODES)
def pushed(
    request: pytest.FixtureRequest,
    engine: Engine,
    uow: SqlUnitOfWork,
    actor: Actor,
    enrollment_fields: Callable[..., dict[str, Any]],
) -> tuple[str, dict[str, Any]]:
    """An enrollment whose create the server applied as sent (kept by reference or copied);
    its id and the create op."""
    shop = businesses.register_business(uow, actor, {"name": "Pempek Cek Sari"}).id
    new = enrollments.submit_form(uow, actor, enrollment_fields(business_id=shop))
    store = LocalStore(engine)
    op = _push(store)
    assert op["entity_id"] == new.id and op["kind"] == "create"
    fields, seq = _stored(engine, new.id)
    assert fields is None and seq is not None  # the settling keeps no copy
    _keep_as(engine, request.param)
    return new.id, op


def _confirmed(uow: SqlUnitOfWork, enrollment_id: str) -> dict[str, Any]:
    with uow:
        return uow.enrollments.confirmed_fields(enrollment_id)


def test_the_confirmed_fields_are_the_creates(
    pushed: tuple[str, dict[str, Any]], uow: SqlUnitOfWork
) -> None:
    enrollment_id, op = pushed
    assert _confirmed(uow, enrollment_id) == op["fields"]


def _sent_back(engine: Engine, enrollment_id: str) -> None:
    """The server's review sent it back (only the status: the confirmed fields untouched)."""
    with engine.begin() as conn:
        conn.execute(
            sa.update(E)
            .where(E.id == enrollment_id)
            .values(status=keys.EnrollmentStatus.NEEDS_CORRECTION.value, sync_state="synced")
        )


def test_a_correction_sends_only_what_changed_since_the_create(
    pushed: tuple[str, dict[str, Any]],
    engine: Engine,
    uow: SqlUnitOfWork,
    actor: Actor,
    enrollment_fields: Callable[..., dict[str, Any]],
) -> None:
    enrollment_id, op = pushed
    _sent_back(engine, enrollment_id)
    corrected = enrollment_fields(
        business_id=op["fields"]["business_id"],
        full_name="Siti Aminah Putri",
        phone="0812-3456-7891",
    )
    enrollments.submit_form(uow, actor, corrected, enrollment_id)
    [update] = LocalStore(engine).pending_ops(50)
    assert (update["kind"], update["base_version"]) == ("update", 1)
    assert update["fields"] == {"full_name": "Siti Aminah Putri", "phone": "+6281234567891"}


def test_a_pull_keeps_corrections_not_yet_resubmitted(
    pushed: tuple[str, dict[str, Any]],
    engine: Engine,
    uow: SqlUnitOfWork,
    actor: Actor,
    enrollment_fields: Callable[..., dict[str, Any]],
) -> None:
    enrollment_id, op = pushed
    _sent_back(engine, enrollment_id)
    edited = enrollment_fields(business_id=op["fields"]["business_id"], full_name="Siti A.")
    enrollments.save_draft(uow, actor, edited, enrollment_id)
    reviewed = {**op["fields"], "status": "needs_correction", "review_reason": "Nama?"}
    change = {
        "entity": "enrollment",
        "entity_id": enrollment_id,
        "version": 2,
        "deleted": False,
        "fields": reviewed,
        "server_seq": 7,
    }
    LocalStore(engine).apply_pulled([change], "c1")
    found = enrollments.get(uow, enrollment_id)
    assert (found.full_name, found.review_reason, found.version) == ("Siti A.", "Nama?", 2)
    assert _confirmed(uow, enrollment_id) == {
        k: v for k, v in reviewed.items() if k in _confirmed(uow, enrollment_id)
    }
    assert _stored(engine, enrollment_id)[1] is None  # the pull wrote the fields themselves


def test_a_later_update_is_merged_onto_the_create(
    pushed: tuple[str, dict[str, Any]], engine: Engine, uow: SqlUnitOfWork
) -> None:
    enrollment_id, op = pushed
    with uow:
        uow.outbox.add("enrollment", enrollment_id, "update", 1, {"full_name": "Siti B."})
        uow.commit()
    _push(LocalStore(engine))
    assert _confirmed(uow, enrollment_id) == {**op["fields"], "full_name": "Siti B."}
    assert _stored(engine, enrollment_id)[1] is None


def test_a_create_and_its_update_answered_together(
    engine: Engine,
    uow: SqlUnitOfWork,
    actor: Actor,
    enrollment_fields: Callable[..., dict[str, Any]],
) -> None:
    new = enrollments.submit_form(uow, actor, enrollment_fields())
    with uow:
        uow.outbox.add("enrollment", new.id, "update", 1, {"full_name": "Siti C."})
        uow.commit()
    store = LocalStore(engine)
    ops = store.pending_ops(50)
    store.mark_results(
        [{"op_id": op["op_id"], "status": "applied", "entity_version": 2} for op in ops]
    )
    [create] = [op for op in ops if op["kind"] == "create"]
    assert _confirmed(uow, new.id) == {**create["fields"], "full_name": "Siti C."}
    assert _stored(engine, new.id)[1] is None


def test_a_business_merge_repoints_the_confirmed_business(
    pushed: tuple[str, dict[str, Any]], engine: Engine, uow: SqlUnitOfWork
) -> None:
    enrollment_id, op = pushed
    loser, survivor = op["fields"]["business_id"], str(uuid.uuid4())
    store = LocalStore(engine)
    store.apply_pulled(
        [
            {
                "entity": "business",
                "entity_id": survivor,
                "version": 1,
                "deleted": False,
                "server_seq": 1,
                "fields": {"name": "Pempek Cek Sari", "status": "prospect"},
            },
            {
                "entity": "business",
                "entity_id": loser,
                "version": 5,
                "deleted": True,
                "server_seq": 2,
                "fields": {"merged_into": survivor},
            },
        ],
        "c1",
    )
    assert _confirmed(uow, enrollment_id) == {**op["fields"], "business_id": survivor}
    assert enrollments.get(uow, enrollment_id).business_id == survivor


def test_the_outboxs_retention_keeps_the_fields(
    pushed: tuple[str, dict[str, Any]], engine: Engine, uow: SqlUnitOfWork
) -> None:
    enrollment_id, op = pushed
    with uow:
        removed = RetentionRepository(uow.session).delete_settled_ops(
            dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        )
        uow.commit()
    assert removed >= 1
    with uow:
        assert uow.outbox.get_row(op["op_id"]) is None
    assert _confirmed(uow, enrollment_id) == op["fields"]
    assert _stored(engine, enrollment_id) == (op["fields"], None)


def test_an_employer_registration_is_confirmed_by_reference_and_kept_by_retention(
    engine: Engine, uow: SqlUnitOfWork, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other table that keeps confirmed fields: read by reference, copied before the
    outbox's retention deletes its create."""
    entity = keys.EMPLOYER_REGISTRATION
    monkeypatch.setattr(app_store, "PUSHABLE", tuple({*app_store.PUSHABLE, entity}))
    shop = businesses.register_business(uow, actor, {"name": "Pempek Cek Sari"}).id
    registration_id = str(employers.submit(uow, actor, registration_fields(shop)))
    op = _push(LocalStore(engine), entity)
    r = tables.EmployerRegistration
    query = sa.select(r.confirmed_fields, r.confirmed_op).where(r.id == registration_id)
    with engine.connect() as conn:
        assert tuple(conn.execute(query).one()) == (None, op["op_seq"])

    def confirmed() -> dict[str, Any]:
        with uow:
            return uow.employer_registrations.confirmed_fields(registration_id)

    assert confirmed() == op["fields"]
    with uow:
        RetentionRepository(uow.session).delete_settled_ops(
            dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        )
        uow.commit()
    assert confirmed() == op["fields"]
    with engine.connect() as conn:
        assert tuple(conn.execute(query).one()) == (op["fields"], None)


def test_downgrade_and_upgrade_keep_what_the_fields_meant(
    tmp_path: Path,
    key: bytes,
    actor: Actor,
    enrollment_fields: Callable[..., dict[str, Any]],
) -> None:
    """0016 down: each reference becomes its copy; up again: an old home's copies stay."""
    from alembic import command

    engine = open_engine(tmp_path / "down.db", key)
    new = enrollments.submit_form(SqlUnitOfWork(engine), actor, enrollment_fields())
    op = _push(LocalStore(engine))
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        command.downgrade(storage_engine.alembic_config(conn), "0015")
        conn.exec_driver_sql("COMMIT")
        columns = {c["name"] for c in sa.inspect(conn).get_columns("enrollments")}
        fields = conn.exec_driver_sql(
            "SELECT confirmed_fields FROM enrollments WHERE id = ?", (new.id,)
        ).scalar()
    engine.dispose()
    assert "confirmed_op" not in columns
    assert fields is not None
    engine = open_engine(tmp_path / "down.db", key)  # migrated up again
    try:
        assert _stored(engine, new.id) == (op["fields"], None)
        assert _confirmed(SqlUnitOfWork(engine), new.id) == op["fields"]
    finally:
        engine.dispose()


#: Where the two columns may be named: the one module that reads and writes them, the
#: settling that stores the reference, and the tables' definitions.
_ALLOWED = {
    "agent_app/storage/confirmed.py",
    "agent_app/storage/push_results.py",
    "agent_app/storage/tables.py",
    "agent_app/storage/employer_tables.py",
}


_COLUMNS = ("confirmed_fields", "confirmed_op")
_REPOSITORIES = ("enrollments", "employer_registrations")


def test_only_storage_confirmed_reads_or_writes_the_confirmed_fields() -> None:
    """A reader of `confirmed_fields` that skipped `storage.confirmed` would see nothing for
    a record confirmed by reference; a writer that skipped it would leave the reference."""
    root = Path(__file__).resolve().parents[3]
    offenders = []
    for path in sorted((root / "agent_app").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative in _ALLOWED or "/migrations/" in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in _COLUMNS:
                owner = node.value
                if isinstance(owner, ast.Attribute) and owner.attr in _REPOSITORIES:
                    continue  # the repositories' reader, `uow.enrollments.confirmed_fields()`
            elif not (isinstance(node, ast.Constant) and node.value in _COLUMNS):
                continue
            offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []
