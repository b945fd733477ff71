"""The enrollment form's question to the server: is this NIK already enrolled anywhere?
`unknown` when it cannot be asked (offline, not connected): offline work is never blocked."""

from __future__ import annotations

import datetime as dt
import logging
import re
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
    """Whether the server knows each of `niks` (an employer's workers) as enrolled: NIK ->
    its answer; never raises for offline.

    One list check (`POST /v1/participants/check-list`, 500 NIKs a call); a server without
    it (404) is asked one NIK at a time. When the server cannot be asked (no server, not
    connected, no answer) every NIK not yet answered is `unknown` for that reason, so a list
    of 200 never waits for 200 time-outs.
    """
    wanted = [nik for nik in dict.fromkeys(niks) if _NIK.fullmatch(_digits(nik))]
    # A NIK that is not 16 digits is not asked (the server would refuse the whole list).
    bad = dict.fromkeys(
        (nik for nik in niks if nik not in wanted),
        ParticipantCheck("unknown", reason="invalid_nik"),
    )
    return {**bad, **_checked(uow_factory, actor, server_url, wanted, client_options)}


def _checked(
    uow_factory: UowFactory,
    actor: Actor,
    server_url: str | None,
    wanted: list[str],
    client_options: Mapping[str, Any] | None,
) -> dict[str, ParticipantCheck]:
    if not wanted:
        return {}
    if not server_url:
        return dict.fromkeys(wanted, ParticipantCheck("unknown", reason="no_server"))
    options: dict[str, Any] = {"timeout": CHECK_TIMEOUT, "max_retries": 0}
    options.update(client_options or {})
    try:
        client = client_for(uow_factory, actor, server_url, options=options)
    except Exception:  # a broken local state must not block the form
        log.exception("participant check: no client")
        return dict.fromkeys(wanted, ParticipantCheck("unknown", reason="local_error"))
    answers: dict[str, ParticipantCheck] = {}
    try:
        if not client.logged_in:
            return dict.fromkeys(wanted, ParticipantCheck("unknown", reason="not_connected"))
        _ask_in_lists(client, wanted, answers)
    except sync_client.SyncError as error:
        log.info("participant check of %d NIKs: %s/%s", len(wanted), error.kind, error.code)
        gave_up = ParticipantCheck("unknown", reason=error.code)
        return {nik: answers.get(nik, gave_up) for nik in wanted}
    finally:
        client.session.close()
    return answers


def _ask_in_lists(
    client: sync_client.SyncClient, niks: Sequence[str], answers: dict[str, ParticipantCheck]
) -> None:
    """Fills `answers` by list checks, or one NIK at a time from a server without them."""
    size = sync_client.MAX_CHECKED_NIKS
    for start in range(0, len(niks), size):
        chunk = niks[start : start + size]
        digits = [_digits(nik) for nik in chunk]
        try:
            found = client.check_participant_list(digits)
        except sync_client.SyncError as error:
            if error.status != 404:
                raise
            found = [client.check_participant(nik) for nik in digits]  # an older server
        for nik, answer in zip(chunk, found, strict=True):
            answers[nik] = _answer(answer)


_NIK = re.compile(r"[0-9]{16}")


def _digits(nik: str) -> str:
    return "".join(ch for ch in nik if ch.isdigit())


def _answer(answer: Any) -> ParticipantCheck:
    if not answer.enrolled:
        return ParticipantCheck("not_enrolled")
    return ParticipantCheck("enrolled", answer.branch, answer.enrolled_on)
