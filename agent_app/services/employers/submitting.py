"""Submitting an employer registration: the wire fields checked with the rules the server
applies, the monthly contribution computed by `quote_employer` for this month (never typed),
a worker whose NIK is already active on this laptop refused on its line, and the outbox op (a
`create`, or after a correction an `update` of the changed fields) written with its audit
entry, in one transaction."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import uuid
from collections.abc import Mapping
from typing import Any

from agent_app.domain import employer_contributions, identity, keys, records, validation
from agent_app.domain.messages import DomainError, Text
from agent_app.services import _input, zones
from agent_app.services.actor import Actor
from agent_app.services.employers.lookups import ENTITY, conflicts_in, get_in
from agent_app.services.errors import Frozen, ValidationFailed
from agent_app.storage import wire
from agent_app.storage.repositories import now
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("db")

Status = keys.EnrollmentStatus
#: What the form hands over: the wire fields but the computed contribution and the review.
TYPED = tuple(
    name
    for name in wire.EMPLOYER_REGISTRATION_FIELDS
    if name not in validation.EMPLOYER_PROTECTED and name != "monthly_contribution"
)
_NIK_FIELDS = ("nik", "owner_nik", "nib", "npwp")
_SEPARATORS = re.compile(r"[\s.\-]")
# "Rp1.500.000", "1,500,000", "1 500 000": thousands separators as typed in Indonesia.
_MONEY = re.compile(r"(?i)^\s*(rp\.?)?\s*(\d{1,3}([.,\s]\d{3})+|\d+)\s*$")


def _tidy(name: str, value: Any) -> Any:
    """One typed value in its wire form: text stripped (empty is none), NIK and numbers
    without separators, the phone in E.164, a wage typed with thousands separators as a
    number (anything else stays as typed: validation refuses it, never truncates it)."""
    value = wire.value_to_wire(value)
    if isinstance(value, str):
        value = value.strip() or None
    if isinstance(value, str) and name in _NIK_FIELDS:
        value = _SEPARATORS.sub("", value)
    elif isinstance(value, str) and name == "owner_phone":
        with contextlib.suppress(DomainError):  # else validation says why
            value = identity.normalize_phone(value)
    elif isinstance(value, str) and name == "monthly_wage":
        match = _MONEY.match(value)
        if match:
            value = int(re.sub(r"\D", "", match.group(2)))
    return value


def clean(fields: Mapping[str, Any]) -> tuple[dict[str, Any], list[validation.Problem]]:
    """The form's fields in wire form, and the fields nobody types here (unknown ones, the
    contribution, the review) as problems."""
    out: dict[str, Any] = {}
    problems: list[validation.Problem] = []
    for name, raw in fields.items():
        if name not in TYPED:
            problems.append(_input.unknown_field(name))
        elif name == "workers" and isinstance(raw, list | tuple):
            out[name] = [
                {k: _tidy(k, v) for k, v in w.items()} if isinstance(w, Mapping) else w for w in raw
            ]
        else:
            try:
                out[name] = _tidy(name, raw)
            except ValueError:
                problems.append(_input.unknown_field(name))
    return out, problems


def _quote_total(fields: Mapping[str, Any], month: dt.date) -> int:
    try:
        wages = [worker["monthly_wage"] for worker in fields["workers"]]
        return employer_contributions.quote_employer(
            wages, fields["size_class"], fields["risk_group"], fields["programs"], month
        ).total
    except (DomainError, KeyError, TypeError, ValueError):
        return 0  # validation reports why


def _nik_problems(
    uow: SqlUnitOfWork, fields: Mapping[str, Any], registration_id: str | None
) -> list[validation.Problem]:
    workers = fields.get("workers")
    if not isinstance(workers, list):
        return []
    niks = [w.get("nik") for w in workers if isinstance(w, Mapping)]
    conflicts = conflicts_in(uow, [n for n in niks if isinstance(n, str)], registration_id)
    problems = []
    for index, worker in enumerate(workers):
        nik = worker.get("nik") if isinstance(worker, Mapping) else None
        where = conflicts.get(nik) if isinstance(nik, str) else None
        if where is not None:
            text = Text.of("This NIK is already active: {where}.", where=where)
            problems.append(
                validation.Problem(f"workers[{index}].nik", "duplicate_nik", text.id, text.en)
            )
    return problems


def submit(
    uow: SqlUnitOfWork,
    actor: Actor,
    fields: Mapping[str, Any],
    *,
    registration_id: uuid.UUID | str | None = None,
    today: dt.date | None = None,
) -> uuid.UUID:
    """Submits an employer registration for the branch to review (status `submitted`).

    Args:
        fields: the wire fields (`validation.EMPLOYER_REGISTRATION`) without
            `monthly_contribution` (computed here) and without the review.
        registration_id: the registration being corrected (sent back, or its create refused
            by the server); None for a new one.
        today: the day of the quote (defaults to today in the actor's branch's zone).

    Returns:
        The registration's id.

    Raises:
        NotFound: no such registration.
        Frozen: it is submitted or accepted (not sent back, not refused).
        ValidationFailed: a rule broken, one problem per field (a worker's named
            `workers[3].nik`), including a worker whose NIK is active here already.
    """
    today = today or zones.today(uow, actor.branch)
    wire_fields, problems = clean(fields)
    _input.check(problems)
    with uow:
        new_id, kind = _submit_in(uow, actor, wire_fields, registration_id, today)
        uow.commit()
    log.info("employer registration %s submitted (%s)", new_id, kind)
    return uuid.UUID(new_id)


def _submit_in(
    uow: SqlUnitOfWork,
    actor: Actor,
    fields: dict[str, Any],
    registration_id: uuid.UUID | str | None,
    today: dt.date,
) -> tuple[str, keys.OpKind]:
    old = None if registration_id is None else get_in(uow, str(registration_id))
    if old is not None and not old.editable:
        raise Frozen(old.id, old.status.value)
    the_id = old.id if old is not None else str(uuid.uuid4())
    fields = {**fields, "monthly_contribution": _quote_total(fields, today)}
    problems = validation.validate_employer_registration(fields, month=today)
    problems += _business_problems(uow, fields)
    problems += _nik_problems(uow, fields, the_id)
    _input.check(problems)
    stamp = now()
    record = _record(the_id, fields, actor, old, stamp)
    sent = {k: v for k, v in wire.to_wire(record, ENTITY).items() if k not in _REVIEW}
    kind, base_version, op_fields = _op_for(uow, old, sent)
    if old is None:
        uow.employer_registrations.add(record)
    else:
        uow.employer_registrations.update(record)
    _input.write_change(
        uow,
        actor_code=actor.agent_code,
        action="employer_registration.submit",
        entity=ENTITY,
        entity_id=the_id,
        kind=kind,
        base_version=base_version,
        fields=op_fields,
        # No amounts nor NIKs: the wages are personal data.
        details={"kind": str(kind), "workers": len(record.workers)},
    )
    return the_id, kind


_REVIEW = ("review_reason", "review_reason_code", "npp")


def _business_problems(uow: SqlUnitOfWork, fields: Mapping[str, Any]) -> list[validation.Problem]:
    business_id = fields.get("business_id")
    if not isinstance(business_id, str) or uow.businesses.get(business_id) is not None:
        return []  # a malformed id is validation's
    text = Text.of("This business is not on this laptop.")
    return [validation.Problem("business_id", "unknown_reference", text.id, text.en)]


def _record(
    registration_id: str,
    fields: Mapping[str, Any],
    actor: Actor,
    old: records.EmployerRegistration | None,
    stamp: str,
) -> records.EmployerRegistration:
    """The registration as stored: the checked wire fields, `submitted`, pending; a
    correction keeps its server version and review until the server answers."""
    row = {name: fields.get(name) for name in wire.EMPLOYER_REGISTRATION_FIELDS}
    row.update(
        id=registration_id,
        status=Status.SUBMITTED.value,
        agent_code=actor.agent_code,
        recorded_at=stamp,
        sync_state="pending",
        version=None,
        review_reason=None,
        review_reason_code=None,
        npp=None,
    )
    if old is not None and old.status is Status.NEEDS_CORRECTION:
        row.update(
            version=old.version,
            review_reason=old.review_reason,
            review_reason_code=old.review_reason_code,
            npp=old.npp,
        )
    return wire.employer_registration_from_row(_Row(row))


class _Row:
    """Column values read like a row (`wire.employer_registration_from_row`)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.__dict__.update(values)


def _op_for(
    uow: SqlUnitOfWork, old: records.EmployerRegistration | None, fields: dict[str, Any]
) -> tuple[keys.OpKind, int | None, dict[str, Any]]:
    """A first submission (or one whose create was refused) creates the record; a corrected
    one updates the fields changed since the server's version (none: refused)."""
    if old is None or old.status is not Status.NEEDS_CORRECTION or old.version is None:
        return keys.OpKind.CREATE, None, fields
    changed = wire.diff(uow.employer_registrations.confirmed_fields(old.id), fields)
    for name in validation.EMPLOYER_PROTECTED:
        changed.pop(name, None)
    if not changed:
        text = Text.of("Nothing has been corrected yet.")
        raise ValidationFailed([validation.Problem("", "unchanged", text.id, text.en)])
    return keys.OpKind.UPDATE, old.version, changed
