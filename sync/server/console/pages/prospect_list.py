"""An imported prospect list's page (issue 18): the list (source, file, who imported it and when,
its event, counts per status) and its businesses, filtered by district, status and event; a
form that gives the businesses the filter keeps (or the ticked ones) to an agent of the branch;
and the export back to the partner (CSV, XLSX). Every change goes through
`prospects.assigning` and `admin.assignments.create_many`; the file comes from
`prospects.partner_export`. The lists' index (`/console/prospects`) links here.
"""

from __future__ import annotations

import urllib.parse
import uuid
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from agent_app.domain import clock
from agent_app.domain.messages import Text
from sync.server.admin import assignments
from sync.server.admin.common import FieldError
from sync.server.api.routes.admin_exports import file_response
from sync.server.api.state import ServerState, server_state
from sync.server.console import render, session
from sync.server.console.pages.assignments import KIND_LABELS
from sync.server.console.session import Change, ConsoleUser
from sync.server.prospects import assigning, partner_export, progress

router = APIRouter()
#: The rows the page shows at most (a bulk assignment by the filter reaches them all).
SHOWN = 500
FORM_FIELDS = ("which", "agent_code", "kind", "due_on", "note")
FILTERS = ("district", "status", "event")
WHICH_LABELS = {
    "filter": Text.of("Every business the filter shows"),
    "ticked": Text.of("Only the ticked businesses"),
}


def _path(list_id: str) -> str:
    return f"/console/prospects/{list_id}"


def _labels(labels: Mapping[str, Text], lang: str) -> list[tuple[str, str]]:
    return [(code, text.in_language(lang)) for code, text in labels.items()]


def _filters(values: Mapping[str, str]) -> dict[str, str]:
    kept = {name: values.get(name, "") for name in FILTERS}
    return {name: "".join(c for c in v if c.isprintable()).strip()[:64] for name, v in kept.items()}


def _page(
    request: Request,
    user: ConsoleUser,
    server: ServerState,
    list_id: str,
    filters: dict[str, str],
    *,
    typed: Mapping[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    errors = dict(errors or {})
    who = user.reviewer
    view = assigning.ListFilter(**filters)
    try:
        page = assigning.list_page(server.engine, list_id, view, who, SHOWN)
    except FieldError as error:  # a filter typed into the address
        errors.update(render.field_errors(error, user.lang))
        filters = dict.fromkeys(FILTERS, "")
        page = assigning.list_page(server.engine, list_id, assigning.ListFilter(), who, SHOWN)
    lang = user.lang
    typed = dict(typed or {})
    ticked = set(typed.pop("ticked", []))
    agents = assignments.assignable_agents(server.engine, assigning.scoped(who, page.info))
    return render.page(
        request,
        user,
        "prospect_list.html",
        status_code=status_code,
        nav="prospects",
        page=page,
        info=page.info,
        filters=filters,
        typed={name: typed.get(name, "") for name in FORM_FIELDS},
        ticked=ticked,
        errors=errors,
        today=clock.today(page.info.zone).isoformat(),
        agents=[(code, f"{name} ({code})") for code, name in agents],
        kinds=_labels(KIND_LABELS, lang),
        whiches=_labels(WHICH_LABELS, lang),
        statuses=_labels(progress.LABELS, lang),
        status_labels=dict(_labels(progress.LABELS, lang)),
        district_options=[(code, f"{name} ({n})") for code, name, n in page.districts],
        district_name=progress.district_name,
        shown=SHOWN,
    )


@router.get("/prospects/{list_id:uuid}")
def detail(
    request: Request,
    list_id: uuid.UUID,
    district: str = "",
    status: str = "",
    event: str = "",
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """The list and its businesses, filtered (another branch's list is the not-found page)."""
    filters = _filters({"district": district, "status": status, "event": event})
    return _page(request, user, server, str(list_id), filters)


@router.post("/prospects/{list_id:uuid}/assign")
def assign(
    request: Request,
    list_id: uuid.UUID,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """Gives the chosen businesses to the agent; a refused form comes back with the message
    beside its field, the filters and the ticks kept, nothing assigned."""
    user, form = change.user, change.form
    filters = _filters(form)
    typed: dict[str, Any] = {name: form.get(name, "") for name in FORM_FIELDS}
    ticked = change.all("business_id")
    choice = assigning.Choice(typed["which"], assigning.ListFilter(**filters), ticked)
    many = assignments.ManyAssignments(
        typed["agent_code"], typed["kind"], typed["due_on"], typed["note"]
    )
    try:
        done = assigning.assign(server.engine, str(list_id), choice, many, user.reviewer)
    except FieldError as error:
        errors = render.field_errors(error, user.lang)
        errors = {("which" if k == "business_id" else k): v for k, v in errors.items()}
        typed["ticked"] = ticked
        return _page(
            request,
            user,
            server,
            str(list_id),
            filters,
            typed=typed,
            errors=errors,
            status_code=422,
        )
    notice = Text.of(
        "{assigned} assigned to {agent}, {already} already assigned.",
        assigned=str(len(done.ids)),
        agent=done.agent_code,
        already=str(done.already),
    )
    query = urllib.parse.urlencode({k: v for k, v in filters.items() if v})
    return render.redirect(
        request, user, _path(str(list_id)) + (f"?{query}" if query else ""), notice
    )


@router.get("/prospects/{list_id:uuid}/export.{fmt}")
def export(
    list_id: uuid.UUID,
    fmt: str,
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """The file for the partner (in the administration trail before it streams)."""
    if fmt not in partner_export.FORMATS:
        raise HTTPException(404)
    made = partner_export.export(server.engine, str(list_id), fmt, user.reviewer, user.lang)
    return file_response(made)
