"""Enrollment use cases: drafts, submission rules, freezing, corrections, look-ups."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from agent_app.domain import contributions, keys
from agent_app.errors import KnownError
from agent_app.services import enrollments
from agent_app.services.actor import Actor
from agent_app.services.errors import DuplicateNik, Frozen, NotFound, ValidationFailed
from agent_app.storage.store import LocalStore
from agent_app.storage.uow import SqlUnitOfWork

TODAY = dt.date(2026, 11, 21)
Fields = Callable[..., dict[str, Any]]


def _ops(uow: SqlUnitOfWork, entity_id: str) -> list[Any]:
    with uow:
        return uow.outbox.for_entity(entity_id)


def _submit_new(uow: SqlUnitOfWork, actor: Actor, fields: dict[str, Any]) -> Any:
    draft = enrollments.save_draft(uow, actor, fields)
    return enrollments.submit(uow, actor, draft.id, today=TODAY)


def test_a_draft_writes_no_op_and_may_be_incomplete(uow: SqlUnitOfWork, actor: Actor) -> None:
    draft = enrollments.save_draft(uow, actor, {"full_name": "Siti", "nik": "1671"})
    assert draft.status is keys.EnrollmentStatus.DRAFT
    assert draft.agent_code == actor.agent_code
    assert _ops(uow, draft.id) == []
    again = enrollments.save_draft(uow, actor, {"phone": "0812"}, draft.id)
    assert again.phone == "0812" and again.full_name == "Siti"
    assert enrollments.get(uow, draft.id) == again
    assert _ops(uow, draft.id) == []
    with uow:
        meta = uow.enrollments.meta(draft.id)
        audit = uow.audit.list(draft.id)
    assert meta is not None and meta.sync_state is None
    assert [a.action for a in audit] == ["enrollment.edit", "enrollment.draft"]


def test_a_draft_refuses_values_it_cannot_store(uow: SqlUnitOfWork, actor: Actor) -> None:
    with pytest.raises(ValidationFailed) as caught:
        enrollments.save_draft(uow, actor, {"birth_date": "1999-13-40", "declared_income": "lots"})
    assert set(caught.value.fields()) == {"birth_date", "declared_income"}
    with pytest.raises(ValidationFailed) as caught:
        enrollments.save_draft(uow, actor, {"monthly_contribution": 16800})
    assert caught.value.fields() == ["monthly_contribution"]


def test_submit_computes_the_contribution_and_writes_the_create_op(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Fields
) -> None:
    fields = enrollment_fields(programs=["JKK", "JKM", "JHT"], period_months=3)
    submitted = _submit_new(uow, actor, fields)
    expected = contributions.quote(1_500_000, ["JKK", "JKM", "JHT"], 3, TODAY, "penjual_makanan")
    assert submitted.monthly_contribution == expected.monthly_total
    assert submitted.status is keys.EnrollmentStatus.SUBMITTED
    assert submitted.phone == "+6281234567890"
    [op] = _ops(uow, submitted.id)
    assert op.kind == "create" and op.base_version is None
    assert op.fields["monthly_contribution"] == expected.monthly_total
    assert op.fields["status"] == "submitted"
    assert op.fields["nik"] == fields["nik"]
    with uow:
        [audit] = [a for a in uow.audit.list(submitted.id) if a.action == "enrollment.submit"]
    assert fields["nik"] not in str(audit.details) and "Siti" not in str(audit.details)


def test_a_bad_nik_is_refused(uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Fields) -> None:
    for nik in ("1671034509990000", "167103450999001", "9971034509990001", "16710345ABCD0001"):
        draft = enrollments.save_draft(uow, actor, enrollment_fields(nik=nik))
        with pytest.raises(ValidationFailed) as caught:
            enrollments.submit(uow, actor, draft.id, today=TODAY)
        assert "nik" in caught.value.fields(), nik
        assert _ops(uow, draft.id) == []


def test_a_duplicate_nik_on_this_laptop_is_refused(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Fields
) -> None:
    first = _submit_new(uow, actor, enrollment_fields(7))
    draft = enrollments.save_draft(uow, actor, enrollment_fields(7, full_name="Orang Lain"))
    with pytest.raises(DuplicateNik) as caught:
        enrollments.submit(uow, actor, draft.id, today=TODAY)
    assert caught.value.existing_id == first.id
    assert isinstance(caught.value, KnownError) and caught.value.message("en")
    assert enrollments.get(uow, draft.id).status is keys.EnrollmentStatus.DRAFT
    # Drafts do not count as enrolled: a second draft of the same NIK is allowed.
    assert enrollments.find_active_by_nik(uow, enrollment_fields(7)["nik"]) == first
    assert enrollments.find_active_by_nik(uow, "1671 0345 0999 0007") == first
    assert enrollments.find_active_by_nik(uow, enrollment_fields(8)["nik"]) is None


def test_income_below_the_minimum_is_refused(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Fields
) -> None:
    draft = enrollments.save_draft(uow, actor, enrollment_fields(declared_income=900_000))
    with pytest.raises(ValidationFailed) as caught:
        enrollments.submit(uow, actor, draft.id, today=TODAY)
    [problem] = caught.value.problems
    assert problem.field == "declared_income"
    assert problem.code == "income_below_minimum"
    assert "1.000.000" in problem.message("id")


def test_missing_fields_are_each_reported(uow: SqlUnitOfWork, actor: Actor) -> None:
    draft = enrollments.save_draft(uow, actor, {"full_name": "Siti"})
    with pytest.raises(ValidationFailed) as caught:
        enrollments.submit(uow, actor, draft.id, today=TODAY)
    assert {"nik", "birth_date", "gender", "phone", "occupation", "consent"} <= set(
        caught.value.fields()
    )


def test_a_birth_date_that_disagrees_with_the_nik_needs_a_reason(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Fields
) -> None:
    draft = enrollments.save_draft(uow, actor, enrollment_fields(birth_date=dt.date(1999, 9, 6)))
    with pytest.raises(ValidationFailed) as caught:
        enrollments.submit(uow, actor, draft.id, today=TODAY)
    [problem] = caught.value.problems
    assert (problem.field, problem.code) == ("birth_date", "birth_date_mismatch")
    assert "05-09-1999" in problem.message("en")

    enrollments.save_draft(
        uow, actor, {"birth_date_override_reason": "KTP lama salah cetak"}, draft.id
    )
    submitted = enrollments.submit(uow, actor, draft.id, today=TODAY)
    assert submitted.birth_date_override_reason == "KTP lama salah cetak"
    [op] = _ops(uow, draft.id)
    assert op.fields["birth_date"] == "1999-09-06"
    assert "birth_date_override_reason" not in op.fields  # local only


def test_a_submitted_enrollment_is_frozen(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Fields
) -> None:
    submitted = _submit_new(uow, actor, enrollment_fields())
    with pytest.raises(Frozen):
        enrollments.save_draft(uow, actor, {"full_name": "Ubah"}, submitted.id)
    with pytest.raises(Frozen):
        enrollments.submit(uow, actor, submitted.id, today=TODAY)
    assert enrollments.get(uow, submitted.id).full_name == "Siti Aminah"
    assert len(_ops(uow, submitted.id)) == 1


def test_unknown_ids_are_not_found(uow: SqlUnitOfWork, actor: Actor) -> None:
    missing = str(uuid.uuid4())
    with pytest.raises(NotFound):
        enrollments.get(uow, missing)
    with pytest.raises(NotFound):
        enrollments.submit(uow, actor, missing)
    with pytest.raises(NotFound):
        enrollments.save_draft(uow, actor, {}, missing)


def test_a_correction_sends_only_the_changed_fields(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine, enrollment_fields: Fields
) -> None:
    store = LocalStore(engine)
    submitted = _submit_new(uow, actor, enrollment_fields())
    [create] = store.pending_ops(10)
    store.mark_results([{"op_id": create["op_id"], "status": "applied", "entity_version": 1}])
    sent_back = dict(create["fields"], status="needs_correction", review_reason="Foto KTP buram")
    store.apply_pulled(
        [
            {
                "entity": "enrollment",
                "entity_id": submitted.id,
                "version": 2,
                "deleted": False,
                "server_seq": 5,
                "fields": {**sent_back, "agent_code": actor.agent_code},
            }
        ],
        "c1",
    )
    needing = enrollments.list_needing_correction(uow, actor)
    assert [e.id for e in needing] == [submitted.id]
    assert needing[0].review_reason == "Foto KTP buram"

    enrollments.save_draft(uow, actor, {"address": "Jl. Sudirman 5"}, submitted.id)
    assert _ops(uow, submitted.id)[-1].kind == "create"  # editing writes no op
    resubmitted = enrollments.submit(uow, actor, submitted.id, today=TODAY)
    assert resubmitted.status is keys.EnrollmentStatus.SUBMITTED
    [update] = store.pending_ops(10)
    assert update["kind"] == "update"
    assert update["base_version"] == 2
    assert update["fields"] == {"address": "Jl. Sudirman 5"}
    assert enrollments.list_needing_correction(uow, actor) == []
    with pytest.raises(Frozen):
        enrollments.save_draft(uow, actor, {"address": "lagi"}, submitted.id)


def test_a_correction_with_no_change_is_refused(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine, enrollment_fields: Fields
) -> None:
    store = LocalStore(engine)
    submitted = _submit_new(uow, actor, enrollment_fields())
    [create] = store.pending_ops(10)
    store.mark_results([{"op_id": create["op_id"], "status": "applied", "entity_version": 1}])
    fields = dict(create["fields"], status="needs_correction", review_reason="cek")
    change = {
        "entity": "enrollment",
        "entity_id": submitted.id,
        "version": 2,
        "deleted": False,
        "server_seq": 5,
        "fields": fields,
    }
    store.apply_pulled([change], "c1")
    with pytest.raises(ValidationFailed) as caught:
        enrollments.submit(uow, actor, submitted.id, today=TODAY)
    assert caught.value.problems[0].code == "unchanged"


def test_a_rejected_create_can_be_fixed_and_resubmitted(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine, enrollment_fields: Fields
) -> None:
    store = LocalStore(engine)
    submitted = _submit_new(uow, actor, enrollment_fields())
    [create] = store.pending_ops(10)
    store.mark_results(
        [
            {
                "op_id": create["op_id"],
                "status": "rejected",
                "error": {"code": "invalid_field", "field": "phone", "message": "no"},
            }
        ]
    )
    assert [e.id for e in enrollments.list_needing_correction(uow, actor)] == [submitted.id]
    fixed = enrollments.save_draft(uow, actor, {"phone": "081298765432"}, submitted.id)
    assert fixed.status is keys.EnrollmentStatus.DRAFT
    enrollments.submit(uow, actor, submitted.id, today=TODAY)
    [again] = store.pending_ops(10)
    assert again["kind"] == "create" and again["fields"]["phone"] == "+6281298765432"
    assert again["op_id"] != create["op_id"]


def test_an_accepted_enrollment_stays_frozen(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine, enrollment_fields: Fields
) -> None:
    store = LocalStore(engine)
    submitted = _submit_new(uow, actor, enrollment_fields())
    [create] = store.pending_ops(10)
    store.mark_results([{"op_id": create["op_id"], "status": "applied", "entity_version": 1}])
    accepted = dict(create["fields"], status="accepted", membership_number="BPU-001")
    change = {
        "entity": "enrollment",
        "entity_id": submitted.id,
        "version": 2,
        "deleted": False,
        "server_seq": 9,
        "fields": accepted,
    }
    store.apply_pulled([change], "c2")
    got = enrollments.get(uow, submitted.id)
    assert got.status is keys.EnrollmentStatus.ACCEPTED and got.membership_number == "BPU-001"
    with pytest.raises(Frozen):
        enrollments.save_draft(uow, actor, {"address": "x"}, submitted.id)


def test_no_personal_data_in_the_logs(
    uow: SqlUnitOfWork,
    actor: Actor,
    enrollment_fields: Fields,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fields = enrollment_fields(3, full_name="Rahmawati Kusumadewi")
    submitted = _submit_new(uow, actor, fields)
    dup = enrollments.save_draft(uow, actor, fields)
    with pytest.raises(DuplicateNik):
        enrollments.submit(uow, actor, dup.id, today=TODAY)
    assert submitted.id in caplog.text
    for secret in (fields["nik"], "Rahmawati", "6281234567890", "081234567890"):
        assert secret not in caplog.text


def test_a_nik_conflict_on_create_can_be_fixed(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine, enrollment_fields: Fields
) -> None:
    store = LocalStore(engine)
    submitted = _submit_new(uow, actor, enrollment_fields(4))
    [create] = store.pending_ops(10)
    store.mark_results(
        [
            {
                "op_id": create["op_id"],
                "status": "conflict",
                "error": {"code": "nik_already_enrolled", "field": "nik", "message": "enrolled"},
                "current": {"branch": "PLG", "enrolled_on": "2026-01-02"},
            }
        ]
    )
    [needing] = enrollments.list_needing_correction(uow, actor)
    assert needing.id == submitted.id
    fixed = enrollments.save_draft(uow, actor, {"nik": enrollment_fields(5)["nik"]}, submitted.id)
    assert fixed.status is keys.EnrollmentStatus.DRAFT
    enrollments.submit(uow, actor, submitted.id, today=TODAY)
    [again] = store.pending_ops(10)
    assert again["fields"]["nik"] == enrollment_fields(5)["nik"]


def test_detail_shows_the_servers_word_on_a_conflict(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine, enrollment_fields: Fields
) -> None:
    store = LocalStore(engine)
    submitted = _submit_new(uow, actor, enrollment_fields(6))
    detail = enrollments.get_detail(uow, submitted.id)
    assert detail.sync.sync_state == "pending" and detail.error_code is None
    [create] = store.pending_ops(10)
    store.mark_results(
        [
            {
                "op_id": create["op_id"],
                "status": "conflict",
                "error": {"code": "nik_already_enrolled", "field": "nik", "message": "enrolled"},
                "current": {"branch": "PLG", "enrolled_on": "2026-01-02"},
            }
        ]
    )
    detail = enrollments.get_detail(uow, submitted.id)
    assert detail.sync.sync_state == "conflict"
    assert (detail.error_code, detail.error_field) == ("nik_already_enrolled", "nik")
    assert detail.server_current == {"branch": "PLG", "enrolled_on": "2026-01-02"}
    with pytest.raises(NotFound):
        enrollments.get_detail(uow, str(uuid.uuid4()))


def test_a_draft_can_be_discarded_but_nothing_else(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Fields
) -> None:
    draft = enrollments.save_draft(uow, actor, {"full_name": "Sementara"})
    enrollments.discard_draft(uow, actor, draft.id)
    with pytest.raises(NotFound):
        enrollments.get(uow, draft.id)
    with pytest.raises(NotFound):
        enrollments.discard_draft(uow, actor, draft.id)
    submitted = _submit_new(uow, actor, enrollment_fields(9))
    with pytest.raises(Frozen):
        enrollments.discard_draft(uow, actor, submitted.id)
    with uow:
        assert uow.audit.list(draft.id)[0].action == "enrollment.discard"


def test_a_pull_keeps_corrections_not_yet_resubmitted(
    uow: SqlUnitOfWork, actor: Actor, engine: Engine, enrollment_fields: Fields
) -> None:
    store = LocalStore(engine)
    submitted = _submit_new(uow, actor, enrollment_fields())
    [create] = store.pending_ops(10)
    store.mark_results([{"op_id": create["op_id"], "status": "applied", "entity_version": 1}])

    def sent_back(version: int, reason: str) -> dict[str, Any]:
        fields = dict(create["fields"], status="needs_correction", review_reason=reason)
        return {
            "entity": "enrollment",
            "entity_id": submitted.id,
            "version": version,
            "deleted": False,
            "server_seq": version,
            "fields": fields,
        }

    store.apply_pulled([sent_back(2, "Alamat kurang")], "c1")
    enrollments.save_draft(uow, actor, {"address": "Jl. Baru 1"}, submitted.id)
    store.apply_pulled([sent_back(3, "Alamat dan RT/RW kurang")], "c2")
    kept = enrollments.get(uow, submitted.id)
    assert kept.address == "Jl. Baru 1"
    assert kept.review_reason == "Alamat dan RT/RW kurang"
    assert kept.version == 3
    enrollments.submit(uow, actor, submitted.id, today=TODAY)
    [update] = store.pending_ops(10)
    assert update["base_version"] == 3
    assert update["fields"] == {"address": "Jl. Baru 1"}


def test_audit_entries_hold_no_personal_data(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Fields
) -> None:
    fields = enrollment_fields(12, full_name="Rahmawati Kusumadewi", declared_income=3_456_789)
    submitted = _submit_new(uow, actor, fields)
    with uow:
        entries = uow.audit.list(submitted.id)
    assert {e.action for e in entries} == {"enrollment.draft", "enrollment.submit"}
    text = repr([e.details for e in entries])
    for secret in (
        fields["nik"],
        "Rahmawati",
        "81234567890",
        "3456789",
        "34568",
        str(submitted.monthly_contribution),
    ):
        assert secret not in text


def test_opening_a_whole_enrollment_is_audited(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Fields
) -> None:
    """Who opened whose full record (NIK, income) is traceable: a breach must be reported
    within 3 x 24 hours, so access must be traceable (DOMAIN.md)."""
    submitted = _submit_new(uow, actor, enrollment_fields(13))
    supervisor = dataclasses.replace(actor, agent_code="SV001")
    opened = enrollments.open_record(uow, supervisor, submitted.id)
    assert opened.nik == submitted.nik
    with uow:
        [entry] = [e for e in uow.audit.list(submitted.id) if e.action == "enrollment.open"]
    assert (entry.actor, entry.entity, entry.entity_id) == ("SV001", "enrollment", submitted.id)
    assert entry.details == {}
    with pytest.raises(NotFound):
        enrollments.open_record(uow, actor, "no-such-id")
