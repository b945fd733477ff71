"""The agent's assignments (from their supervisor, pulled): the open ones, due soonest first,
and marking one done (or undoing that), which queues an `update` of its `status` for the next
sync. The server accepts nothing else from a laptop (SYNC_PROTOCOL.md 1.1)."""

from __future__ import annotations

import dataclasses

from agent_app.domain import keys, records
from agent_app.services import _input
from agent_app.services.actor import Actor
from agent_app.services.errors import NotFound
from agent_app.storage.uow import SqlUnitOfWork

ENTITY = keys.ASSIGNMENT
OPEN, DONE = keys.AssignmentStatus.OPEN.value, keys.AssignmentStatus.DONE.value


def open_assignments(
    uow: SqlUnitOfWork, actor: Actor, limit: int = 1000
) -> list[records.Assignment]:
    """The account's open assignments, due soonest first."""
    with uow:
        return uow.assignments.for_agent(actor.agent_code, (OPEN,), limit)


def mark_done(uow: SqlUnitOfWork, actor: Actor, assignment_id: str) -> records.Assignment:
    """Marks the account's open assignment done; pushed at the next sync.

    Raises:
        NotFound: no such assignment of this account (or not open).
    """
    return _move(uow, actor, assignment_id, OPEN, DONE)


def undo_done(uow: SqlUnitOfWork, actor: Actor, assignment_id: str) -> records.Assignment:
    """Puts an assignment marked done back to open (a slip of the finger)."""
    return _move(uow, actor, assignment_id, DONE, OPEN)


def _move(
    uow: SqlUnitOfWork, actor: Actor, assignment_id: str, before: str, after: str
) -> records.Assignment:
    with uow:
        found = uow.assignments.get(assignment_id)
        if found is None or found.agent_code != actor.agent_code or found.status != before:
            raise NotFound(ENTITY, assignment_id)
        uow.assignments.set_status(assignment_id, after)
        _input.write_change(
            uow,
            actor_code=actor.agent_code,
            action=f"assignment.{after}",
            entity=ENTITY,
            entity_id=assignment_id,
            kind=keys.OpKind.UPDATE,
            base_version=found.version,
            fields={"status": after},
            details={"business_id": found.business_id, "status": after},
        )
        uow.commit()
    return dataclasses.replace(found, status=after)
