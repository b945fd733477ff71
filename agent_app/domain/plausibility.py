"""Plausibility of what a person declares: values that are allowed but unlikely, so the form
warns and asks for a confirmation instead of taking them silently (issue 11, item 15).

A BPU worker declaring Rp999.999.999 a month, or a participant aged 7 or 93, is far more
likely a typing slip than the truth. These are warnings, never blocks: the rules that refuse a
value are in `validation`. The limits are our policy, not a regulation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from agent_app.domain.messages import Text

#: Above this declared monthly income the form asks "is that right?" (an informal worker
#: declaring more than fifty million rupiah a month is most likely a slip of the keyboard).
INCOME_WARN_ABOVE = 50_000_000
#: Ages outside this range ask for a confirmation (working age; BPU registration is for
#: workers, and past 65 a typed birth year is more often wrong than right).
AGE_WARN_BELOW, AGE_WARN_ABOVE = 15, 65


@dataclass(frozen=True, slots=True)
class Warning:
    field: str
    text: Text


def _rupiah(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")


def income_warning(income: int | None) -> Warning | None:
    if income is None or income <= INCOME_WARN_ABOVE:
        return None
    shown = _rupiah(income)
    return Warning(
        "declared_income",
        Text.of(
            "{shown} a month is far above what BPU workers usually earn. "
            "Check the number of digits.",
            shown=shown,
        ),
    )


def age_on(birth_date: dt.date, today: dt.date) -> int:
    """Whole years of age on `today`."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


def age_warning(birth_date: dt.date | None, today: dt.date) -> Warning | None:
    if birth_date is None:
        return None
    age = age_on(birth_date, today)
    if AGE_WARN_BELOW <= age <= AGE_WARN_ABOVE:
        return None
    return Warning(
        "birth_date",
        Text.of("Aged {age}: check the birth date again.", age=age),
    )


def warnings(income: int | None, birth_date: dt.date | None, today: dt.date) -> list[Warning]:
    """What to confirm before a submit, by field."""
    found = [income_warning(income), age_warning(birth_date, today)]
    return [w for w in found if w is not None]
