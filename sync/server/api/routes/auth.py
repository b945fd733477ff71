"""Login and refresh."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from sync import protocol
from sync.server import accounts, observe
from sync.server.api.openapi import R400, R401, R413, R429, R503, err
from sync.server.api.state import ServerState, client_address, server_state

router = APIRouter(tags=["auth"])


@router.post(
    "/v1/auth/login",
    response_model=protocol.LoginResponse,
    responses={
        **R400,
        **R401,
        403: err(
            "device_other_branch (the device belongs to another branch), device_revoked, "
            "or device_key_mismatch (another signing key is registered for the agent on "
            "this device; an administrator resets it)."
        ),
        **R413,
        **R429,
        **R503,
    },
)
def login(
    body: protocol.LoginRequest,
    request: Request,
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Checks the password (argon2id), binds the device to the agent and issues an access
    token and a refresh token (rotated at each refresh). Wrong passwords are counted per
    agent code and client address: after too many in a row that address waits, longer
    each time (429 `account_locked`); logins are rate-limited per client address and per
    agent code (429 `rate_limited`); 503 `busy` when too many passwords are being checked
    at once. Every 429 and 503 carries Retry-After. A device belongs to the branch of its
    first login, and the agent's bundle-signing key on it (`device_public_key`) is
    registered once (403 otherwise)."""
    try:
        return accounts.login(
            server.engine, server.settings, body, client_address(request), server.hash_gate
        )
    except accounts.AuthError as error:
        observe.LOGIN_FAILURES.labels(error.code).inc()
        raise


@router.post(
    "/v1/auth/refresh",
    response_model=protocol.LoginResponse,
    responses={**R400, **R401, **R413},
)
def refresh(
    body: protocol.RefreshRequest,
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Trades a refresh token for a new access token and refresh token. A token already
    traded in is answered with the same pair again within the grace window (an answer
    lost on the way); later, every refresh token descended from the same login is
    revoked (401)."""
    return accounts.refresh(server.engine, server.settings, body.refresh_token)
