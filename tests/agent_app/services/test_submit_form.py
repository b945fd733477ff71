"""The enrollment form's submit is one use case in one transaction (issue 11, item 2): the
record, its validation, the duplicate check, the outbox op and the audit entry are written
together or not at all; a failed submit leaves no hidden draft behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from agent_app.services import enrollments, form_drafts
from agent_app.services.actor import Actor
from agent_app.services.errors import DuplicateNik, ValidationFailed
from agent_app.storage import repositories, tables
from agent_app.storage.uow import SqlUnitOfWork

TODAY = dt.date(2026, 11, 21)
Fields = Callable[..., dict[str, Any]]


def _counts(uow: SqlUnitOfWork) -> tuple[int, int, int]:
    """Enrollments, outbox ops and audit entries in the database."""
    with uow:
        session = uow.session
        return (
            session.scalar(sa.select(sa.func.count()).select_from(tables.Enrollment)) or 0,
            session.scalar(sa.select(sa.func.count()).select_from(tables.OutboxOp)) or 0,
            session.scalar(sa.select(sa.func.count()).select_from(tables.AuditEntry)) or 0,
        )


def test_a_submit_that_fails_at_its_last_step_writes_nothing(
    uow: SqlUnitOfWork,
    actor: Actor,
    enrollment_fields: Fields,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fields = enrollment_fields()
    real_add = repositories.AuditRepository.add

    def failing_add(self: Any, actor_code: Any, action: str, *args: Any, **kwargs: Any) -> Any:
        if action == "enrollment.submit":
            raise OSError("disk full")  # the very last write of the use case
        return real_add(self, actor_code, action, *args, **kwargs)

    monkeypatch.setattr(repositories.AuditRepository, "add", failing_add)
    with pytest.raises(OSError):
        enrollments.submit_form(uow, actor, fields, today=TODAY)
    assert _counts(uow) == (0, 0, 0)  # no record, no hidden draft, no op, no audit
    monkeypatch.setattr(repositories.AuditRepository, "add", real_add)

    submitted = enrollments.submit_form(uow, actor, fields, today=TODAY)
    assert submitted.status.value == "submitted"
    with uow:
        assert [e.id for e in uow.enrollments.find_active_by_nik(fields["nik"])] == [submitted.id]
        assert len(uow.outbox.for_entity(submitted.id)) == 1
    assert _counts(uow)[0] == 1


def test_a_refused_submit_leaves_no_draft_and_the_second_makes_one_record(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Fields
) -> None:
    fields = enrollment_fields()
    with pytest.raises(ValidationFailed):
        enrollments.submit_form(uow, actor, {**fields, "consent": None}, today=TODAY)
    assert _counts(uow) == (0, 0, 0)
    first = enrollments.submit_form(uow, actor, fields, today=TODAY)
    with pytest.raises(DuplicateNik):
        enrollments.submit_form(uow, actor, {**fields, "full_name": "Siti A"}, today=TODAY)
    enrollments_count, ops, _audit = _counts(uow)
    assert enrollments_count == 1 and ops >= 1
    with uow:
        assert [e.id for e in uow.enrollments.find_active_by_nik(fields["nik"])] == [first.id]


def test_a_draft_submitted_from_the_form_stays_one_record(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Fields
) -> None:
    fields = enrollment_fields()
    draft = enrollments.save_draft(uow, actor, {"nik": fields["nik"], "full_name": "Siti"})
    with pytest.raises(ValidationFailed):
        enrollments.submit_form(uow, actor, {**fields, "phone": None}, draft.id, today=TODAY)
    again = enrollments.get(uow, draft.id)
    assert again.status.value == "draft" and again.full_name == "Siti"  # rolled back whole
    submitted = enrollments.submit_form(uow, actor, fields, draft.id, today=TODAY)
    assert submitted.id == draft.id
    assert _counts(uow)[0] == 1


def test_a_form_draft_belongs_to_its_account(uow: SqlUnitOfWork, actor: Actor) -> None:
    other = Actor("AG002", "Agen Lain", "PLG")
    state = {"fields": ["1671", "Siti Aminah"], "enrollment_id": None}
    form_drafts.save(uow, actor, form_drafts.ENROLLMENT, state)
    assert form_drafts.get(uow, other, form_drafts.ENROLLMENT) is None
    saved = form_drafts.get(uow, actor, form_drafts.ENROLLMENT)
    assert saved is not None and saved.state == state
    form_drafts.save(uow, actor, form_drafts.ENROLLMENT, {**state, "fields": ["1"]})
    saved = form_drafts.get(uow, actor, form_drafts.ENROLLMENT)
    assert saved is not None and saved.state["fields"] == ["1"]
    with uow:
        audit = uow.audit.list()
    assert audit == []  # autosaving every few seconds is not an audited action
    form_drafts.discard(uow, actor, form_drafts.ENROLLMENT)
    assert form_drafts.get(uow, actor, form_drafts.ENROLLMENT) is None


def test_the_submit_forgets_the_autosaved_form_in_its_own_transaction(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Fields
) -> None:
    other = Actor("AG002", "Agen Lain", "PLG")
    typed = {"fields": ["1671", "Siti Aminah"], "enrollment_id": None}
    form_drafts.save(uow, actor, form_drafts.ENROLLMENT, typed)
    form_drafts.save(uow, other, form_drafts.ENROLLMENT, typed)
    fields = enrollment_fields()
    with pytest.raises(ValidationFailed):
        enrollments.submit_form(uow, actor, {**fields, "consent": None}, today=TODAY)
    assert form_drafts.get(uow, actor, form_drafts.ENROLLMENT) is not None  # refused: kept
    enrollments.submit_form(uow, actor, fields, today=TODAY)
    assert form_drafts.get(uow, actor, form_drafts.ENROLLMENT) is None
    assert form_drafts.get(uow, other, form_drafts.ENROLLMENT) is not None  # not another's
