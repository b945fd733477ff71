"""The administration API's events and targets (`/v1/admin/events`, `/v1/admin/targets`):
create, edit, end and list them. Supervisors see their branch (another branch's event or
target is a 404), admins every branch; agents get 403. The laptops pull every change."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from sync.server.admin import events, review, targets
from sync.server.api import admin_targets_models as models
from sync.server.api.openapi import R401, R403, R404, R409, R422
from sync.server.api.routes.admin import reviewer
from sync.server.api.state import ServerState, server_state

router = APIRouter(prefix="/v1/admin", tags=["admin"])
ANSWERS = {**R401, **R403, **R404, **R422}
Who = Depends(reviewer)
Server = Depends(server_state)


@router.get("/events", response_model=models.EventList, responses=ANSWERS)
def list_events(
    branch: str | None = Query(None, max_length=32),
    current: bool = False,
    who: review.Reviewer = Who,
    server: ServerState = Server,
) -> Any:
    """The events, latest start first (`current`: those not ended); `branch` narrows an
    admin's view."""
    return {"items": events.list_events(server.engine, who, branch, current_only=current)}


@router.post("/events", response_model=models.Event, responses=ANSWERS, status_code=201)
def create_event(
    body: models.EventRequest, who: review.Reviewer = Who, server: ServerState = Server
) -> Any:
    """A new event; the branch's laptops pull it."""
    data = events.EventInput(body.name, body.venue, body.branch, body.starts_on, body.ends_on)
    return events.create_event(server.engine, data, who)


@router.get("/events/{event_id}", response_model=models.Event, responses=ANSWERS)
def get_event(event_id: str, who: review.Reviewer = Who, server: ServerState = Server) -> Any:
    return events.get_event(server.engine, event_id, who)


@router.put("/events/{event_id}", response_model=models.Event, responses={**ANSWERS, **R409})
def edit_event(
    event_id: str,
    body: models.EventEdit,
    who: review.Reviewer = Who,
    server: ServerState = Server,
) -> Any:
    """New name, venue and dates (the event stays in its branch)."""
    data = events.EventInput(body.name, body.venue, "", body.starts_on, body.ends_on)
    return events.edit_event(server.engine, event_id, data, who, body.version)


@router.post("/events/{event_id}/end", response_model=models.Event, responses=ANSWERS)
def end_event(event_id: str, who: review.Reviewer = Who, server: ServerState = Server) -> Any:
    """Ends the event today in its branch's time zone (its end date, if later, becomes today)."""
    return events.end_event(server.engine, event_id, who)


@router.get("/targets", response_model=models.TargetList, responses=ANSWERS)
def list_targets(
    branch: str | None = Query(None, max_length=32),
    current: bool = False,
    who: review.Reviewer = Who,
    server: ServerState = Server,
) -> Any:
    """The targets, latest period first (`current`: those not ended)."""
    return {"items": targets.list_targets(server.engine, who, branch, current_only=current)}


@router.post("/targets", response_model=models.Target, responses=ANSWERS, status_code=201)
def set_target(
    body: models.TargetRequest, who: review.Reviewer = Who, server: ServerState = Server
) -> Any:
    """A target for a branch, an event or an agent (the same scope, metric and period again
    changes its goal)."""
    data = targets.TargetInput(
        body.scope, body.scope_id, body.metric, body.goal, body.period_start, body.period_end
    )
    return targets.set_target(server.engine, data, who)


@router.get("/targets/{target_id}", response_model=models.Target, responses=ANSWERS)
def get_target(target_id: str, who: review.Reviewer = Who, server: ServerState = Server) -> Any:
    return targets.get_target(server.engine, target_id, who)


@router.put("/targets/{target_id}", response_model=models.Target, responses={**ANSWERS, **R409})
def edit_target(
    target_id: str,
    body: models.TargetEdit,
    who: review.Reviewer = Who,
    server: ServerState = Server,
) -> Any:
    """A new goal and period (scope and metric stay)."""
    data = targets.TargetInput(
        goal=body.goal, period_start=body.period_start, period_end=body.period_end
    )
    return targets.edit_target(server.engine, target_id, data, who, body.version)


@router.post("/targets/{target_id}/end", response_model=models.Target, responses=ANSWERS)
def end_target(target_id: str, who: review.Reviewer = Who, server: ServerState = Server) -> Any:
    """Ends the target's period today in its branch's time zone."""
    return targets.end_target(server.engine, target_id, who)
