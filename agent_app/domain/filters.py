"""What a list asks for: the filters the business list applies (in SQL, by the repositories).

One definition for the UI that builds it, the services that take it and the storage that
turns it into a WHERE clause.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BusinessFilter:
    """What a business list shows: text matches name or owner (substring, any case)."""

    text: str = ""
    status: str | None = None
    sector: str | None = None
    event_id: str | None = None
    follow_up_due_on: dt.date | None = None
