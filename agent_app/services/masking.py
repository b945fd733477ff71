"""Masking of personal data in reports and exports (UU PDP 27/2022; DOMAIN.md, "Personal data").

A report shows just enough to recognise a person (3201********0001, 0812****7890, S*** A***)
unless a supervisor asks for the full values. An agent cannot unmask: asking is refused (and
the refusal is audited by the caller). lokal-id's `partial_mask` does the masking.
"""

from __future__ import annotations

import lokal

from agent_app.domain.messages import Text
from agent_app.errors import KnownError
from agent_app.services.actor import Actor

HIDDEN = "***"


class UnmaskNotAllowed(KnownError):
    """Only a supervisor may see personal data unmasked in a report."""

    def __init__(self) -> None:
        super().__init__(
            Text.of("Only a supervisor may export personal data unmasked."),
            code="unmask_not_allowed",
        )


def may_unmask(actor: Actor) -> bool:
    return actor.is_supervisor


def check_unmask(actor: Actor, unmasked: bool) -> None:
    """Raises UnmaskNotAllowed when someone other than a supervisor asks for full values."""
    if unmasked and not may_unmask(actor):
        raise UnmaskNotAllowed()


def _partial(kind: str, value: str | None) -> str:
    if value is None or not str(value).strip():
        return ""
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
