"""Employer registrations through the local store (issue 17): the op goes out like an
enrollment's (held back while this build's protocol does not push the entity), the server's
answer settles it (applied: synced with its fields confirmed; refused: editable again), and a
pulled registration (its review, its employer number) is applied, its workers' NIKs indexed."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import Engine

from agent_app.domain import keys
from agent_app.services import businesses, employers
from agent_app.services.actor import Actor
from agent_app.storage import store as app_store
from agent_app.storage.store import LocalStore
from agent_app.storage.uow import SqlUnitOfWork
from tests.helpers.employers import registration_fields, worker_fields

ENTITY = keys.EMPLOYER_REGISTRATION


@pytest.fixture
def pushable(monkeypatch: pytest.MonkeyPatch) -> None:
    """This build's protocol as it will be once it lists `employer_registration`."""
    monkeypatch.setattr(app_store, "PUSHABLE", tuple({*app_store.PUSHABLE, ENTITY}))


@pytest.fixture
def business_id(uow: SqlUnitOfWork, actor: Actor, engine: Engine) -> str:
    shop = businesses.register_business(uow, actor, {"name": "Pempek Cek Sari"}).id
    store = LocalStore(engine)
    [op] = store.pending_ops(10)
    store.mark_results([{"op_id": op["op_id"], "status": "applied", "entity_version": 1}])
    return shop


def _mine(store: LocalStore) -> list[dict[str, Any]]:
    return [op for op in store.pending_ops(50) if op["entity"] == ENTITY]


def test_the_op_is_held_back_while_the_protocol_does_not_push_the_entity(
    uow: SqlUnitOfWork,
    actor: Actor,
    engine: Engine,
    business_id: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A build whose protocol does not list the entity yet.
    monkeypatch.setattr(app_store, "PUSHABLE", tuple(e for e in app_store.PUSHABLE if e != ENTITY))
    employers.submit(uow, actor, registration_fields(business_id))
    store = LocalStore(engine)
    assert store.pending_ops(50) == []  # not handed out, so never refused as invalid
    assert store.pending_count() == 1  # still waiting


def test_an_applied_create_is_synced_with_its_fields_confirmed(
    pushable: None, uow: SqlUnitOfWork, actor: Actor, engine: Engine, business_id: str
) -> None:
    registration_id = employers.submit(uow, actor, registration_fields(business_id))
    store = LocalStore(engine)
    [op] = _mine(store)
    assert (op["kind"], op["entity_id"]) == ("create", str(registration_id))
    store.mark_results([{"op_id": op["op_id"], "status": "applied", "entity_version": 1}])
    found = employers.get(uow, actor, registration_id)
    assert (found.version, found.sync_state) == (1, "synced")
    with uow:
        confirmed = uow.employer_registrations.confirmed_fields(str(registration_id))
    assert confirmed == op["fields"]
    assert store.pending_count() == 0


@pytest.mark.parametrize("status", ["rejected", "conflict"])
def test_a_refused_create_makes_the_registration_editable(
    pushable: None,
    uow: SqlUnitOfWork,
    actor: Actor,
    engine: Engine,
    business_id: str,
    status: str,
) -> None:
    registration_id = employers.submit(uow, actor, registration_fields(business_id))
    store = LocalStore(engine)
    [op] = _mine(store)
    error = {"code": "duplicate_nik", "message": "workers[0].nik is enrolled"}
    store.mark_results([{"op_id": op["op_id"], "status": status, "error": error}])
    found = employers.get(uow, actor, registration_id)
    assert found.sync_state == status and found.editable
    fields = registration_fields(business_id, wages=(3_000_000, 3_000_000), first=1)
    employers.submit(uow, actor, fields, registration_id=registration_id)
    [again] = _mine(store)
    assert again["kind"] == "create" and len(again["fields"]["workers"]) == 2


def _pulled(registration_id: str, business_id: str, version: int, **changes: Any) -> dict:  # type: ignore[type-arg]
    fields = {
        **registration_fields(business_id),
        "monthly_contribution": 49_140,
        "status": "submitted",
        "review_reason": None,
        "review_reason_code": None,
        "npp": None,
        "agent_code": "AG001",
        **changes,
    }
    return {
        "entity": ENTITY,
        "entity_id": registration_id,
        "version": version,
        "deleted": False,
        "fields": fields,
        "server_seq": version,
    }


def test_the_pulled_review_is_applied_and_a_correction_goes_out_as_an_update(
    pushable: None, uow: SqlUnitOfWork, actor: Actor, engine: Engine, business_id: str
) -> None:
    fields = registration_fields(business_id)
    registration_id = employers.submit(uow, actor, fields)
    store = LocalStore(engine)
    [op] = _mine(store)
    store.mark_results([{"op_id": op["op_id"], "status": "applied", "entity_version": 1}])
    back = _pulled(
        str(registration_id),
        business_id,
        2,
        status="needs_correction",
        review_reason="Upah pekerja 2 salah",
        review_reason_code="other",
    )
    assert store.apply_pulled([back], "c1") == 1
    found = employers.get(uow, actor, registration_id)
    assert found.status is keys.EnrollmentStatus.NEEDS_CORRECTION and found.editable
    assert (found.review_reason, found.version) == ("Upah pekerja 2 salah", 2)
    fields["workers"][1]["monthly_wage"] = 3_100_000
    employers.submit(uow, actor, fields, registration_id=registration_id)
    [update] = _mine(store)
    assert (update["kind"], update["base_version"]) == ("update", 2)
    assert set(update["fields"]) == {"workers", "monthly_contribution"}
    store.mark_results([{"op_id": update["op_id"], "status": "applied", "entity_version": 3}])
    accepted = _pulled(
        str(registration_id),
        business_id,
        4,
        workers=update["fields"]["workers"],
        monthly_contribution=update["fields"]["monthly_contribution"],
        status="accepted",
        npp="NPP-16-000123",
    )
    store.apply_pulled([accepted], "c2")
    found = employers.get(uow, actor, registration_id)
    assert (found.status, found.npp, found.version) == (
        keys.EnrollmentStatus.ACCEPTED,
        "NPP-16-000123",
        4,
    )
    assert found.workers[1].monthly_wage == 3_100_000 and found.sync_state == "synced"


def test_a_pulled_registration_is_written_and_its_workers_count_as_active(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine, business_id: str
) -> None:
    registration_id = str(uuid.uuid4())
    store = LocalStore(engine)
    store.apply_pulled([_pulled(registration_id, business_id, 3, status="accepted")], "c")
    [found] = employers.for_business(uow, actor, business_id)
    assert (found.id, found.status, found.version) == (
        registration_id,
        keys.EnrollmentStatus.ACCEPTED,
        3,
    )
    nik = worker_fields(1)["nik"]
    assert set(employers.local_nik_conflicts(uow, actor, [nik])) == {nik}
    # Deleted on the server: gone here, and its workers free again.
    store.apply_pulled(
        [{"entity": ENTITY, "entity_id": registration_id, "version": 4, "deleted": True}], "d"
    )
    assert employers.for_business(uow, actor, business_id) == []
    assert employers.local_nik_conflicts(uow, actor, [nik]) == {}


@pytest.mark.expect_warning_log(r"employer registration .* is incomplete; skipped")
def test_an_incomplete_pulled_registration_is_skipped_and_the_page_applied(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine, business_id: str
) -> None:
    store = LocalStore(engine)
    broken = _pulled(str(uuid.uuid4()), business_id, 1)
    del broken["fields"]["workers"]
    good = _pulled(str(uuid.uuid4()), business_id, 1)
    good["fields"]["workers"] = [worker_fields(9)]
    assert store.apply_pulled([broken, good], "c") == 1
    assert [r.id for r in employers.for_business(uow, actor, business_id)] == [good["entity_id"]]
    assert store.get_cursor() == "c"


def _conflict(store: LocalStore, op: dict[str, Any], current: dict[str, Any], version: int) -> None:
    store.mark_results(
        [
            {
                "op_id": op["op_id"],
                "status": "conflict",
                "entity_version": version,
                "error": {"code": "field_changed", "message": "changed on the server"},
                "current": current,
            }
        ]
    )


@pytest.mark.parametrize("choice", ["mine", "server"])
def test_a_correction_in_conflict_is_settled_either_way(
    pushable: None,
    uow: SqlUnitOfWork,
    actor: Actor,
    engine: Engine,
    business_id: str,
    choice: str,
) -> None:
    from agent_app.services.sync import conflicts

    fields = registration_fields(business_id)
    registration_id = employers.submit(uow, actor, fields)
    store = LocalStore(engine)
    [create] = _mine(store)
    store.mark_results([{"op_id": create["op_id"], "status": "applied", "entity_version": 1}])
    back = _pulled(str(registration_id), business_id, 2, status="needs_correction")
    store.apply_pulled([back], "c1")
    fields["workers"][0]["monthly_wage"] = 2_600_000
    employers.submit(uow, actor, fields, registration_id=registration_id)
    [update] = _mine(store)
    server = {**back["fields"], "owner_name": "Ibu Sari Dewi", "npp": None, "status": "submitted"}
    server["workers"] = [worker_fields(7)]
    _conflict(store, update, server, 3)
    conflicts.resolve_conflict(lambda: SqlUnitOfWork(engine), actor, update["op_id"], choice)
    found = employers.get(uow, actor, registration_id)
    niks = employers.local_nik_conflicts(
        uow, actor, [worker_fields(0)["nik"], worker_fields(7)["nik"]]
    )
    if choice == "mine":
        [again] = _mine(store)
        assert (again["kind"], again["base_version"]) == ("update", 3)
        assert not set(again["fields"]) & {"status", "npp", "review_reason"}  # never sent
        assert found.workers[0].monthly_wage == 2_600_000
        assert set(niks) == {worker_fields(0)["nik"]}
    else:
        assert _mine(store) == []
        assert found.owner_name == "Ibu Sari Dewi" and found.version == 3
        assert [w.nik for w in found.workers] == [worker_fields(7)["nik"]]
        assert set(niks) == {worker_fields(7)["nik"]}  # the index follows the server's lines
