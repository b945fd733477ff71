"""The assignments page: the branch's assignments (filter by agent and status), a form to give
an agent a business to visit, follow up or enroll by a due date with a note, and cancel. Every
change goes through `admin.assignments`, the service of the API (`/v1/admin/assignments`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from agent_app.domain import clock
from agent_app.domain.messages import Text
from sync.server.admin import assignments
from sync.server.admin.common import FieldError
from sync.server.api.state import ServerState, server_state
from sync.server.console import render, session
from sync.server.console.session import Change, ConsoleUser

router = APIRouter()
PATH = "/console/assignments"
KIND_LABELS = {
    "visit": Text.of("Visit"),
    "follow_up": Text.of("Follow up"),
    "enroll": Text.of("Enroll"),
}
STATUS_LABELS = {
    "open": Text.of("Open"),
    "done": Text.of("Done"),
    "cancelled": Text.of("Cancelled"),
}
FORM_FIELDS = ("business_id", "agent_code", "kind", "due_on", "note")
#: The businesses the form's select offers at most (a name search narrows them).
BUSINESS_CHOICES = 300


def _labels(labels: Mapping[str, Text], lang: str) -> list[tuple[str, str]]:
    return [(code, text.in_language(lang)) for code, text in labels.items()]


def _page(
    request: Request,
    user: ConsoleUser,
    server: ServerState,
    filters: dict[str, str],
    *,
    typed: Mapping[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    errors = dict(errors or {})
    view = assignments.AssignmentFilter(filters["agent"] or None, filters["status"] or None)
    who = user.reviewer
    try:
        items = assignments.list_assignments(server.engine, view, who, assignments.MAX_LIMIT)
    except FieldError as error:  # a filter typed into the address
        errors.update(render.field_errors(error, user.lang))
        items = []
    agents = assignments.assignable_agents(server.engine, who)
    found = assignments.assignable_businesses(
        server.engine, who, filters.get("find", ""), BUSINESS_CHOICES + 1
    )
    businesses = [
        (entity_id, f"{name} ({branch})" if user.is_admin else name or entity_id)
        for entity_id, name, branch in found[:BUSINESS_CHOICES]
    ]
    today = clock.today(user.zone).isoformat()
    lang = user.lang
    return render.page(
        request,
        user,
        "assignments.html",
        status_code=status_code,
        nav="assignments",
        items=items,
        filters=filters,
        typed={name: (typed or {}).get(name, "") for name in FORM_FIELDS},
        errors=errors,
        today=today,
        agents=[(code, f"{name} ({code})") for code, name in agents],
        businesses=businesses,
        more_businesses=len(found) > BUSINESS_CHOICES,
        kinds=_labels(KIND_LABELS, lang),
        statuses=_labels(STATUS_LABELS, lang),
        kind_labels=dict(_labels(KIND_LABELS, lang)),
        status_labels=dict(_labels(STATUS_LABELS, lang)),
    )


@router.get("/assignments")
def listing(
    request: Request,
    agent: str = "",
    status: str = "open",
    find: str = "",
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """The list (open ones unless another status is chosen) and the form; `find` narrows the
    form's businesses to those whose name holds it."""
    filters = {
        "agent": agent.strip()[:64],
        "status": status if status in assignments.STATUSES else "",
        "find": "".join(ch for ch in find if ch.isprintable()).strip()[:100],
    }
    return _page(request, user, server, filters)


@router.post("/assignments")
def create(
    request: Request,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """Makes the assignment; a refused form comes back with the message beside its field."""
    user = change.user
    typed: dict[str, Any] = {name: change.form.get(name, "") for name in FORM_FIELDS}
    form = assignments.NewAssignment(**typed)
    try:
        made = assignments.create(server.engine, form, user.reviewer)
    except FieldError as error:
        errors = render.field_errors(error, user.lang)
        filters = {"agent": "", "status": "open", "find": change.form.get("find", "")[:100]}
        return _page(request, user, server, filters, typed=typed, errors=errors, status_code=422)
    notice = Text.of(
        "Assigned to {agent}: {business}.",
        agent=str(made["agent_code"]),
        business=str(made["business_name"] or made["business_id"]),
    )
    return render.redirect(request, user, PATH, notice)


@router.post("/assignments/{entity_id}/cancel")
def cancel(
    request: Request,
    entity_id: str,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """Cancels an open assignment (another branch's is the not-found page)."""
    user = change.user
    try:
        assignments.cancel(server.engine, entity_id, user.reviewer)
    except FieldError as error:
        errors = {"cancel": error.text.in_language(user.lang)}
        filters = {"agent": "", "status": "", "find": ""}
        return _page(request, user, server, filters, errors=errors, status_code=422)
    return render.redirect(request, user, PATH, Text.of("The assignment was cancelled."))
