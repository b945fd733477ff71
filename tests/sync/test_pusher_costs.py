"""What the push spares the laptop (issue 15): the garbage collector's full passes over the
objects that were alive before the push, a local transaction per batch to read the device id,
and serializing each op twice (once to size its batch, once in the body). Same model server
as the pipeline's tests."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from helpers.niks import fixture_nik
from sync_support import MemoryStore, business, enrollment
from test_pusher_pipeline import CONFIG, LedgerServer

from sync import protocol
from sync.batches import op_json, push_request, request_json, valid_ops
from sync.client import SyncClient
from sync.contract import CycleReport
from sync.pusher import SPARED_THRESHOLD, Pusher
from sync.transport import Body


class WatchingServer(LedgerServer):
    """Notes the collector's state while each request is out."""

    def __init__(self, store: MemoryStore) -> None:
        super().__init__(store)
        self.seen: list[tuple[int, int]] = []

    def push(self, request: protocol.PushRequest) -> protocol.PushResponse:
        self.seen.append((gc.get_freeze_count(), gc.get_threshold()[0]))
        return super().push(request)


class CountingStore(MemoryStore):
    """Counts the reads of `device_id` (the app's store opens a transaction for each)."""

    reads = 0

    def __getattribute__(self, name: str) -> object:
        if name == "device_id":
            object.__setattr__(self, "reads", object.__getattribute__(self, "reads") + 1)
        return object.__getattribute__(self, name)


def push(server: LedgerServer, store: MemoryStore) -> CycleReport:
    report = CycleReport()
    Pusher(server, store, threading.Event(), CONFIG, None, report, lambda *_: None).run()  # type: ignore[arg-type]
    return report


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """No object frozen when the test starts (a server started in this worker froze its
    own), as it is in the app; frozen again after if it was."""
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    try:
        yield
    finally:
        if frozen:
            gc.freeze()


def test_the_push_sets_the_objects_alive_before_it_aside_and_gives_them_back(unfrozen):
    store = MemoryStore()
    for n in range(12):
        store.add("business", "create", business(f"Kios {n}"))
    thresholds = gc.get_threshold()
    server = WatchingServer(store)
    report = push(server, store)
    assert report.applied == 12
    assert len(server.seen) == 3
    assert all(frozen > 0 for frozen, _ in server.seen)
    assert all(threshold >= SPARED_THRESHOLD for _, threshold in server.seen)
    # Afterwards everything is the collector's again, with its thresholds as they were.
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds


def test_the_push_leaves_a_process_s_own_frozen_objects_frozen(unfrozen):
    gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        store = MemoryStore()
        store.add("business", "create", business("Kios"))
        assert push(WatchingServer(store), store).applied == 1
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()


def test_a_cycle_made_during_the_push_is_still_collected(unfrozen):
    store = MemoryStore()
    store.add("business", "create", business("Kios"))
    collected: list[bool] = []

    class Cyclic:
        def __init__(self) -> None:
            self.me = self

        def __del__(self) -> None:
            collected.append(True)

    class MakingServer(LedgerServer):
        def push(self, request: protocol.PushRequest) -> protocol.PushResponse:
            Cyclic()
            gc.collect()
            return super().push(request)

    push(MakingServer(store), store)
    assert collected == [True]


def test_the_device_id_is_read_once_per_push():
    store = CountingStore()
    for n in range(32):
        store.add("business", "create", business(f"Kios {n}"))
    server = LedgerServer(store)
    store.reads = 0
    report = push(server, store)
    assert report.applied == 32
    assert len(server.requests) == 7
    assert store.reads == 1


def _request(store: MemoryStore) -> protocol.PushRequest:
    ops = valid_ops(store, store.pending_ops(50), CycleReport(clock_offset=-12.3456))
    return push_request(store, ops)


def test_a_body_made_of_its_ops_json_is_the_request_s_own_json():
    store = MemoryStore()
    store.add("business", "create", business("Warung Bu Siti – “Pempek” 🐟", latitude=-2.976073))
    store.add("enrollment", "create", enrollment(fixture_nik(), full_name="Ñoño Ütama"))
    store.add("business", "update", {"workers_count": 3, "notes": None}, base_version=4)
    request = _request(store)
    assert len(request.ops) == 3
    body = request_json(request, [op_json(op) for op in request.ops])
    assert body == request.model_dump_json().encode("utf-8")
    empty = request.model_copy(update={"ops": []})
    assert request_json(empty, []) == empty.model_dump_json().encode("utf-8")


class EncodingServer(LedgerServer):
    """A model server with the real client's `encode_push`; records what it was given."""

    def __init__(self, store: MemoryStore) -> None:
        super().__init__(store)
        self.raws: list[bytes | None] = []
        self.bodies: list[tuple[protocol.PushRequest, Body]] = []

    def encode_push(self, batch: protocol.PushRequest, *, raw: bytes | None = None) -> Body:
        self.raws.append(raw)
        return SyncClient.encode_push(self, batch, raw=raw)  # type: ignore[arg-type]

    def encode_body(self, data: bytes, content_type: str) -> Body:
        return Body(data, {"Content-Type": content_type})

    def push(self, request: protocol.PushRequest, *, body: Body | None = None) -> Any:
        assert body is not None
        self.bodies.append((request, body))
        return super().push(request)


def test_each_op_is_serialized_once_and_its_json_makes_the_body():
    store = MemoryStore()
    for n in range(12):
        store.add("business", "create", business(f"Kios “{n}”"))
    server = EncodingServer(store)
    assert push(server, store).applied == 12
    assert len(server.raws) == 3 and all(raw is not None for raw in server.raws)
    for request, body in server.bodies:
        assert body.data == request.model_dump_json().encode("utf-8")
