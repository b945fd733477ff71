"""The sync routes: the limits a laptop respects, push and pull."""

from __future__ import annotations

import logging
import typing
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine
from starlette.background import BackgroundTask, BackgroundTasks
from starlette.concurrency import run_in_threadpool

from sync import protocol
from sync.server import accounts, observe, pull
from sync.server.accounts.devices import note_sync
from sync.server.api.batches import check_batch, run_batch
from sync.server.api.errors import log_bug, parse_body
from sync.server.api.openapi import R400, R401, R403, R410, R413, R426, R429, R503
from sync.server.api.state import (
    ServerState,
    check_app_version,
    principal,
    server_state,
    server_time,
)

log = logging.getLogger("server")

router = APIRouter(tags=["sync"])


@router.get("/v1/sync/config", response_model=protocol.SyncConfig, responses={**R401})
def sync_config(
    _: accounts.Principal = Depends(principal),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """The limits a laptop must respect, the server's clock, and the app versions it
    serves (min_app_version) and would rather see (latest_app_version)."""
    settings = server.settings
    return JSONResponse(
        {
            "protocol_version": protocol.PROTOCOL_VERSION,
            "protocol_minor": 1,
            "max_attachment_bytes": settings.max_attachment_bytes,
            "max_ops_per_batch": settings.max_ops_per_batch,
            "max_body_bytes": settings.max_body_bytes,
            "max_pull_limit": protocol.MAX_PULL_LIMIT,
            "server_time": server_time(),
            "entities": list(typing.get_args(protocol.Entity)),
            "min_app_version": settings.min_app_version,
            "latest_app_version": settings.latest_app_version,
        }
    )


@router.post(
    "/v1/sync/push",
    response_model=protocol.PushResponse,
    responses={**R400, **R401, **R403, **R413, **R426, **R429, **R503},
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
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Applies a batch of ops: 200 with one result per op (applied, duplicate, conflict,
    rejected) whatever their fates; the ledger makes a resent op an idempotent no-op.
    An app below min_app_version (by its User-Agent) is refused: 426 app_too_old."""
    check_app_version(request, server)
    # The body is parsed by pydantic-core straight from the bytes (a third faster than
    # FastAPI's json.loads + model validation for a 500-op batch).
    batch = parse_body(protocol.PushRequest, await request.body())
    agent = request.headers.get("user-agent")
    return await run_in_threadpool(_push_batch, server, batch, who, agent)


def _push_batch(
    server: ServerState, batch: protocol.PushRequest, who: accounts.Principal, agent: str | None
) -> JSONResponse:
    check_batch(server, batch, who.device_id)
    answer = run_batch(server, batch, who.caller())
    # The device's stamp once the answer is sent (off the push's critical path: the laptop's
    # next batch is on its way meanwhile), before the duplicate drain if the batch queued any;
    # a stamp that fails is logged, never a 500 for a batch already committed.
    tasks = BackgroundTasks(
        [BackgroundTask(_note_sync_quietly, server.engine, who.device_id, agent)]
    )
    if answer.background is not None:
        tasks.tasks.append(answer.background)
    answer.background = tasks
    return answer


def _note_sync_quietly(engine: Engine, device_id: str, agent: str | None) -> None:
    try:
        note_sync(engine, device_id, agent)
    except Exception as error:  # the push it stamps is committed and answered
        log.warning("push: the device's sync stamp failed")
        log_bug(error)


@router.get(
    "/v1/sync/pull",
    response_model=protocol.PullResponse,
    responses={**R400, **R401, **R410},
)
def sync_pull(
    request: Request,
    cursor: str | None = Query(default=None, max_length=512),
    limit: int = Query(default=500, ge=1, le=protocol.MAX_PULL_LIMIT),
    with_: list[str] = Query(  # noqa: B008
        default=[],
        alias="with",
        max_length=20,
        description="The optional entities the laptop understands (`assignment`), repeated "
        "or comma-separated; unknown names are ignored. Without it they are left out.",
    ),
    who: accounts.Principal = Depends(principal),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """The changes the caller may see after `cursor`, in server order (410 when the cursor
    can no longer be served: pull again from no cursor).

    Optional entities (`assignment`) come only to a pull that names them in `with`
    (`with=assignment`): a laptop from before them cannot parse them. A page without them is
    still as full as `limit` allows, and `has_more` stays true while more is waiting. A
    cursor made by pulls without an entity that this pull now names is answered 410
    `cursor_expired` (its earlier changes of that entity were left out): pull again from no
    cursor."""
    declared = [name.strip() for value in with_ for name in value.split(",")]
    page = pull.pull_page(server.engine, who.caller(), cursor, limit, declared)
    note_sync(server.engine, who.device_id, request.headers.get("user-agent"))
    observe.PULLED_CHANGES.inc(len(page.changes))
    return JSONResponse(
        {
            "changes": page.changes,
            "next_cursor": page.next_cursor,
            "has_more": page.has_more,
            "server_time": server_time(),
        }
    )
