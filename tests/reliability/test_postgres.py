"""Concurrency with the server on PostgreSQL (TEST_DATABASE_URL; skipped without it): several
laptops pushing at once through faults. (Scenarios 1, 3, 4 and the state machine run on
PostgreSQL too: the `[postgres]` variants of their `server_database` parameter.)"""

from __future__ import annotations

import threading
import time

import pytest
import support
from support import Figures, record_figures, verify

pytestmark = [
    pytest.mark.postgres,
    # as in test_scenarios: the scenarios' shared server (see SHARED_SERVER there)
    pytest.mark.expect_warning_log(r"pulled visit \S+ of an unknown business; skipped"),
]


@pytest.fixture(autouse=True)
def _named_postgres(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(support, "SCENARIO_SUFFIX", " (PostgreSQL)")


def test_laptops_pushing_at_once_through_faults_postgres(make_pg_server, make_proxy, make_laptop):
    """Four laptops of one branch create, edit each other's businesses and push at the same
    time through lost answers and duplicates."""
    server = make_pg_server()
    proxy = make_proxy(server, seed=4)
    laptops = [make_laptop(f"RA00{i}", proxy.url) for i in range(1, 5)]
    shared = [laptops[0].add_business(30_000 + i) for i in range(20)]
    laptops[0].drain()
    for n, laptop in enumerate(laptops):
        laptop.drain()
        for i in range(40):
            laptop.add_business(31_000 + 100 * n + i)
        for business_id in shared:
            laptop.edit_business(business_id, workers_count=n + 10, address=f"Jl. {n}")
    proxy.set(p_drop_response=0.2, p_reset=0.1)
    proxy.fail_next("duplicate", times=4)
    errors: list[BaseException] = []

    def push(laptop):  # type: ignore[no-untyped-def]
        try:
            laptop.drain(max_seconds=90)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=push, args=(laptop,)) for laptop in laptops]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=150)
    proxy.heal()
    healed = time.monotonic()
    for laptop in laptops + laptops:
        laptop.drain()
    figures = verify(server, laptops, Figures("14 four laptops pushing at once through faults"))
    figures.recovery_seconds = time.monotonic() - healed
    record_figures(figures)
    assert figures.ops_sent == 20 + 4 * (40 + 20)
