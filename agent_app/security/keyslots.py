"""Per-account key slots for the encrypted local database (ARCHITECTURE.md rule 5).

The database key is 32 random bytes. Each account on the laptop has a slot holding that key
encrypted with AES-256-GCM under a key derived from the account's password with argon2id
(salted per slot, and bound to the account code as associated data). Several staff can share
one booth laptop, each with their own password; a stolen laptop yields only the slots, and
each guess at a password costs a full argon2id derivation.

Wrong passwords are slowed down and locked out: after `Policy.free_attempts` failures each
further attempt must wait (doubling, capped), and after `Policy.lock_after` failures in a row
the account is locked for `Policy.lock_seconds`. The counters live in the slot file, so they
survive a restart. (They guard the login screen; against someone who copies the file, the
argon2id cost is what protects the key.)

The slot file holds no personal data beyond the account's code, name and branch.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from agent_app.domain.keys import Role
from agent_app.domain.messages import Text
from agent_app.errors import KnownError
from agent_app.settings import atomic_write

log = logging.getLogger("security")

FORMAT = 1
KEY_BYTES = 32
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True, slots=True)
class KdfParams:
    """argon2id cost. The default takes about 0.2 s on a 2-core laptop (OWASP's 2023 advice:
    m=64 MiB, t=3, p=1 or more)."""

    time_cost: int = 3
    memory_cost_kib: int = 65536
    parallelism: int = 2


@dataclass(frozen=True, slots=True)
class Policy:
    free_attempts: int = 3  # failures before each attempt must wait
    base_delay_seconds: float = 2.0  # the first wait; doubles with each further failure
    max_delay_seconds: float = 60.0
    lock_after: int = 10  # failures in a row before the account is locked
    lock_seconds: int = 15 * 60


@dataclass(frozen=True, slots=True)
class Account:
    agent_code: str
    name: str
    branch: str
    role: Role


@dataclass(frozen=True, slots=True)
class Unlocked:
    """A successful login: the account and the database key it unwrapped."""

    account: Account
    key: bytes = field(repr=False)


class WrongPassword(KnownError):
    def __init__(self, attempts_left: int | None = None) -> None:
        extra_id = extra_en = ""
        if attempts_left is not None and attempts_left <= 3:
            extra_id = f" Sisa {attempts_left} kali percobaan sebelum akun dikunci."
            extra_en = f" {attempts_left} attempts left before the account is locked."
        super().__init__(
            Text(
                "Kode agen atau kata sandi salah." + extra_id,
                "Wrong agent code or password." + extra_en,
            ),
            code="wrong_password",
        )
        self.attempts_left = attempts_left


class LockedOut(KnownError):
    def __init__(self, seconds_left: int) -> None:
        minutes = max(1, (seconds_left + 59) // 60)
        if seconds_left >= 60:
            wait_id, wait_en = f"{minutes} menit", f"{minutes} minutes"
        else:
            wait_id, wait_en = f"{seconds_left} detik", f"{seconds_left} seconds"
        super().__init__(
            Text(
                f"Terlalu banyak percobaan yang salah. Coba lagi dalam {wait_id}.",
                f"Too many wrong attempts. Try again in {wait_en}.",
            ),
            code="locked_out",
        )
        self.seconds_left = seconds_left


class AccountError(KnownError):
    pass


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def _derive(password: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=kdf["time_cost"],
        memory_cost=kdf["memory_cost_kib"],
        parallelism=kdf["parallelism"],
        hash_len=32,
        type=Type.ID,
    )


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class KeyStore:
    """The slot file of one laptop database.

    Args:
        path: the JSON slot file (beside the database).
        kdf: argon2id cost for new slots (tests use a cheap one).
        policy: the slow-down and lock-out rules.
        clock: returns the current UTC time (tests move it).
    """

    def __init__(
        self,
        path: Path,
        kdf: KdfParams | None = None,
        policy: Policy | None = None,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self.path = path
        self.kdf = kdf or KdfParams()
        self.policy = policy or Policy()
        self.clock = clock

    # -- file ---------------------------------------------------------------------------
    def _read(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"format": FORMAT, "accounts": []}
        data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise AccountError(
                Text(
                    "Berkas akun dibuat oleh versi aplikasi yang lebih baru.",
                    "The accounts file was made by a newer version of the app.",
                ),
                code="keystore_format",
            )
        return data

    def _write(self, data: dict[str, Any]) -> None:
        atomic_write(self.path, json.dumps(data, indent=1))

    @staticmethod
    def _find(data: dict[str, Any], agent_code: str) -> dict[str, Any] | None:
        for slot in data["accounts"]:
            if slot["agent_code"].casefold() == agent_code.strip().casefold():
                return slot
        return None

    # -- queries ------------------------------------------------------------------------
    def has_accounts(self) -> bool:
        return bool(self._read()["accounts"])

    def accounts(self) -> list[Account]:
        return [_account(slot) for slot in self._read()["accounts"]]

    # -- account management --------------------------------------------------------------
    def create_first_account(
        self, agent_code: str, name: str, branch: str, role: Role | str, password: str
    ) -> Unlocked:
        """Makes the database key and the first account's slot (first run only)."""
        data = self._read()
        if data["accounts"]:
            raise AccountError(
                Text("Akun pertama sudah dibuat.", "The first account already exists."),
                code="exists",
            )
        key = secrets.token_bytes(KEY_BYTES)
        account = self._new_account(agent_code, name, branch, role)
        data["accounts"].append(self._make_slot(account, password, key))
        self._write(data)
        log.info("first account created")
        return Unlocked(account, key)

    def add_account(
        self,
        unlocked: Unlocked,
        agent_code: str,
        name: str,
        branch: str,
        role: Role | str,
        password: str,
    ) -> Account:
        """Adds a slot for another person, wrapping the key the logged-in person unlocked."""
        data = self._read()
        account = self._new_account(agent_code, name, branch, role)
        if self._find(data, account.agent_code) is not None:
            raise AccountError(
                Text("Kode agen ini sudah punya akun.", "This agent code already has an account."),
                code="exists",
            )
        data["accounts"].append(self._make_slot(account, password, unlocked.key))
        self._write(data)
        return account

    def change_password(self, agent_code: str, old_password: str, new_password: str) -> None:
        unlocked = self.unlock(agent_code, old_password)
        data = self._read()
        slot = self._find(data, agent_code)
        assert slot is not None
        slot.update(self._make_slot(unlocked.account, new_password, unlocked.key))
        self._write(data)

    def remove_account(self, unlocked: Unlocked, agent_code: str) -> None:
        data = self._read()
        if len(data["accounts"]) <= 1:
            raise AccountError(
                Text("Akun terakhir tidak bisa dihapus.", "The last account cannot be removed."),
                code="last_account",
            )
        data["accounts"] = [
            s for s in data["accounts"] if s["agent_code"].casefold() != agent_code.casefold()
        ]
        self._write(data)

    def _new_account(self, agent_code: str, name: str, branch: str, role: Role | str) -> Account:
        code = agent_code.strip()
        if not code or not name.strip():
            raise AccountError(
                Text("Kode agen dan nama wajib diisi.", "Agent code and name are required."),
                code="required",
            )
        return Account(code, name.strip(), branch.strip(), Role(role))

    def _make_slot(self, account: Account, password: str, key: bytes) -> dict[str, Any]:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(
                Text(
                    f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.",
                    f"The password needs at least {MIN_PASSWORD_LENGTH} characters.",
                ),
                code="weak_password",
            )
        salt = secrets.token_bytes(16)
        nonce = secrets.token_bytes(12)
        kdf = _params(self.kdf)
        wrapping = _derive(password, salt, kdf)
        wrapped = AESGCM(wrapping).encrypt(nonce, key, account.agent_code.encode("utf-8"))
        return {
            "agent_code": account.agent_code,
            "name": account.name,
            "branch": account.branch,
            "role": account.role.value,
            "kdf": {"alg": "argon2id", **kdf},
            "salt": _b64(salt),
            "nonce": _b64(nonce),
            "wrapped_key": _b64(wrapped),
            "failures": 0,
            "next_attempt_at": None,
        }

    # -- login --------------------------------------------------------------------------
    def unlock(self, agent_code: str, password: str) -> Unlocked:
        """Checks the password and returns the database key.

        Raises:
            WrongPassword: unknown account or wrong password (the same message for both).
            LockedOut: too many failures; `seconds_left` says how long to wait.
        """
        data = self._read()
        slot = self._find(data, agent_code)
        if slot is None:
            # Same cost as a real attempt, so timing does not reveal which codes exist.
            _derive(password, secrets.token_bytes(16), _params(self.kdf))
            raise WrongPassword()
        now = self.clock()
        waiting_until = slot.get("next_attempt_at")
        if waiting_until:
            until = dt.datetime.fromisoformat(waiting_until)
            if now < until:
                raise LockedOut(max(1, int((until - now).total_seconds() + 0.999)))
        wrapping = _derive(password, _unb64(slot["salt"]), slot["kdf"])
        try:
            key = AESGCM(wrapping).decrypt(
                _unb64(slot["nonce"]), _unb64(slot["wrapped_key"]), slot["agent_code"].encode()
            )
        except InvalidTag:
            self._record_failure(data, slot, now)
            failures = slot["failures"]
            left = max(0, self.policy.lock_after - failures)
            if left == 0:
                raise LockedOut(self.policy.lock_seconds) from None
            raise WrongPassword(left) from None
        if slot.get("failures") or slot.get("next_attempt_at"):
            slot["failures"] = 0
            slot["next_attempt_at"] = None
            self._write(data)
        return Unlocked(_account(slot), key)

    def _record_failure(self, data: dict[str, Any], slot: dict[str, Any], now: dt.datetime) -> None:
        slot["failures"] = int(slot.get("failures", 0)) + 1
        failures = slot["failures"]
        policy = self.policy
        wait: float = 0
        if failures >= policy.lock_after:
            wait = policy.lock_seconds
        elif failures > policy.free_attempts:
            wait = min(
                policy.base_delay_seconds * 2 ** (failures - policy.free_attempts - 1),
                policy.max_delay_seconds,
            )
        slot["next_attempt_at"] = (now + dt.timedelta(seconds=wait)).isoformat() if wait else None
        self._write(data)
        log.info("failed login attempt %d", failures)


def _params(kdf: KdfParams) -> dict[str, int]:
    return {
        "time_cost": kdf.time_cost,
        "memory_cost_kib": kdf.memory_cost_kib,
        "parallelism": kdf.parallelism,
    }


def _account(slot: dict[str, Any]) -> Account:
    return Account(slot["agent_code"], slot["name"], slot["branch"], Role(slot["role"]))
