"""Logging in to the server and the client every other call uses.

`connect` logs in with the agent's password, registering the agent's own bundle-signing key
(Ed25519, made once per agent and laptop); the tokens and the key are stored sealed
(`credentials`). The role and branch the server answers at each login and refresh go to
`Actor.on_server_role` (roles come from the server, SYNC_PROTOCOL.md 1.1).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from agent_app import __version__
from agent_app.services import zones
from agent_app.services.actor import Actor
from agent_app.services.sync import credentials, outcome
from agent_app.services.sync.failures import failed
from agent_app.storage.uow import SqlUnitOfWork
from sync import bundle as sync_bundle
from sync import client as sync_client

log = logging.getLogger("sync")

UowFactory = Callable[[], SqlUnitOfWork]


@dataclass(frozen=True, slots=True)
class ConnectResult:
    agent_code: str
    name: str
    branch: str
    role: str
    server_url: str


def device_name() -> str:
    return (socket.gethostname() or "laptop")[:200]


def _device_id(uow_factory: UowFactory) -> str:
    with uow_factory() as uow:
        device = uow.sync_state.get().device_id
        uow.commit()
    return device


def _token_saver(
    uow_factory: UowFactory, actor: Actor, server_url: str, client: sync_client.SyncClient
) -> Callable[[sync_client.Tokens], None]:
    def save(tokens: sync_client.Tokens) -> None:
        with uow_factory() as uow:
            credentials.save_tokens(uow, actor, server_url, tokens)
            uow.commit()
        agent = client.agent
        if (
            agent is not None
            and actor.on_server_role is not None
            and agent.code.casefold() == actor.agent_code.casefold()
        ):
            actor.on_server_role(str(agent.role), agent.branch)

    return save


def client_for(
    uow_factory: UowFactory,
    actor: Actor,
    server_url: str,
    *,
    device_id: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> sync_client.SyncClient:
    """A client for the actor on this laptop, with the stored tokens (if any)."""
    client = sync_client.SyncClient(
        credentials.normal_url(server_url),
        device_id or _device_id(uow_factory),
        device_name(),
        **{"app_version": __version__, **dict(options or {})},
    )
    client.on_tokens = _token_saver(uow_factory, actor, server_url, client)
    with uow_factory() as uow:
        tokens = credentials.load_tokens(uow, actor, server_url)
    if tokens is not None:
        client.set_tokens(tokens)
    return client


def connect(
    uow_factory: UowFactory,
    actor: Actor,
    server_url: str,
    password: str,
    *,
    client_options: Mapping[str, Any] | None = None,
) -> ConnectResult:
    """Logs in to the server as `actor` with the agent's password, on this laptop.

    Registers the agent's own bundle-signing key with the server and keeps the tokens and
    that key sealed with the account's key, and the server's bundle key and address, in the
    encrypted database. The password is not kept.

    Raises:
        SyncFailed: kind `auth` (wrong password, locked account, another agent's account
            answered, a device bound elsewhere) or `network`/`server`.
    """
    url = credentials.normal_url(server_url)
    with uow_factory() as uow:
        key = credentials.signing_key(uow, actor, make=True)
        assert key is not None
        device_id = uow.sync_state.get().device_id
        uow.commit()
    client = client_for(uow_factory, actor, url, device_id=device_id, options=client_options)
    public = sync_bundle.b64(sync_bundle.raw_public(key))
    try:
        answer = client.login(actor.agent_code, password, device_public_key=public)
    except sync_client.SyncError as error:
        outcome.remember(device_id, False, error.code)
        raise failed(error) from None
    with uow_factory() as uow:
        server = credentials.server_info(uow) or {}
        if server.get("url") != url:
            server = {"url": url}
        if answer.server_public_key:
            server["public_key"] = answer.server_public_key
        credentials.save_server_info(uow, server)
        uow.sync_state.update(server_url=url)
        uow.commit()
    zones.remember(uow_factory(), answer.agent.branch, answer.agent.time_zone)
    outcome.remember(device_id, True)
    log.info("connected to the server as %s", actor.agent_code)
    return ConnectResult(
        answer.agent.code, answer.agent.name, answer.agent.branch, str(answer.agent.role), url
    )


def change_password(
    uow_factory: UowFactory,
    actor: Actor,
    server_url: str,
    password: str,
    new_password: str,
    *,
    client_options: Mapping[str, Any] | None = None,
) -> None:
    """Replaces the agent's password on the server (the one-time code of a reset, which the
    server refuses to log in with: `password_change_required`). Neither password is kept;
    `connect` with the new one next.

    Raises:
        SyncFailed: kind `auth` (wrong code, locked), `protocol` (the server refused the new
            password) or `network`/`server`.
    """
    url = credentials.normal_url(server_url)
    client = client_for(uow_factory, actor, url, options=client_options)
    try:
        client.change_password(actor.agent_code, password, new_password)
    except sync_client.SyncError as error:
        raise failed(error) from None
    log.info("changed the server password of %s", actor.agent_code)


def disconnect(uow_factory: UowFactory, actor: Actor) -> None:
    """Forgets the actor's server tokens on this laptop (the server lets them expire)."""
    with uow_factory() as uow:
        credentials.forget_tokens(uow, actor)
        uow.commit()
