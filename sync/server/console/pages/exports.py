"""The exports page: choose what (enrollments, businesses, visits), the format (CSV, XLSX) and
the days; an admin may also choose a branch and ask for the personal data unmasked (with a
warning). The file comes from `admin.exports`, the service of the API: masked unless an admin
asks, in the administration trail before it streams, formula-safe."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from agent_app.domain.messages import Text
from sync.server.admin import exports
from sync.server.admin.common import FieldError
from sync.server.api.routes.admin_exports import file_response
from sync.server.api.state import ServerState, server_state
from sync.server.console import render, session
from sync.server.console.session import Change, ConsoleUser

router = APIRouter()

WHAT_LABELS = {
    "enrollments": Text.of("Enrollments (BPU workers)"),
    "businesses": Text.of("Businesses (UMKM)"),
    "visits": Text.of("Visits"),
}
FORMAT_LABELS = {
    "xlsx": Text.of("Excel (XLSX)"),
    "csv": Text.of("CSV"),
}


def _page(
    request: Request,
    user: ConsoleUser,
    typed: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render.page(
        request,
        user,
        "exports.html",
        status_code=status_code,
        typed=typed,
        errors=errors or {},
        whats=[(code, text.in_language(user.lang)) for code, text in WHAT_LABELS.items()],
        formats=[(code, text.in_language(user.lang)) for code, text in FORMAT_LABELS.items()],
    )


@router.get("/exports")
def page(
    request: Request,
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
) -> Response:
    return _page(request, user, {"what": "enrollments", "format": "xlsx"})


def _day(form: dict[str, str], name: str, lang: str, errors: dict[str, str]) -> dt.date | None:
    typed = form.get(name, "").strip()
    if not typed:
        return None
    try:
        return dt.date.fromisoformat(typed)
    except ValueError:
        errors[name] = Text.of("Type a date like 2026-12-01.").in_language(lang)
        return None


@router.post("/exports")
def download(
    request: Request,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """The file, or the page again with the message beside the field."""
    user, form = change.user, dict(change.form)
    errors: dict[str, str] = {}
    start, end = _day(form, "day_from", user.lang, errors), _day(form, "day_to", user.lang, errors)
    if not errors:
        wanted = exports.ExportRequest(
            form.get("what", ""),
            form.get("format", ""),
            form.get("branch", "") if user.is_admin else None,
            start,
            end,
            unmasked=form.get("unmasked") == "1",
        )
        try:
            return file_response(exports.export(server.engine, wanted, user.reviewer))
        except FieldError as error:
            errors = render.field_errors(error, user.lang)
            errors = {("day_to" if k == "to" else k): v for k, v in errors.items()}
    form.pop("csrf_token", None)
    return _page(request, user, form, errors, status_code=422)
