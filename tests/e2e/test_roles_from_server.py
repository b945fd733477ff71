"""Roles come from the server (SYNC_PROTOCOL.md 1.1; issue 10 item 1), end to end: the app's
composition root over a real key store and database, against the real server process.

On a laptop with a server set, an account whose slot says 'supervisor' acts as an agent until
the server confirms it at a login; the server's answer at a later refresh (a downgrade)
applies to the open session at once and is bound into the key slot.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import Any

import pytest
from e2e_support import PASSWORD, Cable

from agent_app import app, paths
from agent_app.security import keyslots
from agent_app.services.sync import connection, credentials
from agent_app.settings import Settings

CHEAP = keyslots.KdfParams(time_cost=1, memory_cost_kib=1024, parallelism=1)


def _expire_access_token(backend: Any) -> None:
    """Makes the stored access token look expired, so the next cycle refreshes first."""
    actor = backend.actor
    with backend.uow_factory() as uow:
        tokens = credentials.load_tokens(uow, actor, backend.server_url())
    assert tokens is not None
    client = connection.client_for(backend.uow_factory, actor, backend.server_url())
    assert client.on_tokens is not None
    client.on_tokens(dataclasses.replace(tokens, expires_at=0.0))
    client.session.close()


def test_the_server_confirms_and_downgrades_roles_on_the_laptop(
    server: Any, cable: Cable, app_home: Any
) -> None:
    server.cli(
        "create-agent", "SV009", "--name", "Supervisor Uji", "--branch", "PLG",
        "--role", "supervisor",
    )  # fmt: skip
    settings = Settings()
    keystore = keyslots.KeyStore(
        paths.keystore_path(), kdf=CHEAP, server_set=lambda: bool(settings.server_url)
    )
    # A laptop never connected: its owner may add accounts and name their roles.
    owner = keystore.create_first_account("AG001", "Agen Satu", "PLG", "supervisor", PASSWORD)
    keystore.add_account(owner, "SV009", "Supervisor Uji", "PLG", "supervisor", PASSWORD)
    settings.server_url = cable.url
    shell = app.AppShell(settings, keystore)
    try:
        # The owner's own word 'supervisor' no longer counts; the server says agent.
        backend = shell.connect(keystore.unlock("AG001", PASSWORD))
        assert not backend.actor.is_supervisor
        backend.sync_now(password=PASSWORD)
        assert not backend.actor.is_supervisor
        refused = keystore.unlock("AG001", PASSWORD)
        assert refused.account.confirmed and refused.account.role == "agent"
        with pytest.raises(keyslots.AccountError):
            keystore.add_account(refused, "SP77", "Palsu", "PLG", "supervisor", PASSWORD)

        # The supervisor acts as one only once the server confirmed it.
        supervisor = keystore.unlock("SV009", PASSWORD)
        backend = shell.connect(supervisor)
        assert not backend.actor.is_supervisor
        backend.sync_now(password=PASSWORD)
        assert backend.actor.is_supervisor
        assert keystore.acting_role(keystore.unlock("SV009", PASSWORD).account) == "supervisor"
        keystore.add_account(supervisor, "AG002", "Agen Dua", "PLG", "agent", PASSWORD)

        # The office takes the role away: the next refresh applies it at once.
        with sqlite3.connect(server.database) as conn:
            conn.execute("UPDATE agent SET role = 'agent' WHERE code = 'SV009'")
        _expire_access_token(backend)
        backend.sync_now()
        assert not backend.actor.is_supervisor
        after = keystore.unlock("SV009", PASSWORD)
        assert after.account.confirmed and keystore.acting_role(after.account) == "agent"
        with pytest.raises(keyslots.AccountError):
            keystore.add_account(after, "AG003", "Agen Tiga", "PLG", "agent", PASSWORD)
    finally:
        shell.close()
