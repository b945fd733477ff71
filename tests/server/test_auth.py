"""Accounts and devices: login, refresh, lockout, expired and foreign tokens, device binding."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from srv_support import World, business_fields, op

from sync.server import admin, db, security


def test_login_answer(world: World) -> None:
    world.branch()
    world.agent("A1")
    laptop = world.login("A1")
    answer = laptop.login_answer
    assert answer["agent"] == {
        "code": "A1",
        "name": "Agen A1",
        "branch": "PLG",
        "role": "agent",
        "time_zone": "Asia/Jakarta",
    }
    assert answer["expires_in"] == world.settings.access_token_seconds
    assert answer["access_token"] and answer["refresh_token"]
    assert len(answer["server_public_key"]) == 44  # base64 of 32 bytes
    config = world.client.get("/v1/sync/config", headers=laptop.headers)
    assert config.status_code == 200
    assert set(config.json()) == {
        "protocol_version",
        "max_ops_per_batch",
        "max_body_bytes",
        "server_time",
    }


def test_wrong_password_and_unknown_agent_are_401(world: World) -> None:
    world.branch()
    world.agent("A1")
    for code, password in (("A1", "salah-sekali"), ("NOBODY", "whatever-1")):
        response = world.login_raw(code, password=password)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "wrong_password"


def test_lockout_after_repeated_wrong_passwords(world: World) -> None:
    world.branch()
    world.agent("A1")
    for _ in range(world.settings.lockout_failures - 1):
        assert world.login_raw("A1", password="salah-sekali").status_code == 401
    locked = world.login_raw("A1", password="salah-sekali")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "account_locked"
    assert int(locked.headers["Retry-After"]) > 0
    # Even the right password waits for the lock to pass.
    right = world.login_raw("A1")
    assert right.status_code == 429 and right.json()["error"]["code"] == "account_locked"
    admin.unlock_agent(world.engine, "A1")
    assert world.login_raw("A1").status_code == 200


def test_success_resets_the_failure_count(world: World) -> None:
    world.branch()
    world.agent("A1")
    for _ in range(3):
        world.login_raw("A1", password="salah-sekali")
    assert world.login_raw("A1").status_code == 200
    for _ in range(3):
        assert world.login_raw("A1", password="salah-sekali").status_code == 401


def test_tokens_missing_bad_expired(world: World) -> None:
    world.branch()
    world.agent("A1")
    laptop = world.login("A1")
    missing = world.client.get("/v1/sync/config")
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "missing_token"
    bad = world.client.get("/v1/sync/config", headers={"Authorization": "Bearer abc.def"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_token"
    expired = security.issue_access_token(world.token_secret(), "A1", laptop.device_id, -5)
    response = world.client.get("/v1/sync/pull", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"
    forged = security.issue_access_token(b"x" * 32, "A1", laptop.device_id, 600)
    response = world.client.get("/v1/sync/pull", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    # A token naming a device the agent never logged in on is not accepted either.
    unbound = security.issue_access_token(world.token_secret(), "A1", str(uuid.uuid4()), 600)
    response = world.client.get("/v1/sync/pull", headers={"Authorization": f"Bearer {unbound}"})
    assert response.status_code == 401


def _refresh(world: World, token: str) -> Any:
    return world.client.post("/v1/auth/refresh", json={"refresh_token": token})


def _age_used_refresh_tokens(world: World, seconds: int) -> None:
    """Moves every spent refresh token's `used_at` into the past (instead of sleeping)."""
    tokens = db.table(db.RefreshToken)
    with world.engine.begin() as conn:
        for row in conn.execute(sa.select(tokens).where(tokens.c.used_at.is_not(None))):
            conn.execute(
                tokens.update()
                .where(tokens.c.token_hash == row.token_hash)
                .values(used_at=row.used_at - dt.timedelta(seconds=seconds))
            )


def test_refresh_rotates_and_garbage_is_refused(world: World) -> None:
    world.branch()
    world.agent("A1")
    laptop = world.login("A1")
    fresh = _refresh(world, laptop.refresh_token)
    assert fresh.status_code == 200
    answer = fresh.json()
    assert answer["agent"]["code"] == "A1" and answer["refresh_token"] != laptop.refresh_token
    config = world.client.get(
        "/v1/sync/config", headers={"Authorization": f"Bearer {answer['access_token']}"}
    )
    assert config.status_code == 200
    garbage = _refresh(world, "nope")
    assert garbage.status_code == 401
    assert garbage.json()["error"]["code"] == "invalid_refresh_token"


def test_a_refresh_whose_answer_was_lost_can_be_repeated_within_the_grace_window(
    world: World,
) -> None:
    """The Wi-Fi drops after the server rotated the token: the laptop still holds the old one
    and sends it again; it gets a new pair instead of having to log in again."""
    world.branch()
    world.agent("A1")
    laptop = world.login("A1")
    lost = _refresh(world, laptop.refresh_token).json()  # the answer never reached the laptop
    _age_used_refresh_tokens(world, world.settings.refresh_grace_seconds - 60)
    again = _refresh(world, laptop.refresh_token)
    assert again.status_code == 200
    assert again.json()["refresh_token"] not in (laptop.refresh_token, lost["refresh_token"])
    # The pair from the lost answer stays valid too (two threads may both have asked).
    assert _refresh(world, lost["refresh_token"]).status_code == 200


def test_a_spent_refresh_token_reused_after_the_grace_window_revokes_the_device(
    world: World,
) -> None:
    """Reuse long after the rotation means a copy is in other hands: every refresh token of
    that agent on that device stops working, so the thief and the laptop both log in again
    (the laptop with its password), and other devices are left alone."""
    world.branch()
    world.agent("A1")
    laptop = world.login("A1")
    other_laptop = world.login("A1")
    current = _refresh(world, laptop.refresh_token).json()["refresh_token"]
    _age_used_refresh_tokens(world, world.settings.refresh_grace_seconds + 1)
    stolen = _refresh(world, laptop.refresh_token)
    assert stolen.status_code == 401
    assert stolen.json()["error"]["code"] == "invalid_refresh_token"
    assert _refresh(world, current).status_code == 401  # the family is revoked
    assert _refresh(world, other_laptop.refresh_token).status_code == 200
    assert world.login("A1", laptop.device_id).refresh_token  # a password login still works


def test_with_no_grace_window_refresh_tokens_are_single_use(make_world: Any) -> None:
    world = make_world(refresh_grace_seconds=0)
    world.branch()
    world.agent("A1")
    laptop = world.login("A1")
    assert _refresh(world, laptop.refresh_token).status_code == 200
    reused = _refresh(world, laptop.refresh_token)
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "invalid_refresh_token"


def test_push_from_another_device_is_403(world: World) -> None:
    world.branch()
    world.agent("A1")
    laptop = world.login("A1")
    other = world.login("A1")
    body = other.body([op("business", "create", None, business_fields())])
    response = world.client.post("/v1/sync/push", json=body, headers=laptop.headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "wrong_device"


def test_booth_laptop_bound_to_several_agents(world: World) -> None:
    world.branch()
    world.agent("A1")
    world.agent("A2")
    booth = str(uuid.uuid4())
    first = world.login("A1", device_id=booth)
    second = world.login("A2", device_id=booth)
    assert first.push_one(op("business", "create", None, business_fields()))["status"] == (
        "applied"
    )
    assert second.push_one(op("business", "create", None, business_fields()))["status"] == (
        "applied"
    )
    # Both tokens stay valid: binding a second agent does not unbind the first.
    assert world.client.get("/v1/sync/config", headers=first.headers).status_code == 200


def test_login_validates_the_device_key(world: World) -> None:
    world.branch()
    world.agent("A1")
    response = world.login_raw("A1", device_public_key="not base64!")
    assert response.status_code == 400
    response = world.login_raw("A1", device_public_key="AAAA")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"


def test_disabled_agent_is_cut_off_at_once(world: World) -> None:
    world.branch()
    world.agent("A1")
    laptop = world.login("A1")
    admin.set_agent_active(world.engine, "A1", False)
    assert world.client.get("/v1/sync/config", headers=laptop.headers).status_code == 401
    refreshed = world.client.post("/v1/auth/refresh", json={"refresh_token": laptop.refresh_token})
    assert refreshed.status_code == 401
    assert world.login_raw("A1").status_code == 401
    admin.set_agent_active(world.engine, "A1", True)
    assert world.login_raw("A1").status_code == 200


def test_revoked_device_is_cut_off_and_its_bundles_refused(world: World) -> None:
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from sync import bundle

    world.branch()
    world.agent("A1")
    key = Ed25519PrivateKey.generate()
    lost = world.login("A1", device_public_key=bundle.b64(bundle.raw_public(key)))
    other = world.login("A1")
    sealed = bundle.seal(
        lost.body([op("business", "create", None, business_fields())]),
        agent_code="A1",
        server_public_key=base64.b64decode(lost.login_answer["server_public_key"]),
        device_private_key=key,
        created_at="2026-11-21T10:00:00+07:00",
    )
    assert "revoked device" in admin.revoke_device(world.engine, lost.device_id)
    assert world.client.get("/v1/sync/config", headers=lost.headers).status_code == 401
    refreshed = world.client.post("/v1/auth/refresh", json={"refresh_token": lost.refresh_token})
    assert refreshed.status_code == 401
    upload = world.client.post(
        "/v1/sync/bundle",
        content=sealed,
        headers={**other.headers, "Content-Type": "application/octet-stream"},
    )
    assert upload.status_code == 400 and upload.json()["error"]["code"] == "invalid_bundle"
    # The agent's other laptop is untouched.
    assert world.client.get("/v1/sync/config", headers=other.headers).status_code == 200


# --- devices: bound to a branch, signing keys registered once (issue 10 items 2 and 5) ------


def _key() -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate()


def _public(key: Any) -> str:
    from sync import bundle

    return bundle.b64(bundle.raw_public(key))


def _bundle(laptop: Any, key: Any, agent_code: str | None = None, **fields: Any) -> bytes:
    import base64

    from sync import bundle

    return bundle.seal(
        laptop.body([op("business", "create", None, business_fields(**fields))]),
        agent_code=agent_code or laptop.agent_code,
        server_public_key=base64.b64decode(laptop.login_answer["server_public_key"]),
        device_private_key=key,
        created_at="2026-11-21T10:00:00+07:00",
    )


def _upload(world: World, uploader: Any, data: bytes) -> Any:
    return world.client.post(
        "/v1/sync/bundle",
        content=data,
        headers={**uploader.headers, "Content-Type": "application/octet-stream"},
    )


def _two_branches(world: World) -> None:
    world.standard()  # PLG: A1, A2, S1
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", branch="LLG")


def test_a_login_from_another_branch_cannot_take_over_a_device(world: World) -> None:
    """The takeover: an agent of another branch logs in with a known laptop's device_id and a
    key of their own. Refused (403); the laptop's genuine bundles still apply, forged ones
    do not."""
    _two_branches(world)
    booth = str(uuid.uuid4())
    genuine_key, forged_key = _key(), _key()
    victim = world.login("A1", device_id=booth, device_public_key=_public(genuine_key))
    taken = world.login_raw("B1", device_id=booth, device_public_key=_public(forged_key))
    assert taken.status_code == 403
    assert taken.json()["error"]["code"] == "device_other_branch"
    forged = _upload(world, victim, _bundle(victim, forged_key))
    assert forged.status_code == 400 and forged.json()["error"]["code"] == "invalid_bundle"
    genuine = _upload(world, victim, _bundle(victim, genuine_key))
    assert genuine.status_code == 200, genuine.text
    assert genuine.json()["results"][0]["status"] == "applied"
    # Agents of the device's own branch still share the booth laptop.
    assert world.login_raw("A2", device_id=booth).status_code == 200
    assert world.client.get("/v1/sync/config", headers=victim.headers).status_code == 200


def test_a_signing_key_is_registered_once_and_replaced_only_by_an_administrator(
    world: World,
) -> None:
    world.standard()
    booth = str(uuid.uuid4())
    first, second = _key(), _key()
    laptop = world.login("A1", device_id=booth, device_public_key=_public(first))
    # A login without a key, or with the same key, changes nothing.
    assert world.login_raw("A1", device_id=booth).status_code == 200
    again = world.login("A1", device_id=booth, device_public_key=_public(first))
    replaced = world.login_raw("A1", device_id=booth, device_public_key=_public(second))
    assert replaced.status_code == 403
    assert replaced.json()["error"]["code"] == "device_key_mismatch"
    assert _upload(world, again, _bundle(again, second)).status_code == 400
    assert _upload(world, again, _bundle(again, first)).status_code == 200
    done = admin.reset_device(world.engine, booth, "A1")
    assert "reset the signing key of agent A1" in done
    renewed = world.login("A1", device_id=booth, device_public_key=_public(second))
    assert _upload(world, renewed, _bundle(renewed, first)).status_code == 400
    assert _upload(world, renewed, _bundle(renewed, second)).status_code == 200
    assert laptop.device_id == booth
    assert any("reset-device" in line and "A1" in line for line in admin.trail(world.engine))
    with pytest.raises(admin.AdminError):
        admin.reset_device(world.engine, booth, "S1")  # not bound to it


def test_a_revoked_device_binds_nobody_until_it_is_reset(world: World) -> None:
    world.standard()
    booth = str(uuid.uuid4())
    world.login("A1", device_id=booth, device_public_key=_public(_key()))
    admin.revoke_device(world.engine, booth)
    for code in ("A1", "A2"):
        refused = world.login_raw(code, device_id=booth, device_public_key=_public(_key()))
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "device_revoked"
    assert "reset device" in admin.reset_device(world.engine, booth)
    new_key = _key()
    back = world.login("A1", device_id=booth, device_public_key=_public(new_key))
    assert _upload(world, back, _bundle(back, new_key)).status_code == 200
    actions = [line.split()[3] for line in admin.trail(world.engine)]
    assert actions[:2] == ["reset-device", "revoke-device"]


def test_after_a_reset_the_next_login_binds_the_device_to_its_branch(world: World) -> None:
    _two_branches(world)
    booth = str(uuid.uuid4())
    world.login("A1", device_id=booth)
    assert world.login_raw("B1", device_id=booth).status_code == 403
    admin.revoke_device(world.engine, booth)
    admin.reset_device(world.engine, booth)  # the laptop moves to Lubuklinggau
    assert world.login_raw("B1", device_id=booth).status_code == 200
    assert world.login_raw("A1", device_id=booth).status_code == 403


def test_a_co_user_of_a_booth_laptop_cannot_make_a_bundle_in_another_agents_name(
    world: World,
) -> None:
    """Agents A1 and A2 share a laptop, each with their own signing key: a bundle that A2
    signs but says it carries A1's ops is refused, whoever uploads it."""
    _, _, supervisor = world.standard()
    booth = str(uuid.uuid4())
    key_a1, key_a2 = _key(), _key()
    a1 = world.login("A1", device_id=booth, device_public_key=_public(key_a1))
    a2 = world.login("A2", device_id=booth, device_public_key=_public(key_a2))
    forged = _bundle(a2, key_a2, agent_code="A1", name="Toko Palsu")
    for uploader in (supervisor, a1):
        refused = _upload(world, uploader, forged)
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"]["code"] == "invalid_bundle"
    assert _upload(world, a2, forged).status_code == 403
    names = [c["fields"].get("name") for c in supervisor.pull_all()[0]]
    assert "Toko Palsu" not in names
    # Each agent's own bundles apply, as that agent.
    assert _upload(world, supervisor, _bundle(a2, key_a2, name="Toko A2")).status_code == 200
    assert _upload(world, supervisor, _bundle(a1, key_a1, name="Toko A1")).status_code == 200
    made = {
        c["fields"]["name"]: c["fields"]["registered_by"]
        for c in supervisor.pull_all()[0]
        if c["entity"] == "business"
    }
    assert made == {"Toko A2": "A2", "Toko A1": "A1"}
