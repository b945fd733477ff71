"""The administration API (`/v1/admin/`): the review queue of enrollments. Supervisors see
their branch (another branch's enrollment is a 404), admins every branch; agents get 403.
Every decision goes through the same service as the command line (`admin.review`)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Query

from agent_app.domain import keys
from sync.server import accounts, throttle
from sync.server.admin import review, review_queue
from sync.server.api import admin_models as models
from sync.server.api.errors import ApiError
from sync.server.api.openapi import R401, R403, R404, R409, R422, R429
from sync.server.api.state import ServerState, principal, server_state

log = logging.getLogger("server")
router = APIRouter(prefix="/v1/admin", tags=["admin"])
ANSWERS = {**R401, **R403, **R404, **R422}
DECISION_ANSWERS = {**ANSWERS, **R409}


def reviewer(who: accounts.Principal = Depends(principal)) -> review.Reviewer:  # noqa: B008
    """The caller as a reviewer: a supervisor of their branch or an admin of all (403
    otherwise)."""
    if who.role not in keys.SUPERVISING:
        raise ApiError(403, "forbidden", "Only a supervisor or an admin may use this.")
    branch = None if who.role == keys.Role.ADMIN else who.branch_code
    return review.Reviewer(who.agent_code, branch)


@dataclass(frozen=True)
class QueueQuery:
    """A review queue's query parameters: what to list and which page."""

    queue: review_queue.QueueFilter
    cursor: str | None
    limit: int


def queue_query(
    status: str = "submitted",
    agent: str | None = Query(None, max_length=64),
    event: str | None = Query(None, max_length=64),
    branch: str | None = Query(None, max_length=32),
    received_from: dt.date | None = Query(None, alias="from"),  # noqa: B008
    received_to: dt.date | None = Query(None, alias="to"),  # noqa: B008
    cursor: str | None = Query(None, max_length=512),
    limit: int = Query(50, ge=1, le=review_queue.MAX_LIMIT),
) -> QueueQuery:
    """The review queues' query parameters (enrollments, employer registrations): one
    declaration, so both lists read them, and document them, alike."""
    queue = review_queue.QueueFilter(status, agent, event, branch, received_from, received_to)
    return QueueQuery(queue, cursor, limit)


@router.get("/enrollments", response_model=models.EnrollmentPage, responses=ANSWERS)
def list_enrollments(
    query: QueueQuery = Depends(queue_query),  # noqa: B008
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """The branch's enrollments in `status` (submitted by default), oldest first; `from` and
    `to` are days (UTC) the server received them; `branch` narrows an admin's view."""
    page = review_queue.list_enrollments(server.engine, query.queue, who, query.cursor, query.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/enrollments/{entity_id}", response_model=models.EnrollmentDetail, responses=ANSWERS)
def get_enrollment(
    entity_id: str,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """The enrollment's record, its NIK masked."""
    return review_queue.get_enrollment(server.engine, entity_id, who)


@router.post(
    "/enrollments/{entity_id}/reveal-nik",
    response_model=models.RevealedNik,
    responses={**ANSWERS, **R429},
)
def reveal_nik(
    entity_id: str,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """The whole NIK; the administration trail records who saw it. Rate-limited per caller
    like the participant check."""
    settings = server.settings
    wait = throttle.hit(
        server.engine, settings, "reveal-nik", who.name or "-", settings.check_rate_per_agent
    )
    if wait:
        log.warning("admin/reveal-nik: rate limit reached by %s", who.name)
        raise ApiError(
            429, "rate_limited", "Too many NIKs shown; retry later.", {"Retry-After": str(wait)}
        )
    nik = review.reveal_nik(server.engine, entity_id, who)
    return {"id": review.enrollment_uuid(entity_id), "nik": nik}


@router.post("/enrollments/accept", response_model=models.Decisions, responses=DECISION_ANSWERS)
def accept_many(
    body: models.BulkAcceptRequest,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Accepts several enrollments, each with its membership number: all of them or none."""
    decisions = [(item.id, item.membership_number) for item in body.items]
    versions = review.accept_many(server.engine, decisions, who)
    return {
        "items": [
            {"id": review.enrollment_uuid(entity_id), "status": "accepted", "version": version}
            for (entity_id, _), version in zip(decisions, versions, strict=True)
        ]
    }


@router.post(
    "/enrollments/{entity_id}/accept", response_model=models.Decision, responses=DECISION_ANSWERS
)
def accept(
    entity_id: str,
    body: models.AcceptRequest,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Accepts the enrollment with the membership number BPJS issued."""
    version = review.accept(server.engine, entity_id, body.membership_number, who)
    return {"id": review.enrollment_uuid(entity_id), "status": "accepted", "version": version}


@router.post(
    "/enrollments/{entity_id}/send-back",
    response_model=models.Decision,
    responses=DECISION_ANSWERS,
)
def send_back(
    entity_id: str,
    body: models.SendBackRequest,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """Sends the enrollment back to its agent with a reason (and a note); the laptop shows
    it at its next pull."""
    version = review.send_back(server.engine, entity_id, body.reason, body.note, who)
    return {
        "id": review.enrollment_uuid(entity_id),
        "status": "needs_correction",
        "version": version,
    }
