"""The bodies of the assignments API (`/v1/admin/assignments`), so the OpenAPI document
describes them. Values are checked by the service (`admin.assignments`), whose messages name
the field in the caller's language; these models only give them their shape."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewAssignment(_Model):
    business_id: str = Field(max_length=64, description="A business of the caller's branch.")
    agent_code: str = Field(max_length=64, description="An active agent of that branch.")
    kind: str = Field(max_length=32, description="visit, follow_up or enroll.")
    due_on: str = Field(
        max_length=32,
        description="YYYY-MM-DD, not before today in the branch's time zone.",
        examples=["2026-12-24"],
    )
    note: str = Field(default="", max_length=2000, description="At most 500 characters.")


class Assignment(_Model):
    id: str
    branch: str | None
    version: int
    business_id: str
    business_name: str | None = Field(description="The business's name (null if erased).")
    agent_code: str | None
    kind: str | None
    due_on: str | None
    note: str | None
    status: str | None = Field(description="open, done or cancelled.")


class AssignmentList(_Model):
    items: list[Assignment]
