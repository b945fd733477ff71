"""`SyncClient.head_attachment` and `put_attachment` (SYNC_PROTOCOL.md 1.1) on the wire: what
is sent, what each answer means, and which failures are retried (a scripted loopback server,
fault_server.py; the real server's answers are tested end to end in tests/e2e)."""

from __future__ import annotations

import hashlib
import time
import uuid

import pytest
from fault_server import Reply, fault_server

from sync import client as sync_client
from sync.client import SyncClient, SyncError

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 20  # past the gzip threshold
SHA = hashlib.sha256(PHOTO).hexdigest()
LOGIN = {
    "access_token": "access-2",
    "refresh_token": "refresh-2",
    "expires_in": 900,
    "agent": {"code": "AG001", "name": "Agen", "branch": "PLG", "role": "agent"},
}


def error(code: str) -> dict[str, object]:
    return {"error": {"code": code, "message": "nope"}}


def logged_in(base_url: str) -> SyncClient:
    client = SyncClient(base_url, uuid.uuid4(), "Laptop uji", sleep=lambda _: None, rng=lambda: 0.0)
    client.set_tokens(sync_client.Tokens("access-1", "refresh-1", time.time() + 900))
    return client


def test_head_says_whether_the_server_holds_the_attachment():
    with fault_server(Reply(200), Reply(404, error("not_found"))) as fake:
        client = logged_in(fake.base_url)
        assert client.head_attachment(SHA) is True
        assert client.head_attachment(SHA) is False
        assert [(s.method, s.path) for s in fake.seen] == [
            ("HEAD", f"/v1/attachments/{SHA}"),
            ("HEAD", f"/v1/attachments/{SHA}"),
        ]
        assert fake.seen[0].headers["Authorization"] == "Bearer access-1"


def test_put_sends_the_raw_bytes_with_their_type_and_says_whether_they_were_new():
    with fault_server(Reply(201, {"sha256": SHA}), Reply(200, {"sha256": SHA})) as fake:
        client = logged_in(fake.base_url)
        assert client.put_attachment(SHA, "image/jpeg", PHOTO) is True
        assert client.put_attachment(SHA, "image/jpeg", PHOTO) is False
        sent = fake.seen[0]
        assert (sent.method, sent.path, sent.body) == ("PUT", f"/v1/attachments/{SHA}", PHOTO)
        assert sent.headers["Content-Type"] == "image/jpeg"
        assert "Content-Encoding" not in sent.headers  # a JPEG is not gzipped


@pytest.mark.parametrize(("status", "kind"), [(413, "too_large"), (400, "protocol")])
def test_a_refused_attachment_fails_at_once_without_retries(status, kind):
    with fault_server(Reply(status, error("refused"))) as fake:
        client = logged_in(fake.base_url)
        with pytest.raises(SyncError) as caught:
            client.put_attachment(SHA, "image/jpeg", PHOTO)
        assert (caught.value.kind, caught.value.status) == (kind, status)
        assert len(fake.seen) == 1


def test_a_busy_server_is_retried_and_an_expired_token_refreshed():
    with fault_server(
        Reply(503, error("busy")), Reply(401, error("token_expired")), Reply(200, LOGIN),
        Reply(201, {}),
    ) as fake:  # fmt: skip
        client = logged_in(fake.base_url)
        assert client.put_attachment(SHA, "image/png", PHOTO) is True
        assert [s.method for s in fake.seen] == ["PUT", "PUT", "POST", "PUT"]
        assert fake.seen[-1].headers["Authorization"] == "Bearer access-2"
        assert fake.seen[-1].body == PHOTO


def test_a_name_that_is_not_a_sha256_never_reaches_the_server():
    client = logged_in("http://127.0.0.1:9")
    for bad in ("../config", SHA.upper(), SHA[:-1], SHA + "/x"):
        with pytest.raises(ValueError):
            client.head_attachment(bad)
        with pytest.raises(ValueError):
            client.put_attachment(bad, "image/jpeg", PHOTO)
