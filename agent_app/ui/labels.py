"""Display names of the closed enumerations (statuses, outcomes, channels...), translated.

Open lists (sectors, occupations) carry their names in resources/keys.json instead.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from agent_app.domain import keys
from agent_app.ui import i18n


def business_statuses() -> dict[str, str]:
    return {
        "prospect": QCoreApplication.translate("Labels", "Prospect"),
        "contacted": QCoreApplication.translate("Labels", "Contacted"),
        "enrolled": QCoreApplication.translate("Labels", "Enrolled"),
        "declined": QCoreApplication.translate("Labels", "Declined"),
    }


def outcomes() -> dict[str, str]:
    return {
        "interested": QCoreApplication.translate("Labels", "Interested"),
        "follow_up": QCoreApplication.translate("Labels", "Needs follow-up"),
        "enrolled": QCoreApplication.translate("Labels", "Enrolled"),
        "declined": QCoreApplication.translate("Labels", "Declined"),
    }


def channels() -> dict[str, str]:
    return {
        "door_to_door": QCoreApplication.translate("Labels", "Door to door"),
        "booth": QCoreApplication.translate("Labels", "Booth"),
        "phone": QCoreApplication.translate("Labels", "Phone"),
    }


def size_classes() -> dict[str, str]:
    return {
        "mikro": QCoreApplication.translate("Labels", "Micro"),
        "kecil": QCoreApplication.translate("Labels", "Small"),
        "menengah": QCoreApplication.translate("Labels", "Medium"),
        "besar": QCoreApplication.translate("Labels", "Large"),
    }


def enrollment_statuses() -> dict[str, str]:
    return {
        "draft": QCoreApplication.translate("Labels", "Draft"),
        "submitted": QCoreApplication.translate("Labels", "Submitted"),
        "accepted": QCoreApplication.translate("Labels", "Accepted"),
        "needs_correction": QCoreApplication.translate("Labels", "Needs correction"),
    }


def genders() -> dict[str, str]:
    return {
        "M": QCoreApplication.translate("Labels", "Male"),
        "F": QCoreApplication.translate("Labels", "Female"),
    }


def program_names() -> dict[str, str]:
    return {
        "JKK": QCoreApplication.translate("Labels", "Work Accident Insurance (JKK)"),
        "JKM": QCoreApplication.translate("Labels", "Death Benefit (JKM)"),
        "JHT": QCoreApplication.translate("Labels", "Old-Age Savings (JHT)"),
        "JP": QCoreApplication.translate("Labels", "Pension (JP)"),
    }


def sector(key: str | None) -> str:
    return keys.label("sectors", key, i18n.current_language()) if key else ""


def occupation(key: str | None) -> str:
    return keys.label("occupations", key, i18n.current_language()) if key else ""


def of(table: dict[str, str], key: object) -> str:
    if key is None:
        return ""
    text = str(getattr(key, "value", key))
    return table.get(text, text)


def sync_states() -> dict[str, str]:
    return {
        "draft": QCoreApplication.translate("Labels", "Draft"),
        "pending": QCoreApplication.translate("Labels", "Pending"),
        "synced": QCoreApplication.translate("Labels", "Synced"),
        # synced, being re-confirmed by a full pull after an expired cursor (storage.store)
        "stale": QCoreApplication.translate("Labels", "Synced"),
        "rejected": QCoreApplication.translate("Labels", "Rejected"),
        "conflict": QCoreApplication.translate("Labels", "Conflict"),
    }


def record_sync_state(record: object) -> str:
    """A record's sync state on screen: Draft (never sent), Pending, Synced, Rejected, Conflict."""
    from agent_app.ui.backend import value

    if str(getattr(value(record, "status"), "value", value(record, "status"))) == "draft":
        return sync_states()["draft"]
    return of(sync_states(), value(record, "sync_state"))


#: Past this many seconds apart from the server's, the laptop's clock is shown as wrong (the
#: sync engine warns from the same figure).
CLOCK_SKEW_SECONDS = 5 * 60


def clock_skew(offset: float | None) -> tuple[str, str]:
    """What to show about the laptop's clock, given the last measured offset (server time
    minus laptop time, seconds): a short text for the status bar and what to do; two empty
    texts while the clock is within five minutes of the server's (or was never measured)."""
    if offset is None or abs(offset) <= CLOCK_SKEW_SECONDS:
        return "", ""
    minutes = round(abs(offset) / 60)
    if minutes >= 120:
        amount = QCoreApplication.translate("Labels", "{n} hours").format(
            n=i18n.number(round(minutes / 60))
        )
    else:
        amount = QCoreApplication.translate("Labels", "{n} minutes").format(n=i18n.number(minutes))
    if offset > 0:
        short = QCoreApplication.translate("Labels", "Laptop clock {amount} slow").format(
            amount=amount
        )
    else:
        short = QCoreApplication.translate("Labels", "Laptop clock {amount} fast").format(
            amount=amount
        )
    advice = QCoreApplication.translate(
        "Labels",
        "The laptop's clock is {amount} off the server's: new records would get a wrong time. "
        "Set the date, time and time zone in the laptop's settings (Date & time: set time "
        "automatically), then sync again.",
    ).format(amount=amount)
    return short, advice


def partner_mark(source: str | None) -> str:
    """ "From partner list: HIPMI Sumsel" for a business a partner's prospect list brought
    (issue 18); "" for one an agent found."""
    if not source:
        return ""
    return QCoreApplication.translate("Labels", "From partner list: {source}").format(source=source)


def duplicate_reasons() -> dict[str, str]:
    """Why a business may be the one being typed (the duplicate check's reasons)."""
    return {
        "nib": QCoreApplication.translate("Labels", "Same NIB"),
        "phone": QCoreApplication.translate("Labels", "Same mobile number"),
        "name": QCoreApplication.translate("Labels", "Similar name in the same district"),
        "name_anywhere": QCoreApplication.translate("Labels", "Very similar name"),
    }
