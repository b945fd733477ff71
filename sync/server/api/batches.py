"""A batch's way in, for a push or a bundle: its checks, the overload policy (429 when too
many pushes are in flight, 503 when the database is busy) and its answer."""

from __future__ import annotations

import logging

from fastapi.responses import JSONResponse
from starlette.background import BackgroundTask

from sync import protocol
from sync.server import observe, push
from sync.server.api.errors import ApiError, JsonAnswer
from sync.server.api.state import ServerState, server_time
from sync.server.prospects import checks

log = logging.getLogger("server")


def check_batch(server: ServerState, batch: protocol.PushRequest, device_id: str) -> None:
    if batch.protocol_version != protocol.PROTOCOL_VERSION:
        raise ApiError(
            400,
            "unsupported_protocol",
            f"This server speaks protocol version {protocol.PROTOCOL_VERSION}.",
        )
    if str(batch.device_id) != device_id:
        raise ApiError(403, "wrong_device", "The batch's device is not the token's device.")
    limit = server.settings.max_ops_per_batch
    if len(batch.ops) > limit:
        raise ApiError(413, "too_many_ops", f"At most {limit} ops per batch.")
    previous = -1
    for op in batch.ops:
        if op.op_seq <= previous:
            raise ApiError(400, "ops_out_of_order", "Ops must be in rising op_seq order.")
        previous = op.op_seq


def _overloaded(server: ServerState) -> ApiError:
    return ApiError(429, "overloaded", "The server is busy; retry later.", server.retry_after())


def _busy(server: ServerState, detail: str) -> ApiError:
    log.warning("push: database busy (%s)", detail[:80])
    return ApiError(503, "busy", "The database is busy; retry later.", server.retry_after())


def run_batch(
    server: ServerState, batch: protocol.PushRequest, caller: push.Caller
) -> JSONResponse:
    """Applies a checked batch as `caller` and answers one result per op."""
    with server.push_gate.enter(f"{caller.device_id}/{batch.batch_id}") as admitted:
        if not admitted:
            raise _overloaded(server)
        try:
            results = push.apply_batch(server.engine, caller, batch.ops, server.blobs())
        except push.Busy as error:
            raise _busy(server, str(error)) from error
    counts: dict[str, int] = {}
    for _, outcome in results:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    for result, count in counts.items():
        observe.PUSHED_OPS.labels(result).inc(count)
    log.info("push: %d ops %s", len(results), counts)
    return JsonAnswer(
        {
            "results": [push.outcome_json(op_id, o) for op_id, o in results],
            "server_time": server_time(),
        },
        # The businesses the batch queued are judged for duplicates once the answer is sent.
        background=(
            BackgroundTask(checks.drain_quietly, server.engine, caller.branch_code)
            if queued_businesses(batch.ops, results)
            else None
        ),
    )


def queued_businesses(ops: list[protocol.Op], results: list[tuple[str, push.Outcome]]) -> bool:
    """Whether the batch may have queued a business for the duplicate search (only an applied
    business create or update does): a batch of enrollments or visits skips the drain's
    connection and queries (what a kill left is drained by the housekeeping loop)."""
    return any(
        op.entity == "business" and outcome.status == "applied"
        for op, (_, outcome) in zip(ops, results, strict=True)
    )
