"""Per-account key slots: one random database key, one wrapped copy per password."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from agent_app.security import keyslots
from agent_app.security import slots as key_slots
from agent_app.security.keyslots import KdfParams, KeyStore, LockedOut, Policy, WrongPassword

CHEAP = KdfParams(time_cost=1, memory_cost_kib=1024, parallelism=1)


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 21, 3, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    return KeyStore(tmp_path / "keys.json", kdf=CHEAP, clock=clock)


def test_first_account_makes_a_random_key_and_unlocks_it(store):
    assert not store.has_accounts()
    first = store.create_first_account("AG001", "Rina", "PLG", "agent", "kata-sandi-1")
    assert len(first.key) == 32
    assert store.has_accounts()
    again = store.unlock("ag001", "kata-sandi-1")
    assert again.key == first.key
    assert again.account.name == "Rina"


def test_each_account_unwraps_the_same_key_with_its_own_password(store):
    first = store.create_first_account("AG001", "Rina", "PLG", "agent", "kata-sandi-1")
    store.add_account(first, "SP01", "Budi", "PLG", "supervisor", "sandi-budi-22")
    assert store.unlock("SP01", "sandi-budi-22").key == first.key
    with pytest.raises(WrongPassword):
        store.unlock("SP01", "kata-sandi-1")
    assert [a.agent_code for a in store.accounts()] == ["AG001", "SP01"]


def test_the_slot_file_holds_no_key_or_password(store):
    first = store.create_first_account("AG001", "Rina", "PLG", "agent", "kata-sandi-1")
    raw = store.path.read_bytes()
    assert first.key not in raw
    assert first.key.hex().encode() not in raw
    assert b"kata-sandi-1" not in raw


def test_a_tampered_slot_opens_nothing(store):
    store.create_first_account("AG001", "Rina", "PLG", "agent", "kata-sandi-1")
    data = json.loads(store.path.read_text())
    data["accounts"][0]["agent_code"] = "AG002"  # the code is bound as associated data
    store.path.write_text(json.dumps(data))
    with pytest.raises(WrongPassword):
        store.unlock("AG002", "kata-sandi-1")


def test_unknown_account_and_wrong_password_read_the_same(store):
    store.create_first_account("AG001", "Rina", "PLG", "agent", "kata-sandi-1")
    with pytest.raises(WrongPassword) as unknown:
        store.unlock("NOBODY", "kata-sandi-1")
    with pytest.raises(WrongPassword) as wrong:
        store.unlock("AG001", "salah-sandi")
    assert unknown.value.message("id").split(".")[0] == wrong.value.message("id").split(".")[0]


def test_wrong_passwords_slow_down_then_lock_out(store, clock):
    store.create_first_account("AG001", "Rina", "PLG", "agent", "kata-sandi-1")
    policy = store.policy
    for _ in range(policy.free_attempts):
        with pytest.raises(WrongPassword):
            store.unlock("AG001", "salah")
    # The next failure makes the one after it wait, even with the right password.
    with pytest.raises(WrongPassword):
        store.unlock("AG001", "salah")
    with pytest.raises(LockedOut) as waiting:
        store.unlock("AG001", "kata-sandi-1")
    assert 0 < waiting.value.seconds_left <= policy.base_delay_seconds
    clock.advance(policy.base_delay_seconds)
    assert store.unlock("AG001", "kata-sandi-1").account.agent_code == "AG001"


def test_lockout_survives_a_restart_and_expires(tmp_path, clock):
    policy = Policy(free_attempts=1, base_delay_seconds=1, lock_after=4, lock_seconds=600)
    store = KeyStore(tmp_path / "keys.json", kdf=CHEAP, policy=policy, clock=clock)
    store.create_first_account("AG001", "Rina", "PLG", "agent", "kata-sandi-1")
    failures = 0
    with pytest.raises(LockedOut) as locked:
        while True:
            clock.advance(120)
            try:
                store.unlock("AG001", "salah")
            except WrongPassword as error:
                failures += 1
                assert error.attempts_left == policy.lock_after - failures
    assert failures == policy.lock_after - 1
    assert locked.value.seconds_left == 600
    reopened = KeyStore(tmp_path / "keys.json", kdf=CHEAP, policy=policy, clock=clock)
    with pytest.raises(LockedOut):
        reopened.unlock("AG001", "kata-sandi-1")
    assert "menit" in locked.value.message("id")
    clock.advance(600)
    assert reopened.unlock("AG001", "kata-sandi-1")
    # success resets the counter
    with pytest.raises(WrongPassword) as again:
        reopened.unlock("AG001", "salah")
    assert again.value.attempts_left == policy.lock_after - 1


def test_password_rules_and_duplicates(store):
    with pytest.raises(keyslots.AccountError):
        store.create_first_account("AG001", "Rina", "PLG", "agent", "pendek")
    first = store.create_first_account("AG001", "Rina", "PLG", "agent", "kata-sandi-1")
    with pytest.raises(keyslots.AccountError):
        store.create_first_account("AG009", "X", "PLG", "agent", "kata-sandi-1")
    with pytest.raises(keyslots.AccountError):
        store.add_account(first, "ag001", "Lagi", "PLG", "agent", "kata-sandi-2")


def test_change_password_keeps_the_key(store):
    first = store.create_first_account("AG001", "Rina", "PLG", "agent", "kata-sandi-1")
    store.change_password("AG001", "kata-sandi-1", "sandi-baru-99")
    assert store.unlock("AG001", "sandi-baru-99").key == first.key
    with pytest.raises(WrongPassword):
        store.unlock("AG001", "kata-sandi-1")


def test_default_kdf_is_argon2id_with_real_cost(tmp_path):
    store = KeyStore(tmp_path / "keys.json")
    store.create_first_account("AG001", "Rina", "PLG", "agent", "kata-sandi-1")
    kdf = json.loads(store.path.read_text())["accounts"][0]["kdf"]
    assert kdf["alg"] == "argon2id"
    assert kdf["memory_cost_kib"] >= 65536 and kdf["time_cost"] >= 3


# --- roles come from the server (SYNC_PROTOCOL.md 1.1) -------------------------------------


def _edit(store, code, **changes):
    data = json.loads(store.path.read_text())
    for slot in data["accounts"]:
        if slot["agent_code"] == code:
            slot.update(changes)
    store.path.write_text(json.dumps(data))


@pytest.mark.parametrize(
    "changes",
    [{"role": "supervisor"}, {"confirmed": True}, {"owner": True}, {"branch": "LLG"}],
)
def test_editing_a_power_in_the_slot_file_breaks_the_slot(store, changes):
    first = store.create_first_account("SP01", "Budi", "PLG", "supervisor", "sandi-budi-22")
    store.add_account(first, "AG001", "Rina", "PLG", "agent", "kata-sandi-1")
    _edit(store, "AG001", **changes)
    with pytest.raises(WrongPassword):
        store.unlock("AG001", "kata-sandi-1")


def test_on_a_laptop_with_a_server_nobody_is_supervisor_until_the_server_confirms(tmp_path):
    server = {"set": False}
    store = KeyStore(tmp_path / "keys.json", kdf=CHEAP, server_set=lambda: server["set"])
    first = store.create_first_account("SP01", "Budi", "PLG", "supervisor", "sandi-budi-22")
    assert store.acting_role(first.account) == "supervisor"  # never connected: the owner's word
    server["set"] = True
    assert store.acting_role(store.unlock("SP01", "sandi-budi-22").account) == "agent"
    confirmed = store.confirm(first, "supervisor", "PLG")
    assert confirmed.account.confirmed
    again = store.unlock("SP01", "sandi-budi-22")
    assert store.acting_role(again.account) == "supervisor"
    # A downgrade applies at once, and sticks.
    downgraded = store.confirm(again, "agent", "PLG")
    assert store.acting_role(downgraded.account) == "agent"
    assert store.acting_role(store.unlock("SP01", "sandi-budi-22").account) == "agent"
    # Once any account was confirmed, clearing the server address does not bring powers back.
    server["set"] = False
    assert store.server_set()


def test_only_a_confirmed_supervisor_adds_accounts(tmp_path):
    server = {"set": False}
    store = KeyStore(tmp_path / "keys.json", kdf=CHEAP, server_set=lambda: server["set"])
    owner = store.create_first_account("AG001", "Rina", "PLG", "agent", "kata-sandi-1")
    agent = store.add_account(owner, "AG002", "Sari", "PLG", "agent", "kata-sandi-2")
    assert not agent.confirmed and not agent.owner
    sari = store.unlock("AG002", "kata-sandi-2")
    assert store.may_add_accounts(owner) and not store.may_add_accounts(sari)
    with pytest.raises(keyslots.AccountError) as refused:
        store.add_account(sari, "SP99", "Palsu", "PLG", "supervisor", "kata-sandi-9")
    assert refused.value.code == "forbidden"
    assert "supervisor" in refused.value.message("id")
    # A server address typed but never logged in to: the owner still may (the supervisor's
    # own account must get onto the laptop somehow).
    server["set"] = True
    store.add_account(owner, "SP01", "Budi", "PLG", "supervisor", "sandi-budi-22")
    # Once the laptop has been connected (any account confirmed), the owner's word no
    # longer counts, nor a confirmed agent's, nor an unconfirmed 'supervisor'.
    confirmed_agent = store.confirm(sari, "agent", "PLG")
    for adder in (owner, confirmed_agent, store.unlock("SP01", "sandi-budi-22")):
        assert not store.may_add_accounts(adder)
        with pytest.raises(keyslots.AccountError):
            store.add_account(adder, "SP99", "Palsu", "PLG", "supervisor", "kata-sandi-9")
    supervisor = store.confirm(store.unlock("AG001", "kata-sandi-1"), "supervisor", "PLG")
    assert store.may_add_accounts(supervisor) and not store.may_add_accounts(None)
    store.add_account(supervisor, "AG003", "Dewi", "PLG", "agent", "kata-sandi-3")
    assert [a.agent_code for a in store.accounts()] == ["AG001", "AG002", "SP01", "AG003"]


def test_a_session_whose_slot_was_edited_adds_nothing(store):
    owner = store.create_first_account("AG001", "Rina", "PLG", "agent", "kata-sandi-1")
    store.add_account(owner, "AG002", "Sari", "PLG", "agent", "kata-sandi-2")
    sari = store.unlock("AG002", "kata-sandi-2")
    _edit(store, "AG002", owner=True)
    with pytest.raises(keyslots.AccountError):
        store.add_account(sari, "SP99", "Palsu", "PLG", "supervisor", "kata-sandi-9")


def test_each_account_has_its_own_key_kept_across_a_password_change(store):
    first = store.create_first_account("AG001", "Rina", "PLG", "agent", "kata-sandi-1")
    store.add_account(first, "AG002", "Sari", "PLG", "agent", "kata-sandi-2")
    sari = store.unlock("AG002", "kata-sandi-2")
    assert len(first.account_key) == 32 and len(sari.account_key) == 32
    assert first.account_key != sari.account_key
    assert first.account_key not in store.path.read_bytes()
    store.change_password("AG001", "kata-sandi-1", "sandi-baru-99")
    assert store.unlock("AG001", "sandi-baru-99").account_key == first.account_key


def test_a_first_format_slot_is_upgraded_unconfirmed_at_its_next_login(tmp_path):
    """A slot of the first format (only the code bound): its claimed role stays a claim."""
    import secrets as _secrets

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = _secrets.token_bytes(32)
    slots = []
    for code, role in (("AG001", "agent"), ("AG002", "supervisor")):
        salt, nonce = _secrets.token_bytes(16), _secrets.token_bytes(12)
        kdf = {"time_cost": 1, "memory_cost_kib": 1024, "parallelism": 1}
        wrapping = key_slots.derive("kata-sandi-1", salt, kdf)
        slots.append(
            {
                "agent_code": code,
                "name": "X",
                "branch": "PLG",
                "role": role,
                "kdf": {"alg": "argon2id", **kdf},
                "salt": key_slots.b64(salt),
                "nonce": key_slots.b64(nonce),
                "wrapped_key": key_slots.b64(AESGCM(wrapping).encrypt(nonce, key, code.encode())),
                "failures": 0,
                "next_attempt_at": None,
            }
        )
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"format": 1, "accounts": slots}))
    store = KeyStore(path, kdf=CHEAP, server_set=lambda: True)
    upgraded = store.unlock("AG002", "kata-sandi-1")
    assert upgraded.key == key and len(upgraded.account_key) == 32
    assert not upgraded.account.confirmed and not upgraded.account.owner
    assert store.acting_role(upgraded.account) == "agent"
    assert store.unlock("AG002", "kata-sandi-1").account_key == upgraded.account_key
    assert store.unlock("AG001", "kata-sandi-1").account.owner
    # The upgraded slot is bound like a new one.
    _edit(store, "AG002", confirmed=True)
    with pytest.raises(WrongPassword):
        store.unlock("AG002", "kata-sandi-1")
