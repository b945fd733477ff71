"""lokal-id's verdict on a NIK of 16 ASCII digits, without the answer its `parse_nik` builds
(the region codes, the date as text, the gender, a list of issues): the server checks every
pushed NIK, and building that answer was most of the 5 us the check cost per op (issue 15).
The rules are lokal-id's, on its own province table; `tests/agent_app/domain/test_niks.py`
compares the two verdicts on generated NIKs (it fails if a newer lokal-id decides on more)."""

from __future__ import annotations

import datetime as dt

_PROVINCE_CODES: frozenset[str] = frozenset()


def nik_refusal(digits: str, today: dt.date) -> str | None:
    """The first reason lokal-id refuses `digits` (16 ASCII digits) as a NIK, as
    `identity.InvalidNik`'s code (province, wilayah, birth_date, serial), or None; `today` is
    the reference day of the two-digit birth year (a year not after today's is this century)."""
    global _PROVINCE_CODES
    if not _PROVINCE_CODES:  # lokal-id's table, loaded on the first NIK (not at start-up)
        from lokal.provinces import PROVINCES

        _PROVINCE_CODES = frozenset(code for code, name in PROVINCES.items() if name)
    if digits[0:2] not in _PROVINCE_CODES:
        return "province"
    if digits[2:4] == "00" or digits[4:6] == "00":
        return "wilayah"
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    if day > 40:  # a woman's day of birth + 40
        day -= 40
    year = 2000 + yy if yy <= today.year % 100 else 1900 + yy
    if day < 1:
        return "birth_date"
    try:
        dt.date(year, month, day)
    except ValueError:
        return "birth_date"
    return "serial" if digits[12:] == "0000" else None
