"""Submitting an enrollment: the whole record checked with the rules the server applies, the
monthly contribution computed from the quote, a duplicate NIK refused, and the outbox op (a
`create`, or after a correction an `update` of the changed fields) written with its audit entry.
The form's submit is one use case in one transaction (`submit_form`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any

from agent_app.domain import contributions, identity, keys, records, validation
from agent_app.domain.messages import DomainError, Text
from agent_app.services import _input, form_drafts, zones
from agent_app.services.actor import Actor
from agent_app.services.employers.lookups import conflicts_in
from agent_app.services.enrollments.drafts import (
    ENTITY,
    Status,
    clean_draft,
    existing,
    write_draft,
)
from agent_app.services.errors import DuplicateNik, Frozen, ValidationFailed
from agent_app.storage import wire
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("db")


def _problems_for_submit(
    enrollment: records.Enrollment, fields: dict[str, Any], today: dt.date
) -> list[validation.Problem]:
    problems = validation.validate_enrollment(fields, today=today)
    if not any(p.field == "monthly_contribution" for p in problems) and not problems:
        mismatch = validation.check_contribution(fields, today)
        if mismatch is not None:
            problems.append(mismatch)
    try:
        info = identity.parse_nik(enrollment.nik, today=today)
    except DomainError:
        return problems  # already reported by validation
    if isinstance(enrollment.birth_date, dt.date):
        warning = identity.birth_date_mismatch(info, enrollment.birth_date)
        if warning is not None and not (enrollment.birth_date_override_reason or "").strip():
            problems.append(
                validation.Problem("birth_date", "birth_date_mismatch", warning.id, warning.en)
            )
    return problems


def _quote(enrollment: records.Enrollment, today: dt.date) -> int:
    try:
        return contributions.quote(
            enrollment.declared_income,
            enrollment.programs,
            enrollment.period_months,
            today,
            enrollment.occupation,
            enrollment.paid_by_state,
        ).monthly_total
    except (contributions.QuoteError, TypeError):
        return 0  # validation reports why


def submit(
    uow: SqlUnitOfWork, actor: Actor, enrollment_id: str, today: dt.date | None = None
) -> records.Enrollment:
    """Submits a draft (or a corrected enrollment) for the server to review.

    Args:
        today: the day of the quote (defaults to today in the actor's branch's zone).

    Returns:
        The enrollment, now `submitted` and frozen, with its monthly contribution.

    Raises:
        NotFound: no such enrollment.
        Frozen: it is already submitted or accepted.
        DuplicateNik: another active enrollment on this laptop has the NIK (a worker of an
            active employer registration here: ValidationFailed on `nik`).
        ValidationFailed: the record breaks a rule (one problem per field), including a birth
            date that disagrees with the NIK without `birth_date_override_reason`.
    """
    today = today or zones.today(uow, actor.branch)
    with uow:
        new, kind = _submit_in(uow, actor, enrollment_id, today)
        uow.commit()
    log.info("enrollment %s submitted (%s)", enrollment_id, kind)
    return new


def submit_form(
    uow: SqlUnitOfWork,
    actor: Actor,
    fields: dict[str, Any],
    enrollment_id: str | None = None,
    today: dt.date | None = None,
) -> records.Enrollment:
    """The enrollment form's submit, as one use case in one transaction: the form's fields are
    written (a new record, or the draft or correction `enrollment_id`), validated, checked for
    a duplicate NIK, submitted with their outbox op and audit entry, and committed together with
    the forgetting of the account's autosaved form (`form_drafts.ENROLLMENT`: what was typed is
    now submitted). On any failure nothing at all is written: no hidden draft is left behind and
    the autosaved form stays, so submitting again after fixing the problem makes exactly one
    record.

    Raises:
        As `save_draft` and `submit`.
    """
    changes = clean_draft(fields)
    today = today or zones.today(uow, actor.branch)
    with uow:
        draft = write_draft(uow, actor, changes, enrollment_id, audit=enrollment_id is not None)
        new, kind = _submit_in(uow, actor, draft.id, today)
        uow.form_drafts.delete(actor.agent_code, form_drafts.ENROLLMENT)
        uow.commit()
    log.info("enrollment %s submitted from the form (%s)", new.id, kind)
    return new


def _submit_in(
    uow: SqlUnitOfWork, actor: Actor, enrollment_id: str, today: dt.date
) -> tuple[records.Enrollment, keys.OpKind]:
    """The submit inside the caller's open unit of work (no commit)."""
    old, _meta = existing(uow, enrollment_id)
    if old.status not in (Status.DRAFT, Status.NEEDS_CORRECTION):
        raise Frozen(enrollment_id, old.status.value)
    new = dataclasses.replace(old, status=Status.SUBMITTED, monthly_contribution=_quote(old, today))
    fields = _checked_wire(uow, new, enrollment_id, today)
    kind, base_version, op_fields = _op_for(uow, old, enrollment_id, fields)
    if kind is keys.OpKind.UPDATE:
        new = dataclasses.replace(
            new, review_reason=old.review_reason, review_reason_code=old.review_reason_code
        )
    uow.enrollments.update(new, sync_state="pending", submitted=True)
    _input.write_change(
        uow,
        actor_code=actor.agent_code,
        action="enrollment.submit",
        entity=ENTITY,
        entity_id=enrollment_id,
        kind=kind,
        base_version=base_version,
        fields=op_fields,
        details={"kind": str(kind)},  # no amounts: the contribution reveals the income
    )
    return new, kind


def _checked_wire(
    uow: SqlUnitOfWork, new: records.Enrollment, enrollment_id: str, today: dt.date
) -> dict[str, Any]:
    """The record to submit in wire form, once it breaks no rule and no other active
    enrollment on this laptop has its NIK."""
    try:
        fields = wire.to_wire(new, ENTITY)
    except ValueError:
        raise ValidationFailed([_input.required("consent")]) from None
    for name in ("review_reason", "review_reason_code", "membership_number"):
        fields.pop(name)
    problems = _problems_for_submit(new, fields, today)
    if problems:
        raise ValidationFailed(problems)
    duplicates = uow.enrollments.find_active_by_nik(new.nik, exclude_id=enrollment_id)
    if duplicates:
        raise DuplicateNik(duplicates[0].id)
    # A worker of an employer registration here is a participant already (issue 17).
    worker = uow.employer_registrations.active_worker_niks([new.nik]).get(new.nik)
    if worker is not None:
        where = conflicts_in(uow, [new.nik], None)[new.nik]
        text = Text.of("This NIK is already active: {where}.", where=where)
        raise ValidationFailed([validation.Problem("nik", "duplicate_nik", text.id, text.en)])
    return fields


def _op_for(
    uow: SqlUnitOfWork, old: records.Enrollment, enrollment_id: str, fields: dict[str, Any]
) -> tuple[keys.OpKind, int | None, dict[str, Any]]:
    """The op's kind, base version and fields: a first submission creates the record; a
    corrected one updates the fields changed since the server's version (none: refused)."""
    if old.status is not Status.NEEDS_CORRECTION or old.version is None:
        return keys.OpKind.CREATE, None, fields
    confirmed = uow.enrollments.confirmed_fields(enrollment_id)
    changed = wire.diff(confirmed, fields)
    for name in validation.ENROLLMENT_PROTECTED:
        changed.pop(name, None)
    if not changed:
        raise ValidationFailed(
            [
                validation.Problem(
                    "",
                    "unchanged",
                    "Belum ada yang diperbaiki.",
                    "Nothing has been corrected yet.",
                )
            ]
        )
    return keys.OpKind.UPDATE, old.version, changed
