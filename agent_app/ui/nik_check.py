"""The live check of a NIK as it is typed, shared by the BPU enrollment form's NIK field and
the employer registration's worker lines: what it encodes (birth date, gender, region), or how
far it is (`12 of 16 digits`), or why it cannot be valid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from agent_app.domain import identity
from agent_app.domain.messages import DomainError
from agent_app.ui import i18n, labels, regions


@dataclass(frozen=True, slots=True)
class NikCheck:
    """`kind` is "hint" (not finished), "error" (cannot be valid) or "ok" (with `info`)."""

    kind: str
    text: str
    info: identity.NikInfo | None = None


def check(text: str, today: dt.date) -> NikCheck:
    """What the person reads under (or beside) a NIK field holding `text`."""
    if not text.strip():
        return NikCheck(
            "hint", QCoreApplication.translate("LiveChecks", "Type the 16 digits of the NIK.")
        )
    digits = "".join(ch for ch in text if ch.isdigit())
    try:
        info = identity.parse_nik(text, today=today)
    except DomainError as exc:
        if len(digits) < 16 and exc.code == "format":
            return NikCheck(
                "hint",
                QCoreApplication.translate("LiveChecks", "{n} of 16 digits").format(n=len(digits)),
            )
        return NikCheck("error", exc.message(i18n.current_language()))
    gender = labels.genders()[str(info.gender.value)]
    said = QCoreApplication.translate("LiveChecks", "Born {date} · {gender} · {region}").format(
        date=i18n.date(info.birth_date),
        gender=gender,
        region=regions.path(info.district_code) or info.province_name,
    )
    return NikCheck("ok", said, info)
