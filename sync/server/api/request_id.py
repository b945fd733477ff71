"""Request ids and the access log: every request is named (`X-Request-ID`), counted in the
metrics and logged once."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.server import observe
from sync.server.api.errors import error_response, log_bug

log = logging.getLogger("server")
access_log = logging.getLogger("server.access")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class _Exchange:
    """One request's passage through the middleware: its id, status and whether it was
    recorded (counted and logged) and its answer started."""

    def __init__(self, scope: Scope, send: Send, request_id: str, access_json: bool) -> None:
        self.scope = scope
        self.downstream = send
        self.request_id = request_id
        self.access_json = access_json
        # Routes write the authenticated agent here (request.state.agent_code).
        self.state: dict[str, Any] = scope.setdefault("state", {})
        self.started = time.perf_counter()
        self.status = 500
        self.recorded = False
        self.started_response = False

    def record(self) -> None:
        """Counts and logs the request once, before its last byte leaves: whoever has the
        whole answer finds it in /metrics and in the log."""
        if self.recorded:
            return
        self.recorded = True
        scope, status = self.scope, self.status
        seconds = time.perf_counter() - self.started
        route = observe.route_label(scope)
        observe.observe_request(scope["method"], route, status, seconds)
        if self.access_json:
            access_log.info(
                "access",
                extra={
                    "access": {
                        "method": observe.method_label(scope["method"]),
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 1),
                        "agent": self.state.get("agent_code"),
                    }
                },
            )
        else:
            log.info("%s %s %s %.1fms", scope["method"], scope["path"], status, seconds * 1000)

    async def send_with_id(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            message["headers"] = [
                *message.get("headers", []),
                (b"x-request-id", self.request_id.encode("latin-1")),
            ]
        elif message["type"] == "http.response.body" and not message.get("more_body"):
            self.record()
        await self.downstream(message)

    async def send_tracked(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started_response = True
        await self.send_with_id(message)


def _bug_page(scope: Scope) -> Response | None:
    """The 500 page of a part of the app that answers in HTML (the console registers one in
    `app.state.bug_pages`: path prefix -> page), None for the JSON API."""
    app = scope.get("app")
    pages = getattr(getattr(app, "state", None), "bug_pages", {}) or {}
    for prefix, page in pages.items():
        if scope["path"].startswith(prefix):
            answer: Response = page(Request(scope))
            return answer
    return None


class RequestIdMiddleware:
    """Names each request (`X-Request-ID`, echoed back), counts it in the metrics (route
    template, method, status, latency) and logs it: method, path, status and time as text, or
    with `access_json` one JSON access line (request id, method, route template, status,
    duration, the agent code when a token named one; never a query string, body or address).
    """

    def __init__(self, app: ASGIApp, access_json: bool = False) -> None:
        self.app = app
        self.access_json = access_json

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = ""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                given = value.decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        exchange = _Exchange(scope, send, request_id, self.access_json)
        try:
            await self.app(scope, receive, exchange.send_tracked)
        except Exception as error:  # a bug: answer 500 and log it without personal data
            log_bug(error)
            exchange.status = 500
            if not exchange.started_response:
                answer = _bug_page(scope) or error_response(
                    500, "internal", "Something went wrong on the server."
                )
                await answer(scope, receive, exchange.send_with_id)
        finally:
            exchange.record()
            request_id_var.reset(token)
