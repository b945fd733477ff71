"""Masking of personal data in reports and exports (UU PDP 27/2022; DOMAIN.md, "Personal data").

A report shows just enough to recognise a person (3201********0001, 0812****7890, S*** A***)
unless a supervisor asks for the full values. An agent cannot unmask: asking is refused (and
the refusal is audited by the caller). The masking itself is the domain's
(`agent_app.domain.masking`), shared with the server.
"""

from __future__ import annotations

from agent_app.domain.masking import HIDDEN as HIDDEN
from agent_app.domain.masking import email as email
from agent_app.domain.masking import hidden as hidden
from agent_app.domain.masking import name as name
from agent_app.domain.masking import nik as nik
from agent_app.domain.masking import phone as phone
from agent_app.domain.messages import Text
from agent_app.errors import KnownError
from agent_app.services.actor import Actor


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
