"""Fake accounts, key store and settings, as agent_app.security and agent_app.settings give them."""

from __future__ import annotations

from dataclasses import dataclass

from agent_app import errors
from agent_app.domain.messages import Text


@dataclass
class Account:
    agent_code: str
    name: str
    branch: str
    role: str = "agent"

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


@dataclass
class Unlocked:
    key: bytes
    account: Account


class WrongPassword(errors.KnownError):
    def __init__(self) -> None:
        super().__init__(Text("Kata sandi salah.", "Wrong password."), "wrong_password")


class LockedOut(errors.KnownError):
    def __init__(self, seconds_left: int) -> None:
        super().__init__(
            Text(
                f"Terlalu banyak percobaan. Coba lagi dalam {seconds_left} detik.",
                f"Too many attempts. Try again in {seconds_left} seconds.",
            ),
            "locked_out",
        )
        self.seconds_left = seconds_left


class FakeKeyStore:
    def __init__(self) -> None:
        self._accounts: dict[str, tuple[Account, str]] = {}
        self.failures = 0
        self.key = b"k" * 32

    def has_accounts(self) -> bool:
        return bool(self._accounts)

    def accounts(self) -> list[Account]:
        return [a for a, _ in self._accounts.values()]

    def create_first_account(
        self, agent_code: str, name: str, branch: str, role: str, password: str
    ) -> Unlocked:
        assert not self._accounts
        account = Account(agent_code, name, branch, role)
        self._accounts[agent_code] = (account, password)
        return Unlocked(self.key, account)

    may_add = True

    def may_add_accounts(self, unlocked: Unlocked | None) -> bool:
        return self.may_add

    def add_account(
        self,
        unlocked: Unlocked,
        agent_code: str,
        name: str,
        branch: str,
        role: str,
        password: str,
    ) -> Account:
        assert unlocked is not None
        account = Account(agent_code, name, branch, role)
        self._accounts[agent_code] = (account, password)
        return account

    def unlock(self, agent_code: str, password: str) -> Unlocked:
        if self.failures >= 5:
            raise LockedOut(30)
        account, expected = self._accounts[agent_code]
        if password != expected:
            self.failures += 1
            raise WrongPassword()
        self.failures = 0
        return Unlocked(self.key, account)


@dataclass
class FakeSettings:
    language: str = "id"
    idle_lock_minutes: int = 10
    server_url: str = ""
    current_event_id: str | None = None
    booth_mode: bool = False
    record_place: bool = True
    window_geometry: list[int] | None = None
    window_maximized: bool = False
    saved: int = 0

    def save(self) -> None:
        self.saved += 1
