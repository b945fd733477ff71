"""A laptop as the app has it, for the tests that drive the app's services against a server
(tests/e2e, tests/reliability): its own SQLCipher database (`open_engine`), the `LocalStore` on
it (which holds the device id) and the logged-in agent (`Actor`). The folders add what they
drive (a sync engine and fault proxy, the sync service, the UI's backend).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from agent_app.domain.keys import Role
from agent_app.services.actor import Actor

if TYPE_CHECKING:  # the storage needs SQLCipher: imported when a laptop is made
    from sqlalchemy import Engine

    from agent_app.storage.store import LocalStore
    from agent_app.storage.uow import SqlUnitOfWork


class LaptopBase:
    """A laptop's database, store and agent. `key` is the database key (random unless given),
    `account_key` what the account's key slot unwraps (random unless given)."""

    def __init__(
        self,
        path: Path,
        agent_code: str,
        *,
        role: Role = Role.AGENT,
        branch: str = "PLG",
        key: bytes | None = None,
        account_key: bytes | None = None,
    ) -> None:
        self.path = path
        self.agent_code = agent_code
        self.key = key if key is not None else os.urandom(32)
        self.engine, self.store = self._open()
        self.device_id = self.store.device_id
        self.actor = Actor(
            agent_code,
            f"Agen {agent_code}",
            branch,
            role,
            self.device_id,
            account_key=account_key if account_key is not None else os.urandom(32),
        )

    def _open(self) -> tuple[Engine, LocalStore]:
        from agent_app.storage.engine import open_engine
        from agent_app.storage.store import LocalStore

        engine = open_engine(self.path, self.key)
        return engine, LocalStore(engine)

    def uow(self) -> SqlUnitOfWork:
        from agent_app.storage.uow import SqlUnitOfWork

        return SqlUnitOfWork(self.engine)

    def reopen_database(self) -> None:
        """As after a crash of the app: a new engine and store on the same file."""
        self.engine.dispose()
        self.engine, self.store = self._open()

    def close(self) -> None:
        self.engine.dispose()
