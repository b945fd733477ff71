"""`SyncClient` against the real central server in its own process (conftest `server`)."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import uuid

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers.live_server import MAX_BODY_BYTES, MAX_OPS_PER_BATCH, PASSWORD
from sync_support import MemoryStore, business, now_wib

from sync import bundle, protocol
from sync.client import SyncClient, SyncError, Tokens


def batch_of(client: SyncClient, *ops: dict) -> protocol.PushRequest:
    return protocol.PushRequest(
        protocol_version=1,
        device_id=uuid.UUID(client.device_id),
        batch_id=uuid.uuid4(),
        ops=[protocol.Op.model_validate(op) for op in ops],
    )


def test_health(make_client):
    assert make_client(None).health().status == "ok"


def test_login_keeps_the_tokens_and_names_the_agent(make_client):
    client = make_client(None)
    answer = client.login("AG001", PASSWORD)
    assert answer.agent.code == "AG001"
    assert answer.agent.branch == "PLG"
    assert client.agent == answer.agent
    assert client.tokens is not None
    assert client.tokens.access_token == answer.access_token
    assert answer.server_public_key


def test_a_wrong_password_is_an_auth_error(make_client):
    client = make_client(None)
    with pytest.raises(SyncError) as caught:
        client.login("LOCK01", "not-the-password")
    assert caught.value.kind == "auth"
    assert caught.value.status == 401
    assert not client.logged_in


def test_a_locked_account_is_an_auth_error_and_not_retried(make_client):
    client = make_client(None)
    codes = []
    for _ in range(6):
        with pytest.raises(SyncError) as caught:
            client.login("LOCK02", "still-not-the-password")
        codes.append(caught.value.code)
    assert codes[0] == "wrong_password"
    assert codes[-1] == "account_locked"
    assert caught.value.kind == "auth"
    assert caught.value.status == 429
    assert caught.value.retry_after is not None and caught.value.retry_after > 60


def test_config_tells_the_limits_and_the_time(make_client):
    config = make_client().config()
    assert config.protocol_version == protocol.PROTOCOL_VERSION
    assert config.max_ops_per_batch == MAX_OPS_PER_BATCH
    assert config.max_body_bytes == MAX_BODY_BYTES
    assert abs((config.server_time - dt.datetime.now(dt.UTC)).total_seconds()) < 60


def test_push_applies_then_answers_a_replay_as_duplicate(make_client):
    client = make_client()
    store = MemoryStore()
    op = store.add("business", "create", business())
    first = client.push(batch_of(client, op))
    (result,) = first.results
    assert (str(result.op_id), result.status, result.entity_version) == (op["op_id"], "applied", 1)
    again = client.push(batch_of(client, op))
    assert again.results[0].status == "duplicate"
    assert again.results[0].server_seq == result.server_seq


def test_pull_pages_through_what_was_pushed(make_client):
    client = make_client("AG002")
    store = MemoryStore()
    ops = [store.add("business", "create", business(f"Warung {n}")) for n in range(5)]
    client.push(batch_of(client, *ops))
    cursor: str | None = None
    seen: set[str] = set()
    for _ in range(1000):
        page = client.pull(cursor, 2)
        assert len(page.changes) <= 2
        seen.update(str(change.entity_id) for change in page.changes)
        cursor = page.next_cursor
        if not page.has_more:
            break
    assert {op["entity_id"] for op in ops} <= seen
    assert client.pull(cursor, 10).changes == []


def test_a_cursor_the_server_did_not_make_is_a_protocol_error(make_client):
    with pytest.raises(SyncError) as caught:
        make_client().pull("made-up.cursor", 10)
    assert (caught.value.kind, caught.value.status) == ("protocol", 400)


def test_participant_check(make_client):
    client = make_client()
    assert client.check_participant("1671034509999999").enrolled is False
    with pytest.raises(SyncError) as caught:
        client.check_participant("12345")
    assert (caught.value.kind, caught.value.status) == ("protocol", 400)


def test_a_bad_access_token_is_refreshed_against_the_real_server(make_client):
    client = make_client()
    tokens = client.tokens
    assert tokens is not None
    client.set_tokens(Tokens("not-a-token", tokens.refresh_token, tokens.expires_at))
    assert client.config().protocol_version == 1
    assert client.tokens is not None
    assert client.tokens.refresh_token != tokens.refresh_token


def test_a_refresh_token_traded_in_again_within_the_grace_window_still_works(make_client):
    """The laptop lost the answer to its refresh and still holds the old refresh token: the
    real server gives it the pair it lost (within `refresh_grace_seconds`) instead of a login."""
    client = make_client()
    tokens = client.tokens
    assert tokens is not None
    client.refresh()  # this answer is "lost": the stale client below never saw it
    stale = make_client(None, device_id=client.device_id)
    stale.set_tokens(Tokens("not-a-token", tokens.refresh_token, tokens.expires_at))
    assert stale.config().protocol_version == 1
    assert stale.tokens is not None
    assert stale.tokens.refresh_token == client.tokens.refresh_token


def test_a_batch_for_another_device_is_forbidden(make_client):
    client = make_client()
    store = MemoryStore()
    request = batch_of(client, store.add("business", "create", business()))
    request.device_id = uuid.uuid4()
    with pytest.raises(SyncError) as caught:
        client.push(request)
    assert (caught.value.kind, caught.value.status) == ("auth", 403)


def test_too_many_ops_and_too_many_bytes_are_too_large(make_client):
    client = make_client()
    store = MemoryStore()
    ops = [store.add("business", "create", business()) for _ in range(MAX_OPS_PER_BATCH + 1)]
    with pytest.raises(SyncError) as caught:
        client.push(batch_of(client, *ops))
    assert (caught.value.kind, caught.value.status) == ("too_large", 413)
    # Compressible padding: small on the wire, over the cap once decompressed.
    big = store.add("business", "create", business(address="x" * 400))
    body = batch_of(client, *[{**big, "op_seq": n} for n in range(1, 200)])
    with pytest.raises(SyncError) as caught:
        client.push({**body.model_dump(mode="json"), "padding": "y" * MAX_BODY_BYTES})
    assert (caught.value.kind, caught.value.status) == ("too_large", 413)


def test_request_bodies_are_gzipped_on_the_wire_and_the_server_reads_them(make_client, server):
    client = make_client()
    store = MemoryStore()
    ops = [store.add("business", "create", business(address="Jl. " * 50)) for _ in range(10)]
    sent: list[requests.PreparedRequest] = []
    client.session.hooks["response"].append(lambda response, **_: sent.append(response.request))
    answer = client.push(batch_of(client, *ops))
    assert [result.status for result in answer.results] == ["applied"] * 10
    (request,) = sent
    assert request.headers["Content-Encoding"] == "gzip"
    assert isinstance(request.body, bytes)
    assert len(json.loads(gzip.decompress(request.body))["ops"]) == 10
    # Encoded ahead (the pusher does it on the cycle's thread): the same body goes out.
    more = batch_of(client, *[store.add("business", "create", business()) for _ in range(10)])
    encoded = client.encode_push(more)
    assert gzip.decompress(encoded.data) == more.model_dump_json().encode("utf-8")
    answer = client.push(more, body=encoded)
    assert [result.status for result in answer.results] == ["applied"] * 10
    assert sent[1].body == encoded.data
    assert sent[1].headers["Content-Encoding"] == "gzip"


def test_upload_bundle_goes_through_the_same_ledger(make_client):
    device_key = Ed25519PrivateKey.generate()
    client = make_client(None)
    answer = client.login(
        "AG001",
        PASSWORD,
        device_public_key=base64.b64encode(bundle.raw_public(device_key)).decode(),
    )
    assert answer.server_public_key is not None
    store = MemoryStore(device_id=client.device_id)
    ops = [store.add("business", "create", business()) for _ in range(3)]
    data = bundle.seal(
        batch_of(client, *ops).model_dump(mode="json"),
        agent_code="AG001",
        server_public_key=base64.b64decode(answer.server_public_key),
        device_private_key=device_key,
        created_at=now_wib().isoformat(),
    )
    first = client.upload_bundle(data)
    assert [result.status for result in first.results] == ["applied"] * 3
    second = client.upload_bundle(data)
    assert [result.status for result in second.results] == ["duplicate"] * 3
    online = client.push(batch_of(client, *ops))
    assert [result.status for result in online.results] == ["duplicate"] * 3


def test_the_server_takes_our_request_id(make_client, caplog):
    client = make_client()
    echoed: list[tuple[str, str]] = []
    client.session.hooks["response"].append(
        lambda response, **_: echoed.append(
            (response.request.headers["X-Request-ID"], response.headers.get("X-Request-ID", ""))
        )
    )
    caplog.set_level("INFO", logger="sync")
    client.config()
    ((sent, answered),) = echoed
    assert sent == answered
    assert sent in caplog.text
