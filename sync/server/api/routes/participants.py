"""The participant check."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Depends, Request

from sync import protocol
from sync.server import accounts, participants, throttle
from sync.server.api.errors import ApiError
from sync.server.api.openapi import R400, R401, R413, R429
from sync.server.api.state import ServerState, client_address, principal, server_state

log = logging.getLogger("server")
router = APIRouter(tags=["participants"])


@router.post(
    "/v1/participants/check",
    response_model=protocol.ParticipantCheckResponse,
    responses={**R400, **R401, **R413, **R429},
)
def participants_check(
    body: protocol.ParticipantCheckRequest,
    request: Request,
    who: accounts.Principal = Depends(principal),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Whether a NIK has an active enrollment in any branch (and only where and since
    when). Rate-limited per agent and per client address (429 `rate_limited`); every
    check is recorded with who asked and a keyed hash of the NIK (never the NIK)."""
    client = client_address(request)
    _check_rates(server, who.agent_code, client)
    if not participants.NIK.match(body.nik):
        raise ApiError(400, "invalid_nik", "A NIK is 16 digits.")
    asker = participants.Asker(who.agent_code, who.device_id, client)
    found = participants.check(server.engine, server.nik_key, asker, body.nik)
    if found is None:
        return {"enrolled": False, "branch": None, "enrolled_on": None}
    return {
        "enrolled": True,
        "branch": found.branch_code,
        "enrolled_on": found.enrolled_on.isoformat(),
    }


def _check_rates(server: ServerState, agent_code: str, client: str) -> None:
    """429 `rate_limited` when the agent or the client address checked too often."""
    settings = server.settings
    for scope, subject, limit in (
        ("check-agent", agent_code, settings.check_rate_per_agent),
        ("check-client", client, settings.check_rate_per_client),
    ):
        wait = throttle.hit(server.engine, settings, scope, subject, limit)
        if wait:
            log.warning(
                "participants/check: rate limit (%s) reached by %s from %s",
                scope,
                agent_code,
                client,
            )
            raise ApiError(
                429,
                "rate_limited",
                "Too many participant checks; retry later.",
                {"Retry-After": str(wait)},
            )
