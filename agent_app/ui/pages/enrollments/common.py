"""What the enrollment form and its lists share: their constants and two small converters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate

from agent_app.domain.consent_texts import SHIPPED_VERSION
from agent_app.ui import i18n

# The autosaved form's key (services.form_drafts.ENROLLMENT).
FORM_KEY = "enrollment"
# How long after the last change the form is autosaved (the issue asks within 2 s).
AUTOSAVE_MS = 1500

#: The version of the consent text the app ships with (UU PDP 27/2022: proof of which text);
#: the form shows the published one in effect when it has one (`consent.ConsentBox`).
CONSENT_VERSION = SHIPPED_VERSION
DEFAULT_INCOME = 1_000_000
MINE_LIMIT = 500


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def when(raw: Any) -> str:
    """A stored time (ISO text) as the person reads it; empty when there is none."""
    if not raw:
        return ""
    try:
        return i18n.date_time(dt.datetime.fromisoformat(str(raw)))
    except ValueError:
        return ""
