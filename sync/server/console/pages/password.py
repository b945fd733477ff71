"""Choosing one's own password: required after signing in with a one-time code (the session
sends the person here before any other page), open to anyone signed in. The same service as
the API's `/v1/auth/change-password` (`accounts.passwords`): the current password is checked
under the login's rate limits and lockout, the new one against the password rules."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from agent_app.domain.messages import Text
from sync.server import accounts
from sync.server.accounts.passwords import change_password
from sync.server.admin.common import FieldError
from sync.server.api.state import ServerState, client_address, server_state
from sync.server.console import render, session
from sync.server.console.session import Change, ConsoleUser

router = APIRouter()


def _refusal(error: accounts.AuthError) -> Text:
    if error.status == 429:
        minutes = max(1, -(-int(error.retry_after or 60) // 60))
        return Text.of("Too many attempts. Wait {minutes} minutes and try again.", minutes=minutes)
    if error.status == 503:
        return Text.of("The server is busy. Try again in a moment.")
    return Text.of("Wrong code or password.")


@router.get("/password")
def password_form(
    request: Request,
    user: ConsoleUser = Depends(session.signed_in_any),  # noqa: B008
) -> Response:
    return render.page(request, user, "password.html")


@router.post("/password")
def choose_password(
    request: Request,
    change: Change = Depends(session.change_any),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    user = change.user
    current = change.form.get("password", "")
    new = change.form.get("new_password", "")
    errors: dict[str, str] = {}
    try:
        if not current:
            raise FieldError("password", Text.of("Type your password."))
        if new and new != change.form.get("repeat", ""):
            raise FieldError("repeat", Text.of("The two passwords are not the same."))
        change_password(
            server.engine,
            server.settings,
            user.code,
            current,
            new,
            client_address(request),
            server.hash_gate,
        )
    except FieldError as error:
        errors = render.field_errors(error, user.lang)
    except accounts.AuthError as error:
        errors = {"password": _refusal(error).in_language(user.lang)}
    if errors:
        return render.page(request, user, "password.html", errors=errors, status_code=422)
    done = Text.of("Your new password is saved.")
    return render.redirect(request, user, "/console/review", notice=done)
