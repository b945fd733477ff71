"""The HTTP face of the central server: FastAPI routes, middleware, errors and OpenAPI.

Routes are thin: they check the caller and hand over to `accounts`, `push` and `pull`.
Middleware gives every request an id (`X-Request-ID`, in every log line) and decompresses
gzip request bodies with a cap checked while decompressing (413). Every error answer is
`{"error": {"code", "message"}}`; FastAPI's 422 is replaced by 400, in the answers and in the
OpenAPI document, which lists the responses each route really gives.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import gc
import logging
import os
import re
import threading
import time
import traceback
import uuid
import zlib
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from packaging.version import Version
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync import bundle, protocol
from sync.server import accounts, config, db, meta, migrate, observe, pull, push, throttle

log = logging.getLogger("server")
access_log = logging.getLogger("server.access")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_NIK = re.compile(r"^[0-9]{16}\Z")  # ASCII digits only, and no trailing newline


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def log_bug(error: BaseException) -> None:
    """Logs an unexpected error: its type and where it happened, never its message (a
    database error's message may quote a NIK or a name)."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("unhandled %s\n%s", type(error).__name__, frames.rstrip())


def describe_errors(errors: Any) -> str:
    """Where and what, never the input: it may hold a NIK, a name or a phone number."""
    parts = []
    for item in list(errors)[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()))
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    return "; ".join(parts) or "Invalid request."


ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_body(model: type[ModelT], body: bytes) -> ModelT:
    try:
        return model.model_validate_json(body)
    except ValidationError as error:
        errors = [dict(e, loc=("body", *e.get("loc", ()))) for e in error.errors()]
        raise ApiError(400, "invalid_request", describe_errors(errors)) from error


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


# --- middleware -----------------------------------------------------------------------------


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
        # Routes write the authenticated agent here (request.state.agent_code).
        state = scope.setdefault("state", {})
        started = time.perf_counter()
        status = 500
        recorded = False

        def record() -> None:
            """Counts and logs the request once, before its last byte leaves: whoever has the
            whole answer finds it in /metrics and in the log."""
            nonlocal recorded
            if recorded:
                return
            recorded = True
            seconds = time.perf_counter() - started
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
                            "agent": state.get("agent_code"),
                        }
                    },
                )
            else:
                log.info("%s %s %s %.1fms", scope["method"], scope["path"], status, seconds * 1000)

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode("latin-1")),
                ]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                record()
            await send(message)

        started_response = False

        async def send_tracked(message: Message) -> None:
            nonlocal started_response
            if message["type"] == "http.response.start":
                started_response = True
            await send_with_id(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception as error:  # a bug: answer 500 and log it without personal data
            log_bug(error)
            status = 500
            if not started_response:
                await error_response(500, "internal", "Something went wrong on the server.")(
                    scope, receive, send_with_id
                )
        finally:
            record()
            request_id_var.reset(token)


class BodyLimitMiddleware:
    """Caps request bodies at `max_body_bytes`, gzip ones after decompression (413).

    The gzip stream is inflated as it arrives, never more than the cap plus one byte, so a
    small "gzip bomb" is stopped early instead of being expanded in memory.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        encoding = ""
        headers = []
        for name, value in scope["headers"]:
            if name == b"content-encoding":
                encoding = value.decode("latin-1").strip().lower()
            elif name != b"content-length":
                headers.append((name, value))
        if encoding not in ("", "identity", "gzip"):
            await error_response(
                400, "unsupported_encoding", "Request bodies may be gzip or uncompressed."
            )(scope, receive, send)
            return
        inflater = zlib.decompressobj(wbits=31) if encoding == "gzip" else None
        body = bytearray()
        raw_size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            more = message.get("more_body", False)
            raw_size += len(chunk)
            if raw_size > self.max:
                await self._too_large(scope, receive, send)
                return
            if inflater is None:
                body += chunk
                continue
            try:
                pending = chunk
                while pending and not inflater.eof:
                    body += inflater.decompress(pending, self.max + 1 - len(body))
                    if len(body) > self.max:
                        await self._too_large(scope, receive, send)
                        return
                    pending = inflater.unconsumed_tail
            except zlib.error:
                await error_response(400, "bad_gzip", "The gzip body is damaged.")(
                    scope, receive, send
                )
                return
        if inflater is not None and not inflater.eof and raw_size:
            await error_response(400, "bad_gzip", "The gzip body is truncated.")(
                scope, receive, send
            )
            return
        headers.append((b"content-length", str(len(body)).encode()))
        # In place: the outer middleware reads the matched route from this scope.
        scope["headers"] = headers
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await error_response(
            413,
            "body_too_large",
            f"The request body is over {self.max} bytes (after decompression).",
        )(scope, receive, send)


# --- overload -------------------------------------------------------------------------------


class PushGate:
    """Bounds the pushes applied at once by this process (the only in-memory state).

    A copy of a batch already in flight never counts against the bound: it waits for the
    database and is answered `duplicate`, never 429.
    """

    def __init__(self, limit: int, wait_seconds: float) -> None:
        self.slots = threading.BoundedSemaphore(limit)
        self.wait_seconds = wait_seconds
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}

    @contextmanager
    def enter(self, batch_key: str) -> Iterator[bool]:
        with self._lock:
            copy = batch_key in self._in_flight
            self._in_flight[batch_key] = self._in_flight.get(batch_key, 0) + 1
        acquired = False
        try:
            if not copy:
                acquired = self.slots.acquire(timeout=self.wait_seconds)
            yield copy or acquired
        finally:
            if acquired:
                self.slots.release()
            with self._lock:
                left = self._in_flight[batch_key] - 1
                if left:
                    self._in_flight[batch_key] = left
                else:
                    del self._in_flight[batch_key]


# --- responses in the OpenAPI document ------------------------------------------------------


def _err(description: str) -> dict[str, Any]:
    return {"model": protocol.ErrorResponse, "description": description}


_RETRY = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
R400: dict[int | str, dict[str, Any]] = {
    400: _err("Malformed request (including what a framework would call 422).")
}
R401: dict[int | str, dict[str, Any]] = {401: _err("Missing, bad or expired access token.")}
R403: dict[int | str, dict[str, Any]] = {
    403: _err("The device is not the token's, or the role is not allowed.")
}
R413: dict[int | str, dict[str, Any]] = {
    413: _err("Body over max_body_bytes after decompression, or too many ops.")
}
R429: dict[int | str, dict[str, Any]] = {
    429: {**_err("Overloaded; retry after Retry-After seconds."), "headers": _RETRY}
}
R503: dict[int | str, dict[str, Any]] = {
    503: {**_err("Busy or unavailable; retry after Retry-After seconds."), "headers": _RETRY}
}
R410: dict[int | str, dict[str, Any]] = {410: _err("cursor_expired: pull again from no cursor.")}
R426: dict[int | str, dict[str, Any]] = {
    426: _err("app_too_old: the User-Agent's app version is below min_app_version.")
}


def client_address(request: Request) -> str:
    """The caller's address (behind a proxy, what uvicorn's --proxy-headers made of it)."""
    return request.client.host if request.client else "-"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def create_app(
    settings: config.Settings | None = None, *, migrate_on_start: bool = False
) -> FastAPI:
    """Builds the server application.

    Args:
        settings: defaults to `Settings.from_env()`.
        migrate_on_start: bring the schema up to date when the app starts (for embedding; the
            CLI's `serve` migrates before starting the workers instead).
    """
    settings = settings or config.Settings.from_env()
    engine = db.make_engine(settings)
    gate = PushGate(settings.max_concurrent_pushes, settings.push_queue_seconds)
    hash_gate = throttle.HashGate(settings.max_concurrent_logins, settings.login_queue_seconds)
    bearer = HTTPBearer(auto_error=False, description="The access token from /v1/auth/login.")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> Any:
        if migrate_on_start:
            from sync.server import migrate

            await run_in_threadpool(migrate.upgrade, engine)
        yield
        engine.dispose()

    app = FastAPI(
        title="Perisai central sync server",
        version="1",
        summary="The reference server of the Perisai Agent sync protocol, version 1.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.push_gate = gate
    app.state.hash_gate = hash_gate
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(RequestIdMiddleware, access_json=settings.access_log == "json")
    secret_cache: dict[str, bytes] = {}

    def token_secret(conn: sa.Connection) -> bytes:
        if "s" not in secret_cache:
            secret_cache["s"] = meta.token_secret(meta.read(conn))
        return secret_cache["s"]

    def nik_key(conn: sa.Connection) -> dict[str, str]:
        if "nik" not in secret_cache:
            secret_cache["nik"] = meta.read(conn)["nik_audit_key"].encode()
        return {"nik_audit_key": secret_cache["nik"].decode()}

    # --- errors -----------------------------------------------------------------------------

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, error: ApiError) -> JSONResponse:
        return error_response(error.status, error.code, error.message, error.headers)

    @app.exception_handler(accounts.AuthError)
    async def _auth_error(_: Request, error: accounts.AuthError) -> JSONResponse:
        headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
        if error.status == 401:
            headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
        return error_response(error.status, error.code, error.message, headers)

    @app.exception_handler(pull.CursorError)
    async def _cursor_error(_: Request, error: pull.CursorError) -> JSONResponse:
        return error_response(error.status, error.code, error.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        return error_response(400, "invalid_request", describe_errors(error.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        return error_response(
            error.status_code,
            codes.get(error.status_code, "http_error"),
            str(error.detail),
            dict(error.headers or {}),
        )

    @app.exception_handler(Exception)
    async def _bug(_: Request, error: Exception) -> JSONResponse:
        log_bug(error)
        return error_response(500, "internal", "Something went wrong on the server.")

    # --- dependencies -----------------------------------------------------------------------

    def principal(
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Depends(bearer),  # noqa: B008
    ) -> accounts.Principal:
        header = f"Bearer {credentials.credentials}" if credentials else None
        with engine.connect() as conn:
            who = accounts.authenticate(conn, token_secret(conn), header)
        request.state.agent_code = who.agent_code  # for the access log
        return who

    oldest_served = Version(settings.min_app_version)

    def check_app_version(request: Request) -> None:
        version = protocol.app_version_of(request.headers.get("user-agent"))
        if version is not None and version < oldest_served:
            log.warning("push refused: app %s is below min_app_version %s", version, oldest_served)
            raise ApiError(
                426,
                protocol.APP_TOO_OLD,
                f"This server serves Perisai Agent {oldest_served} or newer; this app is "
                f"{version}. Update the app.",
            )

    def overloaded() -> ApiError:
        return ApiError(
            429,
            "overloaded",
            "The server is busy; retry later.",
            {"Retry-After": str(settings.retry_after_seconds)},
        )

    def busy(detail: str) -> ApiError:
        log.warning("push: database busy (%s)", detail[:80])
        return ApiError(
            503,
            "busy",
            "The database is busy; retry later.",
            {"Retry-After": str(settings.retry_after_seconds)},
        )

    def check_batch(batch: protocol.PushRequest, device_id: str) -> None:
        if batch.protocol_version != protocol.PROTOCOL_VERSION:
            raise ApiError(
                400,
                "unsupported_protocol",
                f"This server speaks protocol version {protocol.PROTOCOL_VERSION}.",
            )
        if str(batch.device_id) != device_id:
            raise ApiError(403, "wrong_device", "The batch's device is not the token's device.")
        if len(batch.ops) > settings.max_ops_per_batch:
            raise ApiError(
                413, "too_many_ops", f"At most {settings.max_ops_per_batch} ops per batch."
            )
        previous = -1
        for op in batch.ops:
            if op.op_seq <= previous:
                raise ApiError(400, "ops_out_of_order", "Ops must be in rising op_seq order.")
            previous = op.op_seq

    def run_batch(batch: protocol.PushRequest, caller: push.Caller) -> JSONResponse:
        with gate.enter(f"{caller.device_id}/{batch.batch_id}") as admitted:
            if not admitted:
                raise overloaded()
            try:
                results = push.apply_batch(engine, caller, batch.ops)
            except push.Busy as error:
                raise busy(str(error)) from error
        counts: dict[str, int] = {}
        for _, outcome in results:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        for result, count in counts.items():
            observe.PUSHED_OPS.labels(result).inc(count)
        log.info("push: %d ops %s", len(results), counts)
        return JSONResponse(
            {
                "results": [push.outcome_json(op_id, o) for op_id, o in results],
                "server_time": _iso(_now()),
            }
        )

    # --- routes -----------------------------------------------------------------------------

    @app.get(
        "/v1/health",
        response_model=protocol.Health,
        responses={**R503},
        tags=["meta"],
    )
    def health() -> Any:
        """Liveness and database reachability; no token needed."""
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.DBAPIError as error:
            raise ApiError(
                503,
                "database_unavailable",
                "The database cannot be reached.",
                {"Retry-After": str(settings.retry_after_seconds)},
            ) from error
        return {"status": "ok"}

    @app.get(
        "/v1/ready",
        response_model=protocol.Ready,
        responses={
            503: {
                **_err(
                    "database_unavailable, or schema_behind (the database is not at the "
                    "code's migration head: run `migrate`)."
                ),
                "headers": _RETRY,
            }
        },
        tags=["meta"],
    )
    def ready() -> Any:
        """Readiness: the database answers and its schema is at the code's head (a load
        balancer sends traffic only then); no token needed."""
        retry = {"Retry-After": str(settings.retry_after_seconds)}
        try:
            current = migrate.current_revision(engine)
        except sa.exc.DBAPIError as error:
            raise ApiError(
                503, "database_unavailable", "The database cannot be reached.", retry
            ) from error
        head = migrate.head_revision()
        if current != head:
            raise ApiError(
                503,
                "schema_behind",
                f"The database schema is at {current or 'nothing'}, the server needs {head}.",
                retry,
            )
        return {"status": "ready", "revision": current}

    @app.get(
        "/metrics",
        response_class=Response,
        responses={
            200: {
                "description": "Prometheus text exposition format.",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            },
            401: _err("metrics_token is set and the bearer token is missing or wrong."),
            403: _err("No metrics_token is set and the client is not on loopback."),
        },
        tags=["meta"],
    )
    def metrics(request: Request) -> Any:
        """Prometheus metrics (sync/server/observe.py). With `metrics_token` set, scrapers
        send it as a bearer token; without it, only loopback clients may scrape."""
        allowed = observe.may_scrape(
            settings.metrics_token, request.headers.get("authorization"), client_address(request)
        )
        if allowed is None:
            raise ApiError(403, "forbidden", "Metrics are served to loopback clients only.")
        if not allowed:
            raise ApiError(
                401,
                "missing_token",
                "The metrics token is required.",
                {"WWW-Authenticate": "Bearer"},
            )
        return Response(observe.scrape(engine), media_type=observe.CONTENT_TYPE)

    @app.post(
        "/v1/auth/login",
        response_model=protocol.LoginResponse,
        responses={
            **R400,
            **R401,
            403: _err(
                "device_other_branch (the device belongs to another branch), device_revoked, "
                "or device_key_mismatch (another signing key is registered for the agent on "
                "this device; an administrator resets it)."
            ),
            **R413,
            **R429,
            **R503,
        },
        tags=["auth"],
    )
    def login(body: protocol.LoginRequest, request: Request) -> Any:
        """Checks the password (argon2id), binds the device to the agent and issues an access
        token and a refresh token (rotated at each refresh). Wrong passwords are counted per
        agent code and client address: after too many in a row that address waits, longer
        each time (429 `account_locked`); logins are rate-limited per client address and per
        agent code (429 `rate_limited`); 503 `busy` when too many passwords are being checked
        at once. Every 429 and 503 carries Retry-After. A device belongs to the branch of its
        first login, and the agent's bundle-signing key on it (`device_public_key`) is
        registered once (403 otherwise)."""
        try:
            return accounts.login(engine, settings, body, client_address(request), hash_gate)
        except accounts.AuthError as error:
            observe.LOGIN_FAILURES.labels(error.code).inc()
            raise

    @app.post(
        "/v1/auth/refresh",
        response_model=protocol.LoginResponse,
        responses={**R400, **R401, **R413},
        tags=["auth"],
    )
    def refresh(body: protocol.RefreshRequest) -> Any:
        """Trades a refresh token for a new access token and refresh token. A token already
        traded in is answered with the same pair again within the grace window (an answer
        lost on the way); later, every refresh token descended from the same login is
        revoked (401)."""
        return accounts.refresh(engine, settings, body.refresh_token)

    @app.get(
        "/v1/sync/config",
        response_model=protocol.SyncConfig,
        responses={**R401},
        tags=["sync"],
    )
    def sync_config(_: accounts.Principal = Depends(principal)) -> Any:  # noqa: B008
        """The limits a laptop must respect, the server's clock, and the app versions it
        serves (min_app_version) and would rather see (latest_app_version)."""
        return JSONResponse(
            {
                "protocol_version": protocol.PROTOCOL_VERSION,
                "max_ops_per_batch": settings.max_ops_per_batch,
                "max_body_bytes": settings.max_body_bytes,
                "server_time": _iso(_now()),
                "min_app_version": settings.min_app_version,
                "latest_app_version": settings.latest_app_version,
            }
        )

    @app.post(
        "/v1/sync/push",
        response_model=protocol.PushResponse,
        responses={**R400, **R401, **R403, **R413, **R426, **R429, **R503},
        tags=["sync"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}
                },
            }
        },
    )
    async def sync_push(
        request: Request,
        who: accounts.Principal = Depends(principal),  # noqa: B008
    ) -> Any:
        """Applies a batch of ops: 200 with one result per op (applied, duplicate, conflict,
        rejected) whatever their fates; the ledger makes a resent op an idempotent no-op.
        An app below min_app_version (by its User-Agent) is refused: 426 app_too_old."""
        check_app_version(request)
        # The body is parsed by pydantic-core straight from the bytes (a third faster than
        # FastAPI's json.loads + model validation for a 500-op batch).
        batch = parse_body(protocol.PushRequest, await request.body())
        return await run_in_threadpool(push_batch, batch, who)

    def push_batch(batch: protocol.PushRequest, who: accounts.Principal) -> JSONResponse:
        check_batch(batch, who.device_id)
        return run_batch(batch, who.caller())

    @app.get(
        "/v1/sync/pull",
        response_model=protocol.PullResponse,
        responses={**R400, **R401, **R410},
        tags=["sync"],
    )
    def sync_pull(
        cursor: str | None = Query(default=None, max_length=512),
        limit: int = Query(default=500, ge=1, le=1000),
        who: accounts.Principal = Depends(principal),  # noqa: B008
    ) -> Any:
        """The changes the caller may see after `cursor`, in server order (410 when the cursor
        can no longer be served: pull again from no cursor)."""
        with engine.connect() as conn, conn.begin():
            page = pull.pull(conn, who.caller(), cursor, limit)
        observe.PULLED_CHANGES.inc(len(page.changes))
        return JSONResponse(
            {
                "changes": page.changes,
                "next_cursor": page.next_cursor,
                "has_more": page.has_more,
                "server_time": _iso(_now()),
            }
        )

    @app.post(
        "/v1/participants/check",
        response_model=protocol.ParticipantCheckResponse,
        responses={**R400, **R401, **R413, **R429},
        tags=["participants"],
    )
    def participants_check(
        body: protocol.ParticipantCheckRequest,
        request: Request,
        who: accounts.Principal = Depends(principal),  # noqa: B008
    ) -> Any:
        """Whether a NIK has an active enrollment in any branch (and only where and since
        when). Rate-limited per agent and per client address (429 `rate_limited`); every
        check is recorded with who asked and a keyed hash of the NIK (never the NIK)."""
        client = client_address(request)
        for scope, subject, limit in (
            ("check-agent", who.agent_code, settings.check_rate_per_agent),
            ("check-client", client, settings.check_rate_per_client),
        ):
            wait = throttle.hit(engine, settings, scope, subject, limit)
            if wait:
                log.warning(
                    "participants/check: rate limit (%s) reached by %s from %s",
                    scope,
                    who.agent_code,
                    client,
                )
                raise ApiError(
                    429,
                    "rate_limited",
                    "Too many participant checks; retry later.",
                    {"Retry-After": str(wait)},
                )
        if not _NIK.match(body.nik):
            raise ApiError(400, "invalid_nik", "A NIK is 16 digits.")
        table = db.table(db.ActiveNik)
        with engine.connect() as conn, conn.begin():
            row = conn.execute(sa.select(table).where(table.c.nik == body.nik)).first()
            conn.execute(
                db.table(db.ParticipantCheck)
                .insert()
                .values(
                    at=db.utcnow(),
                    agent_code=who.agent_code,
                    device_id=who.device_id,
                    client=client[:64],
                    nik_hash=meta.nik_hash(nik_key(conn), body.nik),
                    enrolled=row is not None,
                )
            )
        if row is None:
            return {"enrolled": False, "branch": None, "enrolled_on": None}
        return {
            "enrolled": True,
            "branch": row.branch_code,
            "enrolled_on": row.enrolled_on.isoformat(),
        }

    @app.post(
        "/v1/sync/bundle",
        response_model=protocol.PushResponse,
        responses={**R400, **R401, **R403, **R413, **R429, **R503},
        tags=["sync"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": "An offline bundle file (sync.bundle): the push body, gzip, "
                "encrypted to the server's key and signed by the device's key.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        },
    )
    async def sync_bundle(
        request: Request,
        who: accounts.Principal = Depends(principal),  # noqa: B008
    ) -> Any:
        """Applies an offline bundle (sync.bundle) through the same ledger as a push; the
        uploader is the bundle's agent or a supervisor of that agent's branch."""
        data = await request.body()
        return await run_in_threadpool(apply_bundle, data, who)

    def apply_bundle(data: bytes, who: accounts.Principal) -> JSONResponse:
        try:
            header = bundle.read_header(data)
        except bundle.BundleError as error:
            raise ApiError(400, "invalid_bundle", str(error)) from error
        with engine.connect() as conn:
            owner = accounts.agent_info(conn, header.agent_code)
            key = accounts.device_public_key(conn, header.device_id, header.agent_code)
            values = meta.read(conn)
        if owner is None or key is None:
            raise ApiError(
                400,
                "invalid_bundle",
                "The bundle's device has no registered key for its agent (log in once with "
                "device_public_key).",
            )
        if owner.code != who.agent_code and not (
            who.role == "supervisor" and who.branch_code == owner.branch_code
        ):
            raise ApiError(
                403, "forbidden", "Only the agent or a supervisor of the branch may upload it."
            )
        try:
            body = bundle.open_bundle(
                data,
                server_private_key=meta.bundle_key(values),
                device_public_key=key,
                max_body_bytes=settings.max_body_bytes,
            )
        except bundle.BundleTooLarge as error:
            raise ApiError(413, "body_too_large", str(error)) from error
        except bundle.BundleError as error:
            raise ApiError(400, "invalid_bundle", str(error)) from error
        try:
            batch = protocol.PushRequest.model_validate_json(body)
        except ValidationError as error:
            raise ApiError(400, "invalid_bundle", "The bundle's push body is malformed.") from error
        if str(batch.device_id) != header.device_id:
            raise ApiError(400, "invalid_bundle", "The push body names another device.")
        check_batch(batch, header.device_id)
        caller = push.Caller(owner.code, owner.branch_code, owner.role, header.device_id)
        return run_batch(batch, caller)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description='See SYNC_PROTOCOL.md. Errors are {"error": {"code", "message"}}.',
            routes=app.routes,
        )
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                operation.get("responses", {}).pop("422", None)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        # Bodies parsed by the route itself (push) are described here, as FastAPI would.
        push_schema = protocol.PushRequest.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        components.update(push_schema.pop("$defs", {}))
        components["PushRequest"] = push_schema
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def configure_logging(level: str = "info", access_log_format: str = "") -> None:
    """One handler for the `server` logger whose lines carry the request id; with
    `access_log_format` "json" every line is a JSON object and each request gets an access
    line (whatever the level: they are asked for)."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if access_log_format == "json":
        handler.setFormatter(observe.JsonFormatter())
        access_log.setLevel(logging.INFO)
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
        access_log.setLevel(logging.NOTSET)
    logger = logging.getLogger("server")
    logger.handlers[:] = [handler]
    logger.setLevel(level.upper())
    logger.propagate = False


def freeze_gc() -> None:
    """Moves the objects alive now (the app, its modules, schemas and engine) out of reach of
    the cyclic garbage collector, for a serving process: each push allocates tens of thousands
    of objects, so the full collections it triggers came every few batches and each walked the
    whole heap (~55 ms, half a batch's time); with the start-up objects frozen they take ~1 ms.
    Objects that die later are still freed (by reference counting, as ever)."""
    gc.collect()
    gc.freeze()


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` (each worker process of `serve --workers N`)."""
    settings = config.Settings.from_env()
    configure_logging(os.environ.get("PERISAI_LOG_LEVEL", "info"), settings.access_log)
    app = create_app(settings)
    freeze_gc()
    return app
