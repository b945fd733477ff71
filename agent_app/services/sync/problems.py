"""The ops the server refused or found in conflict, still to be dealt with, as the sync page
shows them: what is wrong and what to do, in both languages (`messages.explain`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agent_app.domain.messages import Text
from agent_app.services.sync.messages import RESOLVABLE, explain
from agent_app.storage import tables
from agent_app.storage.uow import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class SyncProblem:
    """An op the server refused (`rejected`) or found in `conflict`, still to be dealt with.

    `problem` says what is wrong and `advice` what to do, in both languages; `server_message`
    is the server's own (English) text, kept as a detail for support. `current` is the
    server's record for a conflict the agent may resolve (`resolvable`); for
    `nik_already_enrolled` it holds only `branch` and `enrolled_on`.
    """

    op_id: str
    entity: str
    entity_id: str
    kind: str
    status: str
    code: str
    field: str | None
    server_message: str
    problem: Text
    advice: Text
    current: dict[str, Any] | None = None
    server_version: int | None = None
    resolvable: bool = False
    #: The fields the op carried (the agent's values), to show beside `current`.
    mine: dict[str, Any] = dataclasses.field(default_factory=dict)


def problems(uow: SqlUnitOfWork) -> list[SyncProblem]:
    """Refused and conflicting ops not yet resolved nor followed by a newer op of the record."""
    return [_problem(row) for row in uow.outbox.open_problems()]


def _problem(row: tables.OutboxOp) -> SyncProblem:
    result = dict(row.result or {})
    error = dict(result.get("error") or {})
    code = str(row.error_code or error.get("code") or "unknown")
    current = result.get("current")
    explained = explain(code, error.get("field"), current, row.entity, row.fields)
    return SyncProblem(
        op_id=row.op_id,
        entity=row.entity,
        entity_id=row.entity_id,
        kind=row.kind,
        status=row.status,
        code=code,
        field=error.get("field"),
        server_message=str(row.error_message or error.get("message") or ""),
        problem=explained[0],
        advice=explained[1],
        current=dict(current) if isinstance(current, Mapping) else None,
        server_version=result.get("entity_version"),
        resolvable=row.status == "conflict" and code in RESOLVABLE,
        mine=dict(row.fields),
    )
