"""Identity and contact rules: NIK, mobile numbers, NIB and region codes (DOMAIN.md).

`parse_nik` is the domain's public face for NIKs: the UI shows what it returns as the agent
types, and the server judges incoming enrollments with it. lokal-id does the parsing; this
module turns its answer into our records and bilingual errors. lokal-id (~4 MB resident, 0.2 s
of CPU to import: all of its modules load with it) is imported at the first NIK or phone check,
not with this module: the laptop's log-in imports this module before the password, and the
password's key derivation (64 MiB) runs on top of what is loaded then; the app loads it on a
background thread once the Beranda is painted (`preload`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from agent_app.domain.keys import Gender
from agent_app.domain.messages import DomainError, Text

_NIK_REASONS: dict[str, Text] = {
    "format": Text.of("A NIK must be 16 digits."),
    "province": Text.of("The NIK's province code is unknown."),
    "wilayah": Text.of("The NIK's regency or district code cannot be 00."),
    "birth_date": Text.of("The birth date in the NIK is impossible."),
    "serial": Text.of("The NIK's serial number cannot be 0000."),
}


class InvalidNik(DomainError):
    """The text is not a valid NIK; `code` is one of format, province, wilayah, birth_date,
    serial."""

    def __init__(self, code: str) -> None:
        text = _NIK_REASONS.get(code, _NIK_REASONS["format"])
        super().__init__(code, text, field="nik")


class InvalidPhone(DomainError):
    def __init__(self, text: Text) -> None:
        super().__init__("invalid_phone", text, field="phone")


class InvalidNib(DomainError):
    def __init__(self) -> None:
        super().__init__("invalid_nib", Text.of("A NIB must be 13 digits."), "nib")


@dataclass(frozen=True, slots=True)
class NikInfo:
    """What a valid NIK encodes."""

    nik: str
    birth_date: dt.date
    gender: Gender
    province_code: str  # "16"
    regency_code: str  # "16.71"
    district_code: str  # "16.71.03"
    province_name: str
    serial: str


def parse_nik(text: str, *, today: dt.date | None = None) -> NikInfo:
    """Parses a NIK (`PP KK CC DDMMYY SSSS`; spaces, dots and dashes allowed).

    Args:
        text: what the person typed.
        today: the reference date for the two-digit birth year (a year not after today's
            is in this century); defaults to today.

    Returns:
        The birth date, gender and region codes the NIK encodes.

    Raises:
        InvalidNik: with the first reason the NIK cannot be valid.
    """
    info = _valid_nik(text, today)
    return NikInfo(
        nik=info.nik,
        birth_date=dt.date.fromisoformat(info.birth_date),
        gender=Gender.FEMALE if info.gender == "P" else Gender.MALE,
        province_code=info.province_code,
        regency_code=info.regency_code,
        district_code=info.district_code,
        province_name=info.province or "",
        serial=info.serial,
    )


def check_nik(text: str, *, today: dt.date | None = None) -> None:
    """Raises `InvalidNik` for what `parse_nik` refuses, without building its answer: the
    server checks every pushed NIK, and the answer's dates and names were a third of it."""
    _valid_nik(text, today)


def preload() -> None:
    """Imports lokal-id now (off the UI thread: the first NIK typed is then checked at once)."""
    import lokal  # noqa: F401


def _valid_nik(text: str, today: dt.date | None) -> Any:
    """lokal-id's reading of a NIK it finds valid (`InvalidNik` otherwise)."""
    import lokal

    info = lokal.parse_nik(str(text), reference_date=today)
    if not info.valid:
        raise InvalidNik(info.errors[0].code if info.errors else "format")
    assert info.nik and info.birth_date and info.gender and info.serial
    assert info.province_code and info.regency_code and info.district_code
    return info


def birth_date_mismatch(info: NikInfo, declared: dt.date) -> Text | None:
    """A warning (never a block: DOMAIN.md) when the declared birth date differs from the NIK's.

    The agent may override it with a reason; a NIK is never reissued, so old errors persist.
    """
    if declared == info.birth_date:
        return None
    return Text.of(
        "The birth date differs from the one in the NIK "
        "({birth_date:%d-%m-%Y}). Check it, or give a reason to "
        "continue anyway.",
        birth_date=info.birth_date,
    )


_PHONE_SEPARATORS = re.compile(r"[\s().-]")
_MOBILE_LOCAL = re.compile(r"08\d{8,11}", re.ASCII)  # 10 to 13 digits with the leading 0


def normalize_phone(text: str) -> str:
    """Turns a mobile number written 08..., 628... or +628... into E.164 (+628...).

    Raises:
        InvalidPhone: when it is not an Indonesian mobile number of 10 to 13 digits (with the 0).
    """
    raw = _PHONE_SEPARATORS.sub("", str(text))
    if raw.startswith("+62"):
        local = "0" + raw[3:]
    elif raw.startswith("62"):
        local = "0" + raw[2:]
    else:
        local = raw
    if not _MOBILE_LOCAL.fullmatch(local):
        raise InvalidPhone(
            Text.of("A mobile number starts with 08, 628 or +628 and has 10 to 13 digits.")
        )
    if not _lokal_mobile(local):
        raise InvalidPhone(Text.of("This is not a known mobile number (perhaps a landline)."))
    return "+62" + local[1:]


#: lokal-id's verdict on a local mobile number, by its first five digits and its length.
_MOBILE_VERDICTS: dict[tuple[str, int], bool] = {}


def _lokal_mobile(local: str) -> bool:
    """Whether lokal-id reads `local` (08 and 8 to 11 more ASCII digits) as a valid mobile
    number. Its verdict on such a number rests on the operator's prefix and the length only
    (lokal-id's `parse_phone`: the prefix names the operator, the length is checked), so it is
    asked once per prefix and length: it was a tenth of a pushed enrollment's checks on the
    server (issue 15). A test compares this with lokal-id's answer for each number."""
    key = (local[:5], len(local))
    verdict = _MOBILE_VERDICTS.get(key)
    if verdict is None:
        import lokal

        info = lokal.parse_phone(local)
        verdict = bool(info.valid and info.type == "mobile")
        if len(_MOBILE_VERDICTS) < 4096:  # at most 1,000 prefixes x 4 lengths
            _MOBILE_VERDICTS[key] = verdict
    return verdict


_NIB = re.compile(r"\d{13}", re.ASCII)


def check_nib(text: str) -> str:
    """Returns the 13-digit NIB (spaces removed) or raises InvalidNib."""
    raw = re.sub(r"\s", "", str(text))
    if not _NIB.fullmatch(raw):
        raise InvalidNib()
    return raw


REGION_CODE = re.compile(r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?", re.ASCII)


def is_region_code(text: str) -> bool:
    """A Kemendagri code with dots: 16, 16.71, 16.71.03 or 16.71.03.1001."""
    return bool(REGION_CODE.fullmatch(text or ""))


def district_of(region_code: Any) -> str | None:
    """The kecamatan (`PP.KK.CC`, the first three parts) of a region code at any depth, or
    None above it (or for anything that is not a code's text). The one definition the laptop's
    and the server's duplicate finders, the duplicates panel and the prospect lists share."""
    if not isinstance(region_code, str):
        return None
    parts = region_code.strip().split(".")
    return ".".join(parts[:3]) if len(parts) >= 3 and all(parts[:3]) else None
