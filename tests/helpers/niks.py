"""Synthetic NIKs, the one maker of the suite: made up in district 16.71.03 (Kota Palembang,
Sumatera Selatan) and valid per DOMAIN.md (`PP KK CC DDMMYY SSSS`: a real district, a possible
birth date with 40 added to the day for women, a serial from 0001). No real person is described.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

DISTRICT = "167103"
#: The birth date of the fixtures' woman (tests/unit, tests/agent_app/reports, the live sync tests).
FIXTURE_BORN = dt.date(1999, 9, 5)


def nik(born: dt.date, female: bool, serial: int, district: str = DISTRICT) -> str:
    """The NIK of a person born on `born` in `district` (6 digits), with its 4-digit `serial`."""
    day = born.day + (40 if female else 0)
    return f"{district}{day:02d}{born:%m%y}{serial:04d}"


def synthetic_nik(i: int, female: bool = False) -> str:
    """A NIK unique per `i` (0 <= i < 9999 * 336 * 20): serial 1 + i % 9999, and per 9999 a
    next birth date (days 1-28, months 1-12, years 1980-1999)."""
    rest = i // 9999
    born = dt.date(1980 + (rest // 336) % 20, 1 + (rest // 28) % 12, 1 + rest % 28)
    return nik(born, female, 1 + i % 9999)


def fixture_nik(serial: int = 1) -> str:
    """The NIK of the fixtures' woman born 5 Sep 1999, with serial `serial`
    (`fixture_nik(1)` is 1671034509990001)."""
    return nik(FIXTURE_BORN, True, serial)


def nik_birth_date(value: str) -> str:
    """The birth date a NIK encodes, ISO (`YYYY-MM-DD`, years 19YY)."""
    return f"19{value[10:12]}-{value[8:10]}-{int(value[6:8]) % 40:02d}"


_fresh_serials = random.Random(uuid.uuid4().int).sample(range(1, 10_000), 9_999)


def fresh_nik() -> str:
    """A fixture NIK (a woman born 5 Sep 1999) this process has not handed out before, from a
    random serial: for tests against a server that lives the whole session."""
    return fixture_nik(_fresh_serials.pop())
