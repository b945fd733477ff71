"""What can be judged of an op before any lock, since it needs no database: the domain's
field rules (`agent_app.domain.validation`), the contribution quote and the payload hash."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from typing import Any

from agent_app.domain import clock, contributions, keys, validation
from sync import protocol
from sync.server import audit_events
from sync.server.push import employers
from sync.server.push.canonical import canonical_json
from sync.server.push.records import Outcome, refusal, rejected

QUOTE_FIELDS = frozenset(
    {
        "declared_income",
        "programs",
        "period_months",
        "occupation",
        "paid_by_state",
        "monthly_contribution",
    }
)
#: The field rules of each entity: the domain's, and the server's own for audit events.
_VALIDATORS = {**validation.VALIDATORS, protocol.AUDIT_EVENT: audit_events.validate}
#: Server-set fields, ignored when a laptop sends them (the domain's, per entity).
SERVER_SET_FIELDS: dict[str, frozenset[str]] = {
    "business": validation.BUSINESS.server_set,
    "visit": validation.VISIT.server_set,
    "enrollment": validation.ENROLLMENT.server_set,
    protocol.AUDIT_EVENT: audit_events.SERVER_SET,
    keys.ASSIGNMENT: validation.ASSIGNMENT.server_set,
    keys.EMPLOYER_REGISTRATION: validation.EMPLOYER_REGISTRATION.server_set,
}


@dataclass
class Prepared:
    """An op with what can be judged without the database (done outside the write lock)."""

    op: protocol.Op
    op_id: str
    entity_id: str
    digest: str
    sent: dict[str, Any]
    problem: Outcome | None  # the field rules (agent_app.domain.validation)
    contribution: Outcome | None  # an enrollment create's quote check
    #: The day `recorded_at` falls on in the branch's zone, when `prepare` needed it (an
    #: enrollment create's quote): its `enrolled_on` then needs no second conversion.
    day: dt.date | None = None


def prepare(op: protocol.Op, today: dt.date, zone: str = clock.DEFAULT_ZONE) -> Prepared:
    """`today` is the day it is in `zone`, the caller's branch's (docs/time.md)."""
    server_set = SERVER_SET_FIELDS[op.entity]
    fields = op.fields
    sent = (
        fields
        if server_set.isdisjoint(fields)
        else {k: v for k, v in fields.items() if k not in server_set}
    )
    op_id, entity_id = str(op.op_id), str(op.entity_id)
    problem = contribution = None
    day = None
    if not validation.datetime_in_range(op.recorded_at):
        problem = rejected(
            "invalid_field",
            "recorded_at",
            f"The op's time must lie between the years {validation.MIN_YEAR} and "
            f"{validation.MAX_YEAR}.",
        )
    elif op.kind != "delete":
        if op.entity == "enrollment":
            problems = validation.validate_enrollment(
                sent, partial=op.kind == "update", today=today
            )
        elif op.entity == keys.EMPLOYER_REGISTRATION:
            # The quote and the regional minimum wage of the op's month.
            problems = employers.problems(sent, op.kind == "update", op.recorded_at, today, zone)
        else:
            problems = _VALIDATORS[op.entity](sent, partial=op.kind == "update")
        if problems:
            problem = refusal(problems[0])
        elif op.kind == "create" and op.entity == "enrollment":
            # `paid_by_state` absent is False there (no copy of the fields with it added).
            day = clock.local_date(op.recorded_at, zone)
            contribution = check_contribution(sent, op.recorded_at, today, zone, day)
    return Prepared(
        op, op_id, entity_id, payload_hash(op, op_id, entity_id), sent, problem, contribution, day
    )


def payload_hash(op: protocol.Op, op_id: str | None = None, entity_id: str | None = None) -> str:
    """SHA-256 of the op's canonical JSON without `op_seq` (SYNC_PROTOCOL.md "payload")."""
    payload = {
        "op_id": op_id or str(op.op_id),
        "entity": op.entity,
        "entity_id": entity_id or str(op.entity_id),
        "kind": op.kind,
        "base_version": op.base_version,
        "fields": op.fields,
        "recorded_at": op.recorded_at.isoformat(),
    }
    return hashlib.sha256(canonical_json(payload)).hexdigest()


@functools.lru_cache(maxsize=4096)
def _quote_total(
    generation: int,  # contributions.tables_generation(): a newly published table
    income: int,
    programs: tuple[str, ...],
    period: int,
    on: dt.date,
    occupation: str | None,
    paid_by_state: bool,
) -> int | tuple[str, str]:
    """The monthly total of a quote, or (field, message) when it cannot be quoted."""
    try:
        return contributions.quote(
            income, programs, period, on, occupation, paid_by_state
        ).monthly_total
    except contributions.QuoteError as error:
        return (error.field or "declared_income", error.text.en)


def check_contribution(
    fields: dict[str, Any],
    recorded_at: dt.datetime,
    today: dt.date,
    zone: str = clock.DEFAULT_ZONE,
    day: dt.date | None = None,
) -> Outcome | None:
    """Rejects a `monthly_contribution` that is the quote neither for the op's day nor today.

    The op's day is the day `recorded_at` falls on in the branch's `zone` (`day`, when the
    caller has it) or in the offset the laptop wrote, for laptops that quoted on their own
    calendar; `today` is the branch's day now (an op quoted offline and sent later)."""
    try:
        key = (
            int(fields["declared_income"]),
            tuple(fields["programs"]),
            int(fields["period_months"]),
        )
    except (KeyError, TypeError, ValueError):
        return rejected("invalid_field", "declared_income", "Cannot compute the quote.")
    occupation = fields.get("occupation")
    paid_by_state = bool(fields.get("paid_by_state", False))
    sent = fields.get("monthly_contribution")
    local = day if day is not None else clock.local_date(recorded_at, zone)
    dates = {recorded_at.date(), local, today}
    expected: list[int] = []
    generation = contributions.tables_generation()
    for day in sorted(dates):
        total = _quote_total(generation, *key, day, occupation, paid_by_state)
        if isinstance(total, tuple):
            return rejected("invalid_field", total[0], total[1])
        if total == sent:
            return None
        expected.append(total)
    return rejected(
        "invalid_field",
        "monthly_contribution",
        "The monthly contribution does not match the quote "
        f"(expected {' or '.join(f'Rp{v:,}' for v in dict.fromkeys(expected))}).",
    )
