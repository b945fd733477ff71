"""The administration API's employer registrations (`/v1/admin/employer-registrations`): the
review queue of employers (PU) as for enrollments. Supervisors see their branch (another
branch's registration is a 404), admins every branch; agents get 403. Every decision goes
through the service of the console and the command line (`admin.review`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from sync.server.admin import review, review_queue
from sync.server.api import admin_employer_models as models
from sync.server.api import admin_models
from sync.server.api.routes.admin import (
    ANSWERS,
    DECISION_ANSWERS,
    QueueQuery,
    queue_query,
    reviewer,
)
from sync.server.api.state import ServerState, server_state

router = APIRouter(prefix="/v1/admin/employer-registrations", tags=["admin"])
EMPLOYERS = (review.EMPLOYER,)


@router.get("", response_model=models.EmployerPage, responses=ANSWERS)
def list_registrations(
    query: QueueQuery = Depends(queue_query),  # noqa: B008
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """The branch's employer registrations in `status` (submitted by default), oldest first;
    `from` and `to` are days (UTC) the server received them; `branch` narrows an admin's view."""
    page = review_queue.list_enrollments(
        server.engine, query.queue, who, query.cursor, query.limit, EMPLOYERS
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/{entity_id}", response_model=models.EmployerDetail, responses=ANSWERS)
def get_registration(
    entity_id: str,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """The registration: its business, owner, workers (NIKs masked) and quote."""
    return review_queue.get_enrollment(server.engine, entity_id, who, EMPLOYERS)


@router.post(
    "/{entity_id}/accept", response_model=admin_models.Decision, responses=DECISION_ANSWERS
)
def accept(
    entity_id: str,
    body: models.EmployerAcceptRequest,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Accepts the registration with the employer number (NPP) BPJS issued."""
    version = review.accept(server.engine, entity_id, body.npp, who, EMPLOYERS)
    return {"id": review.enrollment_uuid(entity_id), "status": "accepted", "version": version}


@router.post(
    "/{entity_id}/send-back", response_model=admin_models.Decision, responses=DECISION_ANSWERS
)
def send_back(
    entity_id: str,
    body: admin_models.SendBackRequest,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Sends the registration back to its agent with a reason (and a note); the laptop shows
    it at its next pull."""
    version = review.send_back(server.engine, entity_id, body.reason, body.note, who, EMPLOYERS)
    return {
        "id": review.enrollment_uuid(entity_id),
        "status": "needs_correction",
        "version": version,
    }
