"""Fault scenarios between real laptops (the app's encrypted store, the real sync engine and
client) and the real server process, through `FaultProxy`. Each ends the same way: heal, drain,
pull, then `support.verify`: nothing lost, nothing applied twice, laptops and server agree."""

from __future__ import annotations

import time

import pytest
from support import Figures, record_figures, verify


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


def test_01_response_lost_after_the_server_committed(shared_server, make_proxy, make_laptop):
    proxy = make_proxy(shared_server)
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
    figures = finish("01 response lost after commit", shared_server, [laptop], healed)
    assert figures.ops_sent == 120
    ledger = shared_server.ledger(op["op_id"] for op in laptop.outbox())
    assert {row["status"] for row in ledger.values()} == {"applied"}
    statuses = {op["status"] for op in laptop.outbox()}
    assert "duplicate" in statuses  # the resent batch was answered from the ledger
