"""Transport: gzip bodies and the decompressed cap, overload (429), error bodies, request ids,
logs without personal data, the OpenAPI document, health and the participant check."""

from __future__ import annotations

import ast
import gzip
import json
import logging
import uuid
import zlib
from pathlib import Path

import pytest
from helpers.servers import REPO
from srv_support import World, business_fields, enrollment_fields, op


def test_gzip_body_is_accepted(world: World) -> None:
    a1, _, _ = world.standard()
    body = a1.body([op("business", "create", None, business_fields())])
    response = world.client.post(
        "/v1/sync/push",
        content=gzip.compress(json.dumps(body).encode()),
        headers={**a1.headers, "Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "applied"


def test_gzip_over_the_cap_is_413_while_decompressing(world: World) -> None:
    a1, _, _ = world.standard()
    cap = world.settings.max_body_bytes
    bomb = gzip.compress(b" " * (50 * cap))  # a small file that inflates 50 times the cap
    assert len(bomb) < cap
    response = world.client.post(
        "/v1/sync/push",
        content=bomb,
        headers={**a1.headers, "Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_inflating_stops_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """The middleware never inflates more than the cap plus one byte."""
    import asyncio

    from sync.server.api.body_limit import BodyLimitMiddleware

    produced: list[int] = []
    real = zlib.decompressobj

    class Spy:
        def __init__(self, *args: object, **kwargs: object) -> None:
            self.inner = real(*args, **kwargs)  # type: ignore[arg-type]

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            out = self.inner.decompress(data, max_length)
            produced.append(len(out))
            return out

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

    cap = 1000
    bomb = gzip.compress(b"\0" * 10_000_000)
    sent: list[dict] = []

    async def app(scope: object, receive: object, send: object) -> None:  # pragma: no cover
        raise AssertionError("the app must not be reached")

    async def receive() -> dict:
        return {"type": "http.request", "body": bomb, "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    middleware = BodyLimitMiddleware(app, cap)
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/sync/push",
        "headers": [(b"content-encoding", b"gzip")],
    }
    monkeypatch.setattr(zlib, "decompressobj", Spy)
    asyncio.run(middleware(scope, receive, send))
    assert sent[0]["status"] == 413
    assert sum(produced) <= cap + 1


def test_plain_body_over_the_cap_and_bad_gzip(world: World) -> None:
    a1, _, _ = world.standard()
    cap = world.settings.max_body_bytes
    big = a1.body(
        [
            op("business", "create", None, business_fields(address="x" * 400))
            for _ in range(cap // 400 + 10)
        ]
    )
    response = world.client.post("/v1/sync/push", json=big, headers=a1.headers)
    assert response.status_code == 413
    broken = world.client.post(
        "/v1/sync/push",
        content=b"\x1f\x8b\x08\x00garbage",
        headers={**a1.headers, "Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "bad_gzip"


def test_overloaded_push_is_429_with_retry_after(make_world) -> None:
    world = make_world(max_concurrent_pushes=1, push_queue_seconds=0.05)
    a1, _, _ = world.standard()
    gate = world.app.state.server.push_gate
    with gate.enter("someone else's batch") as admitted:
        assert admitted
        response = a1.push_raw([op("business", "create", None, business_fields())])
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "overloaded"
    assert int(response.headers["Retry-After"]) >= 1
    assert a1.push_raw([op("business", "create", None, business_fields())]).status_code == 200


def test_copy_of_an_in_flight_batch_is_not_429(make_world) -> None:
    world = make_world(max_concurrent_pushes=1, push_queue_seconds=0.05)
    a1, _, _ = world.standard()
    body = a1.body([op("business", "create", None, business_fields())])
    gate = world.app.state.server.push_gate
    # The first copy holds the only slot; the second copy is let through and waits for the
    # database instead of being refused.
    with gate.enter(f"{a1.device_id}/{body['batch_id']}") as admitted:
        assert admitted
        response = world.client.post("/v1/sync/push", json=body, headers=a1.headers)
    assert response.status_code == 200


def test_error_bodies_and_no_422(world: World) -> None:
    a1, _, _ = world.standard()
    for response in (
        world.client.get("/v1/nothing-here"),
        world.client.delete("/v1/health"),
        world.client.post("/v1/auth/login", json={"agent_code": 1}),
        world.client.post("/v1/participants/check", json={}, headers=a1.headers),
    ):
        assert response.status_code in (400, 404, 405)
        assert set(response.json()) == {"error"}
        assert set(response.json()["error"]) == {"code", "message"}


def test_request_id_is_echoed_or_made(world: World) -> None:
    given = world.client.get("/v1/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = world.client.get("/v1/health")
    assert len(made.headers["X-Request-ID"]) == 32


def test_logs_carry_request_ids_and_no_personal_data(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    from sync.server.api.request_id import RequestIdFilter

    a1, _, _ = world.standard()
    fields = enrollment_fields(55)
    handler_filter = RequestIdFilter()
    caplog.handler.addFilter(handler_filter)
    caplog.clear()  # only what the calls below log (set-up logins ran before the filter)
    try:
        with caplog.at_level(logging.DEBUG, logger="server"):
            a1.push(op("enrollment", "create", None, fields))
            a1.push(op("enrollment", "create", None, dict(fields, full_name=7)))
            a1.check_nik(fields["nik"])
            a1.client.post(
                "/v1/participants/check", json={"nik": fields["nik"] + "x"}, headers=a1.headers
            )
            a1.client.post("/v1/auth/login", json={"agent_code": fields["full_name"]})
    finally:
        caplog.handler.removeFilter(handler_filter)
    text = "\n".join(f"{r.getMessage()} {getattr(r, 'request_id', '')}" for r in caplog.records)
    assert "POST /v1/sync/push 200" in text
    unnamed = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("server")
        and r.getMessage().startswith("POST")
        and getattr(r, "request_id", "-") == "-"
    ]
    assert unnamed == []
    for secret in (fields["nik"], fields["full_name"], fields["phone"], fields["address"]):
        assert secret not in text


def test_openapi_lists_real_responses_and_never_422(world: World) -> None:
    schema = world.client.get("/openapi.json").json()
    assert "HTTPValidationError" not in json.dumps(schema)
    expected = {
        ("/v1/auth/login", "post"): {"200", "400", "401", "403", "413", "429", "503"},
        ("/v1/auth/refresh", "post"): {"200", "400", "401", "413"},
        ("/v1/sync/config", "get"): {"200", "401"},
        ("/v1/sync/push", "post"): {"200", "400", "401", "403", "413", "426", "429", "503"},
        ("/v1/sync/pull", "get"): {"200", "400", "401", "410"},
        ("/v1/participants/check", "post"): {"200", "400", "401", "413", "429"},
        ("/v1/sync/bundle", "post"): {"200", "400", "401", "403", "413", "429", "503"},
        ("/v1/health", "get"): {"200", "503"},
    }
    for (path, method), codes in expected.items():
        assert set(schema["paths"][path][method]["responses"]) == codes, path
    push = schema["paths"]["/v1/sync/push"]["post"]
    assert push["responses"]["429"]["headers"]["Retry-After"]
    op_schema = schema["components"]["schemas"]["Op"]
    assert set(op_schema["properties"]) == {
        "op_id",
        "op_seq",
        "entity",
        "entity_id",
        "kind",
        "base_version",
        "fields",
        "recorded_at",
        "clock_offset_seconds",  # 1.1: optional, the laptop's measured clock offset
    }
    assert "clock_offset_seconds" not in op_schema.get("required", [])


def test_health_and_participant_check(world: World) -> None:
    a1, _, _ = world.standard()
    assert world.client.get("/v1/health").json() == {"status": "ok"}
    for nik in ("123", "16710345099900011", "16710345O9990001"):
        response = a1.check_nik(nik)
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_nik"
    unknown = a1.check_nik("1671034509990009")
    assert unknown.json() == {"enrolled": False, "branch": None, "enrolled_on": None}
    assert (
        world.client.post("/v1/participants/check", json={"nik": "1671034509990009"}).status_code
        == 401
    )


def test_server_imports_only_the_domain_of_the_app() -> None:
    allowed = "agent_app.domain"
    files = [
        *sorted((REPO / "sync" / "server").rglob("*.py")),
        REPO / "sync" / "protocol.py",
        REPO / "sync" / "bundle.py",
    ]
    for path in files:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("agent_app"):
                    assert name.startswith(allowed), f"{path}: imports {name}"
                    assert path.parent.name != "sync" or path.name not in (
                        "protocol.py",
                        "bundle.py",
                    ), f"{path} must not import agent_app"


def test_unknown_content_encoding_is_400(world: World) -> None:
    a1, _, _ = world.standard()
    response = world.client.post(
        "/v1/sync/push",
        content=b"{}",
        headers={**a1.headers, "Content-Encoding": "br", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    uuid.UUID(response.headers["X-Request-ID"])


@pytest.mark.expect_warning_log(r"^server: push: database busy")
def test_database_busy_is_503_with_retry_after(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync.server import push

    a1, _, _ = world.standard()

    def locked(*_: object, **__: object) -> None:
        raise push.Busy("database is locked")

    monkeypatch.setattr(push, "apply_batch", locked)
    response = a1.push_raw([op("business", "create", None, business_fields())])
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "busy"
    assert int(response.headers["Retry-After"]) >= 1


def test_a_bug_is_500_with_error_body_and_no_message_in_logs(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from sync.server import push

    a1, _, _ = world.standard()
    secret = enrollment_fields(66)["nik"]

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError(f"Key (nik)=({secret}) already exists")

    monkeypatch.setattr(push, "apply_batch", broken)
    with caplog.at_level(logging.INFO, logger="server"):
        response = a1.push_raw([op("business", "create", None, business_fields())])
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "internal", "message": "Something went wrong on the server."}
    }
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "unhandled RuntimeError" in text and secret not in text
