"""The laptop's `SyncClient` pulling from the real central server (its own process, conftest
`server`): pull pages come gzipped on the wire (requests asks for them and decompresses them)
and the client gets the same changes as a client that asks for them plain (issue 15)."""

from __future__ import annotations

import uuid

import requests
from sync_support import MemoryStore, business

from sync import protocol
from sync.client import SyncClient


def _push(client: SyncClient, n: int) -> set[str]:
    store = MemoryStore()
    ops = [store.add("business", "create", business(f"Toko Sejahtera {i}")) for i in range(n)]
    client.push(
        protocol.PushRequest(
            protocol_version=1,
            device_id=uuid.UUID(client.device_id),
            batch_id=uuid.uuid4(),
            ops=[protocol.Op.model_validate(item) for item in ops],
        )
    )
    return {item["entity_id"] for item in ops}


def _pull_everything(client: SyncClient) -> tuple[list[protocol.Change], list[requests.Response]]:
    answers: list[requests.Response] = []
    client.session.hooks["response"].append(lambda response, **_: answers.append(response))
    changes: list[protocol.Change] = []
    cursor: str | None = None
    while True:
        page = client.pull(cursor, 1000)
        changes += page.changes
        cursor = page.next_cursor
        if not page.has_more:
            return changes, [a for a in answers if "/v1/sync/pull" in a.url]


def test_the_client_pulls_the_same_changes_gzipped_or_plain(make_client):
    pushed = _push(make_client("AG003"), 40)
    gzipped_client = make_client("AG003")
    plain_client = make_client("AG003")
    plain_client.session.headers["Accept-Encoding"] = "identity"
    gzipped, gzipped_answers = _pull_everything(gzipped_client)
    plain, plain_answers = _pull_everything(plain_client)
    assert pushed <= {str(change.entity_id) for change in gzipped}
    assert [c.model_dump() for c in gzipped] == [c.model_dump() for c in plain]
    assert gzipped_answers[0].request.headers["Accept-Encoding"] == "gzip, deflate"
    assert gzipped_answers[0].headers["Content-Encoding"] == "gzip"
    assert all("Content-Encoding" not in answer.headers for answer in plain_answers)
    on_the_wire = int(gzipped_answers[0].headers["Content-Length"])
    assert on_the_wire < int(plain_answers[0].headers["Content-Length"]) / 4
