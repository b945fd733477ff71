"""The outbox: ops in the wire format, written with their change and audit entry, or not at all;
and the sync store interface over it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from agent_app.domain import validation
from agent_app.services import businesses, enrollments, visits
from agent_app.services.actor import Actor
from agent_app.services.errors import NotFound
from agent_app.storage import repositories, tables
from agent_app.storage.store import LocalStore
from agent_app.storage.uow import SqlUnitOfWork


def _count(engine: Engine, table: type) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


def _ops(uow: SqlUnitOfWork) -> list[Any]:
    with uow:
        return uow.outbox.unsettled()


def test_a_change_its_op_and_its_audit_entry_are_one_transaction(
    engine: Engine, uow: SqlUnitOfWork, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(repositories.AuditRepository, "add", broken)
    with pytest.raises(OSError):
        businesses.register_business(uow, actor, {"name": "Pempek Cek Molek"})
    assert _count(engine, tables.Business) == 0
    assert _count(engine, tables.OutboxOp) == 0
    assert _count(engine, tables.AuditEntry) == 0
    monkeypatch.undo()

    business = businesses.register_business(uow, actor, {"name": "Pempek Cek Molek"})
    assert _count(engine, tables.Business) == 1
    assert _count(engine, tables.OutboxOp) == 2  # the business's op and the audit entry's
    with uow:
        entries = uow.audit.list(business.id)
    assert [e.action for e in entries] == ["business.register"]


def test_a_failing_op_write_leaves_no_visit(
    engine: Engine, uow: SqlUnitOfWork, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    business = businesses.register_business(uow, actor, {"name": "Kopi Kenangan Sumsel"})

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(repositories.OutboxRepository, "add", broken)
    with pytest.raises(OSError):
        visits.record_visit(uow, actor, business.id, {"outcome": "declined"})
    assert _count(engine, tables.Visit) == 0
    assert businesses.get_detail(uow, business.id).business.status.value == "prospect"


def test_ops_carry_the_wire_format(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Callable[..., dict[str, Any]]
) -> None:
    event_id = str(uuid.uuid4())
    business = businesses.register_business(
        uow,
        actor,
        {
            "name": "Songket Cek Ipah",
            "owner_name": "Ipah",
            "phone": "0812 1111 2222",
            "sector": "kerajinan",
            "size_class": "mikro",
            "workers_count": 3,
            "nib": "1234567890123",
            "latitude": -2.97,
            "longitude": 104.75,
            "region_code": "16.71.03",
        },
        event_id=event_id,
    )
    visits.record_visit(
        uow,
        actor,
        business.id,
        {
            "visited_at": dt.datetime(
                2026, 11, 21, 10, 14, 3, tzinfo=dt.timezone(dt.timedelta(hours=7))
            ),
            "channel": "booth",
            "outcome": "follow_up",
            "next_follow_up": dt.date(2026, 11, 28),
        },
    )
    draft = enrollments.save_draft(uow, actor, enrollment_fields(business_id=business.id))
    enrollments.submit(uow, actor, draft.id, today=dt.date(2026, 11, 21))

    ops = _ops(uow)
    # Creating the visit moved the business to `contacted`: an update folded into its create.
    assert [(op.entity, op.kind) for op in ops] == [
        ("business", "create"),
        ("visit", "create"),
        ("enrollment", "create"),
    ]
    for op in ops:
        uuid.UUID(op.op_id)
        assert uuid.UUID(op.op_id).version == 4
        assert op.base_version is None
        assert dt.datetime.fromisoformat(op.recorded_at).tzinfo is not None
        validate = validation.VALIDATORS[op.entity]
        assert validate(op.fields) == [], op.entity
        assert "registered_by" not in op.fields and "agent_code" not in op.fields
    business_op, visit_op, enrollment_op = (op.fields for op in ops)
    assert business_op["phone"] == "+6281211112222"
    assert business_op["status"] == "contacted"
    assert business_op["event_id"] == event_id
    assert visit_op["visited_at"] == "2026-11-21T10:14:03+07:00"
    assert visit_op["next_follow_up"] == "2026-11-28"
    assert enrollment_op["birth_date"] == "1999-09-05"
    assert enrollment_op["status"] == "submitted"
    assert enrollment_op["programs"] == ["JKK", "JKM"]
    assert isinstance(enrollment_op["monthly_contribution"], int)
    assert "review_reason" not in enrollment_op and "membership_number" not in enrollment_op
    assert validation.check_contribution(enrollment_op, dt.date(2026, 11, 21)) is None


def test_op_seq_rises_strictly(uow: SqlUnitOfWork, actor: Actor, engine: Engine) -> None:
    store = LocalStore(engine)
    made = [businesses.register_business(uow, actor, {"name": f"Warung {n}"}) for n in range(3)]
    first = store.pending_ops(10)
    store.mark_results(
        [{"op_id": op["op_id"], "status": "applied", "entity_version": 1} for op in first]
    )
    made += [businesses.register_business(uow, actor, {"name": f"Warung {n}"}) for n in range(3, 6)]
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(
                tables.OutboxOp.op_seq, tables.OutboxOp.entity, tables.OutboxOp.entity_id
            ).order_by(tables.OutboxOp.op_seq)
        ).all()
    # Each registration writes its business's op, then its audit entry's op.
    assert [seq for seq, _, _ in found] == list(range(1, 13))
    assert [entity for _, entity, _ in found] == ["business", "audit_event"] * 6
    assert [entity_id for _, entity, entity_id in found if entity == "business"] == [
        b.id for b in made
    ]


def test_an_update_before_the_create_leaves_amends_the_create(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine
) -> None:
    business = businesses.register_business(uow, actor, {"name": "Martabak Har"})
    businesses.update_business(uow, actor, business.id, {"sector": "kuliner"})
    ops = _ops(uow)
    assert len(ops) == 1 and ops[0].fields["sector"] == "kuliner"

    store = LocalStore(engine)
    [sent] = store.pending_ops(10)
    businesses.update_business(uow, actor, business.id, {"workers_count": 4})
    # The create left the laptop: its payload never changes; the update waits for a version.
    assert store.pending_ops(10, after_seq=sent["op_seq"]) == []
    [again] = store.pending_ops(10)
    assert again == sent
    store.mark_results([{"op_id": sent["op_id"], "status": "applied", "entity_version": 1}])
    [update] = store.pending_ops(10)
    assert update["kind"] == "update"
    assert update["base_version"] == 1
    assert update["fields"] == {"workers_count": 4}
    store.mark_results([{"op_id": update["op_id"], "status": "applied", "entity_version": 2}])
    assert store.pending_ops(10) == []
    with uow:
        meta = uow.businesses.meta(business.id)
    assert meta is not None and meta.version == 2 and meta.sync_state == "synced"


def test_updates_after_sync_carry_only_changed_fields_and_the_version(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine
) -> None:
    store = LocalStore(engine)
    business = businesses.register_business(uow, actor, {"name": "Kemplang Ikan"})
    [create] = store.pending_ops(10)
    store.mark_results([{"op_id": create["op_id"], "status": "applied", "entity_version": 3}])
    businesses.update_business(
        uow, actor, business.id, {"name": "Kemplang Ikan", "owner_name": "Ani"}
    )
    assert (
        businesses.update_business(uow, actor, business.id, {"owner_name": "Ani"}).owner_name
        == "Ani"
    )
    [update] = store.pending_ops(10)
    assert update["fields"] == {"owner_name": "Ani"}
    assert update["base_version"] == 3


@pytest.mark.expect_warning_log(r"result for unknown op")
def test_rejected_and_conflict_results_mark_the_record(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine
) -> None:
    store = LocalStore(engine)
    a = businesses.register_business(uow, actor, {"name": "Toko A"})
    b = businesses.register_business(uow, actor, {"name": "Toko B"})
    ops = store.pending_ops(10)
    store.mark_results(
        [
            {
                "op_id": ops[0]["op_id"],
                "status": "rejected",
                "error": {"code": "invalid_field", "field": "name", "message": "bad"},
            },
            {
                "op_id": ops[1]["op_id"],
                "status": "conflict",
                "entity_version": 5,
                "error": {"code": "field_changed", "field": "name", "message": "changed"},
                "current": {"name": "Toko B2"},
            },
            {"op_id": str(uuid.uuid4()), "status": "applied", "entity_version": 1},
        ]
    )
    assert store.pending_ops(10) == []
    assert store.pending_count() == 0
    with uow:
        meta_a, meta_b = uow.businesses.meta(a.id), uow.businesses.meta(b.id)
        [op_b] = uow.outbox.for_entity(b.id)
    assert meta_a is not None and meta_a.sync_state == "rejected"
    assert meta_a.sync_error_code == "invalid_field"
    assert meta_b is not None and meta_b.sync_state == "conflict"
    assert op_b.status == "conflict"


def test_unanswered_ops_are_sent_again(uow: SqlUnitOfWork, actor: Actor, engine: Engine) -> None:
    store = LocalStore(engine)
    businesses.register_business(uow, actor, {"name": "Toko C"})
    first = store.pending_ops(10)
    store.mark_results([])
    assert store.pending_ops(10) == first


def test_apply_pulled_writes_records_and_the_cursor_but_keeps_pending_ones(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine
) -> None:
    store = LocalStore(engine)
    mine = businesses.register_business(uow, actor, {"name": "Lokal"})
    theirs = str(uuid.uuid4())
    visit_id = str(uuid.uuid4())
    event_id = str(uuid.uuid4())
    changes = [
        {
            "entity": "visit",
            "entity_id": visit_id,
            "version": 1,
            "deleted": False,
            "server_seq": 12,
            "fields": {
                "business_id": theirs,
                "visited_at": "2026-11-20T09:00:00+07:00",
                "channel": "door_to_door",
                "outcome": "follow_up",
                "next_follow_up": "2026-11-22",
                "agent_code": "AG002",
            },
        },
        {
            "entity": "business",
            "entity_id": theirs,
            "version": 4,
            "deleted": False,
            "server_seq": 11,
            "fields": {"name": "Dari Server", "status": "contacted", "registered_by": "AG002"},
        },
        {
            "entity": "business",
            "entity_id": mine.id,
            "version": 9,
            "deleted": False,
            "server_seq": 13,
            "fields": {"name": "Diubah Server", "status": "prospect"},
        },
        {
            "entity": "event",
            "entity_id": event_id,
            "version": 1,
            "deleted": False,
            "server_seq": 14,
            "fields": {
                "name": "Sumsel Marketing",
                "venue": "Palembang Indah Mall",
                "branch": "PLG",
                "starts_on": "2026-11-20",
                "ends_on": "2026-12-03",
            },
        },
    ]
    assert store.apply_pulled(changes, "cursor-1") == 3
    assert store.get_cursor() == "cursor-1"
    detail = businesses.get_detail(uow, theirs)
    assert detail.business.name == "Dari Server" and detail.business.version == 4
    assert detail.business.registered_by == "AG002"
    assert [v.id for v in detail.visits] == [visit_id]
    assert businesses.get_detail(uow, mine.id).business.name == "Lokal"
    assert businesses.search(uow, follow_up_due_on=dt.date(2026, 11, 22))[0].id == theirs
    with uow:
        assert [e.name for e in uow.events.list(dt.date(2026, 11, 21))] == ["Sumsel Marketing"]
    store.reset_cursor()
    assert store.get_cursor() is None

    deleted = [
        {
            "entity": "business",
            "entity_id": theirs,
            "version": 5,
            "deleted": True,
            "server_seq": 20,
            "fields": {},
        }
    ]
    store.apply_pulled(deleted, "cursor-2")
    with pytest.raises(NotFound):
        businesses.get_detail(uow, theirs)


def test_the_store_takes_protocol_models(uow: SqlUnitOfWork, actor: Actor, engine: Engine) -> None:
    from sync import protocol

    store = LocalStore(engine)
    uuid.UUID(store.device_id)
    assert store.device_id == store.device_id
    businesses.register_business(uow, actor, {"name": "Model"})
    [op] = store.pending_ops(5)
    protocol.Op.model_validate(op)
    store.mark_results(
        [protocol.OpResult(op_id=uuid.UUID(op["op_id"]), status="duplicate", entity_version=2)]
    )
    change = protocol.Change(
        entity="business",
        entity_id=uuid.uuid4(),
        version=1,
        deleted=False,
        fields={"name": "Pulled"},
        server_seq=1,
    )
    store.apply_pulled([change], "c")
    store.record_clock_offset(1.5)
    with uow:
        assert uow.sync_state.get().clock_offset_seconds == 1.5
    assert businesses.count(uow, text="Pulled") == 1


def test_records_from_the_store_are_plain_values(uow: SqlUnitOfWork, actor: Actor) -> None:
    business = businesses.register_business(uow, actor, {"name": "Plain"})
    assert dataclasses.is_dataclass(business)
    [row] = businesses.search(uow, text="Plain")
    assert dataclasses.is_dataclass(row)
