"""Ops read from the store made ready for a push body: validated (a broken op is settled
locally as `invalid_op`), cut into batches by body size and count (an op too large for any
batch is settled locally as `too_large`), and wrapped in a `PushRequest`."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import pydantic

from sync import protocol
from sync.contract import WARNING_OPS_UNSENDABLE, CycleReport, LocalStore

log = logging.getLogger("sync")

#: Bytes a push body takes besides its ops.
ENVELOPE_BYTES = 200


def local_result(op_id: uuid.UUID, code: str, message: str) -> protocol.OpResult:
    """A `rejected` result made on the laptop for an op the server will never see."""
    return protocol.OpResult(
        op_id=op_id,
        status="rejected",
        error=protocol.OpError(code=code, message=message),
    )


def op_json(op: protocol.Op) -> bytes:
    """The op as a push body holds it (as `sync.client` encodes it)."""
    return op.model_dump_json().encode("utf-8")


def op_size(op: protocol.Op) -> int:
    """Bytes the op takes in a push body (as `sync.client` encodes it), with its comma."""
    return len(op_json(op)) + 1


def request_json(request: protocol.PushRequest, ops_json: Sequence[bytes]) -> bytes:
    """`request`'s body, the bytes of its `model_dump_json()`, made of its ops' JSON as
    `op_json` made it (each op is serialized once, to size its batch). The ops are the
    request's last field: its envelope with no ops ends in `[]}`."""
    envelope = protocol.PushRequest(
        protocol_version=request.protocol_version,
        device_id=request.device_id,
        batch_id=request.batch_id,
        ops=[],
    ).model_dump_json()
    head = envelope.encode("utf-8").removesuffix(b"[]}")
    return b"".join((head, b"[", b",".join(ops_json), b"]}"))


def push_request(
    store: LocalStore, ops: list[protocol.Op], device_id: uuid.UUID | None = None
) -> protocol.PushRequest:
    """A batch's request; `device_id`: the store's, when the caller already read it (each
    read of `store.device_id` is a local transaction)."""
    return protocol.PushRequest(
        protocol_version=protocol.PROTOCOL_VERSION,
        device_id=device_id if device_id is not None else uuid.UUID(str(store.device_id)),
        batch_id=uuid.uuid4(),
        ops=ops,
    )


def valid_ops(
    store: LocalStore, raw: Sequence[protocol.Op | Mapping[str, Any]], report: CycleReport
) -> list[protocol.Op]:
    ops: list[protocol.Op] = []
    broken: list[protocol.OpResult] = []
    # Every op carries the offset this cycle measured (SYNC_PROTOCOL.md 1.1); it is not
    # part of the op's payload, so a resent op with a newer measurement is the same op.
    offset = None if report.clock_offset is None else round(report.clock_offset, 3)
    for item in raw:
        if isinstance(item, protocol.Op):
            ops.append(item.model_copy(update={"clock_offset_seconds": offset}))
            continue
        try:
            op = protocol.Op.model_validate(item)
        except pydantic.ValidationError as error:
            op_id = _op_id_of(item)
            fields = sorted({str(part["loc"][0]) for part in error.errors() if part["loc"]})
            log.error("an outbox op is not a valid op (fields %s)", fields)
            if op_id is not None:
                broken.append(
                    local_result(op_id, "invalid_op", f"Not a valid op: {', '.join(fields)}.")
                )
            continue
        # The op is this function's own: set in place, not copied (a copy cost more than
        # validating the op), and not validated, like the copy before.
        op.clock_offset_seconds = offset
        ops.append(op)
    if broken:
        store.mark_results(broken)
        report.rejected += len(broken)
        report.warn(WARNING_OPS_UNSENDABLE)
    return ops


def split_by_size(
    store: LocalStore,
    ops: list[protocol.Op],
    max_bytes: int,
    report: CycleReport,
    encoded: dict[uuid.UUID, bytes] | None = None,
) -> list[list[protocol.Op]]:
    """Cuts rising ops into batches whose JSON body stays under `max_bytes`; each op's JSON
    (`op_json`) goes to `encoded` by op id when given, for `request_json`."""
    batches: list[list[protocol.Op]] = []
    current: list[protocol.Op] = []
    size = ENVELOPE_BYTES
    too_large: list[protocol.OpResult] = []
    for op in ops:
        text = op_json(op)
        op_bytes = len(text) + 1
        if encoded is not None:
            encoded[op.op_id] = text
        if ENVELOPE_BYTES + op_bytes > max_bytes:
            too_large.append(
                local_result(op.op_id, "too_large", "The op is larger than the server accepts.")
            )
            continue
        if current and size + op_bytes > max_bytes:
            batches.append(current)
            current, size = [], ENVELOPE_BYTES
        current.append(op)
        size += op_bytes
    if current:
        batches.append(current)
    if too_large:
        store.mark_results(too_large)
        report.rejected += len(too_large)
        report.warn(WARNING_OPS_UNSENDABLE)
    return batches


def by_count(batches: list[list[protocol.Op]], max_ops: int) -> list[list[protocol.Op]]:
    """Batches cut again so none holds more than `max_ops` ops."""
    return [
        batch[start : start + max_ops]
        for batch in batches
        for start in range(0, len(batch), max_ops)
    ]


def seq_of(item: protocol.Op | Mapping[str, Any]) -> int | None:
    if isinstance(item, protocol.Op):
        return item.op_seq
    value = item.get("op_seq")
    return value if isinstance(value, int) else None


def _op_id_of(item: Mapping[str, Any]) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(item.get("op_id")))
    except ValueError:
        return None
