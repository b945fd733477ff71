"""The bodies of the administration API's events and targets (`/v1/admin/events`,
`/v1/admin/targets`). The services (`admin.events`, `admin.targets`) check the values and
name the field in the caller's language; these models give them their shape."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventRequest(_Model):
    name: str = Field(max_length=400, examples=["Booth Sumsel Marketing"])
    venue: str = Field(default="", max_length=400)
    branch: str = Field(
        default="", max_length=64, description="The branch (a supervisor's own when empty)."
    )
    starts_on: str = Field(max_length=32, examples=["2026-12-01"])
    ends_on: str = Field(max_length=32, examples=["2026-12-07"])


class EventEdit(_Model):
    name: str = Field(max_length=400)
    venue: str = Field(default="", max_length=400)
    starts_on: str = Field(max_length=32)
    ends_on: str = Field(max_length=32)
    version: int | None = Field(
        default=None, description="The version the caller saw: 409 if it changed since."
    )


class Event(_Model):
    id: str
    branch: str
    name: str
    venue: str
    starts_on: dt.date
    ends_on: dt.date
    version: int
    ended: bool = Field(description="Its last day is before today (in the branch's zone).")


class EventList(_Model):
    items: list[Event]


class TargetRequest(_Model):
    scope: str = Field(max_length=16, description="branch, event or agent.")
    scope_id: str = Field(
        default="", max_length=64, description="The branch code, event id or agent code."
    )
    metric: str = Field(max_length=32, description="enrollments, businesses, visits, employers.")
    goal: int = Field(ge=0, le=10_000_000)
    period_start: str = Field(max_length=32)
    period_end: str = Field(max_length=32)


class TargetEdit(_Model):
    goal: int = Field(ge=0, le=10_000_000)
    period_start: str = Field(max_length=32)
    period_end: str = Field(max_length=32)
    version: int | None = Field(
        default=None, description="The version the caller saw: 409 if it changed since."
    )


class Target(_Model):
    id: str
    branch: str
    scope: str
    scope_id: str
    metric: str
    goal: int
    period_start: dt.date
    period_end: dt.date
    version: int
    ended: bool


class TargetList(_Model):
    items: list[Target]
