"""Attachments (SYNC_PROTOCOL.md 1.1): upload, check and read a blob by its SHA-256.

Another media type than `image/jpeg`, `image/png` or `image/webp` is 415
`unsupported_media_type`; bytes that do not hash to the path or are not a whole image of the
declared type are 400 (`hash_mismatch`, `not_an_image`); over `max_attachment_bytes` is 413
(the body-limit middleware caps this route at that, before reading when Content-Length says
so). A GET to an account that may not see a record referencing the blob is 404, never 403.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from agent_app.domain import keys
from sync import protocol
from sync.server import accounts, throttle
from sync.server.api.errors import ApiError
from sync.server.api.openapi import R400, R401, R404, R429, Responses, err
from sync.server.api.state import ServerState, principal, server_state
from sync.server.attachments import images, refs, uploads
from sync.server.attachments.store import SHA256_HEX

router = APIRouter(tags=["attachments"])
PREFIX = "/v1/attachments/"
#: What every answer carrying a blob says: never cached, never sniffed into something else.
BLOB_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
_STORED = {"description": "Stored now (201) or already (200)."}
R413: Responses = {413: err("The attachment is over max_attachment_bytes.")}
R415: Responses = {415: err("unsupported_media_type: image/jpeg, image/png or image/webp only.")}
_IMAGE = {
    "content": {
        t: {"schema": {"type": "string", "format": "binary"}}
        for t in protocol.ATTACHMENT_MEDIA_TYPES
    }
}


def _not_found() -> ApiError:
    return ApiError(404, "not_found", "No such attachment.")


def check_upload(sha256: str, media_type: str, data: bytes, max_bytes: int) -> None:
    """Raises the 400, 413 or 415 an upload earns (uploads.refusal)."""
    refused = uploads.refusal(sha256, media_type, data, max_bytes)
    if refused is not None:
        raise ApiError(refused.status, refused.code, refused.message)


@router.put(
    PREFIX + "{sha256}",
    status_code=201,
    responses={200: _STORED, 201: _STORED, **R400, **R401, **R413, **R415, **R429},
    openapi_extra={"requestBody": {"required": True, **_IMAGE}},
)
async def put_attachment(
    sha256: str,
    request: Request,
    who: accounts.Principal = Depends(principal),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Stores an attachment by the SHA-256 of its bytes: 201 stored, 200 already stored."""
    media_type = images.media_type_of(request.headers.get("content-type"))
    data = await request.body()
    check_upload(sha256, media_type, data, server.settings.max_attachment_bytes)
    return await run_in_threadpool(_store, server, who, sha256, media_type, data)


def _store(
    server: ServerState, who: accounts.Principal, sha256: str, media_type: str, data: bytes
) -> JSONResponse:
    wait = throttle.hit(
        server.engine,
        server.settings,
        "upload-agent",
        who.agent_code,
        server.settings.upload_rate_per_agent,
    )
    if wait:
        raise ApiError(
            429, "rate_limited", "Too many uploads; retry later.", {"Retry-After": str(wait)}
        )
    new = refs.save(server.engine, server.blobs(), sha256, media_type, data, who.agent_code)
    return JSONResponse(
        {"sha256": sha256, "size": len(data), "media_type": media_type},
        status_code=201 if new else 200,
    )


@router.head(PREFIX + "{sha256}", responses={200: _STORED, **R401, **R404})
def head_attachment(
    sha256: str,
    _: accounts.Principal = Depends(principal),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """200 when the server has the attachment, 404 when not (upload it)."""
    if SHA256_HEX.fullmatch(sha256):
        with server.engine.connect() as conn:
            row = refs.blob_row(conn, sha256)
        if row is not None and server.blobs().has(sha256):
            return Response(status_code=200, headers={"Content-Length": str(row.size)})
    return Response(status_code=404)


@router.get(PREFIX + "{sha256}", responses={200: _IMAGE, **R401, **R404})
def get_attachment(
    sha256: str,
    who: accounts.Principal = Depends(principal),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """The attachment's bytes, to an account that may see a record referencing it."""
    return blob_response(server, sha256, who.branch_code, who.agent_code, who.role)


def blob_response(
    server: ServerState, sha256: str, branch_code: str, agent_code: str, role: str
) -> Response:
    """The blob with its media type if the account may see it (also the console's), else
    404 (ApiError)."""
    if not SHA256_HEX.fullmatch(sha256):
        raise _not_found()
    with server.engine.connect() as conn:
        media_type = refs.readable_media_type(
            conn, sha256, branch_code, agent_code, role in keys.SUPERVISING
        )
    if media_type is None:
        raise _not_found()
    try:
        data = server.blobs().read(sha256)
    except FileNotFoundError as error:
        raise _not_found() from error
    return Response(data, media_type=media_type, headers=BLOB_HEADERS)
