"""The masking of personal values (UU PDP 27/2022; DOMAIN.md, "Personal data"): just enough to
recognise a person (3201********0001, 0812****7890, S*** A***). One rule for the laptop's
reports and exports and the server's administration API. lokal-id's `partial_mask` does it.
"""

from __future__ import annotations

HIDDEN = "***"


def _partial(kind: str, value: str | None) -> str:
    if value is None or not str(value).strip():
        return ""
    # lokal-id is imported on first use: its package loads its PII detectors (about 200 ms of
    # CPU), which every start of the server and its CLI paid, masking or not.
    import lokal

    try:
        return str(lokal.partial_mask(kind, str(value)))  # type: ignore[arg-type]
    except (ValueError, TypeError, IndexError):
        return HIDDEN


def nik(value: str | None) -> str:
    """3201********0001 (a NIK that is not 16 digits is hidden entirely)."""
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    if len(digits) != 16:
        return HIDDEN if value else ""
    return _partial("NIK", digits)


def phone(value: str | None) -> str:
    """0812****7890."""
    return _partial("PHONE", value)


def name(value: str | None) -> str:
    """S*** A***."""
    return _partial("NAME", value)


def email(value: str | None) -> str:
    """b***@gmail.com."""
    return _partial("EMAIL", value)


def hidden(value: object) -> str:
    """Any other personal value: nothing of it is shown."""
    return HIDDEN if value not in (None, "") else ""
