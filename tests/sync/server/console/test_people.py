"""The console's agents and devices page (`/console/people`) and the password page, on SQLite
and PostgreSQL: the branch wall (404 for another branch's account and laptop, whatever is
typed into the URL), no change without the CSRF token, who may create whom, the one-time code
shown once and never stored, the first sign-in that must choose a password, and a laptop
revoked after a confirmation step."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import Console
from srv_support import World

from sync.server import db, security
from sync.server.admin import agents

CODE = re.compile(r'id="one-time-code">([A-Z0-9]+)<')


def _people(world: World) -> dict[str, str]:
    """PLG: A1, A2, S1, admin N1; LLG: B1, S2. Each agent signed in once on a laptop."""
    world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("S2", "LLG", role="supervisor")
    world.agent("N1", "PLG", role="admin")
    return {code: world.login(code).device_id for code in ("A1", "B1")}


def _agent(world: World, code: str) -> Any:
    table = db.table(db.Agent)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.code == code)).first()


def _device(world: World, device_id: str) -> Any:
    table = db.table(db.Device)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.device_id == device_id)).one()


def test_a_supervisor_sees_only_their_branch_and_gets_404_for_another(
    world: World, console: Any
) -> None:
    laptops = _people(world)
    s1 = console("S1")
    page = s1.get("/console/people")
    assert page.status_code == 200
    assert 'id="agent-A1"' in page.text and 'id="agent-B1"' not in page.text
    assert f'id="device-{laptops["A1"]}"' in page.text
    assert laptops["B1"] not in page.text
    other = laptops["B1"]
    for path in (
        "/console/people/agents/B1/disable",
        "/console/people/agents/B1/enable",
        "/console/people/agents/B1/unlock",
        "/console/people/agents/B1/reset-password",
        "/console/people/agents/NOBODY/reset-password",
        f"/console/people/devices/{other}/revoke",
        "/console/people/devices/not-a-uuid/revoke",
    ):
        answer = s1.post(path)
        assert answer.status_code == 404, (path, answer.text)
        assert "Tidak ditemukan" in answer.text or "Not found" in answer.text
    assert s1.get(f"/console/people/devices/{other}/revoke").status_code == 404
    b1 = _agent(world, "B1")
    assert b1.active and not b1.must_change_password
    assert _device(world, other).revoked_at is None
    # An admin sees both branches.
    everyone = console("N1").get("/console/people")
    assert 'id="agent-B1"' in everyone.text and laptops["B1"] in everyone.text


def test_no_change_without_the_csrf_token(world: World, console: Any) -> None:
    laptops = _people(world)
    s1 = console("S1")
    s1.get("/console/people")
    for path in (
        "/console/people/agents/A1/disable",
        "/console/people/agents/A1/reset-password",
        f"/console/people/devices/{laptops['A1']}/revoke",
    ):
        assert s1.post(path, csrf=False).status_code == 403
        assert s1.post(path, {"csrf_token": "forged"}, csrf=False).status_code == 403
    made = s1.post(
        "/console/people/agents",
        {"code": "A9", "name": "X", "role": "agent"},
        csrf=False,
    )
    assert made.status_code == 403 and _agent(world, "A9") is None
    a1 = _agent(world, "A1")
    assert a1.active and not a1.must_change_password
    assert _device(world, laptops["A1"]).revoked_at is None


def test_who_may_create_which_account(world: World, console: Any) -> None:
    _people(world)
    # An agent cannot even sign in to the console, so creates nobody.
    assert Console(world).sign_in("A1").status_code == 403
    s1 = console("S1", lang="en")
    form = s1.get("/console/people")
    assert 'value="admin"' not in form.text  # a supervisor is not offered the role
    refused = s1.post("/console/people/agents", {"code": "X1", "name": "Boss", "role": "admin"})
    assert refused.status_code == 422
    assert 'id="error-role"' in refused.text and "administrator" in refused.text
    assert 'value="X1"' in refused.text  # what was typed is kept
    bad = s1.post("/console/people/agents", {"code": "with space", "name": "X", "role": "agent"})
    assert bad.status_code == 422 and 'id="error-code"' in bad.text
    twice = s1.post("/console/people/agents", {"code": "A1", "name": "X", "role": "agent"})
    assert twice.status_code == 422 and "already exists" in twice.text
    assert _agent(world, "X1") is None and _agent(world, "with space") is None
    made = s1.post("/console/people/agents", {"code": "A3", "name": "Agen Tiga", "role": "agent"})
    assert made.status_code == 200 and "Account A3 created" in made.text
    found = CODE.search(made.text)
    assert found and len(found.group(1)) == agents.ONE_TIME_LENGTH
    created = _agent(world, "A3")
    assert created.branch_code == "PLG" and created.must_change_password
    assert security.verify_password(world.settings, created.password_hash, found.group(1))
    # An admin creates an admin, in any branch.
    n1 = console("N1")
    boss = n1.post(
        "/console/people/agents", {"code": "N2", "name": "Pusat", "role": "admin", "branch": "LLG"}
    )
    assert boss.status_code == 200 and _agent(world, "N2").role == "admin"


@pytest.mark.expect_warning_log(r"^server: login: wrong password")
def test_a_reset_code_is_shown_once_and_its_holder_chooses_a_password(
    world: World, console: Any
) -> None:
    _people(world)
    s2_before = console("S2")  # a session of S2's, ended by the reset
    n1 = console("N1")
    answer = n1.post("/console/people/agents/S2/reset-password")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    found = CODE.search(answer.text)
    assert found, answer.text
    code = found.group(1)
    assert "Berikan kode ini langsung" in answer.text  # what to do with it, plainly
    # Never stored in clear: not in the sessions (notices), not in the trail.
    with world.engine.connect() as conn:
        sessions = conn.execute(sa.select(db.table(db.ConsoleSession))).all()
        trail = conn.execute(sa.select(db.table(db.AdminAudit))).all()
    assert code not in repr(sessions) and code not in repr(trail)
    assert n1.get("/console/people").text.count(code) == 0  # shown once only
    assert s2_before.client.get("/console/people").status_code == 303  # signed out
    # The holder signs in with the code and must choose a password first.
    s2 = Console(world)
    signed = s2.sign_in("S2", password=code)
    assert signed.headers["location"] == "/console/password"
    s2.get("/console/password")
    wrong = s2.post(
        "/console/password",
        {"password": code, "new_password": "baru-sekali-1", "repeat": "baru-sekali-2"},
    )
    assert wrong.status_code == 422 and 'id="error-repeat"' in wrong.text
    bad_code = s2.post(
        "/console/password",
        {"password": "ZZZZZZZZZZ", "new_password": "baru-sekali-1", "repeat": "baru-sekali-1"},
    )
    assert bad_code.status_code == 422 and 'id="error-password"' in bad_code.text
    assert _agent(world, "S2").must_change_password
    done = s2.post(
        "/console/password",
        {"password": code, "new_password": "baru-sekali-1", "repeat": "baru-sekali-1"},
    )
    assert done.status_code == 303 and done.headers["location"] == "/console/review"
    assert "Kata sandi baru Anda sudah disimpan" in s2.follow(done).text
    assert not _agent(world, "S2").must_change_password
    assert Console(world).sign_in("S2", password="baru-sekali-1").status_code == 303


@pytest.mark.expect_warning_log(r"^server: login: wrong password")
def test_disable_enable_and_nobody_disables_themselves(world: World, console: Any) -> None:
    _people(world)
    s1 = console("S1")
    s1.get("/console/people")
    itself = s1.post("/console/people/agents/S1/disable")
    assert itself.status_code == 422 and 'id="problem"' in itself.text
    assert _agent(world, "S1").active
    on_admin = s1.post("/console/people/agents/N1/disable")
    assert on_admin.status_code == 422 and _agent(world, "N1").active
    done = s1.post("/console/people/agents/A1/disable")
    assert done.status_code == 303
    assert "A1 dinonaktifkan" in s1.follow(done).text
    assert not _agent(world, "A1").active
    assert world.login_raw("A1").status_code == 401
    s1.post("/console/people/agents/A1/enable")
    assert _agent(world, "A1").active


@pytest.mark.expect_warning_log(r"^server: login of A1 refused: device .* is revoked")
def test_a_laptop_is_revoked_after_a_confirmation_step(world: World, console: Any) -> None:
    laptops = _people(world)
    booth = laptops["A1"]
    s1 = console("S1")
    confirm = s1.get(f"/console/people/devices/{booth}/revoke")
    assert confirm.status_code == 200 and "Ya, cabut akses laptop ini" in confirm.text
    assert _device(world, booth).revoked_at is None  # asking changes nothing
    done = s1.post(f"/console/people/devices/{booth}/revoke")
    assert done.status_code == 303
    assert "dicabut" in s1.follow(done).text
    assert _device(world, booth).revoked_at is not None
    assert world.login_raw("A1", device_id=booth).json()["error"]["code"] == "device_revoked"
    assert s1.get(f"/console/people/devices/{uuid.uuid4()}/revoke").status_code == 404
