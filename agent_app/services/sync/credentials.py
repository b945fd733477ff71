"""The sync secrets in the encrypted database (through `uow.sync_secrets`).

The agent's tokens and bundle-signing key are the account's own secrets, sealed (AES-256-GCM)
with the account's key (`Actor.account_key`, which only the account's password unwraps), so a
co-user of the laptop, who holds the database key, cannot act as this agent against the server
nor sign a bundle in the agent's name. The server's address, bundle key and batch limits
(`SERVER`) are shared.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from agent_app.services.actor import Actor
from agent_app.services.sync.failures import SyncFailed
from agent_app.storage.uow import SqlUnitOfWork
from sync import bundle as sync_bundle
from sync import client as sync_client

log = logging.getLogger("sync")

#: The shared secret: the server's address, bundle key and announced limits.
SERVER = "server"
_TOKENS = "tokens:"


def normal_url(url: str) -> str:
    return url.strip().rstrip("/")


def server_info(uow: SqlUnitOfWork) -> dict[str, Any] | None:
    return uow.sync_secrets.get(SERVER)


def save_server_info(uow: SqlUnitOfWork, server: Mapping[str, Any]) -> None:
    uow.sync_secrets.put(SERVER, server)


def connected_agents(uow: SqlUnitOfWork) -> list[str]:
    """The agents whose tokens this laptop holds."""
    return sorted(name.split(":", 1)[1] for name in uow.sync_secrets.names(_TOKENS))


def _tokens_name(agent_code: str) -> str:
    return f"{_TOKENS}{agent_code}"


def _signing_name(agent_code: str) -> str:
    return f"signing_key:{agent_code}"


def _account_key(actor: Actor) -> bytes:
    if len(actor.account_key) != 32:
        raise SyncFailed("not_connected", "no_account_key")
    return actor.account_key


def _put_sealed(uow: SqlUnitOfWork, actor: Actor, name: str, value: Mapping[str, Any]) -> None:
    """Stores an account's own secret sealed with its account key (the name is bound as
    associated data, so a sealed value cannot be moved to another name)."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_account_key(actor)).encrypt(
        nonce, json.dumps(dict(value)).encode("utf-8"), name.encode("utf-8")
    )
    uow.sync_secrets.put(name, {"sealed": sync_bundle.b64(nonce + sealed)})


def _get_sealed(uow: SqlUnitOfWork, actor: Actor, name: str) -> dict[str, Any] | None:
    """An account's own secret, or None when absent, of the first format (stored unsealed:
    not trusted) or not sealed with this account's key."""
    stored = uow.sync_secrets.get(name)
    if stored is None or not isinstance(stored.get("sealed"), str):
        return None
    try:
        raw = sync_bundle.unb64(stored["sealed"])
        opened = AESGCM(_account_key(actor)).decrypt(raw[:12], raw[12:], name.encode("utf-8"))
        value = json.loads(opened)
    except (InvalidTag, ValueError):
        log.warning("a sealed secret of this account could not be opened")
        return None
    return value if isinstance(value, dict) else None


def signing_key(uow: SqlUnitOfWork, actor: Actor, *, make: bool) -> Ed25519PrivateKey | None:
    """The agent's own bundle-signing key on this laptop, made on first use when `make`
    (committed by the caller)."""
    name = _signing_name(actor.agent_code)
    stored = _get_sealed(uow, actor, name)
    if stored is not None:
        return Ed25519PrivateKey.from_private_bytes(sync_bundle.unb64(stored["private"]))
    if not make:
        return None
    key = Ed25519PrivateKey.generate()
    _put_sealed(uow, actor, name, {"private": sync_bundle.b64(sync_bundle.raw_private(key))})
    return key


def load_tokens(uow: SqlUnitOfWork, actor: Actor, server_url: str) -> sync_client.Tokens | None:
    """The actor's stored tokens for `server_url`, or None."""
    stored = _get_sealed(uow, actor, _tokens_name(actor.agent_code))
    if stored is None or stored.get("server_url") != normal_url(server_url):
        return None
    return sync_client.Tokens(
        stored["access_token"], stored["refresh_token"], float(stored["expires_at"])
    )


def save_tokens(
    uow: SqlUnitOfWork, actor: Actor, server_url: str, tokens: sync_client.Tokens
) -> None:
    _put_sealed(
        uow,
        actor,
        _tokens_name(actor.agent_code),
        {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": tokens.expires_at,
            "server_url": normal_url(server_url),
        },
    )


def forget_tokens(uow: SqlUnitOfWork, actor: Actor) -> None:
    uow.sync_secrets.put(_tokens_name(actor.agent_code), None)
