"""App versions (SYNC_PROTOCOL.md 1.1): `/v1/sync/config` announces `min_app_version` and
`latest_app_version`; a push whose User-Agent names an app below the minimum is refused with
426 `app_too_old`. On SQLite and PostgreSQL, in-process and in a real server process with the
real client."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from srv_support import ServerProcess, business_fields, op

from agent_app import __version__
from sync import client as sync_client
from sync import protocol
from sync.server import config

OLD_APP = "perisai-agent/0.0.9 (Windows 10; AMD64)"


def _config(world: Any, laptop: Any) -> dict[str, Any]:
    answer = world.client.get("/v1/sync/config", headers=laptop.headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_config_announces_the_app_versions_by_default(world: Any) -> None:
    laptop = world.standard()[0]
    announced = _config(world, laptop)
    assert announced["min_app_version"] == protocol.OLDEST_APP_VERSION == "0.1.0"
    assert announced["latest_app_version"] == __version__


def test_config_announces_the_app_versions_set(make_world: Any) -> None:
    world = make_world(min_app_version="0.2.0", latest_app_version="0.3.1")
    laptop = world.standard()[0]
    announced = _config(world, laptop)
    assert (announced["min_app_version"], announced["latest_app_version"]) == ("0.2.0", "0.3.1")
    assert protocol.SyncConfig.model_validate(announced).latest_app_version == "0.3.1"


def _push_as(laptop: Any, agent: str | None) -> Any:
    headers = dict(laptop.headers)
    if agent is not None:
        headers["User-Agent"] = agent
    body = laptop.body([op("business", "create", fields=business_fields())])
    return laptop.client.post("/v1/sync/push", json=body, headers=headers)


@pytest.mark.expect_warning_log(r"^server: push refused: app 0\.0\.9 is below min_app_version")
def test_a_push_from_an_app_below_the_minimum_is_refused(make_world: Any) -> None:
    world = make_world(min_app_version="0.2.0")
    laptop = world.standard()[0]
    refused = _push_as(laptop, OLD_APP)
    assert refused.status_code == 426
    assert refused.json()["error"]["code"] == "app_too_old"
    assert "0.2.0" in refused.json()["error"]["message"]
    for agent in ("perisai-agent/0.2.0 (Linux 6.1; x86_64)", "perisai-agent/1.0 (Darwin; arm64)"):
        taken = _push_as(laptop, agent)
        assert taken.status_code == 200, taken.text
    # A client that does not name the app (a script, a 1.0 laptop) is served as before.
    plain = _push_as(laptop, None)
    assert plain.status_code == 200, plain.text


def test_the_openapi_documents_the_versions_and_the_426(world: Any) -> None:
    schema = world.client.get("/openapi.json").json()
    fields = schema["components"]["schemas"]["SyncConfig"]["properties"]
    assert {"min_app_version", "latest_app_version"} <= set(fields)
    push = schema["paths"]["/v1/sync/push"]["post"]["responses"]
    assert "app_too_old" in push["426"]["description"]


def test_the_versions_must_be_versions() -> None:
    with pytest.raises(ValueError, match="PERISAI_MIN_APP_VERSION"):
        config.Settings.from_env({"PERISAI_MIN_APP_VERSION": "terbaru"})
    settings = config.Settings.from_env(
        {"PERISAI_MIN_APP_VERSION": "0.2.0", "PERISAI_LATEST_APP_VERSION": "0.4.0"}
    )
    assert (settings.min_app_version, settings.latest_app_version) == ("0.2.0", "0.4.0")


@pytest.mark.slow
def test_the_real_client_names_its_version_to_the_real_server(
    database_url: str, tmp_path: Path
) -> None:
    """A real server process below whose minimum this app is: it reads the app's version from
    the User-Agent of the real client's push and refuses it; a newer app is served."""
    home = tmp_path / "home"
    home.mkdir()
    server = ServerProcess(
        database_url,
        home,
        env={"PERISAI_MIN_APP_VERSION": "99.0", "PERISAI_LATEST_APP_VERSION": "99.1"},
    )
    try:
        assert server.cli("create-branch", "PLG", "--name", "Palembang").returncode == 0
        made = server.cli(
            "create-agent", "A1", "--name", "Agen", "--branch", "PLG", "--role", "agent",
            stdin="rahasia-123\n",
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
        client = sync_client.SyncClient(
            server.url, uuid.uuid4(), "Laptop uji", app_version=__version__, max_retries=0
        )
        assert client.session.headers["User-Agent"].startswith(f"perisai-agent/{__version__} (")
        client.login("A1", "rahasia-123")
        announced = client.config()
        assert (announced.min_app_version, announced.latest_app_version) == ("99.0", "99.1")
        batch = protocol.PushRequest(
            protocol_version=protocol.PROTOCOL_VERSION,
            device_id=uuid.UUID(client.device_id),
            batch_id=uuid.uuid4(),
            ops=[
                protocol.Op(
                    op_id=uuid.uuid4(),
                    op_seq=1,
                    entity="business",
                    entity_id=uuid.uuid4(),
                    kind="create",
                    base_version=None,
                    fields=business_fields(),
                    recorded_at=dt.datetime.now(dt.UTC),
                )
            ],
        )
        with pytest.raises(sync_client.SyncError) as refused:
            client.push(batch)
        assert (refused.value.code, refused.value.status) == ("app_too_old", 426)
        log = (home / "server.log").read_text(encoding="utf-8", errors="replace")
        assert f"push refused: app {__version__} is below min_app_version 99.0" in log
        newer = sync_client.SyncClient(
            server.url, client.device_id, "Laptop uji", app_version="99.0", max_retries=0
        )
        newer.set_tokens(client.tokens)
        assert newer.push(batch).results[0].status == "applied"
        client.session.close()
        newer.session.close()
    finally:
        server.stop()
