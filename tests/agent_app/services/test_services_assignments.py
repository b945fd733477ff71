"""Assignments on the laptop: a pulled one is stored for its agent; the open ones are listed due
soonest first with their business's name; "mark done" changes it here and queues an update of
its `status` (with the version pulled) and an audit entry, all or nothing; a pull does not undo
a "done" still waiting to be pushed; a cancelled or deleted one disappears."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine

from agent_app.domain import keys
from agent_app.services import assignments, businesses, dashboard
from agent_app.services.actor import Actor
from agent_app.services.errors import NotFound
from agent_app.storage.store import LocalStore
from agent_app.storage.uow import SqlUnitOfWork

TODAY = dt.date(2026, 12, 1)


def change(entity_id: str, version: int, *, deleted: bool = False, **fields: Any) -> dict[str, Any]:
    return {
        "entity": "assignment",
        "entity_id": entity_id,
        "version": version,
        "deleted": deleted,
        "fields": {} if deleted else fields,
        "server_seq": version,
    }


def assignment(business_id: str, agent: str, due: dt.date, **changes: Any) -> dict[str, Any]:
    fields = {
        "business_id": business_id,
        "agent_code": agent,
        "kind": "follow_up",
        "due_on": due.isoformat(),
        "note": "Bawa brosur",
        "status": "open",
    }
    fields.update(changes)
    return fields


@pytest.fixture
def pulled(engine: Engine, uow: SqlUnitOfWork, actor: Actor) -> dict[str, str]:
    shop = businesses.register_business(uow, actor, {"name": "Pempek Cek Molek"})
    ids = {name: str(uuid.uuid4()) for name in ("late", "soon", "colleague")}
    LocalStore(engine).apply_pulled(
        [
            change(ids["soon"], 1, **assignment(shop.id, actor.agent_code, TODAY)),
            change(
                ids["late"], 2, **assignment(shop.id, actor.agent_code, TODAY - dt.timedelta(1))
            ),
            change(ids["colleague"], 1, **assignment(shop.id, "AG002", TODAY)),
        ],
        "c1",
    )
    return ids


def test_open_ones_due_soonest_first_with_the_business_name(
    uow: SqlUnitOfWork, actor: Actor, pulled: dict[str, str]
) -> None:
    found = assignments.open_assignments(uow, actor)
    assert [a.id for a in found] == [pulled["late"], pulled["soon"]]  # not the colleague's
    assert found[0].business_name == "Pempek Cek Molek"
    assert found[0].overdue(TODAY) and not found[1].overdue(TODAY)
    assert found[0].version == 2 and found[0].note == "Bawa brosur"
    summary = dashboard.summary(uow, actor, TODAY)
    assert [a.id for a in summary.assignments] == [pulled["late"], pulled["soon"]]


def test_mark_done_queues_the_status_update(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine, pulled: dict[str, str]
) -> None:
    late = pulled["late"]
    done = assignments.mark_done(uow, actor, late)
    assert done.status == "done"
    assert [a.id for a in assignments.open_assignments(uow, actor)] == [pulled["soon"]]
    with uow:
        [op] = uow.outbox.for_entity(late)
        entries = [e for e in uow.audit.list() if e.entity_id == late]
    assert (op.entity, op.kind, op.base_version, op.fields) == (
        "assignment",
        "update",
        2,
        {"status": "done"},
    )
    assert [e.action for e in entries] == ["assignment.done"]
    [sent] = [o for o in LocalStore(engine).pending_ops() if o["entity_id"] == late]
    assert sent["fields"] == {"status": "done"} and sent["base_version"] == 2
    with pytest.raises(NotFound):  # twice: it is no longer open
        assignments.mark_done(uow, actor, late)
    with pytest.raises(NotFound):  # a colleague's on a shared laptop
        assignments.mark_done(uow, actor, pulled["colleague"])
    back = assignments.undo_done(uow, actor, late)
    assert back.status == "open"


def test_a_pull_keeps_a_done_waiting_to_be_pushed_then_takes_the_servers(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine, pulled: dict[str, str]
) -> None:
    late = pulled["late"]
    assignments.mark_done(uow, actor, late)
    store = LocalStore(engine)
    with uow:
        shop = uow.assignments.get(late)
    assert shop is not None
    fields = assignment(shop.business_id, actor.agent_code, shop.due_on)
    store.apply_pulled([change(late, 3, **fields)], "c2")  # an older "open" from the server
    with uow:
        assert uow.assignments.get(late).status == "done"  # type: ignore[union-attr]
    [op] = [o for o in store.pending_ops() if o["entity_id"] == late]
    store.mark_results(
        [{"op_id": op["op_id"], "status": "applied", "entity_version": 4, "server_seq": 9}]
    )
    store.apply_pulled([change(late, 4, **{**fields, "status": "done"})], "c3")
    with uow:
        stored = uow.assignments.get(late)
    assert stored is not None and (stored.status, stored.version) == ("done", 4)


def test_a_cancelled_or_deleted_one_disappears(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine, pulled: dict[str, str]
) -> None:
    with uow:
        late = uow.assignments.get(pulled["late"])
    assert late is not None
    fields = {
        **assignment(late.business_id, actor.agent_code, late.due_on),
        "status": keys.AssignmentStatus.CANCELLED.value,
    }
    store = LocalStore(engine)
    store.apply_pulled(
        [change(pulled["late"], 3, **fields), change(pulled["soon"], 2, deleted=True)], "c2"
    )
    assert assignments.open_assignments(uow, actor) == []
    with uow:
        assert uow.assignments.get(pulled["late"]) is None


def test_mark_done_is_all_or_nothing(
    uow: SqlUnitOfWork, actor: Actor, pulled: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent_app.services import _input

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(_input, "write_change", broken)
    with pytest.raises(RuntimeError):
        assignments.mark_done(uow, actor, pulled["late"])
    found = assignments.open_assignments(uow, actor)
    assert [a.id for a in found] == [pulled["late"], pulled["soon"]]
    assert dataclasses.replace(found[0]).status == "open"
