"""Offline bundles uploaded for the laptop that carried them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from agent_app.domain import keys
from sync import bundle, protocol
from sync.server import accounts, bundles, config, push, throttle
from sync.server.api.batches import check_batch, run_batch
from sync.server.api.errors import ApiError
from sync.server.api.openapi import R400, R401, R403, R413, R429, R503
from sync.server.api.state import ServerState, principal, server_state
from sync.server.attachments import uploads

router = APIRouter(tags=["sync"])


@router.post(
    "/v1/sync/bundle",
    response_model=protocol.PushResponse,
    responses={**R400, **R401, **R403, **R413, **R429, **R503},
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
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Applies an offline bundle (sync.bundle) through the same ledger as a push; the
    uploader is the bundle's agent or a supervisor of that agent's branch. The attachments
    the body carries (1.1) are checked and stored as PUT /v1/attachments does, before the
    ops; a bad one is skipped (its ops are then `attachment_missing`)."""
    data = await request.body()
    return await run_in_threadpool(_apply_bundle, server, data, who)


def _apply_bundle(server: ServerState, data: bytes, who: accounts.Principal) -> JSONResponse:
    try:
        header = bundle.read_header(data)
    except bundle.BundleError as error:
        raise ApiError(400, "invalid_bundle", str(error)) from error
    sender = bundles.sender(server.engine, header)
    if sender is None:
        raise ApiError(
            400,
            "invalid_bundle",
            "The bundle's device has no registered key for its agent (log in once with "
            "device_public_key).",
        )
    owner = sender.owner
    if owner.code != who.agent_code and not (
        who.role in keys.SUPERVISING and who.branch_code == owner.branch_code
    ):
        raise ApiError(
            403, "forbidden", "Only the agent or a supervisor of the branch may upload it."
        )
    settings = server.settings
    _limit(server, "bundle-agent", who.agent_code, settings.bundle_rate_per_agent, "bundles")
    try:
        body = bundles.open_body(data, sender, bundle_cap(settings))
    except bundle.BundleTooLarge as error:
        raise ApiError(413, "body_too_large", str(error)) from error
    except bundle.BundleError as error:
        raise ApiError(400, "invalid_bundle", str(error)) from error
    try:
        batch = bundles.BundleBody.model_validate_json(body)
    except ValidationError as error:
        raise ApiError(400, "invalid_bundle", "The bundle's push body is malformed.") from error
    if bundles.ops_size(body, batch) > settings.max_body_bytes:
        raise ApiError(
            413, "body_too_large", f"The bundle's ops are over {settings.max_body_bytes} bytes."
        )
    if str(batch.device_id) != header.device_id:
        raise ApiError(400, "invalid_bundle", "The push body names another device.")
    check_batch(server, batch, header.device_id)
    if batch.attachments:  # as many uploads as PUTs of them would be
        cost = len(batch.attachments)
        _limit(server, "upload-agent", owner.code, settings.upload_rate_per_agent, "uploads", cost)
    # Its attachments first, as PUTs would be: the ops that reference them then apply.
    uploads.store_carried(
        server.engine, server.blobs(), batch.attachments, owner.code, settings.max_attachment_bytes
    )
    caller = push.Caller(owner.code, owner.branch_code, owner.role, header.device_id)
    return run_batch(server, batch, caller)


def _limit(
    server: ServerState, scope: str, subject: str, limit: int, what: str, cost: int = 1
) -> None:
    """429 with Retry-After when `subject` is over `limit` of `scope` in this window."""
    wait = throttle.hit(server.engine, server.settings, scope, subject, limit, cost)
    if wait:
        raise ApiError(
            429, "rate_limited", f"Too many {what}; retry later.", {"Retry-After": str(wait)}
        )


def bundle_cap(settings: config.Settings) -> int:
    """A bundle's body: `max_body_bytes` of ops and `max_bundle_attachment_bytes` of
    attachments (base64)."""
    return settings.max_body_bytes + settings.max_bundle_attachment_bytes
