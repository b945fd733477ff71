"""The mobile number's check (E.164, +628...), with its fast path for numbers already in
that form (issue 15: the server checks one in every pushed enrollment and business)."""

from __future__ import annotations

from typing import Any

from agent_app.domain import identity
from agent_app.domain.messages import DomainError, Text

#: The verdict on a number already written +628 and 8 to 11 more ASCII digits, by its first
#: seven characters and its length (see `e164_phone`).
_CANONICAL_PHONES: dict[tuple[str, int], Text | None] = {}


def e164_phone(value: Any) -> Text | None:
    """A mobile number in E.164 (+628...), as `identity.normalize_phone` writes it.

    A number already in that form (+628 and 8 to 11 more ASCII digits: what the laptop
    stores and every pushed op carries) comes out of the normalisation unchanged, and
    lokal-id's verdict on it rests on its operator's prefix and its length only (see
    `identity._lokal_mobile`): so its check's answer is a function of its first seven
    characters and its length, asked once per pair and then looked up (1.5 us of each pushed
    enrollment's check, issue 15). A hypothesis test compares it with `_e164_phone`."""
    if (
        type(value) is str
        and 12 <= len(value) <= 15
        and value.startswith("+628")
        and value.isascii()
        and value[1:].isdigit()
    ):
        key = (value[:7], len(value))
        try:
            return _CANONICAL_PHONES[key]
        except KeyError:
            verdict = _e164_phone(value)
            if len(_CANONICAL_PHONES) < 4096:  # at most 1,000 prefixes x 4 lengths
                _CANONICAL_PHONES[key] = verdict
            return verdict
    return _e164_phone(value)


def _e164_phone(value: Any) -> Text | None:
    """The whole check: the value normalised (which parses the number with lokal-id) and
    compared with what it was sent as."""
    if not isinstance(value, str):
        return Text.of("Must be text.")
    try:
        normalized = identity.normalize_phone(value)
    except DomainError as error:
        return error.text
    if normalized != value:
        return Text.of("The mobile number must be +628....")
    return None
