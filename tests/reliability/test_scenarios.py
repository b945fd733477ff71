"""Fault scenarios between real laptops (the app's encrypted store, the real sync engine and
client) and the real server process, through `FaultProxy`. Each ends the same way: heal, drain,
pull, then `support.verify`: nothing lost, nothing applied twice, laptops and server agree."""

from __future__ import annotations

import time

import pytest
from support import Figures, record_figures, verify

#: The scenarios share one server per session, so a fresh laptop also pulls what earlier
#: scenarios left there, including a visit whose business that laptop never receives; the store
#: skips it with this WARNING (seen in CI for tests 05, 06 and 10 in one order of the scenarios).
SHARED_SERVER = pytest.mark.expect_warning_log(r"pulled visit \S+ of an unknown business; skipped")
pytestmark = SHARED_SERVER


def finish(scenario: str, server, laptops, healed_at: float, **extra) -> Figures:
    """Drains every laptop, pulls on each once more, verifies, records the figures."""
    for laptop in laptops:
        laptop.drain()
    for laptop in laptops:
        laptop.drain()  # a last pull after everyone pushed
    figures = Figures(scenario, recovery_seconds=time.monotonic() - healed_at, extra=extra)
    verify(server, laptops, figures)
    record_figures(figures)
    return figures


def test_01_response_lost_after_the_server_committed(server, make_proxy, make_laptop):
    proxy = make_proxy(server)
    laptop = make_laptop("RA001", proxy.url)
    ids = [laptop.add_business(i) for i in range(120)]
    laptop.edit_business(ids[0], workers_count=9)
    proxy.fail_next("drop_response", times=3)
    from sync.client import SyncError

    with pytest.raises(SyncError):
        laptop.sync.run_cycle()
    assert proxy.stats["drop_response"] == 3
    assert laptop.pending() > 0
    proxy.heal()
    healed = time.monotonic()
    figures = finish("01 response lost after commit", server, [laptop], healed)
    assert figures.ops_sent == 120
    ledger = server.ledger(op["op_id"] for op in laptop.outbox())
    assert {row["status"] for row in ledger.values()} == {"applied"}
    statuses = {op["status"] for op in laptop.outbox()}
    assert "duplicate" in statuses  # the resent batch was answered from the ledger


def test_04_one_batch_sent_twice_at_once(server, make_proxy, make_laptop):
    proxy = make_proxy(server)
    laptop = make_laptop("RA001", proxy.url)
    ids = [laptop.add_business(1000 + i) for i in range(60)]
    laptop.drain()
    for business_id in ids[:30]:
        laptop.edit_business(business_id, workers_count=42)
    for business_id in ids[30:]:
        laptop.add_visit(business_id)
    waiting = laptop.pending()
    proxy.fail_next("duplicate", times=2)
    healed = time.monotonic()
    report = laptop.sync.run_cycle()
    assert proxy.stats["duplicate"] >= 1
    assert report.applied + report.duplicate == waiting
    proxy.heal()
    finish("04 one batch sent twice at once", server, [laptop], healed)


@pytest.mark.clock_free  # fault mechanics; no day or zone in what it asserts
def test_05_batches_arrive_out_of_order(shared_server, make_proxy, make_laptop):
    """The first copy of each batch is held in the network and delivered after the later
    batches (and after the batch's own resend); and batches pushed in reverse order."""
    from sync import protocol

    proxy = make_proxy(shared_server)
    laptop = make_laptop("RA002", proxy.url)
    ids = [laptop.add_business(2000 + i) for i in range(250)]
    laptop.drain()
    for business_id in ids[:150]:
        laptop.edit_business(business_id, address=f"Jl. Baru {business_id[:4]}")
    proxy.fail_next("stash", times=2)
    report = laptop.sync.run_cycle()
    assert report.applied == 150
    assert len(proxy.stashed) == 2
    statuses = proxy.release_stash()  # the stale copies arrive last
    assert statuses == [200, 200]
    # Reverse order: the last batch of the outbox first.
    for business_id in ids[150:]:
        laptop.edit_business(business_id, workers_count=6)
    ops = laptop.store.pending_ops(500)
    batches = [ops[i : i + 40] for i in range(0, len(ops), 40)]
    healed = time.monotonic()
    for batch in reversed(batches):
        answer = laptop.client.push(
            protocol.PushRequest.model_validate(
                {
                    "protocol_version": 1,
                    "device_id": laptop.device_id,
                    "batch_id": str(__import__("uuid").uuid4()),
                    "ops": batch,
                }
            )
        )
        assert {r.status for r in answer.results} == {"applied"}
        laptop.store.mark_results(answer.results)
    proxy.heal()
    finish("05 batches out of order", shared_server, [laptop], healed, batches=len(batches) + 2)


def test_06_op_id_reused_with_a_different_payload(shared_server, make_proxy, make_laptop):
    proxy = make_proxy(shared_server)
    laptop = make_laptop("RA003", proxy.url)
    business_id = laptop.add_business(3000)
    laptop.drain()
    sent = laptop.outbox()[0]
    before = shared_server.records([business_id])[business_id]
    forged = {
        "protocol_version": 1,
        "device_id": laptop.device_id,
        "batch_id": str(__import__("uuid").uuid4()),
        "ops": [
            {
                "op_id": sent["op_id"],
                "op_seq": 10_000,
                "entity": "business",
                "entity_id": business_id,
                "kind": "create",
                "base_version": None,
                "fields": {**sent["fields"], "name": "Nama Lain"},
                "recorded_at": "2026-11-21T10:00:00+07:00",
            }
        ],
    }
    healed = time.monotonic()
    for _ in range(2):  # and once more: the same judgement
        answer = laptop.client.push(forged)
        result = answer.results[0]
        assert result.status == "rejected"
        assert result.error is not None and result.error.code == "key_reuse"
    after = shared_server.records([business_id])[business_id]
    assert after["fields"] == before["fields"] and after["version"] == before["version"]
    ledger = shared_server.ledger([sent["op_id"]])[sent["op_id"]]
    assert ledger["status"] == "applied"
    finish("06 op_id reused with another payload", shared_server, [laptop], healed)


POISONS = {
    "negative_workers": {"workers_count": -5},
    "unknown_field": {"favourite_colour": "merah"},
    "wrong_type": {"workers_count": "tiga"},
    "sql_in_a_key": {"sector": "'; DROP TABLE record; --"},
    "huge_name": {"name": "x" * 100_000},
    "null_name": {"name": None},
}


def _poison(laptop, positions: dict[int, str]) -> dict[str, str]:
    """Overwrites the ops at these 1-based positions of the outbox's records stream (not the
    audit trail's); {op_id: poison}."""
    import sqlalchemy as sa

    from agent_app.storage import tables

    poisoned = {}
    t = tables.OutboxOp
    with laptop.uow() as uow:
        rows = list(
            uow.session.scalars(sa.select(t).where(t.entity != "audit_event").order_by(t.op_seq))
        )
        for position, kind in positions.items():
            row = rows[position - 1]
            row.fields = {**row.fields, **POISONS[kind]}
            poisoned[row.op_id] = kind
        uow.commit()
    return poisoned


@pytest.mark.clock_free  # fault mechanics; no day or zone in what it asserts
@pytest.mark.parametrize(
    ("total", "positions"),
    [
        (500, {3: "negative_workers"}),
        (
            120,
            {
                3: "unknown_field",
                40: "wrong_type",
                41: "sql_in_a_key",
                90: "huge_name",
                120: "null_name",
            },
        ),
    ],
    ids=["3_of_500", "kinds"],
)
def test_10_a_poison_op_at_position_3_of_500(
    shared_server, make_proxy, make_laptop, total, positions
):
    proxy = make_proxy(shared_server)
    laptop = make_laptop("RA004", proxy.url)
    ids = [laptop.add_business(4000 + total + i) for i in range(total)]
    poisoned = _poison(laptop, positions)
    healed = time.monotonic()
    report = laptop.sync.run_cycle()
    assert report.applied == total - len(positions)
    assert report.rejected == len(positions)
    name = "10 poison op at 3 of 500" if total == 500 else "10 poison ops of 5 kinds among 120"
    figures = finish(name, shared_server, [laptop], healed)
    assert figures.rejected == len(positions)
    bad = [op for op in laptop.outbox() if op["status"] == "rejected"]
    assert {op["op_id"] for op in bad} == set(poisoned)
    assert all(op["error_code"] for op in bad)
    records = laptop.records()
    for position in positions:
        assert shared_server.records([ids[position - 1]]) == {}
        assert records[ids[position - 1]]["sync_state"] == "rejected"
    synced = sum(records[i]["sync_state"] == "synced" for i in ids)
    assert synced == total - len(positions)
