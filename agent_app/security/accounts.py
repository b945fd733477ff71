"""Accounts on the laptop as their key slots hold them, the cost and lock-out settings, and the
errors of logging in and managing accounts (see `agent_app.security.keyslots`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent_app.domain.keys import Role
from agent_app.domain.messages import Text
from agent_app.errors import KnownError

FORMAT = 1
#: The slot layout: 2 wraps the database key and the account key, bound to the slot's powers.
SLOT_VERSION = 2
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
    """An account as its slot holds it. `role` is the role the server confirmed when
    `confirmed`, else the role given locally when the account was made (a claim only: see
    `acting_role`). `owner`: the first account of the laptop."""

    agent_code: str
    name: str
    branch: str
    role: Role
    confirmed: bool = False
    owner: bool = False


@dataclass(frozen=True, slots=True)
class Unlocked:
    """A successful login: the account, the database key and the account's own key.

    `wrapping` (the password-derived key of the slot) stays in memory for the session so
    that a role the server confirms can be bound into the slot without asking the password
    again (`KeyStore.confirm`)."""

    account: Account
    key: bytes = field(repr=False)
    account_key: bytes = field(default=b"", repr=False)
    wrapping: bytes = field(default=b"", repr=False, compare=False)


def acting_role(account: Account, *, server_set: bool) -> Role:
    """The role an account acts with on this laptop: the server-confirmed one; on a laptop
    with a server set, an unconfirmed account is an agent whatever its slot claims (on a
    laptop never connected to a server, the role the owner gave it)."""
    if account.confirmed or not server_set:
        return account.role
    return Role.AGENT


class WrongPassword(KnownError):
    def __init__(self, attempts_left: int | None = None) -> None:
        text = Text.of("Wrong agent code or password.")
        if attempts_left is not None and attempts_left <= 3:
            text = Text.of(
                "{text} {attempts_left} attempts left before the account is locked.",
                text=text,
                attempts_left=attempts_left,
            )
        super().__init__(text, code="wrong_password")
        self.attempts_left = attempts_left


class LockedOut(KnownError):
    def __init__(self, seconds_left: int) -> None:
        minutes = max(1, (seconds_left + 59) // 60)
        if seconds_left >= 60:
            wait = Text.of("{minutes} minutes", minutes=minutes)
        else:
            wait = Text.of("{seconds_left} seconds", seconds_left=seconds_left)
        super().__init__(
            Text.of("Too many wrong attempts. Try again in {wait}.", wait=wait),
            code="locked_out",
        )
        self.seconds_left = seconds_left


class AccountError(KnownError):
    pass


def forbidden_to_add() -> AccountError:
    return AccountError(
        Text.of(
            "Only a supervisor the server has confirmed may add accounts "
            "on this laptop. Log in to the server first."
        ),
        code="forbidden",
    )
