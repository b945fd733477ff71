"""The administration API's request and response bodies (`/v1/admin/`), so the OpenAPI
document describes them. Values are checked by the review service (`admin.review`), whose
messages name the field in the caller's language; these models only give them their shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EnrollmentSummary(_Model):
    id: str
    branch: str | None
    agent: str | None = Field(description="The agent who enrolled the worker.")
    version: int
    received_at: dt.datetime = Field(description="When the server first received it.")
    status: str | None = Field(description="submitted, accepted or needs_correction.")
    full_name: str | None
    nik_masked: str = Field(description="The NIK masked (3201********0001).")
    event_id: str | None
    review_reason: str | None
    membership_number: str | None


class EnrollmentPage(_Model):
    items: list[EnrollmentSummary]
    next_cursor: str | None = Field(description="The next page's cursor; null on the last.")


class EnrollmentDetail(EnrollmentSummary):
    fields: dict[str, Any] = Field(description="The record's fields, without the NIK.")


class RevealedNik(_Model):
    id: str
    nik: str


class AcceptRequest(_Model):
    membership_number: str = Field(max_length=200, examples=["16071234567"])


class SendBackRequest(_Model):
    reason: str = Field(
        max_length=40,
        description="nik_unreadable, data_mismatch, incomplete, wrong_program, photo_unclear or "
        "other.",
    )
    note: str = Field(default="", max_length=2000, description="Free text for the agent.")


class BulkAcceptItem(_Model):
    id: str = Field(max_length=64)
    membership_number: str = Field(max_length=200)


class BulkAcceptRequest(_Model):
    items: list[BulkAcceptItem] = Field(min_length=1, max_length=200)


class Decision(_Model):
    id: str
    status: str
    version: int


class Decisions(_Model):
    items: list[Decision]
