"""The administration API's audit trails (`/v1/admin/audit`): the administration trail and
the laptops' audit events in one list, newest first, with chain breaks flagged. A supervisor
sees their branch's; agents get 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query

from sync.server.admin import audit_log, review
from sync.server.api import admin_audit_models as models
from sync.server.api.openapi import R401, R403, R422
from sync.server.api.routes.admin import reviewer
from sync.server.api.state import ServerState, server_state

router = APIRouter(prefix="/v1/admin", tags=["admin"])
Who = Depends(reviewer)
Server = Depends(server_state)


@router.get("/audit", response_model=models.AuditPage, responses={**R401, **R403, **R422})
def list_audit(
    agent: str | None = Query(None, max_length=64),
    action: str | None = Query(None, max_length=64),
    day_from: dt.date | None = Query(None, alias="from"),  # noqa: B008
    day_to: dt.date | None = Query(None, alias="to"),  # noqa: B008
    source: str = Query("all", max_length=16),
    branch: str | None = Query(None, max_length=32),
    gaps: bool = False,
    cursor: str | None = Query(None, max_length=512),
    limit: int = Query(50, ge=1, le=audit_log.MAX_LIMIT),
    who: review.Reviewer = Who,
    server: ServerState = Server,
) -> Any:
    """Both trails newest first; `from`/`to` are days in the branch's time zone, `source`
    all, server or laptop, `gaps` only the laptop events that break their chain."""
    audit = audit_log.AuditFilter(agent, action, day_from, day_to, source, branch, gaps)
    page = audit_log.list_audit(server.engine, audit, who, cursor, limit)
    return {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "chain_breaks": page.chain_breaks,
    }
