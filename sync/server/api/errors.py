"""Error answers: `{"error": {"code", "message"}}` for every non-200, and their handlers."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from agent_app.domain.messages import Text
from sync.server import accounts, pull
from sync.server.admin.common import Conflict, FieldError, NotFound

log = logging.getLogger("server")


ADMIN_PREFIX = "/v1/admin/"


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.field = field


class JsonAnswer(JSONResponse):
    """A JSON answer written by orjson: a 500-op push's answer took 1.4 ms of CPU with the
    stdlib's `json.dumps` (issue 15). The same JSON values (UTF-8 text unescaped as before;
    a float may be written in another but equal form, e.g. 0.00001 for 1e-05; a NaN, which no
    field rule lets into a record, would be null); what orjson does not take (a whole number
    beyond 64 bits, a key not text) is written by the stdlib."""

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content)
        except TypeError:  # orjson.JSONEncodeError
            return super().render(content)


def error_response(
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    field: str | None = None,
) -> JSONResponse:
    detail = {"code": code, "message": message}
    if field is not None:
        detail["field"] = field
    return JSONResponse({"error": detail}, status_code=status, headers=headers)


def language(request: Request) -> str:
    """The caller's language: English when Accept-Language starts with it, else Indonesian."""
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "id"


def log_bug(error: BaseException) -> None:
    """Logs an unexpected error: its type and where it happened, never its message (a
    database error's message may quote a NIK or a name)."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("unhandled %s\n%s", type(error).__name__, frames.rstrip())


def describe_errors(errors: Iterable[Mapping[str, Any]]) -> str:
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


async def _api_error(_: Request, error: ApiError) -> JSONResponse:
    return error_response(error.status, error.code, error.message, error.headers, error.field)


async def _auth_error(_: Request, error: accounts.AuthError) -> JSONResponse:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
    if error.status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return error_response(error.status, error.code, error.message, headers)


async def _cursor_error(_: Request, error: pull.CursorError) -> JSONResponse:
    return error_response(error.status, error.code, error.message)


async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
    if request.url.path.startswith(ADMIN_PREFIX):
        return _admin_invalid(request, error)
    return error_response(400, "invalid_request", describe_errors(error.errors()))


def _admin_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
    """The administration API's 422: the first field in error, in the caller's language
    (never the input: it may be a NIK)."""
    first: Mapping[str, Any] = next(iter(error.errors()), {})
    where = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
    if first.get("type") == "json_invalid":  # its loc is a position in the text
        where = []
    return _admin_422(request, ".".join(where) or "body")


def _admin_422(request: Request, field: str) -> JSONResponse:
    text = Text.of("This value is not valid: {field}.", field=field)
    return error_response(422, "invalid_field", text.in_language(language(request)), None, field)


async def _field_error(request: Request, error: FieldError) -> JSONResponse:
    message = error.text.in_language(language(request))
    return error_response(422, "invalid_field", message, None, error.field)


async def _conflict(request: Request, error: Conflict) -> JSONResponse:
    return error_response(409, "conflict", error.text.in_language(language(request)))


async def _not_found(request: Request, error: NotFound) -> JSONResponse:
    return error_response(404, "not_found", error.text.in_language(language(request)))


async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    if error.status_code == 400 and request.url.path.startswith(ADMIN_PREFIX):
        return _admin_422(request, "body")  # a body that is not JSON
    codes = {404: "not_found", 405: "method_not_allowed"}
    return error_response(
        error.status_code,
        codes.get(error.status_code, "http_error"),
        str(error.detail),
        dict(error.headers or {}),
    )


async def _bug(_: Request, error: Exception) -> JSONResponse:
    log_bug(error)
    return error_response(500, "internal", "Something went wrong on the server.")


def install_handlers(app: FastAPI) -> None:
    """Answers every error as `{"error": {"code", "message"}}` (FastAPI's 422 as 400, but
    422 with the field under /v1/admin/)."""
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(accounts.AuthError, _auth_error)  # type: ignore[arg-type]
    app.add_exception_handler(pull.CursorError, _cursor_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(FieldError, _field_error)  # type: ignore[arg-type]
    app.add_exception_handler(NotFound, _not_found)  # type: ignore[arg-type]
    app.add_exception_handler(Conflict, _conflict)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _bug)
