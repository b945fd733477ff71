"""The laptops' audit trails on the server (`audit_event`, SYNC_PROTOCOL.md 1.1): stored
append-only with the agent of the token, chained by hash per device, a gap or an edit flagged;
replays answered by the ledger; details hold ids and codes only. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from helpers.niks import synthetic_nik
from srv_support import World, now_wib, op

from sync import protocol
from sync.server import admin, db

SERVER_LOG = "server"


def chain(count: int, agent_code: str = "A1", **details: Any) -> list[dict[str, Any]]:
    """`count` audit events of one laptop, chained as the laptop chains them."""
    events: list[dict[str, Any]] = []
    prev: str | None = None
    for seq in range(1, count + 1):
        fields: dict[str, Any] = {
            "action": "business.create",
            "entity": "business",
            "entity_id": str(uuid.uuid4()),
            "at": now_wib().isoformat(),
            "agent_code": agent_code,
            "details": {"fields": "name,phone", "n": seq, **details},
            "seq": seq,
            "prev_hash": prev,
        }
        fields["hash"] = protocol.audit_event_hash(fields)
        prev = fields["hash"]
        events.append(op("audit_event", "create", fields=fields))
    return events


def stored(world: World) -> list[Any]:
    table = db.table(db.AuditEvent)
    with world.engine.connect() as conn:
        return list(conn.execute(sa.select(table).order_by(table.c.id)))


def test_events_are_stored_with_the_token_agent_and_never_pulled(world: World) -> None:
    a1, a2, s1 = world.standard()
    events = chain(3, agent_code="S1")  # the laptop claims a supervisor did it
    results = a1.push(*events)
    assert [r["status"] for r in results] == ["applied"] * 3
    rows = stored(world)
    assert [r.seq for r in rows] == [1, 2, 3]
    assert {r.agent_code for r in rows} == {"A1"}  # server-set from the token
    assert {r.laptop_agent_code for r in rows} == {"S1"}  # kept only as the laptop's claim
    assert {r.device_id for r in rows} == {a1.device_id}
    assert all(r.chain_ok for r in rows)
    assert rows[1].prev_hash == rows[0].hash == events[0]["fields"]["hash"]
    assert rows[2].details == {"fields": "name,phone", "n": 3}
    # On a shared booth laptop the agent who synced sent them; the listing shows both.
    assert "A1 (laptop: S1) business.create" in admin.laptop_audit(world.engine)[0]
    for laptop in (a1, a2, s1):
        changes, _ = laptop.pull_all()
        assert all(c["entity"] != "audit_event" for c in changes)


def test_a_deleted_event_shows_as_a_gap(world: World, caplog: pytest.LogCaptureFixture) -> None:
    a1, _, _ = world.standard()
    first, _deleted, third = chain(3)
    with caplog.at_level(logging.WARNING, SERVER_LOG):
        assert [r["status"] for r in a1.push(first, third)] == ["applied", "applied"]
    rows = stored(world)
    assert [(r.seq, r.chain_ok, r.chain_problem) for r in rows] == [
        (1, True, None),
        (3, False, "gap"),
    ]
    assert f"audit chain of device {a1.device_id}: gap at seq 3" in caplog.text
    gaps = admin.laptop_audit(world.engine, a1.device_id, gaps_only=True)
    assert len(gaps) == 1 and "seq 3" in gaps[0] and "CHAIN gap" in gaps[0]
    assert len(admin.laptop_audit(world.engine, a1.device_id)) == 2
    assert "audit-events" in admin.trail(world.engine)[0]


@pytest.mark.expect_warning_log(
    r"^server: audit chain of device [-0-9a-f]+: (bad_hash|gap|mismatch) at seq"
)
def test_an_edited_or_replaced_event_breaks_the_chain(world: World) -> None:
    a1, _, _ = world.standard()
    events = chain(3)
    a1.push(events[0])
    edited = events[1]
    edited["fields"]["details"]["n"] = 99  # changed after hashing
    a1.push(edited)
    redone = chain(2)[1]  # a second event 2, hashed well but after another event 1
    a1.push(redone)
    problems = [r.chain_problem for r in stored(world)]
    assert problems == [None, "bad_hash", "mismatch"]
    # Another laptop's chain is judged on its own.
    other = world.login("A1")
    assert [r["status"] for r in other.push(*chain(2))] == ["applied", "applied"]
    assert [r.chain_ok for r in stored(world)][-2:] == [True, True]


def test_a_replay_is_answered_by_the_ledger_and_stores_nothing_twice(world: World) -> None:
    a1, _, _ = world.standard()
    event = chain(1)[0]
    assert a1.push_one(dict(event))["status"] == "applied"
    assert a1.push_one(dict(event))["status"] == "duplicate"
    again = {**event, "op_id": str(uuid.uuid4())}  # the same event under a new op
    assert a1.push_one(again)["status"] == "duplicate"
    changed = {**event, "fields": {**event["fields"], "action": "enrollment.open"}}
    reused = a1.push_one(changed)
    assert reused["status"] == "rejected" and reused["error"]["code"] == "key_reuse"
    assert len(stored(world)) == 1


def test_events_are_append_only(world: World) -> None:
    a1, _, s1 = world.standard()
    event = chain(1)[0]
    a1.push(event)
    for laptop in (a1, s1):
        for kind in ("update", "delete"):
            answer = laptop.push_one(
                op("audit_event", kind, event["entity_id"], {"action": "x"}, base_version=1)
            )
            assert answer["status"] == "rejected"
            assert answer["error"]["code"] == "forbidden"
    table = db.table(db.AuditEvent)
    for statement in (table.update().values(action="edited"), table.delete()):
        with (
            pytest.raises(sa.exc.DBAPIError, match="append-only"),
            world.engine.begin() as conn,
        ):
            conn.execute(statement)
    [row] = stored(world)
    assert row.action == "business.create"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"details": {"nik": synthetic_nik(7)}}, "details"),
        ({"details": {"note": f"NIK {synthetic_nik(8)} dicek"}}, "details"),
        ({"details": {"count": int(synthetic_nik(9))}}, "details"),
        ({"details": {"fields": ["name", "phone"]}}, "details"),
        ({"details": {"person": {"name": "Peserta Contoh"}}}, "details"),
        ({"details": {"income": 2.5}}, "details"),
        ({"details": {"x": "a\x00b"}}, "details"),
        ({"action": "business\x00create"}, "action"),
        ({"at": dt.datetime(1, 1, 1, tzinfo=dt.UTC).isoformat()}, "at"),
        ({"at": "9999-12-31T23:59:59+07:00"}, "at"),
        ({"at": "2026-12-03T10:00:00"}, "at"),
        ({"seq": "1"}, "seq"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_details_hold_ids_and_codes_only(world: World, change: dict[str, Any], field: str) -> None:
    a1, _, _ = world.standard()
    event = chain(1)[0]
    event["fields"].update(change)
    answer = a1.push_one(event)
    assert answer["status"] == "rejected"
    assert answer["error"]["code"] == "invalid_field"
    assert answer["error"]["field"] == field
    assert stored(world) == []


@pytest.mark.expect_warning_log(
    r"^server: audit chain of device [-0-9a-f]+: (bad_hash|gap|mismatch) at seq"
)
def test_the_cli_lists_the_gaps(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sync.server.__main__ import main

    a1, _, _ = world.standard()
    events = chain(4)
    a1.push(events[0], events[1], events[3])
    monkeypatch.setenv("DATABASE_URL", world.settings.database_url)
    monkeypatch.setenv("PERISAI_OPERATOR", "petugas-uji")
    assert main(["audit-events", "--device", a1.device_id, "--gaps"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "seq 4" in out[0] and "CHAIN gap" in out[0]
    assert main(["audit-events", "--device", "not-a-device"]) == 2
    assert "--device" in capsys.readouterr().err


def _laptop_trail(tmp_path: Any, actor_code: str) -> tuple[Any, Any]:
    """A real laptop database (SQLCipher) with three audit entries; its audit-trail store."""
    pytest.importorskip("sqlcipher3")
    from agent_app.storage import engine as storage_engine
    from agent_app.storage import store as app_store
    from agent_app.storage.uow import SqlUnitOfWork

    engine = storage_engine.open_engine(tmp_path / "laptop.db", bytes(range(32)))
    for n in range(3):
        with SqlUnitOfWork(engine) as uow:
            uow.audit.add(actor_code, "enrollment.open", "enrollment", str(uuid.uuid4()), {"n": n})
            uow.commit()
    return engine, app_store.LocalStore(engine, audit_trail=True)


def test_a_laptop_chain_reaches_the_server_whole(world: World, tmp_path: Any) -> None:
    world.standard()
    engine, trail = _laptop_trail(tmp_path, "A1")
    a1 = world.login("A1", device_id=trail.device_id)
    ops = trail.pending_ops(10)
    trail.mark_results(a1.push(*ops))
    assert trail.pending_count() == 0
    assert [(r.seq, r.chain_ok) for r in stored(world)] == [(1, True), (2, True), (3, True)]
    engine.dispose()


@pytest.mark.expect_warning_log(
    r"^server: audit chain of device [-0-9a-f]+: (bad_hash|gap|mismatch) at seq"
)
def test_an_entry_a_co_user_deleted_on_the_laptop_shows_as_a_gap(
    world: World, tmp_path: Any
) -> None:
    from agent_app.storage import tables

    world.standard()
    engine, trail = _laptop_trail(tmp_path, "A1")
    a1 = world.login("A1", device_id=trail.device_id)
    with engine.begin() as conn:  # the co-user removes entry 2 and the op that carries it
        op_id = conn.execute(sa.select(tables.AuditEntry.op_id).where(tables.AuditEntry.seq == 2))
        doomed = op_id.scalar_one()
        conn.execute(sa.delete(tables.AuditEntry).where(tables.AuditEntry.op_id == doomed))
        conn.execute(sa.delete(tables.OutboxOp).where(tables.OutboxOp.op_id == doomed))
    a1.push(*trail.pending_ops(10))
    rows = stored(world)
    assert [(r.seq, r.chain_problem) for r in rows] == [(1, None), (3, "gap")]
    [line] = admin.laptop_audit(world.engine, trail.device_id, gaps_only=True)
    assert "seq 3" in line and "CHAIN gap" in line
    engine.dispose()
