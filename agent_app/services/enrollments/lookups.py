"""Reading enrollments: one (with its sync state and the server's word after a refusal),
one opened for a person to see (audited), the active one with a NIK, the ones needing
attention, and search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent_app.domain import records
from agent_app.services import _input
from agent_app.services.actor import Actor
from agent_app.services.enrollments.drafts import ENTITY
from agent_app.services.errors import NotFound
from agent_app.storage import rows
from agent_app.storage.rows import EnrollmentRow
from agent_app.storage.uow import SqlUnitOfWork


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


def first_page(
    uow: SqlUnitOfWork,
    text: str = "",
    status: str | None = None,
    event_id: str | None = None,
    business_id: str | None = None,
    agent_code: str | None = None,
    limit: int = 100,
) -> tuple[list[EnrollmentRow], int]:
    """`search`'s first page and `count`, read together in one unit of work (the enrollments'
    list, issue 15: a text search reads both in one statement)."""
    flt = rows.EnrollmentFilter(text or "", status, event_id, business_id, agent_code)
    with uow:
        return uow.enrollments.first_page(flt, limit)


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
