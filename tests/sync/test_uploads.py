"""The push's attachment uploads (`sync.uploads`, `sync.pusher`): what is sent before which op,
what is never sent twice, an `attachment_missing` answer resent after a new upload, and an
attachment that cannot be sent holding back only its own ops.

The server here is a small model of the 1.1 rules (blobs by hash, a ledger that stores no
answer for `attachment_missing`) so each case is exact; tests/e2e runs the same cases against
the real server process."""

from __future__ import annotations

import hashlib
import threading
import uuid
from typing import Any

import pytest
from sync_support import MemoryStore, business

from sync import protocol
from sync.client import SyncError
from sync.contract import CycleReport
from sync.pusher import Pusher
from sync.uploads import ATTACHMENT_INVALID, ATTACHMENT_TOO_LARGE, ATTACHMENT_UNAVAILABLE

CONFIG = protocol.SyncConfig.model_validate(
    {
        "protocol_version": 1,
        "max_ops_per_batch": 2,
        "max_body_bytes": 1_000_000,
        "server_time": "2026-11-21T03:00:00+00:00",
        "max_attachment_bytes": 1000,
    }
)


class ModelServer:
    """Blobs by SHA-256 and a ledger of op answers, as the 1.1 server keeps them."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.ledger: dict[uuid.UUID, str] = {}
        self.calls: list[tuple[str, str]] = []
        self.refuse: set[str] = set()  # bytes the server finds not to be an image
        self.fail_puts = 0  # network failures to answer the next PUTs with
        self.unreachable: set[str] = set()  # blobs whose PUT always fails (network)

    def head_attachment(self, sha: str) -> bool:
        self.calls.append(("HEAD", sha))
        return sha in self.blobs

    def put_attachment(self, sha: str, media_type: str, data: bytes) -> bool:
        self.calls.append(("PUT", sha))
        if self.fail_puts or sha in self.unreachable:
            self.fail_puts = max(0, self.fail_puts - 1)
            raise SyncError("network", "connection_failed", "Could not connect.")
        if len(data) > 1500:
            raise SyncError("too_large", "attachment_too_large", "too large", 413)
        if sha in self.refuse or hashlib.sha256(data).hexdigest() != sha:
            raise SyncError("protocol", "invalid_attachment", "not an image", 400)
        created = sha not in self.blobs
        self.blobs[sha] = data
        return created

    def push(self, request: protocol.PushRequest) -> protocol.PushResponse:
        self.calls.append(("PUSH", ",".join(str(op.op_seq) for op in request.ops)))
        results = []
        for op in request.ops:
            shas = [a["sha256"] for a in op.fields.get("attachments", [])]
            if any(sha not in self.blobs for sha in shas):
                results.append(
                    protocol.OpResult(
                        op_id=op.op_id,
                        status="rejected",
                        error=protocol.OpError(code="attachment_missing", message="upload it"),
                    )
                )
                continue  # no ledger answer: the same op is applied once the blob is here
            status = "duplicate" if op.op_id in self.ledger else "applied"
            self.ledger[op.op_id] = status
            results.append(
                protocol.OpResult(op_id=op.op_id, status=status, entity_version=1, server_seq=1)
            )
        return protocol.PushResponse(results=results, server_time=CONFIG.server_time)


def photo(store: MemoryStore, label: str, size: int = 300) -> dict[str, Any]:
    data = (label.encode() * size)[:size]
    sha = hashlib.sha256(data).hexdigest()
    store.blobs[sha] = ("image/jpeg", data)
    return {"kind": "storefront_photo", "sha256": sha, "media_type": "image/jpeg", "size": size}


def push(
    server: ModelServer,
    store: MemoryStore,
    config: protocol.SyncConfig = CONFIG,
    notify: Any = lambda *_: None,
) -> CycleReport:
    report = CycleReport()
    pusher = Pusher(server, store, threading.Event(), config, None, report, notify)  # type: ignore[arg-type]
    pusher.run()
    return report


def uploads(server: ModelServer) -> list[str]:
    return [sha for call, sha in server.calls if call == "PUT"]


def test_photos_go_before_their_op_and_never_twice():
    server, store = ModelServer(), MemoryStore()
    one, two = photo(store, "a"), photo(store, "b")
    op = store.add("business", "create", business(attachments=[one, two]))
    steps: list[tuple[str, int, int | None]] = []
    report = push(server, store, notify=lambda *step: steps.append(step))
    assert [s for s in steps if s[0] == "photos"] == [
        ("photos", 0, 2),
        ("photos", 1, 2),
        ("photos", 2, 2),
    ]
    assert server.calls[:4] == [
        ("HEAD", one["sha256"]),
        ("PUT", one["sha256"]),
        ("HEAD", two["sha256"]),
        ("PUT", two["sha256"]),
    ]
    assert server.calls[4][0] == "PUSH"
    assert store.state_of(op) == "done" and report.attachments == 2
    assert store.uploaded == {one["sha256"], two["sha256"]}
    later = store.add("business", "update", {"name": "Baru", "attachments": [one, two]})
    server.calls.clear()
    push(server, store)
    assert [call for call, _ in server.calls] == ["PUSH"]  # known uploaded: not even a HEAD
    assert store.state_of(later) == "done"


def test_what_the_server_already_holds_is_only_marked():
    server, store = ModelServer(), MemoryStore()
    held = photo(store, "h")
    server.blobs[held["sha256"]] = store.blobs[held["sha256"]][1]
    store.add("business", "create", business(attachments=[held]))
    report = push(server, store)
    assert uploads(server) == [] and report.attachments == 0
    assert store.uploaded == {held["sha256"]}


def test_a_blob_the_server_lost_is_sent_again_and_its_op_applied_once():
    server, store = ModelServer(), MemoryStore()
    lost = photo(store, "l")
    store.uploaded.add(lost["sha256"])  # the laptop saw it there once; the server lost it
    op = store.add("business", "create", business(attachments=[lost]))
    report = push(server, store)
    assert store.state_of(op) == "done"
    assert [call for call, _ in server.calls] == ["PUSH", "HEAD", "PUT", "PUSH"]
    assert list(server.ledger.values()) == ["applied"]
    assert (report.attachments_missing, report.applied, report.rejected) == (1, 1, 0)
    marked = [r.status for batch in store.batches_marked for r in batch]
    assert marked == ["applied"]  # the attachment_missing answer never reached the store


@pytest.mark.parametrize(
    ("spoil", "code"),
    [
        (lambda server, store, sha: store.blobs.update({sha: ("image/jpeg", b"x" * 1200)}), None),
        (lambda server, store, sha: server.refuse.add(sha), ATTACHMENT_INVALID),
        (lambda server, store, sha: store.blobs.pop(sha), ATTACHMENT_UNAVAILABLE),
    ],
    ids=["too_large", "invalid", "unavailable"],
)
@pytest.mark.expect_warning_log("attachment")
def test_a_photo_that_cannot_be_sent_holds_back_only_its_own_ops(spoil, code):
    server, store = ModelServer(), MemoryStore()
    good, bad = photo(store, "g"), photo(store, "b")
    before = store.add("business", "create", business("Warung Satu", attachments=[good]))
    own = store.add("business", "create", business("Warung Dua", attachments=[good, bad]))
    plain = store.add("business", "create", business("Warung Tiga"))
    spoil(server, store, bad["sha256"])
    if code is None:  # over the server's max_attachment_bytes: not even sent
        code = ATTACHMENT_TOO_LARGE
    report = push(server, store)
    assert store.state_of(before) == store.state_of(plain) == "done"
    assert store.state_of(own) == "rejected"
    assert store.result_of(own).error.code == code
    assert report.rejected == 1 and "ops_unsendable" in report.warnings
    assert bad["sha256"] not in server.blobs and bad["sha256"] not in store.uploaded


def test_a_413_from_the_server_is_an_attachment_too_large():
    server, store = ModelServer(), MemoryStore()
    big = photo(store, "z", size=1600)
    op = store.add("business", "create", business(attachments=[big]))
    # A 1.1 server (protocol_minor) that does not say its cap.
    unknown_limit = CONFIG.model_copy(update={"max_attachment_bytes": None, "protocol_minor": 1})
    report = push(server, store, unknown_limit)
    assert uploads(server) == [big["sha256"]]  # sent once, refused, not retried
    assert report.rejected == 1 and store.result_of(op).error.code == ATTACHMENT_TOO_LARGE


@pytest.mark.parametrize("status", [400, 415, 422])
@pytest.mark.expect_warning_log("the server refused attachment")
def test_bytes_the_server_refuses_are_an_invalid_attachment(status):
    server, store = ModelServer(), MemoryStore()
    shot = photo(store, "r")
    op = store.add("business", "create", business(attachments=[shot]))
    refusal = SyncError("protocol", "refused", "no", status)

    def refuse(sha: str, media_type: str, data: bytes) -> bool:
        raise refusal

    server.put_attachment = refuse  # type: ignore[method-assign]
    report = push(server, store)
    assert report.rejected == 1 and store.result_of(op).error.code == ATTACHMENT_INVALID


def test_a_network_failure_ends_the_push_and_marks_nothing():
    server, store = ModelServer(), MemoryStore()
    shot = photo(store, "n")
    op = store.add("business", "create", business(attachments=[shot]))
    server.fail_puts = 1
    with pytest.raises(SyncError) as caught:
        push(server, store)
    assert caught.value.kind == "network"
    assert store.uploaded == set() and store.state_of(op) == "pending"
    assert [call for call, _ in server.calls] == ["HEAD", "PUT"]  # the op was not pushed
    push(server, store)  # the next cycle
    assert store.state_of(op) == "done" and shot["sha256"] in server.blobs


def test_a_batch_goes_without_waiting_for_the_photos_of_the_next_one():
    """Batches of two: the photos of ops 3 and 4 are sent after ops 1 and 2 went, so a photo
    of op 3 that cannot get through holds back neither op 1 nor op 2."""
    server, store = ModelServer(), MemoryStore()
    shots = [photo(store, f"p{n}") for n in range(4)]
    ops = [store.add("business", "create", business(attachments=[shot])) for shot in shots]
    server.unreachable.add(shots[2]["sha256"])
    with pytest.raises(SyncError):
        push(server, store)
    assert [store.state_of(op) for op in ops] == ["done", "done", "pending", "pending"]
    assert uploads(server)[:2] == [shots[0]["sha256"], shots[1]["sha256"]]
