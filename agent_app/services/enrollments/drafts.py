"""Enrollment drafts: what the form may set, the record changes of its fields, and the draft
written (created, or changed) or discarded. A draft stays on the laptop: no outbox op."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from typing import Any

from agent_app.domain import keys, records, validation
from agent_app.services import _input, attachments
from agent_app.services.actor import Actor
from agent_app.services.errors import Frozen, NotFound
from agent_app.storage import rows, wire
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("db")

ENTITY = keys.Entity.ENROLLMENT
Status = keys.EnrollmentStatus

#: What the enrollment form may set; the contribution, status, review and membership number
#: are not typed by anyone on this side.
EDITABLE = (
    *(name for name in wire.ENROLLMENT_FIELDS if name not in validation.ENROLLMENT_PROTECTED),
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


def editable_now(enrollment: records.Enrollment, sync_state: str | None) -> bool:
    if enrollment.status in (Status.DRAFT, Status.NEEDS_CORRECTION):
        return True
    # The server refused the create (rejected, or a conflict such as a NIK already enrolled
    # elsewhere): nothing exists there, so the agent may fix it and submit again.
    return (
        enrollment.status is Status.SUBMITTED
        and enrollment.version is None
        and sync_state in ("rejected", "conflict")
    )


def existing(uow: SqlUnitOfWork, enrollment_id: str) -> tuple[records.Enrollment, rows.SyncMeta]:
    """The enrollment and its sync state, in the caller's open unit of work; raises NotFound."""
    enrollment = uow.enrollments.get(enrollment_id)
    meta = uow.enrollments.meta(enrollment_id)
    if enrollment is None or meta is None:
        raise NotFound(ENTITY, enrollment_id)
    return enrollment, meta


def clean_draft(fields: dict[str, Any]) -> dict[str, Any]:
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


def write_draft(
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
        attachments.check_held(uow, (), enrollment.attachments)
        uow.enrollments.add(enrollment, sync_state=None)
        if audit:
            uow.audit.add(actor.agent_code, "enrollment.draft", ENTITY, enrollment.id)
        return enrollment
    old, meta = existing(uow, enrollment_id)
    if not editable_now(old, meta.sync_state):
        raise Frozen(enrollment_id, old.status.value)
    enrollment = dataclasses.replace(old, **changes)
    attachments.check_held(uow, old.attachments, enrollment.attachments)
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
    changes = clean_draft(fields)
    with uow:
        enrollment = write_draft(uow, actor, changes, enrollment_id)
        uow.commit()
    log.info("enrollment %s saved (%s)", enrollment.id, enrollment.status.value)
    return enrollment


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
