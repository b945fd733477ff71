"""The participant check on the wire (part of `sync.protocol`, which re-exports these): one
NIK (`POST /v1/participants/check`) or a list of them (`POST /v1/participants/check-list`,
1.1, an employer registration's workers; docs/wire.md)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")  # as sync.protocol's models


class ParticipantCheckRequest(_Model):
    nik: str = Field(description="16 digits.", max_length=64)


class ParticipantCheckResponse(_Model):
    enrolled: bool = Field(
        description="Whether the NIK is an active participant: the NIK of an enrollment or a "
        "worker of an employer registration (not deleted), in any branch."
    )
    branch: str | None = None
    enrolled_on: dt.date | None = None


#: The most NIKs one list check takes: an employer registration's most workers.
MAX_CHECKED_NIKS = 500


class ParticipantListCheckRequest(_Model):
    """1.1: many NIKs in one check (an employer registration's workers)."""

    niks: list[str] = Field(
        min_length=1,
        max_length=MAX_CHECKED_NIKS,
        description="16 digits each. Every NIK counts as one check in the audit and toward "
        "the per-agent and per-client NIK budgets (429 `rate_limited`).",
    )


class ParticipantListCheckResponse(_Model):
    results: list[ParticipantCheckResponse] = Field(
        description="One answer per NIK, in the order of the request's `niks` (the NIKs "
        "are not repeated)."
    )
