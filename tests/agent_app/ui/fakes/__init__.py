"""Fakes at the UI's boundaries: an in-memory backend, key store, settings and shell.

They follow the contracts of agent_app.services / agent_app.security closely enough to drive
every page; the real services are tested on their own, and against the UI in
test_integration.py once they exist. `FakeBackend` implements `agent_app.ui.backend.Backend`
(mypy checks it, below).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent_app.ui.backend import Backend, BusinessFilter

from .accounts import Account, FakeKeyStore, FakeSettings, LockedOut, Unlocked, WrongPassword
from .backend import FakeBackend
from .data import (
    EVENT,
    SECTORS,
    STATUSES,
    TODAY,
    BusinessRow,
    DuplicateNik,
    ValidationFailed,
)

__all__ = [
    "EVENT",
    "SECTORS",
    "STATUSES",
    "TODAY",
    "Account",
    "BusinessFilter",
    "BusinessRow",
    "DuplicateNik",
    "FakeBackend",
    "FakeKeyStore",
    "FakeSettings",
    "FakeShell",
    "LockedOut",
    "Unlocked",
    "ValidationFailed",
    "WrongPassword",
]


@dataclass
class FakeShell:
    keystore: FakeKeyStore = field(default_factory=FakeKeyStore)
    settings: FakeSettings = field(default_factory=FakeSettings)
    backend: FakeBackend = field(default_factory=FakeBackend)
    log_location: str = "/tmp/perisai-test/logs"
    connected: list[str] = field(default_factory=list)

    def connect(self, unlocked: Unlocked) -> FakeBackend:
        self.connected.append(unlocked.account.agent_code)
        self.backend.actor = unlocked.account
        return self.backend

    def warm_up(self) -> None:
        """Nothing to import ahead: the fake backend is in memory."""


def _implements_the_port(backend: FakeBackend) -> Backend:
    """mypy checks here that the fake implements `agent_app.ui.backend.Backend`."""
    return backend
