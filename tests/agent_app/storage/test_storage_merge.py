"""A merge on the server converged by pull (issue 18): everything local that names the merged
business points at the survivor, ops not yet sent included, and the merged one leaves the
lists; a `partner_source` is kept as pulled and never pushed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from agent_app.domain import clock
from agent_app.services import assignments, businesses, enrollments, form_drafts, visits
from agent_app.services.actor import Actor
from agent_app.services.errors import NotFound, ValidationFailed
from agent_app.storage import report_queries, tables
from agent_app.storage.store import LocalStore
from agent_app.storage.uow import SqlUnitOfWork

LOSER, SURVIVOR = str(uuid.uuid4()), str(uuid.uuid4())


def business(entity_id: str, version: int, seq: int, **fields: Any) -> dict[str, Any]:
    return {
        "entity": "business",
        "entity_id": entity_id,
        "version": version,
        "deleted": False,
        "server_seq": seq,
        "fields": {"name": "Pempek Cek Molek", "status": "prospect", **fields},
    }


def merged(seq: int, into: str = SURVIVOR) -> dict[str, Any]:
    return {
        "entity": "business",
        "entity_id": LOSER,
        "version": 5,
        "deleted": True,
        "server_seq": seq,
        "fields": {"merged_into": into},
    }


def assignment(seq: int) -> dict[str, Any]:
    fields = {
        "business_id": LOSER,
        "agent_code": "AG001",
        "kind": "visit",
        "due_on": "2026-12-10",
        "note": None,
        "status": "open",
    }
    return {
        "entity": "assignment",
        "entity_id": "a-1",
        "version": 1,
        "deleted": False,
        "server_seq": seq,
        "fields": fields,
    }


def _business_ids(uow: SqlUnitOfWork, table: Any) -> set[str]:
    with uow:
        return set(uow.session.scalars(sa.select(table.business_id)))


def test_a_merge_points_every_local_record_and_unsent_op_at_the_survivor(
    engine: Engine,
    uow: SqlUnitOfWork,
    actor: Actor,
    enrollment_fields: Callable[..., dict[str, Any]],
) -> None:
    store = LocalStore(engine)
    store.apply_pulled([business(LOSER, 1, 1, phone="+6281211112222"), assignment(2)], "c1")
    visit = visits.record_visit(uow, actor, LOSER, {"outcome": "interested"})  # not yet sent
    draft = enrollments.save_draft(uow, actor, enrollment_fields(business_id=LOSER))
    form_drafts.save(uow, actor, f"visit:{LOSER}", {"fields": ["typed"]})
    form_drafts.save(uow, actor, "enrollment", {"business": {"id": LOSER, "name": "Pempek"}})
    with uow:  # one op already handed to the server keeps its payload (its op_id says so)
        sent = uow.outbox.add("visit", str(uuid.uuid4()), "create", None, {"business_id": LOSER})
        uow.outbox.get_row(sent.op_id).status = "sent"  # type: ignore[union-attr]
        uow.commit()

    store.apply_pulled([business(SURVIVOR, 1, 3, name="Pempek Molek, Cek"), merged(4)], "c2")

    assert _business_ids(uow, tables.Visit) == {SURVIVOR}
    assert _business_ids(uow, tables.Assignment) == {SURVIVOR}
    assert enrollments.get(uow, draft.id).business_id == SURVIVOR
    with uow:
        ops = {
            op.op_id: op.fields.get("business_id")
            for op in uow.outbox.unsettled()
            if op.entity == "visit"
        }
    assert ops.pop(sent.op_id) == LOSER
    assert list(ops.values()) == [SURVIVOR]  # the visit's create, not sent yet
    assert form_drafts.get(uow, actor, f"visit:{SURVIVOR}") is not None
    assert form_drafts.get(uow, actor, f"visit:{LOSER}") is None
    moved = form_drafts.get(uow, actor, "enrollment")
    assert moved is not None and moved.state["business"]["id"] == SURVIVOR
    # the merged business is gone from the lists; the survivor has the visit and the task
    assert [b.id for b in businesses.search(uow, "pempek")] == [SURVIVOR]
    detail = businesses.get_detail(uow, SURVIVOR)
    assert [v.id for v in detail.visits] == [visit.id]
    assert [a.business_id for a in assignments.open_assignments(uow, actor)] == [SURVIVOR]
    # a page still showing the merged business (or a later look-up of it) gets the survivor
    assert businesses.get_detail(uow, LOSER).business.id == SURVIVOR


def test_a_survivor_not_pulled_yet_is_waited_for_and_a_plain_delete_is_as_before(
    engine: Engine, uow: SqlUnitOfWork, actor: Actor
) -> None:
    store = LocalStore(engine)
    other = str(uuid.uuid4())
    store.apply_pulled([business(LOSER, 1, 1), business(other, 1, 2, name="Songket")], "c1")
    visits.record_visit(uow, actor, LOSER, {"outcome": "interested"})
    store.apply_pulled([merged(3)], "c2")
    assert _business_ids(uow, tables.Visit) == {SURVIVOR}
    assert businesses.search(uow, "pempek") == []  # the survivor waits for its change
    with pytest.raises(NotFound):
        businesses.get_detail(uow, LOSER)
    store.apply_pulled([business(SURVIVOR, 1, 1, name="Pempek Cek Molek")], "c3")
    assert [b.id for b in businesses.search(uow, "pempek")] == [SURVIVOR]
    assert len(businesses.get_detail(uow, SURVIVOR).visits) == 1
    # a merge of a business this laptop never had: nothing to move, no placeholder
    stranger, elsewhere = str(uuid.uuid4()), str(uuid.uuid4())
    store.apply_pulled([{**merged(5, into=elsewhere), "entity_id": stranger}], "c4")
    with uow:
        assert uow.businesses.meta(elsewhere) is None
    # a deleted change without merged_into: the business goes, nothing moves
    store.apply_pulled([{**merged(6), "entity_id": other, "fields": {}}], "c5")
    assert businesses.search(uow, "songket") == []
    with pytest.raises(NotFound):
        businesses.get_detail(uow, other)
    assert _business_ids(uow, tables.Visit) == {SURVIVOR}


def test_partner_source_is_kept_as_pulled_and_never_pushed(
    engine: Engine, uow: SqlUnitOfWork, actor: Actor
) -> None:
    store = LocalStore(engine)
    store.apply_pulled([business(LOSER, 1, 1, partner_source="HIPMI Sumsel"), assignment(2)], "c1")
    assert businesses.get_detail(uow, LOSER).business.partner_source == "HIPMI Sumsel"
    [task] = assignments.open_assignments(uow, actor)
    assert (task.business_name, task.partner_source) == ("Pempek Cek Molek", "HIPMI Sumsel")
    assert businesses.search(uow, "pempek")[0].partner_source == "HIPMI Sumsel"
    with pytest.raises(ValidationFailed):  # the laptop cannot set it
        businesses.update_business(uow, actor, LOSER, {"partner_source": "Saya"})
    businesses.update_business(uow, actor, LOSER, {"owner_name": "Cek Molek"})
    assert businesses.get_detail(uow, LOSER).business.partner_source == "HIPMI Sumsel"
    sent = store.pending_ops(10)
    assert [op["fields"] for op in sent if op["entity"] == "business"] == [
        {"owner_name": "Cek Molek"}
    ]


def test_a_partners_prospects_are_whom_to_visit_not_businesses_registered(
    engine: Engine, uow: SqlUnitOfWork, actor: Actor
) -> None:
    today = clock.today(clock.DEFAULT_ZONE)  # the day count_created judges by default
    mine = businesses.register_business(uow, actor, {"name": "Kopi Agen Sendiri"})
    store = LocalStore(engine)
    event = str(uuid.uuid4())
    imported = business(
        SURVIVOR, 1, 1, name="Songket Mitra", partner_source="HIPMI Sumsel", event_id=event
    )
    registered = business(LOSER, 1, 2, name="Pempek Rekan", registered_by="AG009", event_id=event)
    store.apply_pulled([imported, registered], "c1")
    with uow:
        counted = uow.businesses.count_created(today, today)
        day = report_queries.day_activity(
            uow.session, today, clock.DEFAULT_ZONE, event_id=event, agent_code=None, limit=5
        )
        assert uow.businesses.get(SURVIVOR) is not None  # listed, to be visited
    assert counted == 2  # the agent's own and the colleague's, not the partner's prospect
    assert day.businesses_registered == 1  # at the event: the colleague's
    assert mine.id != SURVIVOR
