"""How a sync problem reads: its record's name, its state, its texts in the agent's language,
and a field's value as the agent reads it elsewhere in the app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QCoreApplication

from agent_app.ui import i18n, labels
from agent_app.ui.backend import value


def entity_name(entity: str) -> str:
    return {
        "business": QCoreApplication.translate("SyncPage", "Business"),
        "visit": QCoreApplication.translate("SyncPage", "Visit"),
        "enrollment": QCoreApplication.translate("SyncPage", "Enrollment"),
        "assignment": QCoreApplication.translate("SyncPage", "Assignment"),
    }.get(entity, entity)


def record_name(problem: Any) -> str:
    kind = entity_name(str(value(problem, "entity", "")))
    mine = value(problem, "mine") or {}
    current = value(problem, "current") or {}
    name = ""
    for key in ("name", "full_name"):
        name = str(mine.get(key) or current.get(key) or "")
        if name:
            break
    return f"{kind}: {name}" if name else kind


def problem_details(problem: Any) -> str:
    """The tooltip of a problem row: both texts, and the server's own words for support."""
    lang = i18n.current_language()
    lines = [text(value(problem, "problem"), lang), text(value(problem, "advice"), lang)]
    original = str(value(problem, "server_message", "") or "")
    if original:
        lines.append(
            QCoreApplication.translate(
                "SyncPage", "Server's message: {message} (code {code})"
            ).format(message=original, code=value(problem, "code", ""))
        )
    return "\n".join(line for line in lines if line)


def state_name(state: str) -> str:
    return {
        "pending": QCoreApplication.translate("SyncPage", "Pending"),
        "synced": QCoreApplication.translate("SyncPage", "Synced"),
        "rejected": QCoreApplication.translate("SyncPage", "Rejected"),
        "conflict": QCoreApplication.translate("SyncPage", "Conflict"),
    }.get(state, state)


def shown(name: str, raw: Any) -> str:
    """A field's value as the agent reads it elsewhere in the app."""
    if raw is None or raw == "":
        return "—"
    if isinstance(raw, bool):
        yes = QCoreApplication.translate("ConflictDialog", "Yes")
        return yes if raw else QCoreApplication.translate("ConflictDialog", "No")
    try:
        if name == "phone":
            return i18n.phone(str(raw))
        if name in ("declared_income", "monthly_contribution"):
            return i18n.rupiah(int(raw))
        if name in ("birth_date", "next_follow_up", "enrolled_on"):
            return i18n.date(dt.date.fromisoformat(str(raw)[:10]))
        if name == "gender":
            return labels.of(labels.genders(), raw)
        if name == "occupation":
            return labels.occupation(str(raw))
        if name == "sector":
            return labels.sector(str(raw))
        if name == "status":
            return labels.of({**labels.business_statuses(), **labels.enrollment_statuses()}, raw)
        if name == "size_class":
            return labels.of(labels.size_classes(), raw)
        if name == "outcome":
            return labels.of(labels.outcomes(), raw)
        if name == "channel":
            return labels.of(labels.channels(), raw)
        if name == "programs" and isinstance(raw, (list, tuple)):
            return ", ".join(labels.of(labels.program_names(), p) for p in raw)
    except (TypeError, ValueError):
        pass
    if isinstance(raw, dict):
        return ", ".join(f"{k}: {v}" for k, v in raw.items())
    if isinstance(raw, (list, tuple)):
        return ", ".join(str(x) for x in raw)
    return str(raw)


def text(advice: Any, lang: str) -> str:
    if advice is None:
        return ""
    in_language = getattr(advice, "in_language", None)
    return str(in_language(lang)) if callable(in_language) else str(advice)
