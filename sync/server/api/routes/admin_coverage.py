"""The coverage API (`GET /v1/admin/coverage`): each target in view and what was done towards
it over its own period (`admin.coverage`). Supervisors see their branch (another branch, or its
event or agent, is a 404), admins every branch or one; agents get 403."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from sync.server.admin import coverage, review
from sync.server.api import admin_coverage_models as models
from sync.server.api.routes.admin import ANSWERS, reviewer
from sync.server.api.state import ServerState, server_state

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.get("/coverage", response_model=models.Coverage, responses=ANSWERS)
def get_coverage(
    branch: str | None = Query(None, max_length=32),
    event: str | None = Query(None, max_length=64),
    agent: str | None = Query(None, max_length=64),
    period_from: str | None = Query(None, alias="from", max_length=10),
    period_to: str | None = Query(None, alias="to", max_length=10),
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """The targets of the branch (`branch` narrows an admin's view), of one `event` or one
    `agent`, whose period reaches into `from`..`to` (YYYY-MM-DD), each with what was done."""
    wanted = coverage.CoverageFilter(branch, event, agent, period_from, period_to)
    lines = coverage.coverage(server.engine, wanted, who)
    return {
        "items": [
            {
                "target_id": line.target_id,
                "branch": line.branch,
                "scope": line.scope,
                "scope_id": line.scope_id,
                "scope_name": line.scope_name,
                "metric": line.metric,
                "goal": line.goal,
                "period_start": line.period_start,
                "period_end": line.period_end,
                "done": line.done,
                "percent": line.percent,
                "waiting": line.waiting,
            }
            for line in lines
        ]
    }
