"""The coverage API's response body (`GET /v1/admin/coverage`)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CoverageLine(_Model):
    target_id: str
    branch: str
    scope: str = Field(description="branch, event or agent.")
    scope_id: str = Field(description="The branch code, event id or agent code.")
    scope_name: str = Field(description="The branch's, event's or agent's name.")
    metric: str = Field(description="enrollments, businesses, employers or visits.")
    goal: int
    period_start: dt.date
    period_end: dt.date
    done: int = Field(description="What the scope did of the metric over the target's period.")
    percent: float | None = Field(description="done / goal in percent; null for a goal of 0.")
    waiting: int | None = Field(
        None,
        description=(
            "employers: the employer registrations received in the period and still waiting "
            "for review (not in done: done counts the accepted ones); null for other metrics."
        ),
    )


class Coverage(_Model):
    items: list[CoverageLine]
