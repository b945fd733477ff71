"""A password reset end to end (issue 13, agents and devices): the supervisor creates an
account and resets its password through `/v1/admin/`, against the real server process; the
laptop logs in with the one-time code, is told to choose a new password, chooses one through
the app's sync service, logs in with it and syncs; the supervisor then sees the laptop with
its last sync, app version and the agent bound."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from e2e_support import FAST, PASSWORD, Cable, Laptop

from agent_app import __version__
from agent_app.services import sync as sync_service


def bearer(base_url: str, agent_code: str) -> dict[str, str]:
    answer = requests.post(
        f"{base_url}/v1/auth/login",
        json={
            "agent_code": agent_code,
            "password": PASSWORD,
            "device_id": str(uuid.uuid4()),
            "device_name": "Browser kantor cabang",
        },
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_a_reset_password_is_changed_at_the_laptop_s_first_sign_in(
    server: Any, cable: Cable, tmp_path: Path
) -> None:
    office = bearer(server.base_url, "SV001")
    code = f"AGR-{uuid.uuid4().hex[:8]}"
    made = requests.post(
        f"{server.base_url}/v1/admin/agents",
        json={"code": code, "name": "Agen Reset", "role": "agent", "password": "awal-sekali-1"},
        headers=office,
        timeout=30,
    )
    assert made.status_code == 201, made.text
    reset = requests.post(
        f"{server.base_url}/v1/admin/agents/{code}/reset-password", headers=office, timeout=30
    )
    assert reset.status_code == 200, reset.text
    one_time = reset.json()["one_time_code"]

    laptop = Laptop(tmp_path / "laptop.db", code, cable.url)
    try:
        with pytest.raises(sync_service.SyncFailed) as refused:
            sync_service.connect(laptop.uow, laptop.actor, cable.url, one_time, client_options=FAST)
        assert refused.value.error_code == "password_change_required"
        with pytest.raises(sync_service.SyncFailed):  # the old password is gone
            sync_service.connect(
                laptop.uow, laptop.actor, cable.url, "awal-sekali-1", client_options=FAST
            )
        sync_service.change_password(
            laptop.uow, laptop.actor, cable.url, one_time, "pilihan-saya-1", client_options=FAST
        )
        connected = sync_service.connect(
            laptop.uow, laptop.actor, cable.url, "pilihan-saya-1", client_options=FAST
        )
        assert connected.agent_code == code
        laptop.sync()
    finally:
        laptop.close()
    listed = requests.get(f"{server.base_url}/v1/admin/devices", headers=office, timeout=30)
    [device] = [d for d in listed.json()["items"] if d["device_id"] == laptop.device_id]
    assert device["agents"] == [code]
    assert device["app_version"] == __version__ and device["last_sync_at"] is not None
