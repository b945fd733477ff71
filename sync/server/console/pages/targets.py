"""Targets and events: the branch's events and targets in two tables, a form to create each,
an edit page for each, and ending one after a confirmation. Every change goes through
`admin.events` / `admin.targets`, the services of the API and the command line; the laptops
pull the change at their next sync."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from agent_app.domain.messages import Text
from sync.server.admin import coverage, events, targets
from sync.server.admin.common import Conflict, FieldError
from sync.server.api.state import ServerState, server_state
from sync.server.console import render, session
from sync.server.console.session import Change, ConsoleUser

router = APIRouter()
Signed = Depends(session.signed_in)
Changed = Depends(session.change)
Server = Depends(server_state)
HOME = "/console/targets"

METRIC_LABELS = {
    "enrollments": Text.of("BPU workers enrolled"),
    "businesses": Text.of("UMKM registered"),
    "visits": Text.of("Visits"),
    "employers": Text.of("Employers accepted"),
}
SCOPE_LABELS = {
    "branch": Text.of("Branch"),
    "event": Text.of("Event"),
    "agent": Text.of("Agent"),
}
EVENT_FIELDS = ("name", "venue", "branch", "starts_on", "ends_on")
TARGET_FIELDS = ("subject", "metric", "goal", "period_start", "period_end")


def _labels(labels: Mapping[str, Text], lang: str) -> list[tuple[str, str]]:
    return [(code, text.in_language(lang)) for code, text in labels.items()]


def _subject_options(
    server: ServerState, user: ConsoleUser
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The target form's "for" choices, grouped by scope: values "scope:id"."""
    found = targets.subjects(server.engine, user.reviewer)
    return [
        (SCOPE_LABELS[scope].in_language(user.lang), [(f"{scope}:{i}", n) for i, n in items])
        for scope, items in found.items()
        if items
    ]


def _errors(error: FieldError, lang: str) -> dict[str, str]:
    """A service's field under the form's own (scope and scope_id are the "for" choice)."""
    errors = render.field_errors(error, lang)
    for name in ("scope", "scope_id"):
        if name in errors:
            errors["subject"] = errors.pop(name)
    return errors


def _home(
    request: Request,
    user: ConsoleUser,
    server: ServerState,
    *,
    errors: dict[str, str] | None = None,
    typed: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    who = user.reviewer
    listed = events.list_events(server.engine, who)
    # What each target's scope did over its period (the coverage page's figures).
    progress = {
        line.target_id: line
        for line in coverage.coverage(server.engine, coverage.CoverageFilter(), who)
    }
    return render.page(
        request,
        user,
        "targets.html",
        status_code=status_code,
        events=listed,
        event_names={event["id"]: event["name"] for event in listed},
        targets=targets.list_targets(server.engine, who),
        progress=progress,
        subjects=_subject_options(server, user),
        metrics=_labels(METRIC_LABELS, user.lang),
        metric_labels={k: v.in_language(user.lang) for k, v in METRIC_LABELS.items()},
        scope_labels={k: v.in_language(user.lang) for k, v in SCOPE_LABELS.items()},
        errors=errors or {},
        typed=dict(typed or {}),
    )


@router.get("/targets")
def home(request: Request, user: ConsoleUser = Signed, server: ServerState = Server) -> Response:
    return _home(request, user, server)


def _version(form: Mapping[str, str]) -> int | None:
    """The version the edit page showed (None if the form had none)."""
    typed = form.get("version", "")
    return int(typed) if typed.isdigit() and len(typed) < 10 else None


def _event_input(form: Mapping[str, str]) -> events.EventInput:
    values = {name: form.get(name, "") for name in EVENT_FIELDS}
    return events.EventInput(**values)


def _target_input(form: Mapping[str, str]) -> targets.TargetInput:
    scope, _, scope_id = form.get("subject", "").partition(":")
    return targets.TargetInput(
        scope,
        scope_id,
        form.get("metric", ""),
        form.get("goal", ""),
        form.get("period_start", ""),
        form.get("period_end", ""),
    )


@router.post("/targets/events")
def create_event(
    request: Request, change: Change = Changed, server: ServerState = Server
) -> Response:
    user = change.user
    try:
        made = events.create_event(server.engine, _event_input(change.form), user.reviewer)
    except FieldError as error:
        errors = _errors(error, user.lang)
        return _home(request, user, server, errors=errors, typed=change.form, status_code=422)
    notice = Text.of(
        "Event {name} created; the laptops receive it at their next sync.", name=made["name"]
    )
    return render.redirect(request, user, HOME, notice)


@router.post("/targets/goals")
def set_target(
    request: Request, change: Change = Changed, server: ServerState = Server
) -> Response:
    user = change.user
    try:
        targets.set_target(server.engine, _target_input(change.form), user.reviewer)
    except FieldError as error:
        errors = _errors(error, user.lang)
        return _home(request, user, server, errors=errors, typed=change.form, status_code=422)
    notice = Text.of("Target saved; the laptops receive it at their next sync.")
    return render.redirect(request, user, HOME, notice)


def _settled(
    request: Request,
    change: Change,
    page: Callable[..., Response],
    act: Callable[[], object],
    saved: Text,
    *,
    keep_typed: bool = True,
) -> Response:
    """Does an event's or a target's edit or end (`act`): back to the targets with `saved`;
    on a stale version (`Conflict`) its `page` again with the form's error (409); on field
    errors the page with each beside its field, and what was typed when `keep_typed` (422)."""
    user = change.user
    try:
        act()
    except Conflict as error:
        return page(errors={"form": error.text.in_language(user.lang)}, status_code=409)
    except FieldError as error:
        typed = change.form if keep_typed else None
        return page(errors=_errors(error, user.lang), typed=typed, status_code=422)
    return render.redirect(request, user, HOME, saved)


def _event_page(
    request: Request,
    user: ConsoleUser,
    server: ServerState,
    event_id: str,
    template: str = "target_event.html",
    *,
    errors: dict[str, str] | None = None,
    typed: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    event = events.get_event(server.engine, event_id, user.reviewer)
    values = {k: str(event[k]) for k in ("name", "venue", "starts_on", "ends_on")}
    return render.page(
        request,
        user,
        template,
        status_code=status_code,
        event=event,
        typed={**values, **dict(typed or {})},
        errors=errors or {},
    )


@router.get("/targets/events/{event_id}")
def event_page(
    request: Request, event_id: str, user: ConsoleUser = Signed, server: ServerState = Server
) -> Response:
    return _event_page(request, user, server, event_id)


@router.post("/targets/events/{event_id}")
def edit_event(
    request: Request, event_id: str, change: Change = Changed, server: ServerState = Server
) -> Response:
    user, data, version = change.user, _event_input(change.form), _version(change.form)
    return _settled(
        request,
        change,
        functools.partial(_event_page, request, user, server, event_id),
        lambda: events.edit_event(server.engine, event_id, data, user.reviewer, version),
        Text.of("Event saved."),
    )


@router.get("/targets/events/{event_id}/end")
def confirm_end_event(
    request: Request, event_id: str, user: ConsoleUser = Signed, server: ServerState = Server
) -> Response:
    return _event_page(request, user, server, event_id, "target_end.html")


@router.post("/targets/events/{event_id}/end")
def end_event(
    request: Request, event_id: str, change: Change = Changed, server: ServerState = Server
) -> Response:
    user = change.user
    return _settled(
        request,
        change,
        functools.partial(_event_page, request, user, server, event_id, "target_end.html"),
        lambda: events.end_event(server.engine, event_id, user.reviewer),
        Text.of("The event ends today."),
        keep_typed=False,
    )


def _target_page(
    request: Request,
    user: ConsoleUser,
    server: ServerState,
    target_id: str,
    template: str = "target_goal.html",
    *,
    errors: dict[str, str] | None = None,
    typed: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    target = targets.get_target(server.engine, target_id, user.reviewer)
    values = {k: str(target[k]) for k in ("goal", "period_start", "period_end")}
    return render.page(
        request,
        user,
        template,
        status_code=status_code,
        target=target,
        metric_label=METRIC_LABELS[target["metric"]].in_language(user.lang),
        scope_label=SCOPE_LABELS[target["scope"]].in_language(user.lang),
        typed={**values, **dict(typed or {})},
        errors=errors or {},
    )


@router.get("/targets/goals/{target_id}")
def target_page(
    request: Request, target_id: str, user: ConsoleUser = Signed, server: ServerState = Server
) -> Response:
    return _target_page(request, user, server, target_id)


@router.post("/targets/goals/{target_id}")
def edit_target(
    request: Request, target_id: str, change: Change = Changed, server: ServerState = Server
) -> Response:
    user, form, version = change.user, change.form, _version(change.form)
    data = targets.TargetInput(
        goal=form.get("goal", ""),
        period_start=form.get("period_start", ""),
        period_end=form.get("period_end", ""),
    )
    return _settled(
        request,
        change,
        functools.partial(_target_page, request, user, server, target_id),
        lambda: targets.edit_target(server.engine, target_id, data, user.reviewer, version),
        Text.of("Target saved."),
    )


@router.get("/targets/goals/{target_id}/end")
def confirm_end_target(
    request: Request, target_id: str, user: ConsoleUser = Signed, server: ServerState = Server
) -> Response:
    return _target_page(request, user, server, target_id, "target_end.html")


@router.post("/targets/goals/{target_id}/end")
def end_target(
    request: Request, target_id: str, change: Change = Changed, server: ServerState = Server
) -> Response:
    user = change.user
    return _settled(
        request,
        change,
        functools.partial(_target_page, request, user, server, target_id, "target_end.html"),
        lambda: targets.end_target(server.engine, target_id, user.reviewer),
        Text.of("The target's period ends today."),
        keep_typed=False,
    )
