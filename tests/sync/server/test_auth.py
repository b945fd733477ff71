"""Accounts and devices: login, refresh, lockout, expired and foreign tokens, device binding."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from srv_support import PASSWORD, World, business_fields, op

from sync.server import admin, db, security

#: Refused logins, lock-outs, rate limits and reused refresh tokens are what these tests provoke;
#: the server logs each at WARNING for its operators.
pytestmark = pytest.mark.expect_warning_log(
    r"^server: login",
    r"^server: spent refresh token of \w+ reused",
    r"^server: participants/check: rate limit",
)


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
        "protocol_minor",
        "max_ops_per_batch",
        "max_body_bytes",
        "max_pull_limit",
        "max_attachment_bytes",
        "min_app_version",
        "latest_app_version",
        "server_time",
        "entities",
    }
    assert config.json()["protocol_minor"] == 1
    assert config.json()["max_pull_limit"] == 5000


def test_wrong_password_and_unknown_agent_are_401(world: World) -> None:
    world.branch()
    world.agent("A1")
    for code, password in (("A1", "salah-sekali"), ("NOBODY", "whatever-1")):
        response = world.login_raw(code, password=password)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "wrong_password"


def _from(world: World, address: str) -> TestClient:
    """A client of the same server calling from another address."""
    client = TestClient(world.app, client=(address, 50000))
    world.extra_clients.append(client)
    return client


def _login(client: TestClient, code: str, password: str = PASSWORD) -> Any:
    return client.post(
        "/v1/auth/login",
        json={
            "agent_code": code,
            "password": password,
            "device_id": str(uuid.uuid4()),
            "device_name": "Laptop uji",
        },
    )


def test_wrong_passwords_hold_up_the_address_they_come_from_not_the_agent(world: World) -> None:
    """A stranger at another address types five wrong passwords for A1: the stranger's
    address must wait (longer each time), A1 at the booth logs in as ever."""
    world.branch()
    world.agent("A1")
    stranger, booth = _from(world, "10.9.9.9"), _from(world, "10.1.1.1")
    for _ in range(world.settings.lockout_failures):
        assert _login(stranger, "A1", "salah-sekali").status_code == 401
    held = _login(stranger, "A1", "salah-sekali")
    assert held.status_code == 429
    assert held.json()["error"]["code"] == "account_locked"
    wait = int(held.headers["Retry-After"])
    assert 60 * world.settings.lockout_minutes - 60 < wait <= 60 * world.settings.lockout_minutes
    # Even the right password waits, from that address only.
    assert _login(stranger, "A1").status_code == 429
    assert _login(booth, "A1").status_code == 200
    admin.unlock_agent(world.engine, "A1")
    assert _login(stranger, "A1").status_code == 200


def test_the_wait_doubles_with_each_further_wrong_password(world: World) -> None:
    world.branch()
    world.agent("A1")
    for _ in range(world.settings.lockout_failures):
        world.login_raw("A1", password="salah-sekali")
    failures = db.table(db.LoginFailure)
    waits = []
    for _ in range(3):
        with world.engine.begin() as conn:  # the wait has passed (instead of sleeping)
            conn.execute(failures.update().values(next_allowed_at=db.utcnow()))
        assert world.login_raw("A1", password="salah-sekali").status_code == 401
        waits.append(int(world.login_raw("A1", password="x-salah").headers["Retry-After"]))
    minutes = world.settings.lockout_minutes
    assert [round(w / 60) for w in waits] == [2 * minutes, 4 * minutes, 8 * minutes]


def test_below_the_threshold_nobody_waits_whatever_the_clocks(world: World) -> None:
    """Another server process (or host) whose clock runs a little ahead stamped the count:
    under `lockout_failures` wrong passwords that never makes anyone wait."""
    world.branch()
    world.agent("A1")
    ahead = db.utcnow() + dt.timedelta(seconds=5)
    with world.engine.begin() as conn:
        conn.execute(
            db.table(db.LoginFailure)
            .insert()
            .values(
                agent_code="A1",
                client="testclient",
                failures=2,
                next_allowed_at=ahead,
                last_failure_at=ahead,
            )
        )
    assert world.login_raw("A1").status_code == 200
    assert world.login_raw("A1", password="salah-sekali").status_code == 401


def test_counts_whose_time_is_over_are_forgotten(world: World) -> None:
    """Codes a guesser sprayed leave no rows behind once their window is over."""
    world.branch()
    world.agent("A1")
    for code in ("NOBODY1", "NOBODY2", "A1"):
        world.login_raw(code, password="salah-sekali")
    failures = db.table(db.LoginFailure)
    past = db.utcnow() - dt.timedelta(minutes=world.settings.lockout_forget_minutes + 1)
    with world.engine.begin() as conn:
        conn.execute(
            failures.update()
            .where(failures.c.agent_code != "A1")
            .values(next_allowed_at=past, last_failure_at=past)
        )
    world.login_raw("NOBODY3", password="salah-sekali")
    with world.engine.connect() as conn:
        left = set(conn.execute(sa.select(failures.c.agent_code)).scalars())
    assert left == {"A1", "NOBODY3"}


def test_known_and_unknown_codes_are_answered_alike(world: World) -> None:
    world.branch()
    world.agent("A1")
    answers: dict[str, list[tuple[int, Any]]] = {}
    for code in ("A1", "NOBODY"):
        client = _from(world, f"10.0.0.{len(answers) + 1}")
        answers[code] = []
        for _ in range(world.settings.lockout_failures + 2):
            response = _login(client, code, "salah-sekali")
            answers[code].append((response.status_code, response.json()))
    assert answers["A1"] == answers["NOBODY"]
    assert [status for status, _ in answers["A1"]][-2:] == [429, 429]


def test_failed_logins_and_lockouts_are_logged_with_the_address_never_the_password(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.branch()
    world.agent("A1")
    stranger = _from(world, "10.9.9.9")
    with caplog.at_level(logging.INFO, logger="server"):
        for _ in range(world.settings.lockout_failures + 1):
            _login(stranger, "A1", "tebak-tebak-99")
        _login(stranger, "PASSWORD-IN-THE-CODE-BOX", "tebak-tebak-99")
    lines = [r.getMessage() for r in caplog.records]
    assert any("wrong password for A1 from 10.9.9.9" in line for line in lines)
    assert any("A1 locked out from 10.9.9.9" in line for line in lines)
    assert any("A1 from 10.9.9.9 refused" in line for line in lines)
    assert not any("tebak" in line or "PASSWORD-IN-THE" in line for line in lines)


@pytest.mark.usefixtures("rate_window")
def test_logins_are_rate_limited_per_client_address_and_per_agent(make_world: Any) -> None:
    world = make_world(login_rate_per_client=3, login_rate_per_agent=4)
    world.branch()
    for code in ("A1", "A2", "A3"):
        world.agent(code)
    here = _from(world, "10.0.0.1")
    assert [_login(here, code).status_code for code in ("A1", "A2", "A3")] == [200] * 3
    limited = _login(here, "A1")
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert 0 < int(limited.headers["Retry-After"]) <= world.settings.rate_window_seconds
    assert _login(_from(world, "10.0.0.2"), "A2").status_code == 200  # another address
    # Per agent: A1 (one login so far; the refused one was stopped by its address) from
    # ever new addresses.
    statuses = [_login(_from(world, f"10.0.1.{n}"), "A1").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.usefixtures("rate_window")
def test_participant_checks_are_rate_limited_per_agent_and_per_client(make_world: Any) -> None:
    world = make_world(check_rate_per_agent=3, check_rate_per_client=5)
    a1, a2, _ = world.standard()
    nik = "1671034509990009"
    assert [a1.check_nik(nik).status_code for _ in range(3)] == [200] * 3
    limited = a1.check_nik(nik)
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0
    # Another agent, same address: the address's five (A1's refused one never reached them).
    assert [a2.check_nik(nik).status_code for _ in range(3)] == [200, 200, 429]


def test_a_right_password_takes_back_only_its_own_count(world: World) -> None:
    """Wrong passwords stay counted for their window after a right one (else a flood holding
    the right password would get more guesses checked); the right one itself is not counted."""
    world.branch()
    world.agent("A1")
    for _ in range(3):
        world.login_raw("A1", password="salah-sekali")
    assert world.login_raw("A1").status_code == 200
    assert world.login_raw("A1").status_code == 200
    for _ in range(world.settings.lockout_failures - 3):
        assert world.login_raw("A1", password="salah-sekali").status_code == 401
    assert world.login_raw("A1", password="salah-sekali").status_code == 429
    failures = db.table(db.LoginFailure)
    with world.engine.begin() as conn:  # the window has passed (instead of sleeping)
        past = db.utcnow() - dt.timedelta(minutes=world.settings.lockout_forget_minutes + 1)
        conn.execute(failures.update().values(next_allowed_at=past, last_failure_at=past))
    assert world.login_raw("A1", password="salah-sekali").status_code == 401
    assert world.login_raw("A1").status_code == 200


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
    and sends it again; it gets the very pair it lost (not a second chain), as often as it
    asks within the grace window."""
    world.branch()
    world.agent("A1")
    laptop = world.login("A1")
    lost = _refresh(world, laptop.refresh_token).json()  # the answer never reached the laptop
    _age_used_refresh_tokens(world, world.settings.refresh_grace_seconds - 60)
    again = _refresh(world, laptop.refresh_token)
    assert again.status_code == 200
    once_more = _refresh(world, laptop.refresh_token).json()
    for answer in (again.json(), once_more):
        assert answer["refresh_token"] == lost["refresh_token"]
        assert answer["access_token"] == lost["access_token"]
        assert 0 < answer["expires_in"] <= world.settings.access_token_seconds
    config = world.client.get(
        "/v1/sync/config", headers={"Authorization": f"Bearer {again.json()['access_token']}"}
    )
    assert config.status_code == 200
    # No fork: the replays minted no token; the one chain goes on from the lost pair.
    tokens = db.table(db.RefreshToken)
    with world.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(tokens)).scalar_one() == 2
    assert _refresh(world, lost["refresh_token"]).status_code == 200


def test_the_kept_successor_is_sealed_not_stored_in_clear(world: World) -> None:
    world.branch()
    world.agent("A1")
    laptop = world.login("A1")
    successor = _refresh(world, laptop.refresh_token).json()
    tokens = db.table(db.RefreshToken)
    with world.engine.connect() as conn:
        stored = " ".join(str(value) for row in conn.execute(sa.select(tokens)) for value in row)
    assert successor["refresh_token"] not in stored
    assert successor["access_token"] not in stored
    assert laptop.refresh_token not in stored


def test_a_spent_refresh_token_reused_after_the_grace_window_revokes_its_family(
    world: World,
) -> None:
    """Reuse long after the rotation means a copy is in other hands: every refresh token
    descended from that login stops working, the newest too, so the thief and the laptop both
    log in again (the laptop with its password); other logins are left alone."""
    world.branch()
    world.agent("A1")
    laptop = world.login("A1")
    other_laptop = world.login("A1")
    second = _refresh(world, laptop.refresh_token).json()["refresh_token"]
    # A thief replays the first token within the window: same pair, no independent chain.
    assert _refresh(world, laptop.refresh_token).json()["refresh_token"] == second
    newest = _refresh(world, second).json()["refresh_token"]
    _age_used_refresh_tokens(world, world.settings.refresh_grace_seconds + 1)
    stolen = _refresh(world, laptop.refresh_token)
    assert stolen.status_code == 401
    assert stolen.json()["error"]["code"] == "invalid_refresh_token"
    assert _refresh(world, newest).status_code == 401  # the whole family is revoked
    assert _refresh(world, second).status_code == 401
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
