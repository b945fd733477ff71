"""Login and refresh."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from sync import protocol
from sync.server import accounts, observe
from sync.server.accounts.passwords import change_password as change
from sync.server.api.openapi import R400, R401, R413, R422, R429, R503, err
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
            "device_key_mismatch (another signing key is registered for the agent on "
            "this device; an administrator resets it), or password_change_required (the "
            "password is a one-time code from a reset: choose a new one with "
            "POST /v1/auth/change-password, then log in with it)."
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
    registered once (403 otherwise). A one-time code from a password reset is checked like
    a password but answered 403 `password_change_required`: nothing is bound or issued."""
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


@router.post(
    "/v1/auth/change-password",
    status_code=204,
    response_class=Response,
    responses={**R400, **R401, **R413, **R422, **R429, **R503},
)
def change_password(
    body: protocol.ChangePasswordRequest,
    request: Request,
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """Replaces the caller's password (or the one-time code of a reset) by `new_password`,
    which must satisfy the password rules (at least 8 characters) and differ from the
    current one (422 `invalid_field`, field `new_password`). The current password is checked
    with the login's rate limits and throttle (401 `wrong_password`, 429, 503). 204 when
    done: log in with the new password."""
    try:
        change(
            server.engine,
            server.settings,
            body.agent_code,
            body.password,
            body.new_password,
            client_address(request),
            server.hash_gate,
        )
    except accounts.AuthError as error:
        observe.LOGIN_FAILURES.labels(error.code).inc()
        raise
    return Response(status_code=204)
