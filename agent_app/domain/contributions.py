"""Monthly contribution quotes for BPU workers (DOMAIN.md, "Enrolling a BPU worker").

`quote()` is the domain's public face for money: the enrollment form shows it live and the
server recomputes it to check what a laptop sent. Every rate, bound, discount window and the
regulation it comes from is data in `resources/contributions.json`, so a new regulation is a
new table entry, not a code change.

A quote for a prepaid period is the sum of the quotes of each month in it: a 12-month
prepayment that starts inside a discount window and ends after it pays the discount only for
the months inside the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from agent_app.domain import _resources, employer_contributions, keys
from agent_app.domain.employer_contributions import quote_employer as quote_employer
from agent_app.domain.messages import DomainError, Text
from agent_app.domain.money import round_rupiah as round_rupiah


class QuoteError(DomainError):
    """An invalid combination of income, programs, period or date."""


@dataclass(frozen=True, slots=True)
class Discount:
    id: str
    regulation: str
    programs: tuple[str, ...]
    factor: Decimal
    label: Text


@dataclass(frozen=True, slots=True)
class MonthQuote:
    month: dt.date  # first day of the month (the first month: the quote's date)
    per_program: Mapping[str, int]
    total: int
    discount: Discount | None


@dataclass(frozen=True, slots=True)
class Quote:
    """The contribution for one worker, in whole rupiah."""

    per_program: Mapping[str, int]  # monthly, first month, after any discount
    full_per_program: Mapping[str, int]  # monthly, first month, before any discount
    monthly_total: int
    period_months: int
    period_total: int
    discount: Discount | None  # the discount of the first month, if any
    months: tuple[MonthQuote, ...]
    regulations: tuple[str, ...] = field(default=())
    table_version: str = ""

    @property
    def discounted(self) -> bool:
        return self.discount is not None


def _table() -> dict[str, Any]:
    table: dict[str, Any] = _resources.load_json("contributions.json")
    return table


#: Tables the central office published (`publish-rate-table`; laptops pull them as
#: `rate_table` records), each with the day it takes over, oldest first.
_published: tuple[tuple[dt.date, Mapping[str, Any]], ...] = ()


class RateTableError(ValueError):
    """A published contribution table that cannot be used (its shape, dates or amounts)."""


def check_table(table: Any) -> None:
    """Raises `RateTableError` unless `table` is a usable contribution table: the shape of
    `resources/contributions.json`, and every program, period and discount quotes (at the
    minimum income, from the day its rates start and on each discount's first day)."""
    try:
        if not isinstance(table, Mapping):
            raise TypeError("not a JSON object")
        employer_contributions.check_part(table.get("employer"))  # optional (issue 17)
        minimum = int(table["income"]["minimum"])
        programs = list(table["mandatory_programs"]) + list(table.get("optional_programs", []))
        starts = [
            dt.date.fromisoformat(rate["effective_from"])
            for program in programs
            for rate in table["rates"][program]
        ]
        days = {max(starts)} | {dt.date.fromisoformat(d["from"]) for d in table["discounts"]}
        occupations = {None} | {o for d in table["discounts"] for o in d.get("occupations") or []}
        for day in days:
            for period in table["periods_months"]:
                for occupation in occupations:
                    for by_state in (False, True):
                        _quote(table, minimum, programs, int(period), day, occupation, by_state)
    except (KeyError, TypeError, ValueError, ArithmeticError, QuoteError) as error:
        raise RateTableError(f"{type(error).__name__}: {error}") from error


def install_tables(published: Iterable[tuple[dt.date, Mapping[str, Any]]]) -> None:
    """Puts the central office's published tables in force (each checked by `check_table`
    first): a quote for a day uses the latest table that took over on or before it, else
    the table shipped in `resources/`. Replaces what was installed before."""
    global _published, _generation
    _published = tuple(sorted(published, key=lambda item: item[0]))
    _generation += 1
    employer_contributions.install(_published)  # their optional `employer` parts


def install_published(
    published: Iterable[Sequence[Any]],
) -> tuple[list[str], list[tuple[str, str]]]:
    """Checks each published table `(version, effective_from, table)` (the day as a date or
    an ISO string) and puts the usable ones in force (`install_tables`). Answers the versions
    in force, oldest first, and the `(version, reason)` of each table left out: a broken
    table is skipped rather than quoted from, and the caller says so in its log."""
    usable: list[tuple[dt.date, Mapping[str, Any], str]] = []
    left_out: list[tuple[str, str]] = []
    for version, effective_from, table in published:
        try:
            start = (
                effective_from
                if isinstance(effective_from, dt.date)
                else dt.date.fromisoformat(effective_from)
            )
            check_table(table)
        except (TypeError, ValueError) as error:  # RateTableError is a ValueError
            left_out.append((str(version), str(error)))
            continue
        usable.append((start, table, str(version)))
    usable.sort(key=lambda item: item[0])
    install_tables((start, table) for start, table, _ in usable)
    return [version for _, _, version in usable], left_out


#: Counts `install_tables` calls: a cache of quotes keyed by it is never stale.
_generation = 0


def tables_generation() -> int:
    return _generation


def table_for(on: dt.date) -> Mapping[str, Any]:
    """The contribution table in force on `on`."""
    chosen: Mapping[str, Any] = _table()
    for start, table in _published:
        if start <= on:
            chosen = table
    return chosen


def _error(code: str, field: str, text: Text) -> QuoteError:
    return QuoteError(code, text, field=field)


def _rate_on(program: str, on: dt.date, table: Mapping[str, Any]) -> dict[str, Any]:
    applicable = [
        rate
        for rate in table["rates"][program]
        if dt.date.fromisoformat(rate["effective_from"]) <= on
    ]
    if not applicable:
        raise _error(
            "no_rate",
            "programs",
            Text.of("There is no {program} rate for {on:%Y-%m-%d}.", program=program, on=on),
        )
    return max(applicable, key=lambda rate: rate["effective_from"])


def _income_base(declared_income: int, table: Mapping[str, Any]) -> int:
    levels = table["income"].get("levels") or []
    for level in levels:
        upper = level.get("to")
        if level["from"] <= declared_income and (upper is None or declared_income <= upper):
            return int(level["base"])
    return declared_income


def _discount_on(
    on: dt.date, occupation: str | None, paid_by_state: bool, table: Mapping[str, Any]
) -> Discount | None:
    for item in table["discounts"]:
        if not dt.date.fromisoformat(item["from"]) <= on <= dt.date.fromisoformat(item["to"]):
            continue
        if paid_by_state and item.get("excludes_paid_by_state", True):
            continue
        occupations = item.get("occupations")
        if occupations is not None and occupation not in occupations:
            continue
        return Discount(
            id=item["id"],
            regulation=item["regulation"],
            programs=tuple(item["programs"]),
            factor=Decimal(item["factor"]),
            label=Text(item["label_id"], item["label_en"]),
        )
    return None


def _program_amount(rate: Mapping[str, Any], income: int) -> int:
    if rate["kind"] == "flat":
        return int(rate["amount"])
    amount = round_rupiah(Decimal(income) * Decimal(rate["percent"]) / 100)
    if rate.get("minimum") is not None:
        amount = max(amount, int(rate["minimum"]))
    if rate.get("maximum") is not None:
        amount = min(amount, int(rate["maximum"]))
    return amount


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def _check(
    declared_income: int, programs: list[str], period_months: int, table: Mapping[str, Any]
) -> None:
    if isinstance(declared_income, bool) or not isinstance(declared_income, int):
        raise _error(
            "invalid_income",
            "declared_income",
            Text.of("Income must be a whole number of rupiah."),
        )
    minimum = int(table["income"]["minimum"])
    if declared_income < minimum:
        rupiah_en = f"{minimum:,}"
        rupiah_id = rupiah_en.replace(",", ".")
        raise _error(
            "income_below_minimum",
            "declared_income",
            Text.of(
                "The declared income must be at least Rp{rupiah_en}.",
                rupiah_en=Text(rupiah_id, rupiah_en),
            ),
        )
    for program in programs:
        if program in table["programs_not_for_bpu"]:
            raise _error(
                "program_not_for_bpu",
                "programs",
                Text.of("BPU workers cannot join {program}.", program=program),
            )
        if program not in table["rates"]:
            raise _error(
                "unknown_program",
                "programs",
                Text.of("Unknown program {program}.", program=program),
            )
    missing = [p for p in table["mandatory_programs"] if p not in programs]
    if missing:
        raise _error(
            "mandatory_program_missing",
            "programs",
            Text.of("JKK and JKM are mandatory and go together."),
        )
    if period_months not in table["periods_months"]:
        raise _error(
            "invalid_period",
            "period_months",
            Text.of("The payment period must be 1, 3, 6 or 12 months."),
        )


def quote(
    declared_income: int,
    programs: Iterable[str],
    period_months: int,
    on: dt.date,
    occupation: str | None = None,
    paid_by_state: bool = False,
    is_employer: bool = False,
) -> Quote:
    """Quotes the contribution of a BPU worker.

    Args:
        declared_income: the monthly income the worker declares, whole rupiah.
        programs: program keys; JKK and JKM are mandatory, JHT optional, JP/JKP not for BPU.
        period_months: how many months are paid at once (1, 3, 6 or 12).
        on: the date the period starts (the rates and discounts of that day apply to the
            first month, each later month uses its own first day).
        occupation: an occupation key (keys.OCCUPATIONS); drivers are transport workers.
        paid_by_state: contributions paid from the APBN/APBD get no PP 50/2025 discount.
        is_employer: a BPU owner who employs workers gets no PP 50/2025 discount either (it
            covers only those working on their own or outside an employment relationship).

    Returns:
        Monthly amounts per program, the monthly total and the total for the period.

    Raises:
        QuoteError: for an invalid combination, with the field and a bilingual message.
    """
    table = table_for(on) if isinstance(on, dt.date) else _table()
    chosen = list(dict.fromkeys(programs))
    try:
        key: tuple[Any, ...] | None = (
            declared_income,
            tuple(chosen),
            period_months,
            on,
            occupation,
            bool(paid_by_state),
            bool(is_employer),
        )
        hash(key)
    except TypeError:
        key = None  # odd input: let the checks below say what is wrong
    memo = _memo_for(table)
    if key is not None and (cached := memo.get(key)) is not None:
        return cached
    result = _quote(
        table, declared_income, chosen, period_months, on, occupation, paid_by_state, is_employer
    )
    if key is not None:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[key] = result
    return result


# The server re-quotes every enrollment op and the form re-quotes on every keystroke, with the
# same few combinations again and again: quotes are memoised per table (a reloaded table gets a
# fresh memo). Quotes are immutable, so sharing one is safe.
_MEMO_SIZE = 4096
#: id(table) -> (table, its memo); the table is kept so its id is not reused.
_memos: dict[int, tuple[Mapping[str, Any], dict[tuple[Any, ...], Quote]]] = {}


def _memo_for(table: Mapping[str, Any]) -> dict[tuple[Any, ...], Quote]:
    entry = _memos.get(id(table))
    if entry is None or entry[0] is not table:
        if len(_memos) >= 8:  # tables replaced by newer installs
            _memos.clear()
        entry = _memos[id(table)] = (table, {})
    return entry[1]


def _quote(
    table: Mapping[str, Any],
    declared_income: int,
    chosen: list[str],
    period_months: int,
    on: dt.date,
    occupation: str | None,
    paid_by_state: bool,
    is_employer: bool = False,
) -> Quote:
    _check(declared_income, chosen, period_months, table)
    if occupation is not None and occupation not in keys.OCCUPATIONS:
        raise _error(
            "unknown_occupation",
            "occupation",
            Text.of("Unknown occupation."),
        )
    ordered = [p for p in keys.ALL_PROGRAMS if p in chosen]
    income = _income_base(declared_income, table)
    months: list[MonthQuote] = []
    full_first: dict[str, int] = {}
    regulations: list[str] = []
    for index in range(period_months):
        day = on if index == 0 else _add_months(on, index)
        discount = None if is_employer else _discount_on(day, occupation, paid_by_state, table)
        amounts: dict[str, int] = {}
        for program in ordered:
            rate = _rate_on(program, day, table)
            full = _program_amount(rate, income)
            if index == 0:
                full_first[program] = full
                regulations.append(f"{program}: {rate['regulation']}")
            if discount is not None and program in discount.programs:
                amounts[program] = round_rupiah(Decimal(full) * discount.factor)
            else:
                amounts[program] = full
        if discount is not None and discount.regulation not in regulations:
            regulations.append(discount.regulation)
        months.append(MonthQuote(day, MappingProxyType(amounts), sum(amounts.values()), discount))
    first = months[0]
    return Quote(
        per_program=first.per_program,
        full_per_program=MappingProxyType(full_first),
        monthly_total=first.total,
        period_months=period_months,
        period_total=sum(month.total for month in months),
        discount=first.discount,
        months=tuple(months),
        regulations=tuple(regulations),
        table_version=str(table.get("version", "")),
    )
