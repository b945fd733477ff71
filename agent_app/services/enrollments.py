"""Use cases for BPU enrollments: drafts, submission, corrections, look-ups and search.

A draft stays on the laptop (no outbox op) and may be incomplete. `submit` validates the whole
record with the rules the server applies, computes the monthly contribution from the quote
(never typed), refuses a NIK already active in another enrollment on this laptop, and asks for
a reason when the birth date disagrees with the NIK. The first submission writes the `create`
op (status `submitted`); a resubmission after `needs_correction` writes an `update` op with
the fields changed since the server's version. A submitted or accepted enrollment is frozen;
one whose create the server refused (rejected, or a conflict) can be edited again: it goes
back to draft.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from agent_app.domain import contributions, identity, keys, records, validation
from agent_app.domain.messages import DomainError
from agent_app.services import _input, zones
from agent_app.services.actor import Actor
from agent_app.services.errors import DuplicateNik, Frozen, NotFound, ValidationFailed
from agent_app.storage import rows, wire
from agent_app.storage.rows import EnrollmentRow
from agent_app.storage.uow import SqlUnitOfWork

__all__ = [
    "EnrollmentDetail",
    "EnrollmentRow",
    "count",
    "discard_draft",
    "find_active_by_nik",
    "get",
    "get_detail",
    "list_needing_correction",
    "save_draft",
    "search",
    "submit",
    "submit_form",
]

log = logging.getLogger("db")

ENTITY = keys.Entity.ENROLLMENT
Status = keys.EnrollmentStatus

#: What the enrollment form may set; the contribution, status, review and membership number
#: are not typed by anyone on this side.
EDITABLE = (
    *(name for name in wire.ENROLLMENT_FIELDS if name not in wire.ENROLLMENT_PROTECTED),
    "birth_date_override_reason",
)
EDITABLE = tuple(name for name in EDITABLE if name != "monthly_contribution")
# A draft may hold half-typed text, but not values its columns cannot store.
_DRAFT_BLOCKING = frozenset(
    {
        "birth_date",
        "declared_income",
        "period_months",
        "programs",
        "paid_by_state",
        "consent",
        "gender",
        "occupation",
        "business_id",
        "event_id",
    }
)


def _editable_now(enrollment: records.Enrollment, sync_state: str | None) -> bool:
    if enrollment.status in (Status.DRAFT, Status.NEEDS_CORRECTION):
        return True
    # The server refused the create (rejected, or a conflict such as a NIK already enrolled
    # elsewhere): nothing exists there, so the agent may fix it and submit again.
    return (
        enrollment.status is Status.SUBMITTED
        and enrollment.version is None
        and sync_state in ("rejected", "conflict")
    )


def _clean_draft(fields: dict[str, Any]) -> dict[str, Any]:
    """The record changes of a form's fields; raises ValidationFailed for values a draft
    cannot store."""
    cleaned, problems = _input.clean(fields, EDITABLE, lenient=True)
    problems += [
        p
        for p in validation.validate_enrollment(
            {k: v for k, v in cleaned.items() if k in _DRAFT_BLOCKING and v is not None},
            partial=True,
        )
    ]
    _input.check(problems)
    changes = wire.record_changes(ENTITY, cleaned)
    for name in ("nik", "full_name"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    if "programs" in changes and changes["programs"] is None:
        changes["programs"] = ("JKK", "JKM")
    return changes


def _write_draft(
    uow: SqlUnitOfWork,
    actor: Actor,
    changes: dict[str, Any],
    enrollment_id: str | None,
    *,
    audit: bool = True,
) -> records.Enrollment:
    """Creates or changes the draft inside the caller's open unit of work (no commit)."""
    if enrollment_id is None:
        enrollment = dataclasses.replace(
            records.Enrollment(
                id=str(uuid.uuid4()),
                nik="",
                full_name="",
                birth_date=None,  # type: ignore[arg-type]
                gender=None,  # type: ignore[arg-type]
                phone=None,  # type: ignore[arg-type]
                occupation=None,  # type: ignore[arg-type]
                declared_income=None,  # type: ignore[arg-type]
            ),
            **changes,
            agent_code=actor.agent_code,
        )
        uow.enrollments.add(enrollment, sync_state=None)
        if audit:
            uow.audit.add(actor.agent_code, "enrollment.draft", ENTITY, enrollment.id)
        return enrollment
    old = uow.enrollments.get(enrollment_id)
    meta = uow.enrollments.meta(enrollment_id)
    if old is None or meta is None:
        raise NotFound(ENTITY, enrollment_id)
    if not _editable_now(old, meta.sync_state):
        raise Frozen(enrollment_id, old.status.value)
    enrollment = dataclasses.replace(old, **changes)
    state = meta.sync_state
    if old.status is Status.SUBMITTED:  # rejected create: back to a draft
        enrollment = dataclasses.replace(enrollment, status=Status.DRAFT)
        state = None
    uow.enrollments.update(enrollment, sync_state=state)
    if audit:
        uow.audit.add(
            actor.agent_code,
            "enrollment.edit",
            ENTITY,
            enrollment_id,
            {"fields": sorted(changes)},
        )
    return enrollment


def save_draft(
    uow: SqlUnitOfWork,
    actor: Actor,
    fields: dict[str, Any],
    enrollment_id: str | None = None,
) -> records.Enrollment:
    """Creates or changes a draft (or an enrollment sent back for correction); no op is written.

    Raises:
        NotFound: no such enrollment.
        Frozen: the enrollment is submitted or accepted.
        ValidationFailed: an unknown field, or a value of the wrong kind (a date that is not a
            date, a non-numeric income...). Rules about content wait for `submit`.
    """
    changes = _clean_draft(fields)
    with uow:
        enrollment = _write_draft(uow, actor, changes, enrollment_id)
        uow.commit()
    log.info("enrollment %s saved (%s)", enrollment.id, enrollment.status.value)
    return enrollment


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
        DuplicateNik: another active enrollment on this laptop has the NIK.
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
    a duplicate NIK, submitted with their outbox op and audit entry, and committed together. On
    any failure nothing at all is written: no hidden draft is left behind, so submitting again
    after fixing the problem makes exactly one record.

    Raises:
        As `save_draft` and `submit`.
    """
    changes = _clean_draft(fields)
    today = today or zones.today(uow, actor.branch)
    with uow:
        draft = _write_draft(uow, actor, changes, enrollment_id, audit=enrollment_id is not None)
        new, kind = _submit_in(uow, actor, draft.id, today)
        uow.commit()
    log.info("enrollment %s submitted from the form (%s)", new.id, kind)
    return new


def _submit_in(
    uow: SqlUnitOfWork, actor: Actor, enrollment_id: str, today: dt.date
) -> tuple[records.Enrollment, keys.OpKind]:
    """The submit inside the caller's open unit of work (no commit)."""
    old = uow.enrollments.get(enrollment_id)
    meta = uow.enrollments.meta(enrollment_id)
    if old is None or meta is None:
        raise NotFound(ENTITY, enrollment_id)
    if old.status not in (Status.DRAFT, Status.NEEDS_CORRECTION):
        raise Frozen(enrollment_id, old.status.value)
    new = dataclasses.replace(old, status=Status.SUBMITTED, monthly_contribution=_quote(old, today))
    try:
        fields = wire.to_wire(new, ENTITY)
    except ValueError:
        raise ValidationFailed([_input.required("consent")]) from None
    for name in ("review_reason", "membership_number"):
        fields.pop(name)
    problems = _problems_for_submit(new, fields, today)
    if problems:
        raise ValidationFailed(problems)
    duplicates = uow.enrollments.find_active_by_nik(new.nik, exclude_id=enrollment_id)
    if duplicates:
        raise DuplicateNik(duplicates[0].id)
    if old.status is Status.NEEDS_CORRECTION and old.version is not None:
        confirmed = uow.enrollments.confirmed_fields(enrollment_id)
        changed = wire.diff(confirmed, fields)
        for name in wire.ENROLLMENT_PROTECTED:
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
        kind, base_version, op_fields = keys.OpKind.UPDATE, old.version, changed
        new = dataclasses.replace(new, review_reason=old.review_reason)
    else:
        kind, base_version, op_fields = keys.OpKind.CREATE, None, fields
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


@dataclass(frozen=True, slots=True)
class EnrollmentDetail:
    """An enrollment with its sync state and, after a refusal or conflict, the server's word.

    `server_current` is what the server sent with a conflict: the record's current fields, or
    for `nik_already_enrolled` only `{branch, enrolled_on}`.
    """

    enrollment: records.Enrollment
    sync: rows.SyncMeta
    error_code: str | None = None
    error_field: str | None = None
    error_message: str | None = None
    server_current: dict[str, Any] | None = None


def get_detail(uow: SqlUnitOfWork, enrollment_id: str) -> EnrollmentDetail:
    """Raises NotFound when there is no such enrollment."""
    with uow:
        enrollment = uow.enrollments.get(enrollment_id)
        meta = uow.enrollments.meta(enrollment_id)
        if enrollment is None or meta is None:
            raise NotFound(ENTITY, enrollment_id)
        refused = [
            op
            for op in uow.outbox.for_entity(enrollment_id)
            if op.status in ("rejected", "conflict")
        ]
        result = uow.outbox.result(refused[-1].op_id) if refused else None
    if meta.sync_state not in ("rejected", "conflict") or result is None:
        return EnrollmentDetail(enrollment, meta)
    error = result.get("error") or {}
    return EnrollmentDetail(
        enrollment,
        meta,
        error.get("code"),
        error.get("field"),
        error.get("message"),
        result.get("current"),
    )


def discard_draft(uow: SqlUnitOfWork, actor: Actor, enrollment_id: str) -> None:
    """Deletes a draft for good (it never left the laptop, so nothing is sent).

    Raises:
        NotFound: no such enrollment.
        Frozen: it is not a draft.
    """
    with uow:
        enrollment = uow.enrollments.get(enrollment_id)
        if enrollment is None:
            raise NotFound(ENTITY, enrollment_id)
        if enrollment.status is not Status.DRAFT or uow.outbox.for_entity(enrollment_id):
            raise Frozen(enrollment_id, enrollment.status.value)
        uow.enrollments.delete_draft(enrollment_id)
        uow.audit.add(actor.agent_code, "enrollment.discard", ENTITY, enrollment_id)
        uow.commit()
    log.info("draft %s discarded", enrollment_id)


def get(uow: SqlUnitOfWork, enrollment_id: str) -> records.Enrollment:
    """Raises NotFound when there is no such enrollment."""
    with uow:
        enrollment = uow.enrollments.get(enrollment_id)
    if enrollment is None:
        raise NotFound(ENTITY, enrollment_id)
    return enrollment


def open_record(uow: SqlUnitOfWork, actor: Actor, enrollment_id: str) -> records.Enrollment:
    """The whole enrollment (NIK, income, contact) for a person to see or edit, audited: who
    opened whose record, and when, is traceable (UU PDP 27/2022; lists show less and are not
    audited). Raises NotFound when there is no such enrollment."""
    with uow:
        enrollment = uow.enrollments.get(enrollment_id)
        if enrollment is None:
            raise NotFound(ENTITY, enrollment_id)
        uow.audit.add(actor.agent_code, "enrollment.open", ENTITY, enrollment_id)
        uow.commit()
    return enrollment


def find_active_by_nik(uow: SqlUnitOfWork, nik: str) -> records.Enrollment | None:
    """The active (submitted, accepted or in correction) enrollment with this NIK, if any."""
    with uow:
        found = uow.enrollments.find_active_by_nik(
            _input.clean({"nik": nik}, ("nik",))[0]["nik"] or ""
        )
    return found[0] if found else None


def list_needing_correction(uow: SqlUnitOfWork, actor: Actor) -> list[records.Enrollment]:
    """The actor's enrollments sent back for correction, or refused or in conflict on sync."""
    with uow:
        ids = uow.enrollments.needing_attention(None if actor.is_supervisor else actor.agent_code)
        found = [uow.enrollments.get(i) for i in ids]
    return [e for e in found if e is not None]


def search(
    uow: SqlUnitOfWork,
    text: str = "",
    status: str | None = None,
    event_id: str | None = None,
    business_id: str | None = None,
    agent_code: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> list[EnrollmentRow]:
    """One page of enrollments whose name or NIK contains every word of `text`, by name."""
    flt = rows.EnrollmentFilter(text or "", status, event_id, business_id, agent_code)
    with uow:
        return uow.enrollments.search(flt, offset=offset, limit=limit)


def count(
    uow: SqlUnitOfWork,
    text: str = "",
    status: str | None = None,
    event_id: str | None = None,
    business_id: str | None = None,
    agent_code: str | None = None,
) -> int:
    flt = rows.EnrollmentFilter(text or "", status, event_id, business_id, agent_code)
    with uow:
        return uow.enrollments.count(flt)
