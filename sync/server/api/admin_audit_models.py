"""The body of the administration API's audit trails (`/v1/admin/audit`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AuditItem(_Model):
    source: str = Field(description="server (the administration trail) or laptop.")
    id: int
    at: dt.datetime
    actor: str = Field(description="The account that acted (a laptop event: the pusher).")
    action: str
    target: str | None = Field(description="An id or a code; a laptop event: entity and id.")
    details: dict[str, Any] = Field(description="Ids, codes and settings only.")
    device_id: str | None
    seq: int | None = Field(description="The laptop event's place in its device's chain.")
    laptop_agent: str | None = Field(description="The agent the laptop wrote in the event.")
    chain_ok: bool | None = Field(description="False: the event breaks its laptop's chain.")
    chain_problem: str | None = Field(description="gap, mismatch, bad_hash or unchained.")


class ChainBreak(_Model):
    device_id: str
    breaks: int
    latest: dt.datetime


class AuditPage(_Model):
    items: list[AuditItem]
    next_cursor: str | None
    chain_breaks: list[ChainBreak] = Field(
        description="Devices whose hash chain is broken within the filter, latest first."
    )
