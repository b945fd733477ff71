"""The audit page: the server's administration trail and the laptops' audit events in one list,
newest first, filtered by agent, action, days and trail, with the laptops whose hash chain is
broken named at the top and each breaking event marked in plain words (`admin.audit_log`)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from agent_app.domain.messages import Text
from sync.server.admin import audit_log
from sync.server.admin.common import FieldError
from sync.server.api.state import ServerState, server_state
from sync.server.console import render, session
from sync.server.console.session import ConsoleUser

router = APIRouter()
PAGE_SIZE = 50

SOURCE_LABELS = {
    "all": Text.of("Both trails"),
    "server": Text.of("Console and server"),
    "laptop": Text.of("Laptops"),
}
#: What each break of a laptop's chain means, for a person who is not an engineer.
CHAIN_PROBLEMS = {
    "gap": Text.of("Events are missing before this one (deleted on the laptop?)."),
    "mismatch": Text.of("It does not follow the laptop's previous event (changed or replaced?)."),
    "bad_hash": Text.of("Its content does not match its seal (changed after it was written?)."),
    "unchained": Text.of("It carries no seal (an old app version?)."),
}


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/audit")
def audit(
    request: Request,
    agent: str = "",
    action: str = "",
    day_from: str = "",
    day_to: str = "",
    source: str = "all",
    branch: str = "",
    gaps: str = "",
    cursor: str = "",
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    filters = {
        "agent": agent.strip()[:64],
        "action": action.strip()[:64],
        "day_from": day_from,
        "day_to": day_to,
        "source": source if source in audit_log.SOURCES else "all",
        "branch": branch.strip()[:32] if user.is_admin else "",
        "gaps": "1" if gaps else "",
    }
    errors: dict[str, str] = {}
    start, end = _day(day_from), _day(day_to)
    for name, typed, parsed in (("day_from", day_from, start), ("day_to", day_to, end)):
        if typed and parsed is None:
            errors[name] = Text.of("Type a date like 2026-12-01.").in_language(user.lang)
    wanted = audit_log.AuditFilter(
        filters["agent"] or None,
        filters["action"] or None,
        start,
        end,
        filters["source"],
        filters["branch"] or None,
        bool(gaps),
    )
    page = audit_log.AuditPage([], None, [])
    if not errors:
        try:
            page = audit_log.list_audit(
                server.engine, wanted, user.reviewer, cursor or None, PAGE_SIZE
            )
        except FieldError as error:
            errors = render.field_errors(error, user.lang)
            errors = {("day_to" if k == "to" else k): v for k, v in errors.items()}
    return render.page(
        request,
        user,
        "audit.html",
        status_code=422 if errors else 200,
        page=page,
        filters=filters,
        errors=errors,
        sources=[(code, text.in_language(user.lang)) for code, text in SOURCE_LABELS.items()],
        problems={code: text.in_language(user.lang) for code, text in CHAIN_PROBLEMS.items()},
    )
