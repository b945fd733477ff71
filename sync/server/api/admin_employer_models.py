"""The bodies of the administration API's employer registrations (`/v1/admin/employer-
registrations`): the review queue's lines and detail, an acceptance with the NPP. Values are
checked by the review service (`admin.review`); these models give them their shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EmployerSummary(_Model):
    id: str
    kind: str = Field(description="Always employer.")
    branch: str | None
    agent: str | None = Field(description="The agent who registered the employer.")
    version: int
    received_at: dt.datetime = Field(description="When the server first received it.")
    status: str | None = Field(description="submitted, accepted or needs_correction.")
    full_name: str | None = Field(description="The business's name (the owner's if unknown).")
    nik_masked: str = Field(description="The owner's NIK masked (3201********0001), or -.")
    event_id: str | None
    review_reason: str | None
    npp: str | None = Field(description="The employer number BPJS issued, once accepted.")
    workers_count: int


class EmployerPage(_Model):
    items: list[EmployerSummary]
    next_cursor: str | None = Field(description="The next page's cursor; null on the last.")


class EmployerWorker(_Model):
    nik_masked: str
    full_name: str | None
    birth_date: str | None
    gender: str | None
    start_date: str | None
    monthly_wage: int | None
    jkn: bool | None
    wage_below_minimum_reason: str | None


class EmployerQuote(_Model):
    month: dt.date = Field(description="The contribution month's first day.")
    programs: list[str]
    employer_total: int
    worker_total: int
    total: int
    due_on: dt.date
    per_worker: list[int] = Field(description="Each worker's contribution, in list order.")


class EmployerDetail(EmployerSummary):
    fields: dict[str, Any] = Field(
        description="The registration's fields without the owner's NIK, phone and the workers."
    )
    business: dict[str, Any] | None = Field(description="Its business, when visible.")
    owner: dict[str, Any] = Field(description="name, nik_masked, phone_masked.")
    workers: list[EmployerWorker]
    quote: EmployerQuote | None = Field(
        description="The domain's quote for the month it was received; null if not quotable."
    )


class EmployerAcceptRequest(_Model):
    npp: str = Field(max_length=200, examples=["16001234"])
