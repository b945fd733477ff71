"""Monthly contributions of an employer (PU) for its workers (DOMAIN.md, "Registering an UMKM
as an employer (PU), with its workers").

`quote_employer()` is the domain's public face (also importable as
`contributions.quote_employer`): per worker and per program the employer's and the worker's
shares, and the totals, for one contribution month, from the table in
`resources/employer_contributions.json` (rates by program and risk group, JP wage caps and
minimum wages as dated rows, the programs each size must take). A new JP cap each March is a new
row, never a code change. Rounding (our policy; no regulation found): per worker, per program,
half up to the rupiah.

JKP (job-loss) costs the employer nothing extra: `jkp_for()` gives its amounts for
information, never part of the bill.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from agent_app.domain import _resources
from agent_app.domain.messages import DomainError, Text

SIZE_CLASSES = ("mikro", "kecil", "menengah", "besar")


class EmployerQuoteError(DomainError):
    """Programs, size, risk group or wages that cannot be quoted (a `ValueError`)."""


@dataclass(frozen=True, slots=True)
class WorkerShare:
    """One worker's contribution for the month, whole rupiah, per program."""

    wage: int
    employer: Mapping[str, int]
    worker: Mapping[str, int]

    @property
    def employer_total(self) -> int:
        return sum(self.employer.values())

    @property
    def worker_total(self) -> int:
        return sum(self.worker.values())

    @property
    def total(self) -> int:
        return self.employer_total + self.worker_total


@dataclass(frozen=True, slots=True)
class EmployerQuote:
    month: dt.date  # the first day of the contribution month
    programs: tuple[str, ...]
    workers: tuple[WorkerShare, ...]
    employer_total: int
    worker_total: int
    total: int
    due_on: dt.date  # the 15th of the next month, or the next working day
    regulations: tuple[str, ...]
    table_version: str


@dataclass(frozen=True, slots=True)
class JkpShare:
    """A qualifying worker's JKP for information: paid by the government and out of the
    employer's JKK, never added to the bill."""

    total: int
    government: int
    from_jkk: int


#: The `employer` parts of the tables the central office published (`install`), each with
#: the day its table takes over, oldest first.
_published: tuple[tuple[dt.date, Mapping[str, Any]], ...] = ()


def _table(on: dt.date | None = None) -> Mapping[str, Any]:
    """The table in force on `on` (None: the newest): the latest published part that took
    over on or before it, else the one shipped in `resources/`."""
    chosen: Mapping[str, Any] = _resources.load_json("employer_contributions.json")
    for start, part in _published:
        if on is None or start <= on:
            chosen = part
    return chosen


def install(published: Iterable[tuple[dt.date, Mapping[str, Any]]]) -> None:
    """Puts in force the optional `employer` parts (the shape of
    resources/employer_contributions.json) of the published contribution tables, `(day it
    takes over, table)` oldest first, each checked by `check_part` first
    (`contributions.install_tables` calls this: a new JP cap each March, a new UMK each
    January, with no release). Tables without one are skipped; replaces what was installed."""
    global _published
    _published = tuple(
        (start, table["employer"])
        for start, table in published
        if isinstance(table.get("employer"), Mapping)
    )


def check_part(part: Any) -> None:
    """Raises `ValueError` unless `part`, a published table's `employer` part, is None or
    usable: every size and risk group quotes with every program from the day all programs have
    a rate on, in each month a rate or wage cap starts; JKP, the minimum wages and the due day
    read."""
    if part is None:
        return
    try:
        if not isinstance(part, Mapping):
            raise TypeError("not a JSON object")
        programs = list(part["programs"])
        firsts = [min(r["effective_from"] for r in part["rates"][p]) for p in programs]
        starts = [r["effective_from"] for rows in part["rates"].values() for r in rows]
        starts += [r["effective_from"] for rows in part["wage_caps"].values() for r in rows]
        for month in sorted({dt.date.fromisoformat(d) for d in starts if d >= max(firsts)}):
            for size in SIZE_CLASSES:
                for group in part["risk_groups"]:
                    _quote(part, [1_000_000, 50_000_000], size, group, programs, month)
            jkp = _row_on(part["jkp"], month)
            if jkp is not None:
                _percent(int(jkp["wage_cap"]), jkp["percent"])
        for row in part["minimum_wages"]:
            int(row["amount"]), str(row["region"]), str(row["name"])
            dt.date.fromisoformat(row["effective_from"])
        if not 1 <= int(part["due_day"]) <= 28:
            raise ValueError("due_day must be a day from 1 to 28")
        dict(part["proposed_risk_group_by_sector"]), list(part["exempt_from_minimum_wage"])
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise ValueError(f"employer: {type(error).__name__}: {error}") from error


def _error(code: str, field: str, text: Text) -> EmployerQuoteError:
    return EmployerQuoteError(code, text, field=field)


def _row_on(rows: Iterable[Mapping[str, Any]], on: dt.date) -> Mapping[str, Any] | None:
    applicable = [r for r in rows if dt.date.fromisoformat(r["effective_from"]) <= on]
    return max(applicable, key=lambda r: r["effective_from"]) if applicable else None


@functools.lru_cache(maxsize=64)
def _per_ten_thousand(percent: str) -> int:
    """A rate as a whole number of hundredths of a percent ("0.24" -> 24, "3.7" -> 370)."""
    scaled = Decimal(percent) * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"a rate finer than 0.01%: {percent}")
    return int(scaled)


def _percent(wage: int, percent: str) -> int:
    """`percent` of `wage`, half up to the rupiah, in whole numbers (exactly what
    `round_rupiah(Decimal(wage) * Decimal(percent) / 100)` gives, twenty times faster: the form
    recomputes 200 workers on every change)."""
    return (wage * _per_ten_thousand(percent) * 2 + 10_000) // 20_000


def _check(
    table: Mapping[str, Any],
    wages: Sequence[Any],
    size_class: str,
    risk_group: str | None,
    programs: list[str],
) -> None:
    if not wages:
        raise _error("no_workers", "workers", Text.of("Add at least one worker."))
    for wage in wages:
        if isinstance(wage, bool) or not isinstance(wage, int) or wage <= 0:
            raise _error(
                "invalid_wage", "wages", Text.of("A wage must be a whole number of rupiah above 0.")
            )
    if size_class not in SIZE_CLASSES:
        raise _error("unknown_size", "size_class", Text.of("Unknown business size."))
    if risk_group is None:
        raise _error(
            "risk_group_unassigned",
            "risk_group",
            Text.of("The risk group is not assigned yet: choose it before the quote."),
        )
    if risk_group not in table["risk_groups"]:
        raise _error("unknown_risk_group", "risk_group", Text.of("Unknown risk group."))
    for program in programs:
        if program not in table["programs"]:
            raise _error(
                "unknown_program",
                "programs",
                Text.of("Unknown program {program}.", program=program),
            )
    missing = [p for p in table["programs_by_size"][size_class] if p not in programs]
    if missing:
        raise _error(
            "below_size_minimum",
            "programs",
            Text.of(
                "A business of this size must take at least {programs}.",
                programs=", ".join(table["programs_by_size"][size_class]),
            ),
        )
    for program, needs in table["requires"].items():
        if program in programs and any(n not in programs for n in needs):
            raise _error(
                "program_requires",
                "programs",
                Text.of("{program} only with {needs}.", program=program, needs=", ".join(needs)),
            )


def due_date(month: dt.date) -> dt.date:
    """The day the contribution of `month` is due: the 15th of the next month, or the next
    working day when that is a weekend, a national holiday or a day of collective leave (cuti
    bersama: offices close; lokal-id's calendar, weekends only for a year it has no data for).
    The first call imports lokal-id (about 2 s on a slow machine): a form warms it early."""
    return _due_date(month.replace(day=1), int(_table(month.replace(day=1))["due_day"]))


@functools.lru_cache(maxsize=32)
def _due_date(month: dt.date, due_day: int) -> dt.date:
    from lokal import holidays

    nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, due_day)
    while True:
        try:
            working = holidays.is_working_day(nxt)
        except ValueError:
            working = nxt.weekday() < 5
        if working:
            return nxt
        nxt += dt.timedelta(days=1)


def quote_employer(
    wages: Sequence[int],
    size_class: str,
    risk_group: str | None,
    programs: Iterable[str],
    month: dt.date,
) -> EmployerQuote:
    """The employer's and the workers' contributions for `month` (any day of it).

    Raises:
        EmployerQuoteError (a ValueError): no workers, a wage that is not a positive whole
            number, an unknown size or risk group, a program set below the size's minimum,
            JP without JHT; with the field and a bilingual message.
    """
    first = month.replace(day=1)
    return _quote(_table(first), wages, size_class, risk_group, programs, first)


def _quote(
    table: Mapping[str, Any],
    wages: Sequence[int],
    size_class: str,
    risk_group: str | None,
    programs: Iterable[str],
    first: dt.date,
) -> EmployerQuote:
    """`quote_employer` from `table`, for the month starting on `first`."""
    programs = list(programs)
    chosen = [p for p in table["programs"] if p in set(programs)]
    unknown = [p for p in programs if p not in table["programs"]]
    _check(table, wages, size_class, risk_group, chosen + unknown)
    rates = {p: _row_on(table["rates"][p], first) for p in chosen}
    caps = {p: _row_on(rows, first) for p, rows in table["wage_caps"].items()}
    shares = []
    for wage in wages:
        employer: dict[str, int] = {}
        worker: dict[str, int] = {}
        for program in chosen:
            rate = rates[program]
            if rate is None:  # the shipped table has a row of each from 2015 on
                raise ValueError(f"no {program} rate on {first}")
            cap = caps.get(program)
            base = min(wage, int(cap["amount"])) if cap else wage
            by_group = rate.get("employer_percent_by_risk_group")
            employer_percent = by_group[risk_group] if by_group else rate["employer_percent"]
            employer[program] = _percent(base, employer_percent)
            worker[program] = _percent(base, rate["worker_percent"])
        shares.append(WorkerShare(wage, MappingProxyType(employer), MappingProxyType(worker)))
    employer_total = sum(s.employer_total for s in shares)
    worker_total = sum(s.worker_total for s in shares)
    return EmployerQuote(
        month=first,
        programs=tuple(chosen),
        workers=tuple(shares),
        employer_total=employer_total,
        worker_total=worker_total,
        total=employer_total + worker_total,
        due_on=due_date(first),
        regulations=tuple(f"{p}: {r['regulation']}" for p, r in rates.items() if r),
        table_version=str(table["version"]),
    )


def jkp_for(wage: int, month: dt.date) -> JkpShare | None:
    """JKP of a qualifying worker (in JKK, JKM and JHT and in JKN, Indonesian, under 54 when
    registered: the caller decides), for information; None before JKP existed."""
    row = _row_on(_table(month.replace(day=1))["jkp"], month.replace(day=1))
    if row is None:
        return None
    base = min(wage, int(row["wage_cap"]))
    return JkpShare(
        total=_percent(base, row["percent"]),
        government=_percent(base, row["government_percent"]),
        from_jkk=_percent(base, row["from_jkk_percent"]),
    )


def proposed_risk_group(sector: str | None) -> str | None:
    """The risk group the app proposes from the business's sector before BPJS assigns one
    (DOMAIN.md), or None: not yet assigned (the quote then asks for it)."""
    return _table()["proposed_risk_group_by_sector"].get(sector or "")


def minimum_wage(region_code: str | None, on: dt.date) -> tuple[int, str] | None:
    """The regional minimum wage in force at `region_code` on `on` (the most specific region
    with a row: the regency's UMK, else the province's UMP) and its name, or None."""
    rows = _table(on)["minimum_wages"]
    for length in (5, 2):  # "16.71", then "16"
        prefix = (region_code or "")[:length]
        found = _row_on((r for r in rows if r["region"] == prefix), on)
        if found is not None:
            return int(found["amount"]), str(found["name"])
    return None


def below_minimum_needs_reason(
    size_class: str, wage: int, region_code: str | None, on: dt.date
) -> bool:
    """Whether `wage` is below the regional minimum for a business that is not exempt (medium
    and large: the form asks for a reason; micro and small are exempt, with a note)."""
    floor = minimum_wage(region_code, on)
    exempt = size_class in _table(on)["exempt_from_minimum_wage"]
    return floor is not None and wage < floor[0] and not exempt
