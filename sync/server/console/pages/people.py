"""Agents and devices: the accounts of the branch (an admin: of every branch) with their state
and actions (disable, enable, unlock, reset the password to a one-time code shown once), a
form to create an account, and the branch's laptops (last sync, app version, the agents bound)
with a confirmed revoke. Every change goes through `admin.agents` / `admin.devices`, the
services the API and the command line use.

A one-time code is shown on the answer to the reset itself (never stored, not even as the
next page's notice, which the database keeps), with what to do with it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from agent_app.domain import keys
from agent_app.domain.messages import Text
from sync.server.admin import agents, devices
from sync.server.admin.common import FieldError
from sync.server.api.state import ServerState, server_state
from sync.server.console import render, session
from sync.server.console.session import Change, ConsoleUser

router = APIRouter()
ROLE_LABELS = {
    keys.Role.AGENT.value: Text.of("Agent"),
    keys.Role.SUPERVISOR.value: Text.of("Supervisor"),
    keys.Role.ADMIN.value: Text.of("Administrator"),
}
NEW_FIELDS = ("code", "name", "role", "branch")


def _roles(user: ConsoleUser) -> list[tuple[str, str]]:
    """The roles this person may give (a supervisor: agent and supervisor)."""
    return [
        (role, text.in_language(user.lang))
        for role, text in ROLE_LABELS.items()
        if user.is_admin or role != keys.Role.ADMIN
    ]


def _people_page(
    request: Request,
    user: ConsoleUser,
    server: ServerState,
    *,
    branch: str = "",
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    scope = branch if user.is_admin and branch else None
    accounts = agents.list_accounts(server.engine, server.settings, user.reviewer, scope)
    laptops = devices.list_devices(server.engine, user.reviewer, scope)
    return render.page(
        request,
        user,
        "people.html",
        status_code=status_code,
        nav="people",
        accounts=accounts,
        laptops=laptops,
        branch=scope or "",
        roles=_roles(user),
        role_labels={role: text.in_language(user.lang) for role, text in ROLE_LABELS.items()},
        typed=typed or {"role": keys.Role.AGENT.value},
        errors=errors or {},
        problem=problem,
    )


@router.get("/people")
def people(
    request: Request,
    branch: str = "",
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    return _people_page(request, user, server, branch=branch.strip()[:32])


def _code_page(
    request: Request, user: ConsoleUser, account: agents.AccountRow, code: str, made: bool
) -> Response:
    return render.page(
        request, user, "people_code.html", nav="people", account=account, code=code, made=made
    )


@router.post("/people/agents")
def create(
    request: Request,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """Creates the account with a one-time code, shown on the answer."""
    user = change.user
    typed = {name: change.form.get(name, "").strip() for name in NEW_FIELDS}
    branch = typed["branch"] if user.is_admin else user.branch_code
    new = agents.NewAccount(typed["code"], typed["name"], branch, typed["role"])
    try:
        if user.is_admin and not branch:
            raise FieldError("branch", Text.of("Choose the branch."))
        code = agents.create_account(server.engine, server.settings, new, user.reviewer)
    except FieldError as error:
        errors = render.field_errors(error, user.lang)
        return _people_page(request, user, server, typed=typed, errors=errors, status_code=422)
    account = agents.get_account(server.engine, server.settings, new.code, user.reviewer)
    return _code_page(request, user, account, code or "", made=True)


def _act(request: Request, change: Change, server: ServerState, code: str, action: str) -> Response:
    """Disable, enable, unlock or reset-password of account `code`; an account out of reach
    is the not-found page, a refused one (one's own) the list again with the reason."""
    user = change.user
    reviewer = user.reviewer
    try:
        if action == "reset-password":
            one_time = agents.reset_password(server.engine, server.settings, code, reviewer)
            account = agents.get_account(server.engine, server.settings, code, reviewer)
            return _code_page(request, user, account, one_time, made=False)
        if action == "unlock":
            agents.unlock_agent(server.engine, code, reviewer)
            done = Text.of("The account {code} is unlocked.", code=code)
        else:
            active = action == "enable"
            agents.set_agent_active(server.engine, code, active, reviewer)
            done = (
                Text.of("The account {code} is enabled again.", code=code)
                if active
                else Text.of(
                    "The account {code} is disabled: it can no longer sign in or sync.", code=code
                )
            )
    except FieldError as error:
        problem = error.text.in_language(user.lang)
        return _people_page(request, user, server, problem=problem, status_code=422)
    return render.redirect(request, user, "/console/people", notice=done)


@router.post("/people/agents/{code}/disable")
def disable(
    request: Request,
    code: str,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    return _act(request, change, server, code[:64], "disable")


@router.post("/people/agents/{code}/enable")
def enable(
    request: Request,
    code: str,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    return _act(request, change, server, code[:64], "enable")


@router.post("/people/agents/{code}/unlock")
def unlock(
    request: Request,
    code: str,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    return _act(request, change, server, code[:64], "unlock")


@router.post("/people/agents/{code}/reset-password")
def reset_password(
    request: Request,
    code: str,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    return _act(request, change, server, code[:64], "reset-password")


@router.get("/people/devices/{device_id}/revoke")
def confirm_revoke(
    request: Request,
    device_id: str,
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """The confirmation step before a laptop is cut off."""
    laptop = devices.get_device(server.engine, device_id[:64], user.reviewer)
    return render.page(request, user, "people_revoke.html", nav="people", laptop=laptop)


@router.post("/people/devices/{device_id}/revoke")
def revoke(
    request: Request,
    device_id: str,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    user = change.user
    laptop = devices.get_device(server.engine, device_id[:64], user.reviewer)
    devices.revoke_device(server.engine, laptop.device_id, user.reviewer)
    done = Text.of(
        "The laptop {name} is revoked: nobody can sign in or sync on it any more.",
        name=laptop.name,
    )
    return render.redirect(request, user, "/console/people", notice=done)
