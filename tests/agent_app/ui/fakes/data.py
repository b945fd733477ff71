"""The fake backend's day, sample event, list rows and refusals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from agent_app import errors
from agent_app.domain import records, validation
from agent_app.domain.messages import Text

TODAY = dt.date(2026, 9, 24)


@dataclass(frozen=True)
class BusinessRow:
    id: str
    name: str
    owner_name: str | None
    phone: str | None
    sector: str | None
    status: str
    region_code: str | None
    next_follow_up: dt.date | None = None
    event_id: str | None = None
    nib: str | None = None
    last_visit_at: str | None = None
    last_outcome: str | None = None
    sync_state: str | None = "synced"


class ValidationFailed(errors.KnownError):
    def __init__(self, problems: list[validation.Problem]) -> None:
        super().__init__(Text("Periksa isian berikut.", "Please check these fields."), "validation")
        self.problems = problems


class DuplicateNik(errors.KnownError):
    def __init__(self) -> None:
        super().__init__(
            Text("NIK ini sudah terdaftar.", "This NIK is already enrolled."), "duplicate_nik"
        )


EVENT = records.Event(
    id="6f1c2a8e-5b1d-4a43-9d1e-2b7f3c9a0e11",
    name="Sumsel Marketing",
    branch="PLG",
    starts_on=dt.date(2026, 9, 22),
    ends_on=dt.date(2026, 10, 3),
    venue="Palembang Indah Mall",
)

SECTORS = ("kuliner", "kerajinan", "perdagangan", "jasa")
STATUSES = ("prospect", "contacted", "enrolled", "declined")
