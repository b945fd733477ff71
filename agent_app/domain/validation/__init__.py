"""Field-level validation of business, visit and enrollment records in their wire form.

The same functions judge a form on the laptop and an op on the server (SYNC_PROTOCOL.md,
"Entities"): each returns a list of `Problem`s, one per bad field, with a stable code and a
message in Bahasa Indonesia and English. An empty list means the record is acceptable.

Server-set fields (`registered_by`, `agent_code`) are accepted and ignored. The enrollment's
`monthly_contribution` is checked for type here; whether it matches the quote depends on the
date, which the caller knows (`check_contribution`).

The package holds one job per module: `checks` (the check of one field's value), `phones`
(the mobile number's, with its fast path), `rules` (each entity's fields, required and
server-set fields, the protected enrollment fields), `problem` (a refused field, and applying
an entity's rules) and `employer` (an employer registration's rules across fields and
workers); this module applies them. Every name is importable from `agent_app.domain.validation`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from agent_app.domain import clock, contributions, keys
from agent_app.domain.validation.checks import (
    MAX_YEAR,
    MIN_YEAR,
    REQUIRED,
    Check,
    datetime_in_range,
)
from agent_app.domain.validation.employer import validate_employer_registration
from agent_app.domain.validation.problem import Problem, validate_fields
from agent_app.domain.validation.rules import (
    ASSIGNMENT,
    BUSINESS,
    EMPLOYER_PROTECTED,
    EMPLOYER_REGISTRATION,
    EMPLOYER_WORKER,
    ENROLLMENT,
    ENROLLMENT_PROTECTED,
    MAX_WORKERS,
    PERIOD_MONTHS,
    VISIT,
    FieldRules,
)

__all__ = [
    "ASSIGNMENT",
    "BUSINESS",
    "EMPLOYER_PROTECTED",
    "EMPLOYER_REGISTRATION",
    "EMPLOYER_WORKER",
    "ENROLLMENT",
    "ENROLLMENT_PROTECTED",
    "MAX_WORKERS",
    "MAX_YEAR",
    "MIN_YEAR",
    "PERIOD_MONTHS",
    "REQUIRED",
    "VALIDATORS",
    "VISIT",
    "Check",
    "FieldRules",
    "Problem",
    "check_contribution",
    "datetime_in_range",
    "validate_assignment",
    "validate_business",
    "validate_employer_registration",
    "validate_enrollment",
    "validate_fields",
    "validate_visit",
]


def _validate(spec: FieldRules, fields: Mapping[str, Any], partial: bool) -> list[Problem]:
    return validate_fields(spec, fields, partial)


def validate_business(fields: Mapping[str, Any], *, partial: bool = False) -> list[Problem]:
    """Checks a business record (whole on create, `partial=True` for the changed fields)."""
    return _validate(BUSINESS, fields, partial)


def validate_visit(fields: Mapping[str, Any], *, partial: bool = False) -> list[Problem]:
    """Checks a visit record (whole on create, `partial=True` for the changed fields)."""
    return _validate(VISIT, fields, partial)


def validate_assignment(fields: Mapping[str, Any], *, partial: bool = False) -> list[Problem]:
    """Checks an assignment record (whole, or `partial=True` for an update's fields)."""
    return _validate(ASSIGNMENT, fields, partial)


def validate_enrollment(
    fields: Mapping[str, Any], *, partial: bool = False, today: dt.date | None = None
) -> list[Problem]:
    """Checks an enrollment record, and on a whole record that its quote can be computed for
    `today` (the branch's day, docs/time.md; by default today in WIB)."""
    problems = _validate(ENROLLMENT, fields, partial)
    if not problems:
        unsigned = _unattached_signature(fields)
        if unsigned is not None:
            problems.append(unsigned)
    if not partial and not problems:
        quoted = _quote_for(fields, today or clock.today())
        if isinstance(quoted, Problem):
            problems.append(quoted)
    return problems


def _unattached_signature(fields: Mapping[str, Any]) -> Problem | None:
    """A signed consent's signature must be among the record's attachments (as its
    `consent_signature`), so that the server holds it and erasure finds it."""
    consent = fields.get("consent")
    if not isinstance(consent, Mapping) or consent.get("signature_sha256") is None:
        return None
    if "attachments" not in fields:
        return None  # an update that leaves the attachments as they are
    signature = consent["signature_sha256"]
    for item in fields["attachments"] or ():
        if item["kind"] == keys.AttachmentKind.CONSENT_SIGNATURE and item["sha256"] == signature:
            return None
    return Problem(
        "consent",
        "invalid_field",
        "Tanda tangan persetujuan tidak ada di lampiran.",
        "The consent's signature is not among the attachments.",
    )


def check_contribution(fields: Mapping[str, Any], on: dt.date) -> Problem | None:
    """Whether `monthly_contribution` is the quote for the worker on the day `on`."""
    quoted = _quote_for(fields, on)
    if isinstance(quoted, Problem):
        return quoted
    expected = quoted.monthly_total
    if fields.get("monthly_contribution") != expected:
        return Problem(
            "monthly_contribution",
            "invalid_field",
            f"Iuran per bulan seharusnya Rp{expected:,}.".replace(",", "."),
            f"The monthly contribution should be Rp{expected:,}.",
        )
    return None


def _quote_for(fields: Mapping[str, Any], on: dt.date) -> contributions.Quote | Problem:
    """The worker's quote on the day `on`, or the problem that prevents one."""
    try:
        return contributions.quote(
            fields["declared_income"],
            fields["programs"],
            fields["period_months"],
            on,
            fields.get("occupation"),
            bool(fields.get("paid_by_state", False)),
        )
    except contributions.QuoteError as error:
        return Problem(error.field or "", error.code, error.text.id, error.text.en)


VALIDATORS: Mapping[str, Callable[..., list[Problem]]] = {
    keys.Entity.BUSINESS: validate_business,
    keys.Entity.VISIT: validate_visit,
    keys.Entity.ENROLLMENT: validate_enrollment,
    keys.ASSIGNMENT: validate_assignment,
    keys.EMPLOYER_REGISTRATION: validate_employer_registration,
}
