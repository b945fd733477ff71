"""The branch console: server-rendered pages at `/console/` for supervisors (their branch) and
admins (every branch). Agents cannot sign in. How a page is built:

- `pages/<name>.py` holds `router = APIRouter()` with its routes under `/console/<name>`;
  `install` below includes it. GET pages take `user: ConsoleUser = Depends(session.signed_in)`;
  every change is a POST taking `change: Change = Depends(session.change)`, which has checked
  the CSRF token (`change.user`, `change.form`, `change.all(name)`), calls a service of
  `sync.server.admin` (no SQL in pages), and answers `render.redirect(request, user, path,
  notice=Text.of(...))` (303, the notice shown once), or, when the service raises
  `FieldError`, the same page again with `errors=render.field_errors(error, user.lang)` and
  the values typed (status 422): nothing half-saved, nothing typed lost.
- Templates in `templates/` extend `base.html` (`{% set nav = "<name>" %}`, blocks `title` and
  `content`) and use the macros of `macros.html`, imported `{% import "macros.html" as m with
  context %}` (`m.csrf()` reads the page's token); messages are `{{ _("English") }}`.
- A supervisor asking for another branch's record gets the not-found page (404): services
  raise `NotFound` for a record outside the caller's scope exactly as for a missing one.
- No inline script or style (the Content-Security-Policy forbids both); assets are files in
  `static/`, served by the server itself.

`install(app)` adds the routes, the static files, the security headers of every console answer
and the console's own error pages (the JSON API keeps its JSON errors).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent_app.domain.messages import Text
from sync.server.admin.common import NotFound
from sync.server.console import render, session
from sync.server.console.pages import (
    assignments,
    audit,
    auth,
    consent,
    coverage,
    duplicates,
    exports,
    password,
    people,
    prospect_list,
    prospects,
    review,
    targets,
)

PREFIX = "/console"
#: No inline script or style, nothing from elsewhere, never inside a frame.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class ConsoleHeaders:
    """Adds the security headers to every answer under /console (and keeps pages out of
    caches: they show personal data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith(f"{PREFIX}/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += HEADERS
                if not static and all(name != b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


Handler = Callable[[Request, Any], Awaitable[Response]]
AnyHandler = Callable[[Request, Any], Response | Awaitable[Response]]


def _in_console(request: Request) -> bool:
    return request.url.path.startswith(PREFIX)


def _error_page(request: Request, status: int, title: Text, message: Text) -> Response:
    try:
        user = session.current(request, request.app.state.server, take_notice=False)
    except (session.SignInRequired, Exception):  # an error page never fails on its header
        user = None
    return render.page(
        request, user, "error.html", status_code=status, title=title, message=message
    )


def _wrap(api_handler: AnyHandler | None, console: Handler) -> Handler:
    """The console's handler for console paths, the API's (JSON) elsewhere."""

    async def handler(request: Request, error: Any) -> Response:
        if _in_console(request) or api_handler is None:
            return await console(request, error)
        answer = api_handler(request, error)
        return answer if isinstance(answer, Response) else await answer

    return handler


async def _sign_in(request: Request, error: session.SignInRequired) -> Response:
    return RedirectResponse(session.sign_in_url(error.next_path, error.why), status_code=303)


async def _password(request: Request, _: session.PasswordChangeRequired) -> Response:
    return RedirectResponse(f"{PREFIX}/password", status_code=303)


async def _bad_csrf(request: Request, _: session.BadCsrf) -> Response:
    return _error_page(
        request,
        403,
        Text.of("This form has expired"),
        Text.of(
            "The page was open too long or came from elsewhere. Go back, reload it and try again."
        ),
    )


async def _not_found(request: Request, _: Exception) -> Response:
    return _error_page(
        request,
        404,
        Text.of("Not found"),
        Text.of("There is nothing here, or it is not yours to see."),
    )


async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
    if error.status_code == 404:
        return await _not_found(request, error)
    if error.status_code == 405:
        return _error_page(
            request, 405, Text.of("Not found"), Text.of("This address takes no such request.")
        )
    return _error_page(
        request, error.status_code, Text.of("Something went wrong"), Text.of("Please try again.")
    )


def _bug_page(request: Request) -> Response:
    """The 500 page (the bug itself is logged, without its message, by the request-id
    middleware, which asks for this page: `app.state.bug_pages`)."""
    return _error_page(
        request,
        500,
        Text.of("Something went wrong"),
        Text.of("Something went wrong on the server; nothing was changed. Please try again."),
    )


def install(app: FastAPI) -> None:
    """Adds the console to the server's app."""
    for page in (
        auth,
        review,
        coverage,
        targets,
        assignments,
        prospects,
        duplicates,
        people,
        password,
        audit,
        exports,
        consent,
        prospect_list,
    ):
        app.include_router(page.router, prefix=PREFIX, include_in_schema=False)
    static = resources.files("sync.server.console").joinpath("static")
    app.mount(f"{PREFIX}/static", StaticFiles(directory=str(static)), name="console-static")
    app.add_middleware(prospects.UploadCap)  # inside ConsoleHeaders: its answer has them
    app.add_middleware(ConsoleHeaders)
    app.add_exception_handler(session.SignInRequired, _sign_in)  # type: ignore[arg-type]
    app.add_exception_handler(session.PasswordChangeRequired, _password)  # type: ignore[arg-type]
    app.add_exception_handler(session.BadCsrf, _bad_csrf)  # type: ignore[arg-type]
    handlers = app.exception_handlers
    app.state.bug_pages = {PREFIX: _bug_page}
    for kind, console in ((NotFound, _not_found), (StarletteHTTPException, _http_error)):
        app.add_exception_handler(kind, _wrap(handlers.get(kind), console))
