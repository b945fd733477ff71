"""Per-account key slots: one random database key, one wrapped copy per password."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from agent_app.security import keyslots
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
