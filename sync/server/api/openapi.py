"""The OpenAPI document: the error responses each route lists, and the document's shaping
(FastAPI's 422 removed, the push body that the route parses itself described)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from sync import protocol

Responses = dict[int | str, dict[str, Any]]


def err(description: str) -> dict[str, Any]:
    return {"model": protocol.ErrorResponse, "description": description}


RETRY = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
R400: Responses = {400: err("Malformed request (including what a framework would call 422).")}
R401: Responses = {401: err("Missing, bad or expired access token.")}
R403: Responses = {403: err("The device is not the token's, or the role is not allowed.")}
R413: Responses = {413: err("Body over max_body_bytes after decompression, or too many ops.")}
R429: Responses = {429: {**err("Overloaded; retry after Retry-After seconds."), "headers": RETRY}}
R503: Responses = {
    503: {**err("Busy or unavailable; retry after Retry-After seconds."), "headers": RETRY}
}
R410: Responses = {410: err("cursor_expired: pull again from no cursor.")}
R404: Responses = {404: err("not_found: no such record that the caller may see.")}
R409: Responses = {409: err("conflict: the record changed since the caller saw it; nothing done.")}
R422: Responses = {
    422: err("invalid_field: bad input; `field` names it, the message is in the caller's language.")
}
R426: Responses = {426: err("app_too_old: the User-Agent's app version is below min_app_version.")}


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, built once."""
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
            responses = operation.get("responses", {})
            if "HTTPValidationError" in str(responses.get("422", "")):
                responses.pop("422")  # FastAPI's own, answered as 400 (or our 422 below)
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


def install(app: FastAPI) -> None:
    """Serves `document(app)` as the app's OpenAPI document."""
    app.openapi = lambda: document(app)  # type: ignore[method-assign]
