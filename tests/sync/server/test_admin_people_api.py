"""The administration API's accounts and devices (`/v1/admin/agents`, `/v1/admin/devices`) and
the first sign-in with a one-time code (`/v1/auth/change-password`), on SQLite and
PostgreSQL: who may do what (agents 403, a supervisor's branch wall: 404, admins alone
create admins), the one-time code (shown once, stored hashed, sessions revoked), nobody
disabling themselves, the devices' last sync and app version."""

from __future__ import annotations

import weakref
from typing import Any

import pytest
import sqlalchemy as sa
from srv_support import PASSWORD, Laptop, World, business_fields, op

from sync import protocol
from sync.server import db, security
from sync.server.admin import agents, devices

pytestmark = pytest.mark.expect_warning_log(r"^server: login")

AGENTS = "/v1/admin/agents"
DEVICES = "/v1/admin/devices"


def setup_branches(world: World) -> dict[str, Laptop]:
    """PLG (agents A1, A2, supervisor S1, admin N1), LLG (agent B1, supervisor S2)."""
    trail(world, "")  # the trail from here on is this test's
    a1, a2, s1 = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("S2", "LLG", role="supervisor")
    world.agent("N1", "PLG", role="admin")
    return {"A1": a1, "A2": a2, "S1": s1, **{c: world.login(c) for c in ("B1", "S2", "N1")}}


#: The trail's last id before each world's test (PostgreSQL keeps the trail between tests).
_SINCE: weakref.WeakKeyDictionary[World, int] = weakref.WeakKeyDictionary()


def trail(world: World, action: str) -> list[Any]:
    """This test's rows of the administration trail with `action`."""
    table = db.table(db.AdminAudit)
    with world.engine.connect() as conn:
        if world not in _SINCE:
            _SINCE[world] = conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
        where = (table.c.action == action, table.c.id > _SINCE[world])
        return conn.execute(sa.select(table).where(*where).order_by(table.c.id)).all()


def agent_row(world: World, code: str) -> Any:
    table = db.table(db.Agent)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.code == code)).one()


def post(world: World, who: Laptop, url: str, body: Any = None, lang: str = "id") -> Any:
    headers = {**who.headers, "Accept-Language": lang}
    return world.client.post(url, json=body, headers=headers)


def test_agents_get_403_and_cannot_create_an_admin(world: World) -> None:
    people = setup_branches(world)
    a1, b1 = people["A1"], people["B1"]
    new_admin = {"code": "X9", "name": "Boss", "role": "admin", "branch": "PLG"}
    calls = [
        ("get", AGENTS, None),
        ("post", AGENTS, new_admin),
        ("post", f"{AGENTS}/A2/disable", None),
        ("post", f"{AGENTS}/A2/unlock", None),
        ("post", f"{AGENTS}/A2/reset-password", None),
        ("get", DEVICES, None),
        ("post", f"{DEVICES}/{b1.device_id}/revoke", None),
    ]
    for method, url, body in calls:
        response = world.client.request(method, url, json=body, headers=a1.headers)
        assert response.status_code == 403, (url, response.text)
    with world.engine.connect() as conn:
        assert conn.execute(sa.select(db.Agent.code).where(db.Agent.code == "X9")).first() is None
    assert agent_row(world, "A2").active
    assert trail(world, "reset-password") == [] and trail(world, "revoke-device") == []


def test_a_supervisor_sees_and_changes_only_their_branch(world: World) -> None:
    people = setup_branches(world)
    s1, b1 = people["S1"], people["B1"]
    listed = world.client.get(AGENTS, headers=s1.headers).json()["items"]
    assert {item["code"] for item in listed} == {"A1", "A2", "S1", "N1"}
    assert all(item["branch"] == "PLG" for item in listed)
    # Another branch's account or device: 404, like a code that names nobody.
    for url in (
        f"{AGENTS}/B1/disable",
        f"{AGENTS}/B1/enable",
        f"{AGENTS}/B1/unlock",
        f"{AGENTS}/B1/reset-password",
        f"{AGENTS}/NOBODY/disable",
        f"{DEVICES}/{b1.device_id}/revoke",
        f"{DEVICES}/not-a-uuid/revoke",
    ):
        response = post(world, s1, url)
        assert response.status_code == 404, (url, response.text)
        assert response.json()["error"]["code"] == "not_found"
    devices = world.client.get(DEVICES, headers=s1.headers).json()["items"]
    assert b1.device_id not in {item["device_id"] for item in devices}
    assert people["A1"].device_id in {item["device_id"] for item in devices}
    # Nothing happened to B1: it still works; the trail has none of the refused actions.
    assert world.client.get("/v1/sync/pull", headers=b1.headers).status_code == 200
    assert agent_row(world, "B1").active and not agent_row(world, "B1").must_change_password
    for action in ("disable-agent", "enable-agent", "unlock-agent", "reset-password"):
        assert trail(world, action) == []
    # An admin sees every branch, and narrows to one.
    n1 = people["N1"]
    everyone = world.client.get(AGENTS, headers=n1.headers).json()["items"]
    assert {"B1", "S2", "A1"} <= {item["code"] for item in everyone}
    llg = world.client.get(AGENTS, params={"branch": "LLG"}, headers=n1.headers).json()
    assert {item["code"] for item in llg["items"]} == {"B1", "S2"}


def test_who_may_create_which_account(world: World) -> None:
    people = setup_branches(world)
    s1, n1 = people["S1"], people["N1"]
    admin_by_supervisor = post(
        world, s1, AGENTS, {"code": "X1", "name": "Boss", "role": "admin"}, lang="en"
    )
    assert admin_by_supervisor.status_code == 422
    error = admin_by_supervisor.json()["error"]
    assert error["field"] == "role" and "administrator" in error["message"]
    elsewhere = post(
        world, s1, AGENTS, {"code": "X2", "name": "Agen", "role": "agent", "branch": "LLG"}
    )
    assert elsewhere.status_code == 422 and elsewhere.json()["error"]["field"] == "branch"
    assert "cabang" in elsewhere.json()["error"]["message"]  # in Indonesian by default
    for body, field in (
        ({"code": "bad code", "name": "X", "role": "agent"}, "code"),
        ({"code": "X3", "name": "  ", "role": "agent"}, "name"),
        ({"code": "X3", "name": "X", "role": "boss"}, "role"),
        ({"code": "X3", "name": "X", "role": "agent", "password": "short"}, "password"),
        ({"code": "A1", "name": "X", "role": "agent"}, "code"),
    ):
        refused = post(world, s1, AGENTS, body)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.json()["error"]["field"] == field
    with world.engine.connect() as conn:
        codes = set(conn.execute(sa.select(db.Agent.code)).scalars())
    assert not codes & {"X1", "X2", "X3"}
    made = post(world, s1, AGENTS, {"code": "A3", "name": "Agen Tiga", "role": "agent"})
    assert made.status_code == 201, made.text
    assert made.headers["cache-control"] == "no-store"
    code = made.json()["one_time_code"]
    assert made.json()["account"] == {
        **made.json()["account"],
        "branch": "PLG",
        "must_change_password": True,
        "active": True,
    }
    assert len(code) == agents.ONE_TIME_LENGTH and set(code) <= set(agents.ONE_TIME_ALPHABET)
    refused = world.login_raw("A3", password=code)
    assert refused.json()["error"]["code"] == "password_change_required"
    boss = post(
        world, n1, AGENTS, {"code": "N2", "name": "Pusat", "role": "admin", "branch": "LLG"}
    )
    assert boss.status_code == 201 and boss.json()["account"]["role"] == "admin"
    assert [row.operator for row in trail(world, "create-agent") if row.target == "N2"] == ["N1"]


def test_a_reset_password_is_a_one_time_code_changed_at_the_next_sign_in(world: World) -> None:
    people = setup_branches(world)
    s1, a1 = people["S1"], people["A1"]
    answer = post(world, s1, f"{AGENTS}/A1/reset-password")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    code = answer.json()["one_time_code"]
    assert answer.json()["account"]["must_change_password"] is True
    stored = agent_row(world, "A1")
    assert code not in stored.password_hash and stored.must_change_password
    (row,) = trail(world, "reset-password")
    assert row.operator == "S1" and row.target == "A1" and code not in str(row.details)
    # The old password is gone, the laptop's access and refresh tokens end at once.
    assert world.client.get("/v1/sync/pull", headers=a1.headers).status_code == 401
    assert world.login_raw("A1").status_code == 401
    refreshed = world.client.post("/v1/auth/refresh", json={"refresh_token": a1.refresh_token})
    assert refreshed.status_code == 401
    refused = world.login_raw("A1", password=code)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "password_change_required"
    change = "/v1/auth/change-password"
    short = world.client.post(
        change, json={"agent_code": "A1", "password": code, "new_password": "pendek"}
    )
    assert short.status_code == 422 and short.json()["error"]["field"] == "new_password"
    same = world.client.post(
        change, json={"agent_code": "A1", "password": code, "new_password": code}
    )
    assert same.status_code == 422 and same.json()["error"]["field"] == "new_password"
    wrong = world.client.post(
        change, json={"agent_code": "A1", "password": "ZZZZZZZZZZ", "new_password": "baru-sekali-1"}
    )
    assert wrong.status_code == 401 and agent_row(world, "A1").must_change_password
    done = world.client.post(
        change, json={"agent_code": "A1", "password": code, "new_password": "baru-sekali-1"}
    )
    assert done.status_code == 204, done.text
    assert not agent_row(world, "A1").must_change_password
    assert world.login_raw("A1", password=code).status_code == 401
    assert world.login_raw("A1", password="baru-sekali-1").status_code == 200


def test_change_password_is_throttled_like_login(make_world: Any) -> None:
    world = make_world(lockout_failures=2)
    world.branch()
    world.agent("A1")
    body = {"agent_code": "A1", "password": "salah-sekali", "new_password": "baru-sekali-1"}
    for _ in range(2):
        assert world.client.post("/v1/auth/change-password", json=body).status_code == 401
    held = world.client.post("/v1/auth/change-password", json={**body, "password": PASSWORD})
    assert held.status_code == 429 and held.json()["error"]["code"] == "account_locked"
    stored = agent_row(world, "A1").password_hash
    assert security.verify_password(world.settings, stored, PASSWORD)  # unchanged
    listed = agents.list_accounts(world.engine, world.settings, agents.COMMAND_LINE)
    assert [row.locked for row in listed] == [True]


def test_disable_enable_unlock_and_nobody_disables_themselves(make_world: Any) -> None:
    world = make_world(lockout_failures=2)
    people = setup_branches(world)
    s1, a1 = people["S1"], people["A1"]
    itself = post(world, s1, f"{AGENTS}/S1/disable")
    assert itself.status_code == 422 and agent_row(world, "S1").active
    on_admin = post(world, s1, f"{AGENTS}/N1/reset-password")
    assert on_admin.status_code == 422 and not agent_row(world, "N1").must_change_password
    disabled = post(world, s1, f"{AGENTS}/A1/disable")
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    assert world.client.get("/v1/sync/pull", headers=a1.headers).status_code == 401
    assert world.login_raw("A1").status_code == 401
    assert post(world, s1, f"{AGENTS}/A1/enable").json()["active"] is True
    for _ in range(2):
        assert world.login_raw("A2", password="salah-sekali").status_code == 401
    assert world.login_raw("A2").status_code == 429
    locked = {
        i["code"]: i["locked"] for i in world.client.get(AGENTS, headers=s1.headers).json()["items"]
    }
    assert locked["A2"] is True and locked["A1"] is False
    assert post(world, s1, f"{AGENTS}/A2/unlock").json()["locked"] is False
    assert world.login_raw("A2").status_code == 200
    assert [row.operator for row in trail(world, "unlock-agent")] == ["S1"]


def test_devices_show_their_last_sync_app_version_and_agents(world: World) -> None:
    people = setup_branches(world)
    s1, a1 = people["S1"], people["A1"]
    booth = a1.device_id
    world.login("A2", device_id=booth)
    before = world.client.get(DEVICES, headers=s1.headers).json()["items"]
    mine = next(item for item in before if item["device_id"] == booth)
    assert mine["last_sync_at"] is None and mine["agents"] == ["A1", "A2"]
    headers = {**a1.headers, "User-Agent": protocol.user_agent("0.9.1")}
    pushed = world.client.post(
        "/v1/sync/push",
        json=a1.body([op("business", "create", fields=business_fields())]),
        headers=headers,
    )
    assert pushed.status_code == 200
    after = world.client.get(DEVICES, headers=s1.headers).json()["items"]
    assert after[0]["device_id"] == booth  # the latest sync first
    assert after[0]["last_sync_at"] is not None and after[0]["app_version"] == "0.9.1"
    # A pull without the app's User-Agent keeps the version known.
    assert world.client.get("/v1/sync/pull", headers=a1.headers).status_code == 200
    again = world.client.get(DEVICES, headers=s1.headers).json()["items"][0]
    assert again["app_version"] == "0.9.1" and again["last_sync_at"] >= after[0]["last_sync_at"]
    # An updated app is seen at its first request (the stamp itself is kept to the minute).
    newer = {**a1.headers, "User-Agent": protocol.user_agent("0.9.2")}
    assert world.client.get("/v1/sync/pull", headers=newer).status_code == 200
    assert (
        world.client.get(DEVICES, headers=s1.headers).json()["items"][0]["app_version"] == "0.9.2"
    )
    [line] = [line for line in devices.device_lines(world.engine, "PLG") if booth in line]
    assert "app 0.9.2  agents A1,A2" in line  # the command line's list-devices
    revoked = post(world, s1, f"{DEVICES}/{booth}/revoke")
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["agents"] == [] and revoked.json()["revoked_at"] is not None
    assert world.client.get("/v1/sync/pull", headers=a1.headers).status_code == 401
    assert [row.operator for row in trail(world, "revoke-device")] == ["S1"]
