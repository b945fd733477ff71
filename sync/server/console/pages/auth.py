"""Sign-in, sign-out and the language of the console.

The sign-in checks the password exactly as the API's login does (`accounts.verify_password`:
the same rate limits, lockout and answers for known and unknown codes), then admits
supervisors and admins only. Before a session exists, its form is protected from cross-site
posts by a double-submit token: a random value in a SameSite=Strict cookie and in the form.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from agent_app.domain import keys
from agent_app.domain.messages import Text
from sync.server import accounts
from sync.server.api.state import ServerState, client_address, server_state
from sync.server.console import render, session
from sync.server.console.session import Change, ConsoleUser

router = APIRouter()
SIGN_IN_COOKIE = "perisai_signin"
#: Why the sign-in page is shown, when it is not the first time.
REASONS = {
    "idle": Text.of("Your session ended after a while without activity; sign in again."),
    "gone": Text.of("This account may no longer use the console."),
    "out": Text.of("You have signed out."),
}


@router.get("")
@router.get("/")
def home() -> Response:
    return RedirectResponse("/console/review", status_code=303)


def _sign_in_page(
    request: Request,
    *,
    next_path: str,
    code: str = "",
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
    lang: str | None = None,
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render.page(
        request,
        None,
        "sign_in.html",
        status_code=status_code,
        language=lang,
        next_path=session.safe_next(next_path),
        code=code,
        errors=errors or {},
        notice=notice,
        sign_in_token=token,
    )
    session.set_cookie(request, response, SIGN_IN_COOKIE, token, 3600)
    return response


@router.get("/sign-in")
def sign_in_form(
    request: Request, next: str = "/console/review", why: str = "", lang: str = ""
) -> Response:
    chosen = lang if lang in session.LANGUAGES else None
    shown = chosen or session.language_of(request)
    reason = REASONS.get(why)
    response = _sign_in_page(
        request,
        next_path=next,
        notice=reason.in_language(shown) if reason else None,
        lang=shown,
    )
    if chosen:
        session.set_cookie(request, response, session.LANG_COOKIE, chosen, 365 * 86400)
    return response


def _refusal(error: accounts.AuthError, lang: str) -> str:
    if error.status == 429:
        minutes = max(1, -(-int(error.retry_after or 60) // 60))
        text = Text.of("Too many attempts. Wait {minutes} minutes and try again.", minutes=minutes)
    elif error.status == 503:
        text = Text.of("The server is busy. Try again in a moment.")
    else:
        text = Text.of("Wrong code or password.")
    return text.in_language(lang)


@router.post("/sign-in")
async def sign_in(
    request: Request,
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    form = await request.form()
    code = str(form.get("agent_code") or "").strip()[:64]
    password = str(form.get("password") or "")
    next_path = str(form.get("next") or "")
    lang = session.language_of(request)
    sent = str(form.get("sign_in_token") or "")
    expected = request.cookies.get(SIGN_IN_COOKIE, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        message = Text.of("This form has expired; sign in again.").in_language(lang)
        return _sign_in_page(
            request, next_path=next_path, code=code, notice=message, status_code=403
        )
    errors = {}
    if not code:
        errors["agent_code"] = Text.of("Type your code.").in_language(lang)
    if not password:
        errors["password"] = Text.of("Type your password.").in_language(lang)
    if errors:
        return _sign_in_page(
            request, next_path=next_path, code=code, errors=errors, status_code=422
        )
    try:
        agent = accounts.verify_password(
            server.engine,
            server.settings,
            code,
            password,
            client_address(request),
            server.hash_gate,
        )
    except accounts.AuthError as error:
        errors = {"password": _refusal(error, lang)}
        status = error.status if error.status in (429, 503) else 401
        response = _sign_in_page(
            request, next_path=next_path, code=code, errors=errors, status_code=status
        )
        if error.retry_after:
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    if agent.role not in keys.SUPERVISING:
        errors = {
            "agent_code": Text.of(
                "The console is for supervisors and administrators. Agents use the Perisai "
                "Agent app on their laptop."
            ).in_language(lang)
        }
        return _sign_in_page(
            request, next_path=next_path, code=code, errors=errors, status_code=403
        )
    token = session.start(server, agent.code, lang)
    target = "/console/password" if agent.must_change_password else session.safe_next(next_path)
    response = RedirectResponse(target, status_code=303)
    session.set_cookie(
        request, response, session.COOKIE, token, server.settings.console_max_hours * 3600
    )
    response.delete_cookie(SIGN_IN_COOKIE, path="/console")
    return response


@router.post("/sign-out")
def sign_out(
    request: Request,
    change: Change = Depends(session.change_any),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    session.end(server, request.cookies.get(session.COOKIE))
    response = RedirectResponse("/console/sign-in?why=out", status_code=303)
    response.delete_cookie(session.COOKIE, path="/console")
    return response


@router.post("/language")
def language(
    request: Request,
    change: Change = Depends(session.change_any),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """Switches the person's language and comes back to the page they were on."""
    lang = change.form.get("lang", "")
    user: ConsoleUser = change.user
    if lang in session.LANGUAGES:
        session.set_language(server, user, lang)
    response = RedirectResponse(session.safe_next(change.form.get("next")), status_code=303)
    if lang in session.LANGUAGES:
        session.set_cookie(request, response, session.LANG_COOKIE, lang, 365 * 86400)
    return response
