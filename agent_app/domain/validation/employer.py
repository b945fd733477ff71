"""The rules of an employer's (PU) registration with its workers in its wire form (DOMAIN.md,
"Registering an UMKM as an employer (PU), with its workers"): each field by its check, then
each worker's (named `workers[3].nik`, so a form puts the message beside that line), the
workers' NIKs distinct, the owner's NIK when there is no NPWP, the programs and the monthly
contribution by `quote_employer`, and a reason for a wage below the regional minimum where the
business is not exempt from it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from agent_app.domain import clock, employer_contributions
from agent_app.domain.messages import Text
from agent_app.domain.validation.problem import Problem, validate_fields
from agent_app.domain.validation.rules import EMPLOYER_REGISTRATION, EMPLOYER_WORKER

#: The fields the quote reads (with the workers' wages): a problem on one skips the quote.
_QUOTED = ("size_class", "risk_group", "programs", "workers")
#: A problem that leaves a wage unknown: the list, a line that is not a worker, or its wage.
_NO_WAGE = re.compile(r"workers(\[[0-9]+\](\.monthly_wage)?)?")


def _problem(field: str, text: Text, code: str = "invalid_field") -> Problem:
    return Problem(field, code, text.id, text.en)


def _rupiah(amount: int) -> Text:
    """An amount in figures: 1.234.567 in Indonesian, 1,234,567 in English."""
    return Text(f"{amount:,}".replace(",", "."), f"{amount:,}")


def validate_employer_registration(
    fields: Mapping[str, Any], *, partial: bool = False, month: dt.date | None = None
) -> list[Problem]:
    """Checks an employer registration (whole on create, `partial=True` for an update's
    fields). `month` is the contribution month, the month of the op's `recorded_at` (by
    default this month in WIB): the quote and the regional minimum wage are those in force."""
    problems = validate_fields(EMPLOYER_REGISTRATION, fields, partial)
    if not isinstance(fields, Mapping):
        return problems
    workers = fields.get("workers")
    if isinstance(workers, list) and not any(p.field == "workers" for p in problems):
        problems += _worker_problems(workers)
    problems += _owner_nik_problems(fields, partial)
    refused = {p.field for p in problems}
    if all(name in fields for name in _QUOTED) and not any(
        name in _QUOTED or _NO_WAGE.fullmatch(name) for name in refused
    ):
        on = month or clock.today()
        checked = "monthly_contribution" in fields and "monthly_contribution" not in refused
        problems += _quote_problems(fields, checked, on)
        if "region_code" not in refused:
            problems += _minimum_wage_problems(fields, on)
    return problems


def _worker_problems(workers: Sequence[Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, worker in enumerate(workers):
        prefix = f"workers[{index}]."
        problems += validate_fields(EMPLOYER_WORKER, worker, False, prefix)
        nik = worker.get("nik") if isinstance(worker, Mapping) else None
        if isinstance(nik, str):
            if nik in seen:
                text = Text.of("This NIK is already on another line of this registration.")
                problems.append(_problem(prefix + "nik", text, "duplicate_nik"))
            seen.add(nik)
    return problems


def _owner_nik_problems(fields: Mapping[str, Any], partial: bool) -> list[Problem]:
    """Without an NPWP, the owner's NIK identifies the business: it is then required. An
    update is judged on what it sends: both fields, or an NPWP removed with no owner's NIK."""
    if partial and not ("npwp" in fields and "owner_nik" in fields):
        return []
    if fields.get("npwp") is None and fields.get("owner_nik") is None:
        text = Text.of("Without an NPWP, the owner's NIK is required.")
        return [_problem("owner_nik", text, "required")]
    return []


def _quote_problems(fields: Mapping[str, Any], checked: bool, on: dt.date) -> list[Problem]:
    """The quote's refusal (programs below the size's minimum, JP without JHT), or, when the
    contribution is `checked`, a contribution that is not the quote's total."""
    wages = [worker["monthly_wage"] for worker in fields["workers"]]
    try:
        quote = employer_contributions.quote_employer(
            wages, fields["size_class"], fields["risk_group"], fields["programs"], on
        )
    except employer_contributions.EmployerQuoteError as error:
        return [_problem(error.field or "", error.text, error.code)]
    if checked and fields["monthly_contribution"] != quote.total:
        text = Text.of(
            "The monthly contribution should be Rp{amount}.", amount=_rupiah(quote.total)
        )
        return [_problem("monthly_contribution", text, "contribution_mismatch")]
    return []


def _minimum_wage_problems(fields: Mapping[str, Any], on: dt.date) -> list[Problem]:
    """A medium or large business paying a worker below the regional minimum says why, on
    that worker's line (micro and small businesses are exempt)."""
    region = fields.get("region_code")
    floor = employer_contributions.minimum_wage(region, on)
    problems: list[Problem] = []
    for index, worker in enumerate(fields["workers"]):
        wage = worker["monthly_wage"]
        if not employer_contributions.below_minimum_needs_reason(
            fields["size_class"], wage, region, on
        ):
            continue
        reason = worker.get("wage_below_minimum_reason")
        if isinstance(reason, str) and reason.strip():
            continue
        assert floor is not None  # below_minimum_needs_reason found it
        text = Text.of(
            "The wage is below the minimum wage of {region} (Rp{amount}): write why.",
            region=floor[1],
            amount=_rupiah(floor[0]),
        )
        problems.append(_problem(f"workers[{index}].wage_below_minimum_reason", text))
    return problems
