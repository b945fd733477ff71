"""A hypothesis state machine over two laptops and the real server behind the fault proxy:
local creates, edits, deletes and visits, pushes under random faults (lost request, lost
response, duplicate, reorder, reset), client and server restarts, and pulls. Teardown heals,
drains and checks the invariants of `support.verify`.

Bounded for CI (8 examples of up to 20 steps); PERISAI_SOAK=1 runs 60 examples of 40 steps.
"""

from __future__ import annotations

import contextlib
import itertools
import time

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from support import Figures, record_figures, soak, verify

FAULTS = ("drop_request", "drop_response", "duplicate", "stash", "reset", "hold_response")
_numbers = itertools.count(50_000)
TOTALS: dict[str, float] = {"runs": 0, "ops": 0, "lost": 0, "duplicated": 0, "recovery": 0.0}


class SyncMachine(RuleBasedStateMachine):
    server = None
    proxy = None
    make_laptop = None

    def __init__(self) -> None:
        super().__init__()
        self.proxy.heal()
        self.laptops = [
            self.make_laptop("RA001", self.proxy.url, timeout=(2.0, 2.0)),
            self.make_laptop("RA002", self.proxy.url, timeout=(2.0, 2.0)),
        ]
        self.server_restarts = 0
        #: Businesses made in this example: the only ones touched (the server keeps those of
        #: earlier examples, and verify() counts versions against these laptops' ops).
        self.created: set[str] = set()

    def _live(self, laptop, *, synced: bool = False) -> list[str]:
        return sorted(
            entity_id
            for entity_id, rec in laptop.records().items()
            if rec["entity"] == "business"
            and entity_id in self.created
            and not rec["deleted"]
            and rec["sync_state"] not in ("rejected", "conflict")
            and (rec["version"] is not None or not synced)
        )

    @initialize(first=st.integers(1, 12), second=st.integers(0, 12))
    def some_businesses(self, first: int, second: int) -> None:
        for who, count in ((0, first), (1, second)):
            for _ in range(count):
                self.created.add(self.laptops[who].add_business(next(_numbers)))

    @rule(who=st.integers(0, 1), count=st.integers(2, 12))
    def create_many(self, who: int, count: int) -> None:
        for _ in range(count):
            self.created.add(self.laptops[who].add_business(next(_numbers)))

    @rule(who=st.integers(0, 1))
    def create(self, who: int) -> None:
        self.created.add(self.laptops[who].add_business(next(_numbers)))

    @rule(
        who=st.integers(0, 1),
        pick=st.integers(0, 1000),
        workers=st.integers(0, 50),
        rename=st.booleans(),
    )
    def edit(self, who: int, pick: int, workers: int, rename: bool) -> None:
        laptop = self.laptops[who]
        live = self._live(laptop)
        if live:
            changes = {"workers_count": workers}
            if rename:
                changes["name"] = f"Nama {pick}"
            laptop.edit_business(live[pick % len(live)], **changes)

    @rule(who=st.integers(0, 1), pick=st.integers(0, 1000))
    def delete(self, who: int, pick: int) -> None:
        laptop = self.laptops[who]
        live = self._live(laptop, synced=True)
        if live:
            laptop.delete("business", live[pick % len(live)])

    @rule(who=st.integers(0, 1), pick=st.integers(0, 1000))
    def visit(self, who: int, pick: int) -> None:
        laptop = self.laptops[who]
        live = self._live(laptop)
        if live:
            laptop.add_visit(live[pick % len(live)])

    @rule(who=st.integers(0, 1), fault=st.sampled_from(FAULTS), times=st.integers(1, 3))
    def push_under_fault(self, who: int, fault: str, times: int) -> None:
        from sync.client import SyncError

        self.proxy.fail_next(fault, times=times)
        with contextlib.suppress(SyncError):
            self.laptops[who].sync.run_cycle()
        self.proxy.heal()

    @rule()
    def late_arrivals(self) -> None:
        self.proxy.release_stash()

    @rule(who=st.integers(0, 1))
    def sync(self, who: int) -> None:
        from sync.client import SyncError

        with contextlib.suppress(SyncError):
            self.laptops[who].sync.run_cycle()

    @rule(who=st.integers(0, 1))
    def restart_client(self, who: int) -> None:
        self.laptops[who].reopen()

    @precondition(lambda self: self.server_restarts < 1)
    @rule()
    def restart_server(self) -> None:
        self.server_restarts += 1
        self.server.restart()

    @invariant()
    def outbox_statuses_are_known(self) -> None:
        for laptop in self.laptops:
            for op in laptop.outbox():
                assert op["status"] in (
                    "pending",
                    "sent",
                    "applied",
                    "duplicate",
                    "rejected",
                    "conflict",
                )
                if op["status"] in ("rejected", "conflict"):
                    assert op["error_code"], op

    def teardown(self) -> None:
        try:
            self.proxy.heal()
            self.proxy.release_stash()
            healed = time.monotonic()
            for laptop in self.laptops + self.laptops:
                laptop.drain()
            figures = verify(self.server, self.laptops, Figures("stateful"))
            TOTALS["runs"] += 1
            TOTALS["ops"] += figures.ops_sent
            TOTALS["lost"] += figures.ops_lost
            TOTALS["duplicated"] += figures.ops_duplicated
            TOTALS["recovery"] = max(TOTALS["recovery"], time.monotonic() - healed)
        finally:
            for laptop in self.laptops:
                laptop.close()


def run_machine(server, make_proxy, make_laptop, *, examples: int, steps: int) -> None:
    """Runs the state machine against `server` and records its figures."""
    for key in TOTALS:
        TOTALS[key] = 0
    SyncMachine.server = server
    SyncMachine.proxy = make_proxy(server, seed=6)
    SyncMachine.make_laptop = staticmethod(make_laptop)
    run_state_machine_as_test(
        SyncMachine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    figures = Figures(
        "stateful (hypothesis)",
        ops_sent=int(TOTALS["ops"]),
        ops_lost=int(TOTALS["lost"]),
        ops_duplicated=int(TOTALS["duplicated"]),
        recovery_seconds=TOTALS["recovery"],
        extra={"runs": int(TOTALS["runs"]), "server_restarts": server.starts - 1},
    )
    record_figures(figures)
    assert TOTALS["runs"] >= 1


@pytest.mark.slow
@pytest.mark.clock_free  # fault mechanics: it asserts no op lost or duplicated and convergence
# One laptop deletes a business while the other, not yet pulled, records a visit of it: the
# visit reaches the server, and the first laptop's next pull brings a visit of a business it
# no longer has, which it skips with this warning (the rules allow both changes).
@pytest.mark.expect_warning_log(r"pulled visit .* of an unknown business; skipped")
def test_sync_state_machine(server_database, make_any_server, make_proxy, make_laptop):
    if server_database == "postgres":  # each example costs more on PostgreSQL
        examples, steps = (30, 40) if soak() else (4, 15)
    else:
        examples, steps = (60, 40) if soak() else (8, 20)
    run_machine(make_any_server(), make_proxy, make_laptop, examples=examples, steps=steps)
