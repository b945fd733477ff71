"""What an operator sees of the real server (`serve --workers 2`, its own process): /metrics
in the Prometheus text format summed over both workers, the readiness check, and JSON access
logs that name routes and agents but never a person."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from srv_support import (
    PASSWORD,
    ServerProcess,
    World,
    business_fields,
    cheap_settings,
    enrollment_fields,
    fresh_database,
    op,
)

from sync.server import admin, config, db, migrate
from sync.server import app as server_app

pytestmark = pytest.mark.slow
TOKEN = "metrics-token-uji"
NIK_INDEX = 4242
HEAD = "0016"
HEALTH_CHECKS = 20


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("observe")
    with fresh_database(request, home, "perisai_obs") as url:
        env = {"PERISAI_ACCESS_LOG": "json", "PERISAI_METRICS_TOKEN": TOKEN}
        server = ServerProcess(url, home, workers=2, env=env)
        settings = cheap_settings(url)
        engine = db.make_engine(settings)
        admin.create_branch(engine, "PLG", "Palembang", "16.71")
        admin.create_agent(engine, settings, "A1", "Agen Satu", "PLG", "agent", PASSWORD)
        engine.dispose()
        yield server
        server.stop()


def _scrape(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_login_push_pull_are_counted_and_logged_without_personal_data(
    live: ServerProcess,
) -> None:
    http = httpx.Client(base_url=live.url, timeout=30)
    device_id = str(uuid.uuid4())
    login = {"agent_code": "A1", "device_id": device_id, "device_name": "uji"}
    assert http.post("/v1/auth/login", json={**login, "password": "salah"}).status_code == 401
    answer = http.post("/v1/auth/login", json={**login, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    person = enrollment_fields(NIK_INDEX)
    enroll = op("enrollment", "create", None, person)
    shop = op("business", "create", None, business_fields("Pempek Uji"))

    def push(*ops: dict[str, Any]) -> list[str]:
        body = {
            "protocol_version": 1,
            "device_id": device_id,
            "batch_id": str(uuid.uuid4()),
            "ops": [dict(item, op_seq=n) for n, item in enumerate(ops, 1)],
        }
        sent = http.post("/v1/sync/push", json=body, headers={"X-Request-ID": "uji-push-1"})
        assert sent.status_code == 200, sent.text
        assert sent.headers["x-request-id"] == "uji-push-1"
        return [r["status"] for r in sent.json()["results"]]

    assert push(enroll, shop) == ["applied", "applied"]
    assert push(enroll) == ["duplicate"]
    pulled = http.get("/v1/sync/pull", params={"limit": 100})
    assert pulled.status_code == 200
    changes = len(pulled.json()["changes"])
    assert changes >= 2
    bad_id = http.get("/v1/health", headers={"X-Request-ID": "<not-sane>" + "x" * 80})
    generated = bad_id.headers["x-request-id"]
    assert "not-sane" not in generated and len(generated) == 32

    for _ in range(HEALTH_CHECKS):  # new connections: spread over both workers
        assert httpx.get(f"{live.url}/v1/health").status_code == 200
    ready = http.get("/v1/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ready", "revision": HEAD}
    assert httpx.get(f"{live.url}/metrics").status_code == 401
    assert (
        httpx.get(f"{live.url}/metrics", headers={"Authorization": "Bearer x"}).status_code == 401
    )

    samples = _scrape(live.url)
    requests = "perisai_http_requests_total"
    assert _value(samples, requests, method="POST", route="/v1/sync/push", status="200") == 2
    assert _value(samples, requests, method="POST", route="/v1/auth/login", status="401") == 1
    assert _value(samples, requests, method="POST", route="/v1/auth/login", status="200") == 1
    assert _value(samples, requests, method="GET", route="/v1/sync/pull", status="200") == 1
    assert _value(samples, requests, method="GET", route="/metrics", status="401") == 2
    # Counted by whichever worker answered, summed in one scrape (multiprocess mode).
    health = _value(samples, requests, method="GET", route="/v1/health", status="200")
    assert health == HEALTH_CHECKS + 2  # and the bad id's, and ServerProcess's start-up wait
    duration = "perisai_http_request_duration_seconds_count"
    assert _value(samples, duration, method="POST", route="/v1/sync/push") == 2
    assert _value(samples, "perisai_push_ops_total", result="applied") == 2
    assert _value(samples, "perisai_push_ops_total", result="duplicate") == 1
    assert _value(samples, "perisai_pull_changes_total") == changes
    assert _value(samples, "perisai_login_failures_total", reason="wrong_password") == 1
    assert _value(samples, "perisai_bound_devices") == 1
    # Labels are route templates and outcome names only: no path, id or personal data.
    routes = {dict(labels).get("route") for (_, labels) in samples} - {None}
    assert routes <= {
        "/v1/auth/login",
        "/v1/sync/push",
        "/v1/sync/pull",
        "/v1/health",
        "/v1/ready",
        "/metrics",
    }
    everything = json.dumps(sorted(samples, key=str))
    assert person["nik"] not in everything and device_id not in everything

    log_text = (Path(live.env["PERISAI_SERVER_HOME"]) / "server.log").read_text("utf-8")
    lines = [json.loads(line) for line in log_text.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "server.access"]
    pushes = [line for line in access if line["route"] == "/v1/sync/push"]
    assert len(pushes) == 2
    for line in pushes:
        assert line["request_id"] == "uji-push-1" and line["method"] == "POST"
        assert line["status"] == 200 and line["agent"] == "A1"
        assert isinstance(line["duration_ms"], float | int) and line["duration_ms"] >= 0
    failed = [line for line in access if line["route"] == "/v1/auth/login"]
    assert [line["status"] for line in failed] == [401, 200]
    assert all(line["agent"] is None for line in failed)
    assert any(line["request_id"] == generated for line in access)
    for secret in (person["nik"], person["full_name"], person["phone"], PASSWORD):
        assert secret not in log_text
    assert "127.0.0.1" not in json.dumps(access)  # no client address in access lines
    http.close()


def test_readiness_503_when_the_schema_is_behind(database_url: str) -> None:
    world = World(cheap_settings(database_url))
    try:
        assert world.client.get("/v1/ready").status_code == 200
        migrate.downgrade(world.engine, "0007")
        behind = world.client.get("/v1/ready")
        assert behind.status_code == 503 and "Retry-After" in behind.headers
        assert behind.json()["error"]["code"] == "schema_behind"
        assert world.client.get("/v1/health").status_code == 200  # alive, not ready
    finally:
        migrate.upgrade(world.engine)
        world.close()


def test_readiness_503_when_the_database_is_unreachable() -> None:
    url = "postgresql+psycopg://perisai:perisai@127.0.0.1:1/nowhere?connect_timeout=2"
    app = server_app.create_app(config.Settings(database_url=url))
    with TestClient(app) as client:
        answer = client.get("/v1/ready")
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "database_unavailable"


def test_metrics_without_a_token_only_for_loopback(tmp_path: Path) -> None:
    settings = config.Settings(database_url=f"sqlite:///{tmp_path / 's.sqlite3'}")
    engine = db.make_engine(settings)
    migrate.upgrade(engine)
    engine.dispose()
    app = server_app.create_app(settings)
    with TestClient(app, client=("203.0.113.7", 4000)) as remote:
        assert remote.get("/metrics").status_code == 403
    with TestClient(app, client=("127.0.0.1", 4000)) as local:
        page = local.get("/metrics")
    assert page.status_code == 200 and "perisai_bound_devices 0.0" in page.text
