"""`SyncClient` against a fault injector: retries, backoff, Retry-After, timeouts, gzip, tokens.

The faults (a 503 from an overloaded proxy, a socket that never answers) cannot be produced
by the real server on demand, so a loopback stdlib server scripts them (fault_server.py).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import json
import logging
import time
import uuid

import pytest
from fault_server import Reply, fault_server

from sync import client as sync_client
from sync.client import SyncClient, SyncError

NOW = dt.datetime(2026, 11, 21, 3, 0, tzinfo=dt.UTC).isoformat()
CONFIG = {
    "protocol_version": 1,
    "max_ops_per_batch": 500,
    "max_body_bytes": 1_000_000,
    "server_time": NOW,
}
LOGIN = {
    "access_token": "access-1",
    "refresh_token": "refresh-1",
    "expires_in": 900,
    "agent": {"code": "AG001", "name": "Agen", "branch": "PLG", "role": "agent"},
}


def error(code: str, message: str = "nope") -> dict[str, object]:
    return {"error": {"code": code, "message": message}}


class Sleeper:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def make(base_url: str, **kwargs: object) -> tuple[SyncClient, Sleeper]:
    sleeper = Sleeper()
    options: dict[str, object] = {"sleep": sleeper, "rng": lambda: 1.0, "timeout": (1, 2)}
    options.update(kwargs)
    client = SyncClient(base_url, uuid.uuid4(), "Laptop uji", **options)  # type: ignore[arg-type]
    return client, sleeper


def logged_in(base_url: str, **kwargs: object) -> tuple[SyncClient, Sleeper]:
    client, sleeper = make(base_url, **kwargs)
    client.set_tokens(sync_client.Tokens("access-1", "refresh-1", time.time() + 900))
    return client, sleeper


def test_503_with_retry_after_seconds_is_waited_for_then_retried():
    with fault_server(
        Reply(503, error("overloaded"), {"Retry-After": "2"}), Reply(200, {"status": "ok"})
    ) as fake:
        client, sleeper = make(fake.base_url, rng=lambda: 0.0)
        assert client.health().status == "ok"
        assert len(fake.seen) == 2
        assert sleeper.calls == [2.0]


def test_429_with_an_http_date_retry_after_is_honoured():
    later = email.utils.format_datetime(
        dt.datetime.now(dt.UTC) + dt.timedelta(seconds=20), usegmt=True
    )
    with fault_server(
        Reply(429, error("busy"), {"Retry-After": later}), Reply(200, CONFIG)
    ) as fake:
        client, sleeper = logged_in(fake.base_url, rng=lambda: 0.0)
        assert client.config().max_ops_per_batch == 500
        assert len(sleeper.calls) == 1
        assert 17 <= sleeper.calls[0] <= 20


def test_parse_retry_after():
    assert sync_client.parse_retry_after(None) is None
    assert sync_client.parse_retry_after("7") == 7.0
    assert sync_client.parse_retry_after("-3") == 0.0
    assert sync_client.parse_retry_after("soon") is None
    assert sync_client.parse_retry_after("Sat, 21 Nov 2026 03:00:10 GMT", now=1_795_230_000) == 10


def test_backoff_is_exponential_with_full_jitter_and_a_cap():
    replies = [Reply(502, None)] * 5 + [Reply(200, {"status": "ok"})]
    with fault_server(*replies) as fake:
        client, sleeper = make(fake.base_url, backoff_base=0.5, backoff_cap=4)
        assert client.health().status == "ok"
        assert sleeper.calls == [0.5, 1.0, 2.0, 4.0, 4.0]
    jittered, _ = make("http://127.0.0.1:9", rng=lambda: 0.25, backoff_base=1, backoff_cap=30)
    assert [jittered.backoff(n) for n in range(4)] == [0.25, 0.5, 1.0, 2.0]


def test_transient_failures_give_up_after_max_retries_with_a_server_error():
    with fault_server(Reply(503, error("maintenance", "Down for maintenance."))) as fake:
        client, sleeper = make(fake.base_url, max_retries=3)
        with pytest.raises(SyncError) as caught:
            client.health()
        assert len(fake.seen) == 4
        assert len(sleeper.calls) == 3
    assert caught.value.kind == "server"
    assert caught.value.code == "maintenance"
    assert caught.value.status == 503


def test_a_retry_after_longer_than_we_wait_fails_at_once_with_it():
    with fault_server(Reply(503, error("overloaded"), {"Retry-After": "3600"})) as fake:
        client, sleeper = make(fake.base_url)
        with pytest.raises(SyncError) as caught:
            client.health()
        assert len(fake.seen) == 1
    assert sleeper.calls == []
    assert caught.value.retry_after == 3600


def test_a_read_timeout_on_a_post_is_retried_since_every_op_is_idempotent():
    answer = {"results": [], "server_time": NOW}
    with fault_server(Reply(200, answer, delay=1.5), Reply(200, answer)) as fake:
        client, sleeper = logged_in(fake.base_url, timeout=(1, 0.3))
        batch = {"protocol_version": 1, "device_id": client.device_id, "ops": []}
        assert client.push(batch).results == []
        assert [seen.method for seen in fake.seen] == ["POST", "POST"]
        assert fake.seen[0].body == fake.seen[1].body
        assert len(sleeper.calls) == 1


def test_a_dropped_connection_is_retried():
    with fault_server(Reply(drop=True), Reply(200, {"status": "ok"})) as fake:
        client, sleeper = make(fake.base_url)
        assert client.health().status == "ok"
        assert len(sleeper.calls) == 1


def test_no_server_at_all_is_a_network_error():
    with fault_server() as fake:
        dead_url = fake.base_url
    client, sleeper = make(dead_url, max_retries=2)
    with pytest.raises(SyncError) as caught:
        client.health()
    assert caught.value.kind == "network"
    assert caught.value.code == "connection_failed"
    assert caught.value.status is None
    assert len(sleeper.calls) == 2


@pytest.mark.parametrize(
    ("status", "kind", "code"),
    [
        (400, "protocol", "bad_request"),
        (403, "auth", "device_mismatch"),
        (409, "conflict", "conflict"),
        (410, "cursor_expired", "cursor_expired"),
        (413, "too_large", "too_large"),
        (422, "protocol", "invalid"),
    ],
)
def test_status_codes_map_to_error_kinds_and_are_not_retried(status, kind, code):
    with fault_server(Reply(status, error(code, "The server says no."))) as fake:
        client, sleeper = logged_in(fake.base_url)
        with pytest.raises(SyncError) as caught:
            client.pull("c1", 10)
        assert len(fake.seen) == 1
    assert (caught.value.kind, caught.value.code, caught.value.status) == (kind, code, status)
    assert caught.value.message == "The server says no."
    assert sleeper.calls == []


def test_an_error_without_the_error_body_still_has_a_code():
    with fault_server(Reply(404, None)) as fake:
        client, _ = make(fake.base_url)
        with pytest.raises(SyncError) as caught:
            client.health()
    assert (caught.value.kind, caught.value.code) == ("protocol", "http_404")


def test_an_answer_that_is_not_the_model_is_a_protocol_error():
    with fault_server(Reply(200, {"status": "maybe"})) as fake:
        client, _ = make(fake.base_url)
        with pytest.raises(SyncError) as caught:
            client.health()
    assert (caught.value.kind, caught.value.code) == ("protocol", "bad_answer")


def test_large_bodies_are_gzipped_and_small_ones_are_not():
    answer = {"results": [], "server_time": NOW}
    with fault_server(Reply(200, answer)) as fake:
        client, _ = logged_in(fake.base_url)
        small = {"protocol_version": 1, "device_id": client.device_id, "ops": []}
        big = {**small, "padding": "x" * 5000}
        client.push(small)
        client.push(big)
        first, second = fake.seen
    assert "Content-Encoding" not in first.headers
    assert json.loads(first.body) == small
    assert second.headers["Content-Encoding"] == "gzip"
    assert len(second.body) < 1000
    assert json.loads(gzip.decompress(second.body)) == big


def test_every_call_carries_a_request_id_and_the_bearer_token():
    with fault_server(Reply(200, CONFIG)) as fake:
        client, _ = logged_in(fake.base_url)
        client.config()
        (seen,) = fake.seen
    assert seen.headers["Authorization"] == "Bearer access-1"
    assert len(seen.headers["X-Request-ID"]) == 32


def test_a_401_refreshes_once_and_repeats_the_call():
    refreshed = {**LOGIN, "access_token": "access-2", "refresh_token": "refresh-2"}
    saved: list[sync_client.Tokens] = []
    with fault_server(
        Reply(401, error("token_expired")), Reply(200, refreshed), Reply(200, CONFIG)
    ) as fake:
        client, _ = logged_in(fake.base_url, on_tokens=saved.append)
        assert client.config().protocol_version == 1
        paths = [seen.path for seen in fake.seen]
        assert paths == ["/v1/sync/config", "/v1/auth/refresh", "/v1/sync/config"]
        assert json.loads(fake.seen[1].body) == {"refresh_token": "refresh-1"}
        assert "Authorization" not in fake.seen[1].headers
        assert fake.seen[2].headers["Authorization"] == "Bearer access-2"
    assert client.tokens is not None and client.tokens.refresh_token == "refresh-2"
    assert [tokens.access_token for tokens in saved] == ["access-2"]


def test_a_second_401_after_the_refresh_is_an_auth_error():
    with fault_server(
        Reply(401, error("token_expired")), Reply(200, LOGIN), Reply(401, error("invalid_token"))
    ) as fake:
        client, _ = logged_in(fake.base_url)
        with pytest.raises(SyncError) as caught:
            client.config()
        assert len(fake.seen) == 3
    assert (caught.value.kind, caught.value.code) == ("auth", "invalid_token")


def test_a_refused_refresh_means_logging_in_again():
    with fault_server(
        Reply(401, error("token_expired")), Reply(401, error("invalid_refresh_token"))
    ) as fake:
        client, _ = logged_in(fake.base_url)
        with pytest.raises(SyncError) as caught:
            client.config()
    assert (caught.value.kind, caught.value.code) == ("auth", "session_expired")
    assert not client.logged_in


def test_an_access_token_about_to_expire_is_refreshed_before_the_call():
    with fault_server(
        Reply(200, {**LOGIN, "access_token": "access-2"}), Reply(200, CONFIG)
    ) as fake:
        client, _ = make(fake.base_url)
        client.set_tokens(sync_client.Tokens("access-1", "refresh-1", time.time() + 5))
        client.config()
        assert [seen.path for seen in fake.seen] == ["/v1/auth/refresh", "/v1/sync/config"]


def test_calls_without_a_login_are_auth_errors():
    client, _ = make("http://127.0.0.1:9")
    with pytest.raises(SyncError) as caught:
        client.config()
    assert (caught.value.kind, caught.value.code) == ("auth", "not_logged_in")


def test_the_log_has_method_path_status_and_no_bodies(caplog):
    caplog.set_level(logging.INFO, logger="sync")
    with fault_server(Reply(200, LOGIN), Reply(200, {"enrolled": False})) as fake:
        client, _ = make(fake.base_url)
        client.login("AG001", "rahasia-sekali")
        client.check_participant("1671034509990001")
    text = caplog.text
    assert "POST /v1/auth/login -> 200" in text
    assert "POST /v1/participants/check -> 200" in text
    for secret in ("rahasia-sekali", "1671034509990001", "access-1", "refresh-1"):
        assert secret not in text


def test_a_tls_failure_is_not_retried():
    with fault_server(Reply(200, {"status": "ok"})) as fake:
        client, sleeper = make(fake.base_url.replace("http://", "https://"))
        with pytest.raises(SyncError) as caught:
            client.health()
    assert (caught.value.kind, caught.value.code) == ("network", "tls_failed")
    assert sleeper.calls == []
