"""A laptop of the live UI tests: the app's services (`ServicesBackend`) on its own encrypted
database, against the live server at `url`, and a Sync page on it."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from agent_app.services.actor import Actor
from agent_app.storage.engine import open_engine
from agent_app.storage.uow import SqlUnitOfWork
from agent_app.ui.backend import ServicesBackend
from agent_app.ui.context import Context
from agent_app.ui.pages.sync import SyncPage

from . import fakes


class Laptop:
    def __init__(self, path: Path, agent_code: str, url: str) -> None:
        self.engine = open_engine(path, os.urandom(32))
        self.actor = Actor(agent_code, f"Agen {agent_code}", "PLG", account_key=os.urandom(32))
        self.backend = ServicesBackend(lambda: SqlUnitOfWork(self.engine), self.actor, lambda: url)
        self.settings = fakes.FakeSettings(server_url=url)

    def page(self, qtbot: Any) -> SyncPage:
        shell = SimpleNamespace(settings=self.settings, keystore=None, log_location="")
        ctx = Context(shell, self.backend, self.actor)
        page = SyncPage(ctx)
        qtbot.addWidget(page)
        page._ctx_keepalive = ctx  # type: ignore[attr-defined]
        page.show()
        page.refresh()
        return page

    def register(self, name: str) -> Any:
        return self.backend.register_business({"name": name, "sector": "kuliner"}, None)
