"""Retention on the laptop: settled ops and the server's deletions leave the laptop; nothing
the server does not hold yet is ever removed (`agent_app.services.retention`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from agent_app.services import businesses, enrollments, retention
from agent_app.services import sync as sync_service
from agent_app.services.actor import Actor
from agent_app.storage import store as app_store
from agent_app.storage import tables
from agent_app.storage.uow import SqlUnitOfWork

LATER = dt.timedelta(days=retention.SETTLED_OP_DAYS + 1)


@pytest.fixture
def store(engine: Engine) -> app_store.LocalStore:
    return app_store.LocalStore(engine)


def _uow(engine: Engine) -> Callable[[], SqlUnitOfWork]:
    return lambda: SqlUnitOfWork(engine)


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def _submitted(engine: Engine, actor: Actor, fields: dict[str, Any]) -> str:
    uow = _uow(engine)
    draft = enrollments.save_draft(uow(), actor, fields)
    enrollments.submit(uow(), actor, draft.id)
    return draft.id


def _answer(store: app_store.LocalStore, status: str = "applied", **extra: Any) -> list[Any]:
    ops = store.pending_ops(100)
    store.mark_results(
        [
            {"op_id": op["op_id"], "status": status, "entity_version": 1, "server_seq": i, **extra}
            for i, op in enumerate(ops, start=1)
        ]
    )
    return ops


def _ops(engine: Engine, entity_id: str | None = None) -> list[tuple[str, str]]:
    t = tables.OutboxOp
    stmt = sa.select(t.kind, t.status).order_by(t.op_seq)
    if entity_id is not None:
        stmt = stmt.where(t.entity_id == entity_id)
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(stmt)]  # type: ignore[misc]


def _enrollment_ids(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(sa.select(tables.Enrollment.id)))


def test_settled_ops_leave_after_30_days_and_waiting_ones_never(
    engine: Engine, store: app_store.LocalStore, actor: Actor, enrollment_fields: Any
):
    uow = _uow(engine)
    first = _submitted(engine, actor, enrollment_fields(1))
    _answer(store)
    second = _submitted(engine, actor, enrollment_fields(2))  # still waiting for the server
    assert retention.purge(uow(), actor.agent_code) == retention.Purged()  # all recent
    purged = retention.purge(uow(), actor.agent_code, _now() + LATER)
    assert purged.ops == 1
    assert _ops(engine, first) == []
    assert _ops(engine, second) == [("create", "pending")]
    # The records stay: the enrollment is submitted, not settled for good.
    assert set(_enrollment_ids(engine)) == {first, second}
    assert store.pending_count() == 1


def test_an_enrollment_deleted_on_the_server_leaves_the_laptop_with_its_ops(
    engine: Engine, store: app_store.LocalStore, actor: Actor, enrollment_fields: Any
):
    """A supervisor deleted it (or the worker asked for erasure): the laptop kept the NIK in
    the row and in the op's copy of the fields; after the next sync neither is left."""
    uow = _uow(engine)
    doomed = _submitted(engine, actor, enrollment_fields(1))
    kept = _submitted(engine, actor, enrollment_fields(2))
    _answer(store)
    tombstone = {
        "entity": "enrollment",
        "entity_id": doomed,
        "version": 2,
        "deleted": True,
        "fields": {},
        "server_seq": 10,
    }
    assert store.apply_pulled([tombstone], "c1") == 1
    purged = retention.purge(uow(), actor.agent_code)
    assert (purged.deleted_enrollments, purged.ops) == (1, 1)
    assert _enrollment_ids(engine) == [kept]
    assert _ops(engine, doomed) == []
    with engine.connect() as conn:
        fields = list(conn.scalars(sa.select(tables.OutboxOp.fields)))
    assert all(f.get("nik") != enrollment_fields(1)["nik"] for f in fields)


def test_a_deleted_enrollment_with_a_refusal_still_to_deal_with_stays(
    engine: Engine, store: app_store.LocalStore, actor: Actor, enrollment_fields: Any
):
    uow = _uow(engine)
    doomed = _submitted(engine, actor, enrollment_fields(1))
    _answer(
        store,
        "rejected",
        entity_version=None,
        server_seq=None,
        error={"code": "invalid_field", "field": "phone", "message": "x"},
    )
    with uow() as u:
        u.session.execute(
            sa.update(tables.Enrollment)
            .where(tables.Enrollment.id == doomed)
            .values(deleted=True, sync_state="synced")
        )
        u.commit()
    assert retention.purge(uow(), actor.agent_code, _now() + LATER).deleted_enrollments == 0
    assert _enrollment_ids(engine) == [doomed]
    assert [p.entity_id for p in sync_service.status(uow()).problems] == [doomed]


def test_accepted_enrollments_leave_after_180_untouched_days(
    engine: Engine, store: app_store.LocalStore, actor: Actor, enrollment_fields: Any
):
    uow = _uow(engine)
    accepted = _submitted(engine, actor, enrollment_fields(1))
    submitted = _submitted(engine, actor, enrollment_fields(2))
    ops = {op["entity_id"]: op for op in _answer(store)}
    decision = {
        "entity": "enrollment",
        "entity_id": accepted,
        "version": 2,
        "deleted": False,
        "fields": {**ops[accepted]["fields"], "status": "accepted", "membership_number": "1"},
        "server_seq": 10,
    }
    assert store.apply_pulled([decision], "c1") == 1
    soon = _now() + dt.timedelta(days=retention.ACCEPTED_DAYS - 1)
    assert retention.purge(uow(), actor.agent_code, soon).accepted_enrollments == 0
    late = _now() + dt.timedelta(days=retention.ACCEPTED_DAYS + 1)
    assert retention.purge(uow(), actor.agent_code, late).accepted_enrollments == 1
    assert _enrollment_ids(engine) == [submitted]


def test_a_refusal_superseded_by_a_newer_op_goes_an_open_one_stays(
    engine: Engine, store: app_store.LocalStore, actor: Actor
):
    uow = _uow(engine)
    fixed = businesses.register_business(uow(), actor, {"name": "Pempek Cek Molek"})
    stuck = businesses.register_business(uow(), actor, {"name": "Songket Ibu Rini"})
    _answer(
        store,
        "rejected",
        entity_version=None,
        server_seq=None,
        error={"code": "invalid_field", "field": "name", "message": "x"},
    )
    businesses.update_business(uow(), actor, fixed.id, {"name": "Pempek Cek Molek 2"})
    _answer(store)
    assert [p.entity_id for p in sync_service.status(uow()).problems] == [stuck.id]
    purged = retention.purge(uow(), actor.agent_code, _now() + LATER)
    assert purged.ops == 2  # the superseded refusal and the op that settled it
    assert _ops(engine, fixed.id) == []
    assert _ops(engine, stuck.id) == [("create", "rejected")]
    assert [p.entity_id for p in sync_service.status(uow()).problems] == [stuck.id]


def test_a_purge_is_audited_with_counts_only(
    engine: Engine, store: app_store.LocalStore, actor: Actor, enrollment_fields: Any
):
    uow = _uow(engine)
    _submitted(engine, actor, enrollment_fields(1))
    _answer(store)
    retention.purge(uow(), actor.agent_code, _now() + LATER)
    with uow() as u:
        [entry] = [e for e in u.audit.list() if e.action == "retention_purge"]
    assert entry.actor == actor.agent_code
    assert entry.details["outbox_ops"] == 1
    assert enrollment_fields(1)["nik"] not in str(entry.details)


def test_autosaved_forms_nobody_came_back_to_leave_after_30_days(
    engine: Engine, actor: Actor, enrollment_fields: Any
):
    """An autosaved form holds what was typed (a worker's NIK and name): kept to lose nothing,
    never for ever. A form saved again since stays."""
    from agent_app.services import form_drafts

    uow = _uow(engine)
    typed = {"fields": [enrollment_fields(1)["nik"], "Budi Santoso"]}
    form_drafts.save(uow(), actor, form_drafts.ENROLLMENT, typed)
    later = _now() + dt.timedelta(days=retention.FORM_DRAFT_DAYS + 1)
    assert retention.purge(uow(), actor.agent_code).form_drafts == 0  # being worked on
    assert form_drafts.get(uow(), actor, form_drafts.ENROLLMENT) is not None
    purged = retention.purge(uow(), actor.agent_code, later)
    assert purged.form_drafts == 1
    assert form_drafts.get(uow(), actor, form_drafts.ENROLLMENT) is None
    with uow() as u:
        [entry] = [e for e in u.audit.list() if e.action == "retention_purge"]
    assert entry.details["form_drafts"] == 1


def test_the_photos_of_removed_enrollments_go_with_them_a_fresh_one_stays(
    engine: Engine, store: app_store.LocalStore, actor: Actor, enrollment_fields: Any
):
    """The KTP photo of an enrollment the server deleted is personal data too: it leaves the
    laptop in the same purge; the other enrollment's photo and a photo just taken for a form
    still open stay."""
    from agent_app.domain import keys
    from agent_app.storage import wire

    uow = _uow(engine)
    photos = []
    with uow() as u:
        for n in (1, 2):
            taken = u.attachments.add(
                f"KTP {n}".encode(), "image/jpeg", keys.AttachmentKind.KTP_PHOTO
            )
            photos.append(taken)
        u.commit()
    doomed = _submitted(
        engine, actor, {**enrollment_fields(1), "attachments": [wire.value_to_wire(photos[0])]}
    )
    _submitted(
        engine, actor, {**enrollment_fields(2), "attachments": [wire.value_to_wire(photos[1])]}
    )
    _answer(store)
    with engine.begin() as conn:  # taken two days ago
        conn.execute(
            sa.update(tables.StoredAttachment).values(
                created_at=(_now() - dt.timedelta(days=2)).isoformat()
            )
        )
    with uow() as u:
        fresh = u.attachments.add(b"just taken", "image/jpeg", keys.AttachmentKind.KTP_PHOTO)
        u.commit()
    tombstone = {
        "entity": "enrollment",
        "entity_id": doomed,
        "version": 2,
        "deleted": True,
        "fields": {},
        "server_seq": 10,
    }
    store.apply_pulled([tombstone], "c1")
    purged = retention.purge(uow(), actor.agent_code, _now() + LATER)
    assert (purged.deleted_enrollments, purged.attachments) == (1, 1)
    with uow() as u:
        assert not u.attachments.has(photos[0].sha256)
        assert u.attachments.has(photos[1].sha256) and u.attachments.has(fresh.sha256)
        [entry] = [e for e in u.audit.list() if e.action == "retention_purge"]
    assert entry.details["attachments"] == 1
