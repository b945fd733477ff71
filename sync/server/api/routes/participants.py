"""The participant check: one NIK, or a list of NIKs (an employer registration's workers)."""

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
    """Whether a NIK is an active participant in any branch: an enrollment's NIK or an
    employer registration's worker (and only where and since when). Rate-limited per agent
    and per client address (429 `rate_limited`); every check is recorded with who asked
    and a keyed hash of the NIK (never the NIK)."""
    client = client_address(request)
    _check_rates(server, who.agent_code, client)
    if not participants.NIK.match(body.nik):
        raise ApiError(400, "invalid_nik", "A NIK is 16 digits.")
    asker = participants.Asker(who.agent_code, who.device_id, client)
    found = participants.check(server.engine, server.nik_key, asker, body.nik)
    return _answer(found)


@router.post(
    "/v1/participants/check-list",
    response_model=protocol.ParticipantListCheckResponse,
    responses={**R400, **R401, **R413, **R429},
)
def participants_check_list(
    body: protocol.ParticipantListCheckRequest,
    request: Request,
    who: accounts.Principal = Depends(principal),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """1.1: the participant check of up to 500 NIKs at once (an employer registration's
    workers), one answer each in the request's order. The request counts as one check
    toward the rate limits of single checks, and each NIK toward a NIK budget of
    `LIST_BUDGET` times those limits (429 `rate_limited`); every NIK is recorded as one
    check (its keyed hash, never the NIK). A NIK that is not 16 digits: 400 `invalid_nik`
    naming it by its place (`niks[3]`), nothing checked or recorded."""
    client = client_address(request)
    for index, nik in enumerate(body.niks):
        if not participants.NIK.match(nik):
            raise ApiError(400, "invalid_nik", "A NIK is 16 digits.", field=f"niks[{index}]")
    _check_rates(server, who.agent_code, client, len(body.niks))
    asker = participants.Asker(who.agent_code, who.device_id, client)
    found = participants.check_many(server.engine, server.nik_key, asker, body.niks)
    return {"results": [_answer(one) for one in found]}


#: A list check's NIKs may number this many times the limits of single checks per window.
LIST_BUDGET = 10


def _answer(found: participants.Enrolled | None) -> dict[str, Any]:
    if found is None:
        return {"enrolled": False, "branch": None, "enrolled_on": None}
    return {
        "enrolled": True,
        "branch": found.branch_code,
        "enrolled_on": found.enrolled_on.isoformat(),
    }


def _check_rates(server: ServerState, agent_code: str, client: str, niks: int = 0) -> None:
    """429 `rate_limited` when the agent or the client address checked too often (`niks`:
    the NIKs of a list check, counted against their own budget too)."""
    settings = server.settings
    limits = [
        ("check-agent", agent_code, settings.check_rate_per_agent, 1),
        ("check-client", client, settings.check_rate_per_client, 1),
    ]
    if niks:
        limits += [
            ("check-niks-agent", agent_code, settings.check_rate_per_agent * LIST_BUDGET, niks),
            ("check-niks-client", client, settings.check_rate_per_client * LIST_BUDGET, niks),
        ]
    for scope, subject, limit, cost in limits:
        wait = throttle.hit(server.engine, settings, scope, subject, limit, cost)
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
