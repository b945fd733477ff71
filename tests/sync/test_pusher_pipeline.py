"""The push's pipeline (`sync.pusher`): requests strictly one after the other and in op order
while the cycle's thread settles and reads ahead; nothing queued behind a failed request is
sent, and the next cycle sends it: nothing lost, nothing applied twice.

The server is a small model with a ledger (an op applied once; sent again it is answered
`duplicate`), called from the push thread as the real client would be."""

from __future__ import annotations

import threading
import uuid

import pytest
from sync_support import MemoryStore, business

from sync import protocol
from sync.client import SyncError
from sync.contract import CycleReport
from sync.pusher import PIPELINE_DEPTH, Pusher

CONFIG = protocol.SyncConfig.model_validate(
    {
        "protocol_version": 1,
        "max_ops_per_batch": 5,
        "max_body_bytes": 1_000_000,
        "server_time": "2026-11-21T03:00:00+00:00",
        "max_attachment_bytes": 1000,
    }
)
#: How long a request may wait for the cycle's thread to settle the batch before it.
WAIT_SECONDS = 10.0


class LedgerServer:
    """Applies each op once (a resent one is `duplicate`); records the requests' order and
    how many were out at once; `fail_at`: the request (1-based) answered with a failure;
    `too_large_at`: the one answered 413; `check_overlap`: see `settled_while_out`."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.ledger: dict[uuid.UUID, int] = {}
        self.requests: list[list[int]] = []
        self.out = 0
        self.most_out = 0
        self.settled_while_out: list[bool] = []
        self.fail_at: int | None = None
        self.too_large_at: int | None = None
        #: Whether each request waits until the batch before it is settled (and notes if so).
        self.check_overlap = False
        self.lock = threading.Condition()

    def push(self, request: protocol.PushRequest) -> protocol.PushResponse:
        with self.lock:
            self.out += 1
            self.most_out = max(self.most_out, self.out)
            self.requests.append([op.op_seq for op in request.ops])
            number = len(self.requests)
        try:
            if self.check_overlap and number > 1:
                # The batch before this one is settled while this one is out.
                with self.lock:
                    settled = self.lock.wait_for(
                        lambda: len(self.store.batches_marked) >= number - 1, WAIT_SECONDS
                    )
                    self.settled_while_out.append(settled)
            if number == self.fail_at:
                raise SyncError("server", "server_error", "The server failed.", 500)
            if number == self.too_large_at:
                raise SyncError("too_large", "too_large", "Too large.", 413)
            results = []
            for op in request.ops:
                status = "duplicate" if op.op_id in self.ledger else "applied"
                self.ledger[op.op_id] = self.ledger.get(op.op_id, 0) + 1
                results.append(protocol.OpResult(op_id=op.op_id, status=status, entity_version=1))
            return protocol.PushResponse(results=results, server_time=CONFIG.server_time)
        finally:
            with self.lock:
                self.out -= 1


class NotifyingStore(MemoryStore):
    """Wakes the server model up when a batch is settled."""

    server: LedgerServer | None = None

    def mark_results(self, results: list[protocol.OpResult]) -> None:  # type: ignore[override]
        super().mark_results(results)
        if self.server is not None:
            with self.server.lock:
                self.server.lock.notify_all()


def setup(ops: int) -> tuple[NotifyingStore, LedgerServer, list[str]]:
    store = NotifyingStore()
    server = LedgerServer(store)
    store.server = server
    added = [store.add("business", "create", business(f"Kios {n}")) for n in range(ops)]
    return store, server, added


def push(server: LedgerServer, store: MemoryStore) -> CycleReport:
    report = CycleReport()
    Pusher(server, store, threading.Event(), CONFIG, None, report, lambda *_: None).run()  # type: ignore[arg-type]
    return report


def test_requests_go_one_at_a_time_in_op_order_while_the_laptop_settles_ahead():
    store, server, _ = setup(32)
    server.check_overlap = True
    report = push(server, store)
    assert report.applied == 32
    assert store.pending_count() == 0
    sent = [seq for request in server.requests for seq in request]
    assert sent == sorted(sent) and len(sent) == len(set(sent)) == 32
    assert [len(r) for r in server.requests] == [5, 5, 5, 5, 5, 5, 2]
    assert server.most_out == 1
    assert server.settled_while_out == [True] * 6
    assert PIPELINE_DEPTH >= 2


def test_nothing_queued_behind_a_failed_request_is_sent_and_the_next_cycle_sends_it():
    store, server, added = setup(30)
    server.fail_at = 2
    with pytest.raises(SyncError) as caught:
        push(server, store)
    assert caught.value.code == "server_error"
    # Batch 1 applied and settled; batch 2 failed; batches 3 and 4, already handed to the push
    # thread, never went.
    assert len(server.requests) == 2
    assert [store.state_of(op) for op in added[:5]] == ["done"] * 5
    assert store.pending_count() == 25
    server.fail_at = None
    report = push(server, store)
    assert report.applied == 25
    assert store.pending_count() == 0
    assert sorted(server.ledger.values()) == [1] * 30  # each op applied once


def test_a_batch_too_large_is_halved_in_turn_behind_those_already_queued():
    store, server, _ = setup(20)
    server.too_large_at = 1
    report = push(server, store)
    assert report.applied == 20
    assert server.most_out == 1
    # Batch 1 refused as too large; batches 2 and 3 were already queued; then its halves.
    assert [len(r) for r in server.requests][:4] == [5, 5, 5, 2]
    assert sorted(server.ledger.values()) == [1] * 20
