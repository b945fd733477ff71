"""Settling a conflict the server answered: keep the agent's values (`mine`) or take the
server's record (`server`). Either way the problem leaves the list."""

from __future__ import annotations

import logging
from typing import Literal

from agent_app.domain import keys, validation
from agent_app.domain.messages import Text
from agent_app.services.actor import Actor
from agent_app.services.sync.connection import UowFactory
from agent_app.services.sync.failures import CannotResolve
from agent_app.services.sync.messages import ADVICE
from agent_app.services.sync.problems import SyncProblem, problems
from agent_app.storage import tables
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("sync")

_RESOLVED = "resolved"
#: The fields only a supervisor sets, which "keep mine" never sends back.
_PROTECTED = {
    keys.Entity.ENROLLMENT: validation.ENROLLMENT_PROTECTED,
    keys.EMPLOYER_REGISTRATION: validation.EMPLOYER_PROTECTED,
}
_NOT_A_CHOICE = Text.of("This conflict cannot be settled by choosing one side.")


def resolve_conflict(
    uow_factory: UowFactory, actor: Actor, op_id: str, choice: Literal["mine", "server"]
) -> SyncProblem | None:
    """Settles a conflict the server answered for op `op_id`.

    `mine`: a new update op carries the op's fields with the local values, on the server's
    current version (`field_changed` only: an accepted enrollment cannot change). `server`:
    the server's record (`current`) replaces the local one. Returns the problem as it was.

    Raises:
        CannotResolve: no such conflict, or not one a choice settles.
    """
    if choice not in ("mine", "server"):
        raise ValueError(f"choice must be 'mine' or 'server', not {choice!r}")
    with uow_factory() as uow:
        problem, row = _settleable(uow, op_id, choice)
        assert problem.current is not None
        version = problem.server_version
        if choice == "mine":
            # The op holds the values the agent chose; the record may since show the server's
            # (a pull after the conflict), so they are written back too.
            fields = dict(row.fields)
            for name in _PROTECTED.get(row.entity, ()):
                fields.pop(name, None)
            uow.synced_records.write_mine(row.entity, row.entity_id, fields, version)
            uow.outbox.add(row.entity, row.entity_id, keys.OpKind.UPDATE, version, fields)
        else:
            uow.synced_records.write_server(row.entity, row.entity_id, problem.current, version)
        row.status = _RESOLVED
        uow.audit.add(
            actor.agent_code,
            f"sync.resolve_{choice}",
            row.entity,
            row.entity_id,
            {"op_id": op_id, "code": problem.code},
        )
        uow.commit()
    log.info("conflict of op %s settled: %s", op_id, choice)
    return problem


def _settleable(uow: SqlUnitOfWork, op_id: str, choice: str) -> tuple[SyncProblem, tables.OutboxOp]:
    """The problem of op `op_id` and its outbox row, when `choice` can settle it."""
    problem = {p.op_id: p for p in problems(uow)}.get(op_id)
    row = uow.outbox.get_row(op_id)
    if problem is None or row is None or not problem.resolvable or problem.current is None:
        raise CannotResolve(_NOT_A_CHOICE)
    if choice == "mine" and problem.code == "enrollment_accepted":
        raise CannotResolve(ADVICE["enrollment_accepted"])
    if not uow.synced_records.knows(row.entity):
        raise CannotResolve(Text.of("Unknown kind of record."))
    if not uow.synced_records.exists(row.entity, row.entity_id):
        raise CannotResolve(Text.of("Record not found."))
    return problem, row
