"""The administration API end to end (issue 13, first slice): a real laptop engine pushes an
enrollment to the real server process, the supervisor sends it back through `/v1/admin/`, and
the laptop's next pull shows the reason; an `admin` account on a laptop acts as a supervisor."""

from __future__ import annotations

import uuid
from typing import Any

import requests
from e2e_support import PASSWORD
from helpers.enrollments import enrollment_fields
from helpers.niks import fresh_nik

from agent_app import app, paths
from agent_app.security import keyslots
from agent_app.services import enrollments
from agent_app.settings import Settings

CHEAP = keyslots.KdfParams(time_cost=1, memory_cost_kib=1024, parallelism=1)


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


def test_a_send_back_through_the_admin_api_reaches_the_laptop(
    make_laptop: Any, server: Any
) -> None:
    laptop = make_laptop("AG002")
    draft = laptop.call(enrollments.save_draft, enrollment_fields(fresh_nik()))
    enrollment = laptop.call(enrollments.submit, draft.id)
    assert laptop.sync().applied == 1

    office = bearer(server.base_url, "SV001")
    queue = requests.get(f"{server.base_url}/v1/admin/enrollments", headers=office, timeout=30)
    assert enrollment.id in [item["id"] for item in queue.json()["items"]]
    sent = requests.post(
        f"{server.base_url}/v1/admin/enrollments/{enrollment.id}/send-back",
        json={"reason": "incomplete", "note": "RT/RW belum diisi"},
        headers=office,
        timeout=30,
    )
    assert sent.status_code == 200, sent.text

    assert laptop.sync().pulled >= 1
    # (The session's live server is shared: other tests' records of AG002 may be listed too.)
    [listed] = [
        e for e in laptop.call(enrollments.list_needing_correction) if e.id == enrollment.id
    ]
    assert listed.review_reason == "Data belum lengkap. RT/RW belum diisi"
    # An agent cannot do the same.
    agent = bearer(server.base_url, "AG001")
    refused = requests.post(
        f"{server.base_url}/v1/admin/enrollments/{enrollment.id}/accept",
        json={"membership_number": "16071234567"},
        headers=agent,
        timeout=30,
    )
    assert refused.status_code == 403


def test_an_admin_account_on_a_laptop_acts_as_a_supervisor(
    server: Any, cable: Any, app_home: Any
) -> None:
    server.cli(
        "create-agent", "AD009", "--name", "Admin Pusat", "--branch", "PLG", "--role", "admin",
    )  # fmt: skip
    settings = Settings()
    keystore = keyslots.KeyStore(
        paths.keystore_path(), kdf=CHEAP, server_set=lambda: bool(settings.server_url)
    )
    keystore.create_first_account("AD009", "Admin Pusat", "PLG", "agent", PASSWORD)
    settings.server_url = cable.url
    shell = app.AppShell(settings, keystore)
    try:
        backend = shell.connect(keystore.unlock("AD009", PASSWORD))
        assert not backend.actor.is_supervisor
        backend.sync_now(password=PASSWORD)
        assert backend.actor.is_supervisor and backend.actor.role == "admin"
        again = keystore.unlock("AD009", PASSWORD)
        assert again.account.confirmed and keystore.acting_role(again.account) == "admin"
    finally:
        shell.close()
