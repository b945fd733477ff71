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

Roles come from the server (SYNC_PROTOCOL.md 1.1). A slot records the role and branch the
server confirmed at the account's last login or refresh (`confirm`), and whether the account is
the laptop's owner (the first account of a laptop). Everything in a slot that grants a power
(code, name, branch, role, `confirmed`, `owner`) is the AES-GCM associated data of its wrapped
key, so editing any of it in the file breaks the slot instead of granting the power. On a
laptop that has a server set, an account acts as supervisor only once the server confirmed it
(`acting_role`); only a confirmed supervisor adds accounts, or on a laptop never connected to a
server (no account on it confirmed yet) its owner.

Each slot also wraps a random per-account key (`Unlocked.account_key`) that only that
account's password opens: it seals the account's own secrets (server tokens, bundle-signing
key), which the shared database key must not open for a co-user. Slots of the first format
(the database key alone, only the code as associated data) are upgraded at their next
successful login, unconfirmed.

The slot file holds no personal data beyond the account's code, name and branch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent_app.domain.keys import SUPERVISING, Role
from agent_app.domain.messages import Text
from agent_app.security.accounts import (
    FORMAT,
    KEY_BYTES,
    MIN_PASSWORD_LENGTH,
    SLOT_VERSION,
    Account,
    AccountError,
    KdfParams,
    LockedOut,
    Policy,
    Unlocked,
    WrongPassword,
    acting_role,
    forbidden_to_add,
)
from agent_app.security.slots import (
    account_of,
    aead,
    b64,
    bound,
    derive,
    invalid_tag,
    kdf_params,
    seal_slot,
    unb64,
)
from agent_app.settings import atomic_write

__all__ = [
    "KEY_BYTES",
    "MIN_PASSWORD_LENGTH",
    "SLOT_VERSION",
    "Account",
    "AccountError",
    "KdfParams",
    "KeyStore",
    "LockedOut",
    "Policy",
    "Role",
    "Unlocked",
    "WrongPassword",
    "acting_role",
]

log = logging.getLogger("security")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class KeyStore:
    """The slot file of one laptop database.

    Args:
        path: the JSON slot file (beside the database).
        kdf: argon2id cost for new slots (tests use a cheap one).
        policy: the slow-down and lock-out rules.
        clock: returns the current UTC time (tests move it).
        server_set: whether this laptop has a server address set (the settings); a laptop
            where any account was ever confirmed by a server counts as having one too.
    """

    def __init__(
        self,
        path: Path,
        kdf: KdfParams | None = None,
        policy: Policy | None = None,
        clock: Callable[[], dt.datetime] = _utcnow,
        server_set: Callable[[], bool] = lambda: False,
    ) -> None:
        self.path = path
        self.kdf = kdf or KdfParams()
        self.policy = policy or Policy()
        self.clock = clock
        self._server_set = server_set

    # -- file ---------------------------------------------------------------------------
    def _read(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"format": FORMAT, "accounts": []}
        data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise AccountError(
                Text.of("The accounts file was made by a newer version of the app."),
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
        return [account_of(slot) for slot in self._read()["accounts"]]

    def server_set(self) -> bool:
        """Whether this laptop has (or ever had) a server: set in the settings, or an
        account on it confirmed by one."""
        if self._server_set():
            return True
        return any(slot.get("confirmed") for slot in self._read()["accounts"])

    def acting_role(self, account: Account) -> Role:
        return acting_role(account, server_set=self.server_set())

    # -- account management --------------------------------------------------------------
    def create_first_account(
        self, agent_code: str, name: str, branch: str, role: Role | str, password: str
    ) -> Unlocked:
        """Makes the database key and the first account's slot (first run only)."""
        data = self._read()
        if data["accounts"]:
            raise AccountError(
                Text.of("The first account already exists."),
                code="exists",
            )
        key = secrets.token_bytes(KEY_BYTES)
        account = self._new_account(agent_code, name, branch, role, owner=True)
        slot, unlocked = self._make_slot(account, password, key, secrets.token_bytes(KEY_BYTES))
        data["accounts"].append(slot)
        self._write(data)
        log.info("first account created")
        return unlocked

    def add_account(
        self,
        unlocked: Unlocked,
        agent_code: str,
        name: str,
        branch: str,
        role: Role | str,
        password: str,
    ) -> Account:
        """Adds a slot for another person, wrapping the key the logged-in person unlocked.

        Only a server-confirmed supervisor may, or the laptop's owner while the laptop has
        no server; judged from the adder's slot as it is in the file now (and proved
        untouched by unwrapping it), not from what the caller holds. The new account is
        unconfirmed: its role is a claim until the server confirms it.

        Raises:
            AccountError: `forbidden`, `exists`, `required`, `weak_password`.
        """
        data = self._read()
        adder = self._verified_account(data, unlocked)
        if adder is None or not self._may_add(adder, data):
            log.info("adding an account refused: the adder holds no such power")
            raise forbidden_to_add()
        account = self._new_account(agent_code, name, branch, role)
        if self._find(data, account.agent_code) is not None:
            raise AccountError(
                Text.of("This agent code already has an account."),
                code="exists",
            )
        slot, _ = self._make_slot(account, password, unlocked.key, secrets.token_bytes(KEY_BYTES))
        data["accounts"].append(slot)
        self._write(data)
        return account

    def may_add_accounts(self, unlocked: Unlocked | None) -> bool:
        """Whether the person of `unlocked` may add accounts now (the rule `add_account`
        enforces), so a screen can say so before anyone types a whole new account."""
        data = self._read()
        adder = self._verified_account(data, unlocked)
        return adder is not None and self._may_add(adder, data)

    @staticmethod
    def _may_add(adder: Account, data: dict[str, Any]) -> bool:
        """A confirmed supervisor; or the owner while the laptop has never been connected (no
        account on it was ever confirmed by a server: a server address typed at the first
        run but never logged in to does not count, else nobody could add the first
        supervisor's account)."""
        if adder.confirmed and adder.role in SUPERVISING:
            return True
        connected = any(s.get("confirmed") for s in data["accounts"])
        return adder.owner and not connected

    def _verified_account(self, data: dict[str, Any], unlocked: Unlocked | None) -> Account | None:
        """The account of `unlocked` as its slot in the file says, if that slot still opens
        with the session's wrapping key under its current fields (else None)."""
        if unlocked is None or not unlocked.wrapping:
            return None
        slot = self._find(data, unlocked.account.agent_code)
        if slot is None or slot.get("v") != SLOT_VERSION:
            return None
        try:
            aead(unlocked.wrapping).decrypt(
                unb64(slot["nonce"]), unb64(slot["wrapped_key"]), bound(slot)
            )
        except (invalid_tag(), KeyError, ValueError):
            return None
        return account_of(slot)

    def confirm(self, unlocked: Unlocked, role: Role | str, branch: str) -> Unlocked:
        """Records the role and branch the server answered at a login or refresh of this
        account (a downgrade too), binding them into the slot. Returns the session's new
        `Unlocked`; when the slot no longer opens with the session's key (its password was
        changed meanwhile) nothing is written and the account is answered unconfirmed."""
        data = self._read()
        if self._verified_account(data, unlocked) is None:
            log.warning("server role not recorded: the account's slot changed meanwhile")
            return dataclasses.replace(
                unlocked, account=dataclasses.replace(unlocked.account, confirmed=False)
            )
        slot = self._find(data, unlocked.account.agent_code)
        assert slot is not None
        account = dataclasses.replace(
            account_of(slot), role=Role(role), branch=branch.strip(), confirmed=True
        )
        slot.update(seal_slot(account, unlocked.wrapping, unlocked.key, unlocked.account_key, slot))
        self._write(data)
        log.info("server-confirmed role recorded")
        return dataclasses.replace(unlocked, account=account)

    def change_password(self, agent_code: str, old_password: str, new_password: str) -> None:
        unlocked = self.unlock(agent_code, old_password)
        data = self._read()
        slot = self._find(data, agent_code)
        assert slot is not None
        new_slot, _ = self._make_slot(
            unlocked.account, new_password, unlocked.key, unlocked.account_key
        )
        slot.update(new_slot)
        self._write(data)

    def remove_account(self, unlocked: Unlocked, agent_code: str) -> None:
        data = self._read()
        adder = self._verified_account(data, unlocked)
        if adder is None or not self._may_add(adder, data):
            raise forbidden_to_add()
        if len(data["accounts"]) <= 1:
            raise AccountError(
                Text.of("The last account cannot be removed."),
                code="last_account",
            )
        data["accounts"] = [
            s for s in data["accounts"] if s["agent_code"].casefold() != agent_code.casefold()
        ]
        self._write(data)

    def _new_account(
        self, agent_code: str, name: str, branch: str, role: Role | str, *, owner: bool = False
    ) -> Account:
        code = agent_code.strip()
        if not code or not name.strip():
            raise AccountError(
                Text.of("Agent code and name are required."),
                code="required",
            )
        return Account(code, name.strip(), branch.strip(), Role(role), owner=owner)

    def _make_slot(
        self, account: Account, password: str, key: bytes, account_key: bytes
    ) -> tuple[dict[str, Any], Unlocked]:
        """A new slot (fresh salt) for `account`, and the session it opens."""
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(
                Text.of(
                    "The password needs at least {MIN_PASSWORD_LENGTH} characters.",
                    MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH,
                ),
                code="weak_password",
            )
        salt = secrets.token_bytes(16)
        kdf = kdf_params(self.kdf)
        wrapping = derive(password, salt, kdf)
        base = {"kdf": {"alg": "argon2id", **kdf}, "salt": b64(salt)}
        slot = seal_slot(account, wrapping, key, account_key, base)
        slot["failures"] = 0
        slot["next_attempt_at"] = None
        return slot, Unlocked(account, key, account_key, wrapping)

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
            derive(password, secrets.token_bytes(16), kdf_params(self.kdf))
            raise WrongPassword()
        now = self.clock()
        waiting_until = slot.get("next_attempt_at")
        if waiting_until:
            until = dt.datetime.fromisoformat(waiting_until)
            if now < until:
                raise LockedOut(max(1, int((until - now).total_seconds() + 0.999)))
        wrapping = derive(password, unb64(slot["salt"]), slot["kdf"])
        legacy = slot.get("v") != SLOT_VERSION
        try:
            opened = aead(wrapping).decrypt(
                unb64(slot["nonce"]),
                unb64(slot["wrapped_key"]),
                slot["agent_code"].encode() if legacy else bound(slot),
            )
        except invalid_tag():
            self._record_failure(data, slot, now)
            failures = slot["failures"]
            left = max(0, self.policy.lock_after - failures)
            if left == 0:
                raise LockedOut(self.policy.lock_seconds) from None
            raise WrongPassword(left) from None
        if legacy:
            # A first-format slot: its role, branch and name were bound to nothing, so they
            # are kept as unconfirmed claims; it gets an account key of its own. The owner is
            # the laptop's first account.
            key, account_key = opened, secrets.token_bytes(KEY_BYTES)
            owner = data["accounts"][0] is slot
            account = dataclasses.replace(account_of(slot), confirmed=False, owner=owner)
            slot.update(seal_slot(account, wrapping, key, account_key, slot))
            slot["failures"] = 0
            slot["next_attempt_at"] = None
            self._write(data)
            log.info("key slot upgraded to format %d", SLOT_VERSION)
            return Unlocked(account, key, account_key, wrapping)
        if len(opened) != 2 * KEY_BYTES:
            raise WrongPassword()
        if slot.get("failures") or slot.get("next_attempt_at"):
            slot["failures"] = 0
            slot["next_attempt_at"] = None
            self._write(data)
        return Unlocked(account_of(slot), opened[:KEY_BYTES], opened[KEY_BYTES:], wrapping)

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
