"""The assignments API (`/v1/admin/assignments`): list, create and cancel the branch's
assignments. Supervisors see their branch (another branch's assignment is a 404, its
businesses and agents unknown), admins every branch; agents get 403. The console's page
calls the same service (`admin.assignments`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query

from sync.server.admin import assignments, review
from sync.server.api import admin_assignment_models as models
from sync.server.api.openapi import R401, R403, R404, R422
from sync.server.api.routes.admin import reviewer
from sync.server.api.state import ServerState, server_state

router = APIRouter(prefix="/v1/admin", tags=["admin"])
ANSWERS = {**R401, **R403, **R404, **R422}


@router.get("/assignments", response_model=models.AssignmentList, responses=ANSWERS)
def list_assignments(
    agent: str | None = Query(None, max_length=64),
    status: str | None = Query(None, max_length=32),
    due_before: dt.date | None = Query(None),  # noqa: B008
    branch: str | None = Query(None, max_length=32),
    limit: int = Query(200, ge=1, le=assignments.MAX_LIMIT),
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """The branch's assignments, due soonest first; filter by agent, status (open, done,
    cancelled) and due date (strictly before `due_before`); `branch` narrows an admin's view."""
    view = assignments.AssignmentFilter(agent, status, due_before, branch)
    return {"items": assignments.list_assignments(server.engine, view, who, limit)}


@router.post("/assignments", response_model=models.Assignment, status_code=201, responses=ANSWERS)
def create_assignment(
    body: models.NewAssignment,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Assigns a business of the branch to one of its active agents, with a due date and a
    note; the agent's laptop pulls it at its next sync."""
    form = assignments.NewAssignment(
        body.business_id, body.agent_code, body.kind, body.due_on, body.note
    )
    return assignments.create(server.engine, form, who)


@router.get("/assignments/{entity_id}", response_model=models.Assignment, responses=ANSWERS)
def get_assignment(
    entity_id: str,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """One assignment (404 for another branch's)."""
    return assignments.get_assignment(server.engine, entity_id, who)


@router.post("/assignments/{entity_id}/cancel", response_model=models.Assignment, responses=ANSWERS)
def cancel_assignment(
    entity_id: str,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Cancels an open assignment; the agent's laptop drops it at its next pull."""
    return assignments.cancel(server.engine, entity_id, who)
