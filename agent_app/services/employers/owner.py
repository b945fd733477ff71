"""The owner's own BPU enrollment from the employer registration's screen: the enrollment
form opened with what the registration already says about the owner. The enrollment itself
is an ordinary one (`services.enrollments.submit_form`, with `business_id` tying it to the
business)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agent_app.domain import identity
from agent_app.domain.messages import DomainError


def owner_enrollment_prefill(registration: Mapping[str, Any]) -> dict[str, Any]:
    """The enrollment form's fields known from a registration's wire fields (submitted, or
    still being typed): the owner's NIK, name and phone, the business, its region, and the
    birth date and gender the NIK encodes (the agent checks them with the owner). Fields not
    known are left out, never guessed."""
    out: dict[str, Any] = {}
    for source, target in (
        ("owner_nik", "nik"),
        ("owner_name", "full_name"),
        ("owner_phone", "phone"),
        ("business_id", "business_id"),
        ("region_code", "region_code"),
    ):
        found = registration.get(source)
        if isinstance(found, str) and found.strip():
            out[target] = found.strip()
    nik = out.get("nik")
    if nik is not None:
        try:
            info = identity.parse_nik(nik)
        except DomainError:
            return out  # the enrollment form says what is wrong with it
        out["birth_date"] = info.birth_date.isoformat()
        out["gender"] = info.gender.value
    return out
