"""The laptop's audit trail leaves the laptop (SYNC_PROTOCOL.md 1.1 `audit_event`): each entry
is an outbox op written in the same transaction, a link of the laptop's hash chain, and is
removed by retention only after the server has it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from agent_app.services import businesses, retention
from agent_app.services.actor import Actor
from agent_app.storage import tables
from agent_app.storage.store import LocalStore
from agent_app.storage.uow import SqlUnitOfWork
from sync import audit_chain, protocol


def _audit_rows(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(tables.AuditEntry).order_by(tables.AuditEntry.id)))


def _audit_ops(engine: Engine) -> dict[str, Any]:
    t = tables.OutboxOp
    with engine.connect() as conn:
        found = conn.execute(sa.select(t).where(t.entity == "audit_event").order_by(t.op_seq))
        return {row.op_id: row for row in found}


def test_an_audit_entry_and_its_op_are_one_transaction(
    engine: Engine, uow: SqlUnitOfWork, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(fields: Any) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(audit_chain, "audit_event_hash", broken)  # what storage calls
    with pytest.raises(OSError):
        businesses.register_business(uow, actor, {"name": "Pempek Cek Molek"})
    assert _audit_rows(engine) == [] and _audit_ops(engine) == {}
    monkeypatch.undo()

    shop = businesses.register_business(uow, actor, {"name": "Pempek Cek Molek"})
    [entry] = _audit_rows(engine)
    [op] = _audit_ops(engine).values()
    assert entry.op_id == op.op_id
    assert (op.kind, op.status, op.base_version) == ("create", "pending", None)
    assert op.fields["action"] == entry.action == "business.register"
    assert (op.fields["entity"], op.fields["entity_id"]) == ("business", shop.id)
    assert op.fields["agent_code"] == actor.agent_code
    assert op.fields["at"] == entry.at == op.recorded_at
    # The details go as the server takes them: scalars (a list of field names as one text).
    assert op.fields["details"]["fields"] == ",".join(entry.details["fields"])
    assert protocol.AuditEventFields.model_validate(op.fields).hash == entry.hash


def test_entries_form_a_hash_chain(engine: Engine, uow: SqlUnitOfWork, actor: Actor) -> None:
    shop = businesses.register_business(uow, actor, {"name": "Kopi Sumsel"})
    businesses.update_business(uow, actor, shop.id, {"sector": "kuliner"})
    with uow:
        uow.audit.add(None, "selftest", details={"ops": 3, "masked": True, "kinds": ["b", "a"]})
        uow.commit()
    rows = _audit_rows(engine)
    ops = _audit_ops(engine)
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash is None
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    for row in rows:
        fields = ops[row.op_id].fields
        assert (fields["seq"], fields["prev_hash"], fields["hash"]) == (
            row.seq,
            row.prev_hash,
            row.hash,
        )
        assert protocol.audit_event_hash(fields) == row.hash
    assert ops[rows[2].op_id].fields["details"] == {"ops": 3, "masked": True, "kinds": "b,a"}
    with engine.connect() as conn:
        head = conn.execute(sa.select(tables.SyncState.audit_seq, tables.SyncState.audit_hash))
        assert tuple(head.one()) == (3, rows[2].hash)


def test_the_two_streams_are_counted_and_handed_out_apart(
    engine: Engine, uow: SqlUnitOfWork, actor: Actor
) -> None:
    businesses.register_business(uow, actor, {"name": "Songket Palembang"})
    records, trail = LocalStore(engine), LocalStore(engine, audit_trail=True)
    assert records.pending_count() == 1 and trail.pending_count() == 1
    [record_op] = records.pending_ops(10)
    [audit_op] = trail.pending_ops(10)
    assert record_op["entity"] == "business" and audit_op["entity"] == "audit_event"
    assert audit_op["op_seq"] > record_op["op_seq"]  # one op_seq counter for the device
    with uow:
        assert uow.outbox.count_unsettled() == 1  # what people see waiting: their records


def test_retention_removes_an_entry_only_after_the_server_has_it(
    engine: Engine, uow: SqlUnitOfWork, actor: Actor
) -> None:
    for name in ("Toko A", "Toko B", "Toko C"):
        businesses.register_business(uow, actor, {"name": name})
    trail = LocalStore(engine, audit_trail=True)
    taken, refused, unanswered = trail.pending_ops(10)
    trail.mark_results(
        [
            {"op_id": taken["op_id"], "status": "applied", "entity_version": 1},
            {
                "op_id": refused["op_id"],
                "status": "rejected",
                "error": {"code": "invalid_field", "field": "details", "message": "no"},
            },
        ]
    )
    soon = dt.datetime.now().astimezone() + dt.timedelta(days=1)
    retention.purge(SqlUnitOfWork(engine), actor.agent_code, soon)
    assert len(_audit_rows(engine)) == 3  # settled, but not 30 days ago
    later = soon + dt.timedelta(days=retention.SETTLED_OP_DAYS)
    purged = retention.purge(SqlUnitOfWork(engine), actor.agent_code, later)
    assert purged.audit_entries == 1
    left = {row.op_id for row in _audit_rows(engine)}
    assert taken["op_id"] not in left
    assert {refused["op_id"], unanswered["op_id"]} <= left
    assert taken["op_id"] not in _audit_ops(engine)
    [purge_entry] = [r for r in _audit_rows(engine) if r.action == "retention_purge"]
    assert purge_entry.details["audit_entries"] == 1


def test_entries_from_before_the_chain_stay_on_the_laptop(
    engine: Engine, uow: SqlUnitOfWork, actor: Actor
) -> None:
    with engine.begin() as conn:  # an entry written before migration 0006
        conn.execute(
            sa.insert(tables.AuditEntry).values(
                at="2026-11-01T09:00:00+07:00", actor="AG001", action="enrollment.open"
            )
        )
    businesses.register_business(uow, actor, {"name": "Toko D"})
    [old, new] = _audit_rows(engine)
    assert (old.seq, old.op_id) == (None, None)
    assert new.seq == 1 and new.prev_hash is None
    far = dt.datetime.now().astimezone() + dt.timedelta(days=400)
    retention.purge(SqlUnitOfWork(engine), actor.agent_code, far)
    assert old.id in {row.id for row in _audit_rows(engine)}


def test_two_threads_writing_audit_entries_keep_one_unbroken_chain(engine: Engine) -> None:
    """Whatever the interleaving, each entry takes its own seq and chains to the one before
    (the booth app writes from its database thread and its sync thread)."""
    import threading

    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def write(actor_code: str) -> None:
        try:
            start.wait()
            for n in range(30):
                with SqlUnitOfWork(engine) as uow:
                    uow.sync_state.get()  # read first, as a use case does
                    uow.audit.add(actor_code, "enrollment.open", details={"n": n})
                    uow.commit()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(code,)) for code in ("AG001", "AG002")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = sorted(_audit_rows(engine), key=lambda r: r.seq)
    assert [r.seq for r in rows] == list(range(1, 61))
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    ops = _audit_ops(engine)
    assert all(protocol.audit_event_hash(ops[r.op_id].fields) == r.hash for r in rows)
