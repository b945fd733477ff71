"""`SyncEngine` against the fault injector: answers the real server never gives on demand.

An answer that leaves ops out, a 413 for a batch the config said was fine, a cursor that
expires twice: the engine must cope, and these are scripted on a loopback stdlib server.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
import time

import pytest
from fault_server import Reply, fault_server
from sync_support import MemoryStore, business

from sync import client as sync_client
from sync import engine as sync_engine
from sync.client import SyncClient, SyncError
from sync.engine import SyncEngine

NOW = dt.datetime.now(dt.UTC).isoformat()


def config(max_ops: int = 500) -> Reply:
    return Reply(
        200,
        {
            "protocol_version": 1,
            "max_ops_per_batch": max_ops,
            "max_body_bytes": 1_000_000,
            "server_time": NOW,
        },
    )


def answer(*ops: dict, status: str = "applied") -> Reply:
    results = [
        {"op_id": op["op_id"], "status": status, "entity_version": 1, "server_seq": n}
        for n, op in enumerate(ops, 1)
    ]
    return Reply(200, {"results": results, "server_time": NOW})


def page(cursor: str = "c1", has_more: bool = False) -> Reply:
    body = {"changes": [], "next_cursor": cursor, "has_more": has_more, "server_time": NOW}
    return Reply(200, body)


def engine_on(base_url: str, store: MemoryStore, **kwargs: object) -> SyncEngine:
    client = SyncClient(base_url, store.device_id, "Laptop uji", max_retries=0)
    client.set_tokens(sync_client.Tokens("a", "r", time.time() + 900))
    return SyncEngine(client, store, **kwargs)  # type: ignore[arg-type]


def body_of(seen) -> dict:
    raw = gzip.decompress(seen.body) if seen.headers.get("Content-Encoding") else seen.body
    return json.loads(raw)


def pushed_seqs(fake) -> list[list[int]]:
    return [
        [op["op_seq"] for op in body_of(seen)["ops"]]
        for seen in fake.seen
        if seen.path == "/v1/sync/push"
    ]


def test_ops_missing_from_the_answer_are_sent_again_in_the_next_batch():
    store = MemoryStore()
    ops = [store.add("business", "create", business(f"Toko {n}")) for n in range(5)]
    with fault_server() as fake:
        fake.script(
            config(),
            answer(ops[0], ops[2]),  # ops[1] left out: not processed
            answer(ops[3], ops[4]),  # sent while the first answer was being settled
            answer(ops[1]),
            page(),
        )
        report = engine_on(fake.base_url, store, batch_size=3).run_cycle()
        assert pushed_seqs(fake) == [[1, 2, 3], [4, 5], [2]]
    assert (report.applied, report.unanswered, report.batches) == (5, 1, 3)
    assert sync_engine.WARNING_OPS_UNANSWERED in report.warnings
    assert store.pending_count() == 0


def test_an_op_the_server_never_answers_is_left_for_the_next_cycle():
    store = MemoryStore()
    ignored = store.add("business", "create", business("Diabaikan"))
    with fault_server() as fake:
        empty = Reply(200, {"results": [], "server_time": NOW})
        fake.script(config(), empty, empty, empty, page())
        report = engine_on(fake.base_url, store).run_cycle()
        assert pushed_seqs(fake) == [[1]] * sync_engine.MAX_SENDS_PER_CYCLE
    assert report.pages == 1
    assert store.state_of(ignored) == "pending"


def test_a_413_halves_the_batch_and_a_lone_op_is_settled_as_too_large():
    store = MemoryStore()
    ops = [store.add("business", "create", business(f"Kios {n}")) for n in range(4)]
    too_large = Reply(413, {"error": {"code": "too_large", "message": "Too big."}})
    with fault_server() as fake:
        fake.script(
            config(),
            too_large,  # [1, 2, 3, 4]
            answer(ops[0], ops[1]),  # [1, 2]
            too_large,  # [3, 4]
            answer(ops[2]),  # [3]
            too_large,  # [4]
            page(),
        )
        report = engine_on(fake.base_url, store).run_cycle()
        assert pushed_seqs(fake) == [[1, 2, 3, 4], [1, 2], [3, 4], [3], [4]]
    assert (report.applied, report.rejected) == (3, 1)
    assert store.state_of(ops[3]) == "rejected"
    assert store.result_of(ops[3]).error.code == "too_large"


def test_a_cursor_that_expires_again_after_the_reset_is_an_error():
    store = MemoryStore(cursor="old")
    expired = Reply(410, {"error": {"code": "cursor_expired", "message": "Gone."}})
    with fault_server() as fake:
        fake.script(config(), expired, expired)
        with pytest.raises(SyncError) as caught:
            engine_on(fake.base_url, store).run_cycle()
        pulls = [seen.path for seen in fake.seen if seen.path.startswith("/v1/sync/pull")]
    assert caught.value.kind == "cursor_expired"
    assert store.resets == 1
    assert "cursor=old" in pulls[0] and "cursor" not in pulls[1]
    assert caught.value.report.cursor_reset is True


def test_a_server_on_another_protocol_version_is_refused():
    store = MemoryStore()
    with fault_server() as fake:
        fake.script(
            Reply(
                200,
                {
                    "protocol_version": 2,
                    "max_ops_per_batch": 10,
                    "max_body_bytes": 1000,
                    "server_time": NOW,
                },
            )
        )
        with pytest.raises(SyncError) as caught:
            engine_on(fake.base_url, store).run_cycle()
    assert (caught.value.kind, caught.value.code) == ("protocol", "protocol_version")


def test_cancel_cuts_a_long_backoff_short():
    store = MemoryStore()
    store.add("business", "create", business())
    overloaded = Reply(503, {"error": {"code": "busy", "message": "Busy."}}, {"Retry-After": "60"})
    with fault_server() as fake:
        fake.script(config(), overloaded)
        client = SyncClient(fake.base_url, store.device_id, "Laptop uji")
        client.set_tokens(sync_client.Tokens("a", "r", time.time() + 900))
        engine = SyncEngine(client, store)
        timer = threading.Timer(0.3, engine.cancel)
        timer.start()
        started = time.monotonic()
        report = engine.run_cycle()
        timer.join()
    assert time.monotonic() - started < 10
    assert report.cancelled is True
    assert store.pending_count() == 1


def test_a_store_of_another_device_is_refused_before_any_call():
    store = MemoryStore()
    with fault_server() as fake:
        client = SyncClient(fake.base_url, "00000000-0000-4000-8000-000000000001", "Laptop")
        with pytest.raises(SyncError) as caught:
            SyncEngine(client, store).run_cycle()
        assert fake.seen == []
    assert (caught.value.kind, caught.value.code) == ("protocol", "device_mismatch")
