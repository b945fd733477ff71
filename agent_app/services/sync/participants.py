"""The enrollment form's question to the server: is this NIK already enrolled anywhere?
`unknown` when it cannot be asked (offline, not connected): offline work is never blocked."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from agent_app.services.actor import Actor
from agent_app.services.sync.connection import UowFactory, client_for
from sync import client as sync_client

log = logging.getLogger("sync")

#: Time-outs of the participant check: the enrollment form waits for it.
CHECK_TIMEOUT = (3.0, 5.0)


@dataclass(frozen=True, slots=True)
class ParticipantCheck:
    """`state`: `enrolled`, `not_enrolled` or `unknown` (the server could not be asked)."""

    state: Literal["enrolled", "not_enrolled", "unknown"]
    branch: str | None = None
    enrolled_on: dt.date | None = None
    reason: str | None = None

    @property
    def enrolled(self) -> bool | None:
        return None if self.state == "unknown" else self.state == "enrolled"


def check_participant(
    uow_factory: UowFactory,
    actor: Actor,
    server_url: str | None,
    nik: str,
    *,
    client_options: Mapping[str, Any] | None = None,
) -> ParticipantCheck:
    """Whether the server knows the NIK as enrolled (any branch); never raises for offline.

    Returns `unknown` (with `reason`) when there is no server, no session, or no answer.
    """
    if not server_url:
        return ParticipantCheck("unknown", reason="no_server")
    options: dict[str, Any] = {"timeout": CHECK_TIMEOUT, "max_retries": 0}
    options.update(client_options or {})
    try:
        client = client_for(uow_factory, actor, server_url, options=options)
    except Exception:  # a broken local state must not block the form
        log.exception("participant check: no client")
        return ParticipantCheck("unknown", reason="local_error")
    if not client.logged_in:
        return ParticipantCheck("unknown", reason="not_connected")
    digits = "".join(ch for ch in nik if ch.isdigit())
    try:
        answer = client.check_participant(digits)
    except sync_client.SyncError as error:
        log.info("participant check: %s/%s", error.kind, error.code)
        return ParticipantCheck("unknown", reason=error.code)
    finally:
        client.session.close()
    if not answer.enrolled:
        return ParticipantCheck("not_enrolled")
    return ParticipantCheck("enrolled", answer.branch, answer.enrolled_on)


def check_participants(
    uow_factory: UowFactory,
    actor: Actor,
    server_url: str | None,
    niks: Sequence[str],
    *,
    client_options: Mapping[str, Any] | None = None,
) -> dict[str, ParticipantCheck]:
    """`check_participant` for each of `niks` (an employer's workers): NIK -> its answer.

    Asked one NIK at a time until the server's list check lands; once the server cannot be
    asked (no server, not connected, no answer), the rest are `unknown` for the same reason
    without asking again, so a list of 200 never waits 200 time-outs.
    """
    answers: dict[str, ParticipantCheck] = {}
    gave_up: ParticipantCheck | None = None
    for nik in dict.fromkeys(niks):
        if gave_up is not None:
            answers[nik] = gave_up
            continue
        answer = check_participant(
            uow_factory, actor, server_url, nik, client_options=client_options
        )
        answers[nik] = answer
        if answer.state == "unknown" and answer.reason not in _ONE_NIK:
            gave_up = answer
    return answers


#: `unknown` reasons about one NIK only (the next may be answered).
_ONE_NIK = frozenset({"invalid_nik", "validation_failed"})
