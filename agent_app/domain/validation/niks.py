"""lokal-id's verdict on a NIK of 16 ASCII digits, without the answer its `parse_nik` builds
(the region codes, the date as text, the gender, a list of issues): the server checks every
pushed NIK, and building that answer was most of the 5 us the check cost per op (issue 15).
The rules are lokal-id's, on its own province table; `tests/agent_app/domain/test_niks.py`
compares the two verdicts on generated NIKs (it fails if a newer lokal-id decides on more)."""

from __future__ import annotations

import datetime as dt

_PROVINCE_CODES: frozenset[str] = frozenset()


def nik_refusal(digits: str, today: dt.date | None = None) -> str | None:
    """The first reason lokal-id refuses `digits` (16 ASCII digits) as a NIK, as
    `identity.InvalidNik`'s code (province, wilayah, birth_date, serial), or None; `today` is
    the reference day of the two-digit birth year (a year not after today's is this century).

    The verdict is the same on every reference day, so `today` may be left out (the field
    check does: `dt.date.today()` was 0.7 us of each pushed NIK's check, issue 15). The century
    decides only whether the date exists, and only 29 February can exist in one century and
    not the other: 19yy and 20yy are both leap years or both not, except for yy = 00 (1900 was
    not, 2000 was), and 00 is never after today's two digits, so it is always 2000.
    `tests/agent_app/domain/test_niks.py` compares the verdict without a day with lokal-id's
    on generated reference days."""
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
    # Without a reference day, this century's year: the century changes no verdict (above).
    year = 2000 + yy if today is None or yy <= today.year % 100 else 1900 + yy
    if day < 1:
        return "birth_date"
    try:
        dt.date(year, month, day)
    except ValueError:
        return "birth_date"
    return "serial" if digits[12:] == "0000" else None
