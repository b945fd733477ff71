"""What an export is asked for and what it made: the kind of records, the file format, the
period or event, masked or not (`ExportRequest`), and the file written (`ExportResult`).
`agent_app.services.exports` runs it; `agent_app.reports.exports` says what the file holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from agent_app.domain.messages import Text
from agent_app.errors import KnownError


class Kind(StrEnum):
    BUSINESSES = "businesses"
    VISITS = "visits"
    ENROLLMENTS = "enrollments"


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class BadRequest(KnownError):
    pass


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export. At least a date range or an event; both narrow the rows together."""

    kind: Kind
    start: dt.date | None = None
    end: dt.date | None = None
    event_id: str | None = None
    format: Format = Format.XLSX
    unmasked: bool = False

    def check(self) -> None:
        if self.start is None and self.end is None and not self.event_id:
            raise BadRequest(
                Text.of("Choose a date range or an event to export."),
                code="no_range",
            )
        if self.start and self.end and self.start > self.end:
            raise BadRequest(
                Text.of("The start date must not be after the end date."),
                code="bad_range",
            )


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    kind: Kind
    format: Format
    rows: int
    masked: bool


def iso_date(value: Any) -> str:
    """A date as YYYY-MM-DD, anything else as text, nothing as ""."""
    return value.isoformat() if isinstance(value, dt.date) else (str(value) if value else "")
