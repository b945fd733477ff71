"""Employer registrations on the laptop (issue 17): submit computes the contribution, refuses
bad input per field (a worker's by its line) and a worker already active here, writes the
registration, its op and its audit entry together or nothing; a correction goes out as an
update of what changed; reading it back; the form's live NIK flag."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from agent_app.domain import keys, validation
from agent_app.services import businesses, employers, enrollments
from agent_app.services.actor import Actor
from agent_app.services.errors import Frozen, NotFound, ValidationFailed
from agent_app.services.sync import participants
from agent_app.storage import tables
from agent_app.storage.uow import SqlUnitOfWork
from sync import client as sync_client
from sync import protocol
from tests.helpers.employers import registration_fields, worker_fields

ENTITY = keys.EMPLOYER_REGISTRATION


@pytest.fixture
def business_id(uow: SqlUnitOfWork, actor: Actor) -> str:
    return businesses.register_business(uow, actor, {"name": "Pempek Cek Sari"}).id


def ops(uow: SqlUnitOfWork) -> list[Any]:
    t = tables.OutboxOp
    with uow:
        return list(
            uow.session.execute(
                sa.select(t.kind, t.entity_id, t.base_version, t.fields)
                .where(t.entity == ENTITY)
                .order_by(t.op_seq)
            )
        )


def audit_actions(uow: SqlUnitOfWork) -> list[str]:
    with uow:
        return list(
            uow.session.scalars(
                sa.select(tables.AuditEntry.action).where(tables.AuditEntry.entity == ENTITY)
            )
        )


def count_rows(uow: SqlUnitOfWork) -> tuple[int, int]:
    with uow:
        regs = uow.session.scalar(
            sa.select(sa.func.count()).select_from(tables.EmployerRegistration)
        )
        lines = uow.session.scalar(sa.select(sa.func.count()).select_from(tables.EmployerWorkerNik))
        return int(regs or 0), int(lines or 0)


def test_submit_stores_the_registration_with_the_computed_contribution(
    uow: SqlUnitOfWork, actor: Actor, business_id: str
) -> None:
    registration_id = employers.submit(uow, actor, registration_fields(business_id))
    assert isinstance(registration_id, uuid.UUID)
    found = employers.get(uow, actor, registration_id)
    assert found.monthly_contribution == 49_140  # DOMAIN.md's worked example
    assert found.status is keys.EnrollmentStatus.SUBMITTED
    assert found.agent_code == "AG001" and found.sync_state == "pending"
    assert [w.monthly_wage for w in found.workers] == [2_500_000, 3_000_000, 3_600_000]
    assert found.recorded_at is not None and found.recorded_at.tzinfo is not None
    assert not found.editable
    assert employers.for_business(uow, actor, business_id) == [found]
    [op] = ops(uow)
    assert (op.kind, op.entity_id, op.base_version) == ("create", str(registration_id), None)
    assert op.fields["monthly_contribution"] == 49_140 and op.fields["status"] == "submitted"
    assert "agent_code" not in op.fields and "npp" not in op.fields
    # What goes out is what the server checks: valid as a whole, for this month.
    assert validation.validate_employer_registration(op.fields) == []
    assert audit_actions(uow) == ["employer_registration.submit"]
    assert count_rows(uow) == (1, 3)


def test_the_audit_entry_holds_no_wages_nor_niks(
    uow: SqlUnitOfWork, actor: Actor, business_id: str
) -> None:
    fields = registration_fields(business_id)
    employers.submit(uow, actor, fields)
    with uow:
        details = uow.session.scalar(
            sa.select(tables.AuditEntry.details).where(tables.AuditEntry.entity == ENTITY)
        )
    text = repr(details)
    assert "2500000" not in text and fields["workers"][0]["nik"] not in text
    assert details["workers"] == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"workers": []}, "workers"),
        ({"workers": [worker_fields(0, "2.500.000x")]}, "workers[0].monthly_wage"),
        ({"workers": [worker_fields(0), worker_fields(1, nik="123")]}, "workers[1].nik"),
        ({"npwp": None, "owner_nik": None}, "owner_nik"),
        ({"programs": ["JKM"]}, "programs"),
        ({"monthly_contribution": 1}, "monthly_contribution"),
        ({"status": "accepted"}, "status"),
        ({"npp": "123"}, "npp"),
        ({"owner_phone": "12"}, "owner_phone"),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_written(
    uow: SqlUnitOfWork, actor: Actor, business_id: str, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        employers.submit(uow, actor, registration_fields(business_id, **changes))
    assert field in caught.value.fields()
    assert count_rows(uow) == (0, 0) and ops(uow) == [] and audit_actions(uow) == []


def test_a_business_not_on_this_laptop_is_refused(uow: SqlUnitOfWork, actor: Actor) -> None:
    with pytest.raises(ValidationFailed) as caught:
        employers.submit(uow, actor, registration_fields(str(uuid.uuid4())))
    assert caught.value.fields() == ["business_id"]
    assert count_rows(uow) == (0, 0)


def test_a_wage_typed_with_thousands_separators_is_read_whole(
    uow: SqlUnitOfWork, actor: Actor, business_id: str
) -> None:
    fields = registration_fields(business_id, wages=(2_500_000,))
    fields["workers"][0]["monthly_wage"] = "Rp2.500.000"
    found = employers.get(uow, actor, employers.submit(uow, actor, fields))
    assert found.workers[0].monthly_wage == 2_500_000


def test_a_worker_enrolled_here_or_of_another_registration_is_refused_on_its_line(
    uow: SqlUnitOfWork, actor: Actor, business_id: str, enrollment_fields: Any
) -> None:
    first = employers.submit(uow, actor, registration_fields(business_id))
    other = businesses.register_business(uow, actor, {"name": "Toko Lain"}).id
    fields = registration_fields(other, wages=(3_000_000, 3_000_000), first=2)  # line 0 = a worker
    with pytest.raises(ValidationFailed) as caught:
        employers.submit(uow, actor, fields)
    [problem] = caught.value.problems
    assert (problem.field, problem.code) == ("workers[0].nik", "duplicate_nik")
    assert "Pempek Cek Sari" in problem.message_id and "Pempek Cek Sari" in problem.message_en
    # An enrolled NIK (BPU enrollment on this laptop) is refused the same way.
    enrolled = enrollment_fields(1)
    enrollments.submit_form(uow, actor, enrolled)
    fields = registration_fields(other, wages=(3_000_000,), first=10)
    fields["workers"][0].update(nik=enrolled["nik"], birth_date="1999-09-05", gender="F")
    with pytest.raises(ValidationFailed) as caught:
        employers.submit(uow, actor, fields)
    assert caught.value.fields() == ["workers[0].nik"]
    conflicts = employers.local_nik_conflicts(
        uow, actor, [enrolled["nik"], worker_fields(0)["nik"], worker_fields(99)["nik"]]
    )
    assert set(conflicts) == {enrolled["nik"], worker_fields(0)["nik"]}
    assert "Pempek Cek Sari" in conflicts[worker_fields(0)["nik"]].en
    # Its own registration's workers are not a conflict for it (a correction).
    assert (
        employers.local_nik_conflicts(uow, actor, [worker_fields(0)["nik"]], registration_id=first)
        == {}
    )


def test_a_submitted_registration_is_frozen_and_an_unknown_one_not_found(
    uow: SqlUnitOfWork, actor: Actor, business_id: str
) -> None:
    registration_id = employers.submit(uow, actor, registration_fields(business_id))
    with pytest.raises(Frozen):
        employers.submit(
            uow, actor, registration_fields(business_id), registration_id=registration_id
        )
    with pytest.raises(NotFound):
        employers.get(uow, actor, uuid.uuid4())


def _send_back(uow: SqlUnitOfWork, registration_id: uuid.UUID, fields: dict[str, Any]) -> None:
    """As a pull would: the server's version 2, sent back, its fields confirmed."""
    with uow:
        row = uow.session.get(tables.EmployerRegistration, str(registration_id))
        assert row is not None
        row.status = "needs_correction"
        row.review_reason = "Upah pekerja 2 salah"
        row.version = 2
        row.sync_state = "synced"
        row.confirmed_fields = fields
        uow.commit()


def test_a_correction_goes_out_as_an_update_of_what_changed(
    uow: SqlUnitOfWork, actor: Actor, business_id: str
) -> None:
    fields = registration_fields(business_id)
    registration_id = employers.submit(uow, actor, fields)
    [create] = ops(uow)
    _send_back(uow, registration_id, {**create.fields, "status": "needs_correction"})
    assert employers.get(uow, actor, registration_id).editable
    with pytest.raises(ValidationFailed) as caught:
        employers.submit(uow, actor, fields, registration_id=registration_id)
    assert caught.value.problems[0].code == "unchanged"
    fields["workers"][1]["monthly_wage"] = 3_100_000
    assert employers.submit(uow, actor, fields, registration_id=registration_id) == registration_id
    update = ops(uow)[-1]
    assert (update.kind, update.base_version) == ("update", 2)
    assert set(update.fields) == {"workers", "monthly_contribution"}
    found = employers.get(uow, actor, registration_id)
    assert found.status is keys.EnrollmentStatus.SUBMITTED and found.version == 2
    assert found.workers[1].monthly_wage == 3_100_000


def test_a_refused_create_is_editable_and_goes_again_as_a_create(
    uow: SqlUnitOfWork, actor: Actor, business_id: str
) -> None:
    fields = registration_fields(business_id)
    registration_id = employers.submit(uow, actor, fields)
    with uow:
        uow.session.execute(
            sa.update(tables.OutboxOp).values(status="rejected", error_code="duplicate_nik")
        )
        uow.session.execute(sa.update(tables.EmployerRegistration).values(sync_state="rejected"))
        uow.commit()
    assert employers.get(uow, actor, registration_id).editable
    fields["workers"].pop()
    employers.submit(uow, actor, fields, registration_id=registration_id)
    again = ops(uow)[-1]
    assert again.kind == "create" and len(again.fields["workers"]) == 2
    assert count_rows(uow) == (1, 2)  # the NIK index follows the lines


class _FakeClient:
    """The sync client's participant checks: the list (or a 404 like an older server), one
    NIK at a time, or no answer from `fail_after` calls on."""

    def __init__(self, *, has_list: bool = True, fail_after: int | None = None) -> None:
        self.has_list = has_list
        self.fail_after = fail_after
        self.calls: list[tuple[str, int]] = []
        self.logged_in = True
        self.session = type("S", (), {"close": lambda self: None})()

    def _call(self, name: str, count: int) -> None:
        if self.fail_after is not None and len(self.calls) >= self.fail_after:
            raise sync_client.SyncError("network", "timeout", "no answer")
        self.calls.append((name, count))

    def _one(self, nik: str) -> Any:
        enrolled = nik.endswith("1")
        return protocol.ParticipantCheckResponse(
            enrolled=enrolled, branch="PLG" if enrolled else None
        )

    def check_participant_list(self, niks: list[str]) -> list[Any]:
        if not self.has_list:
            raise sync_client.SyncError("protocol", "not_found", "no such path", 404)
        self._call("list", len(niks))
        return [self._one(nik) for nik in niks]

    def check_participant(self, nik: str) -> Any:
        self._call("one", 1)
        return self._one(nik)


def _check(
    monkeypatch: pytest.MonkeyPatch, uow: SqlUnitOfWork, actor: Actor, client: Any, niks: Any
) -> dict[str, participants.ParticipantCheck]:
    monkeypatch.setattr(participants, "client_for", lambda *_a, **_k: client)
    return participants.check_participants(lambda: uow, actor, "https://x", niks)


def test_the_server_check_of_many_niks_asks_once_with_the_list(
    uow: SqlUnitOfWork, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    niks = [worker_fields(i)["nik"] for i in range(600)]
    client = _FakeClient()
    found = _check(monkeypatch, uow, actor, client, [*niks, niks[0], "123"])
    assert client.calls == [("list", 500), ("list", 100)]  # the server's most per call
    assert found["123"].reason == "invalid_nik"  # never sent: it would refuse the list
    assert all(found[n].enrolled is n.endswith("1") for n in niks)
    enrolled = next(n for n in niks if n.endswith("1"))
    assert found[enrolled].branch == "PLG"


def test_an_older_server_is_asked_one_nik_at_a_time_and_a_silent_one_not_waited_for(
    uow: SqlUnitOfWork, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    niks = [worker_fields(i)["nik"] for i in range(5)]
    older = _FakeClient(has_list=False)
    found = _check(monkeypatch, uow, actor, older, niks)
    assert older.calls == [("one", 1)] * 5
    assert [found[n].state for n in niks] == [
        "enrolled" if n.endswith("1") else "not_enrolled" for n in niks
    ]
    silent = _FakeClient(has_list=False, fail_after=2)
    found = _check(monkeypatch, uow, actor, silent, niks)
    assert len(silent.calls) == 2  # none after the server stopped answering
    assert [found[n].state for n in niks[2:]] == ["unknown"] * 3
    assert found[niks[4]].reason == "timeout"
    assert participants.check_participants(lambda: uow, actor, None, niks)[niks[0]].reason == (
        "no_server"
    )


def test_the_owner_is_enrolled_as_bpu_from_the_registrations_fields(
    uow: SqlUnitOfWork, actor: Actor, business_id: str, enrollment_fields: Any
) -> None:
    registration = registration_fields(business_id)
    prefill = employers.owner_enrollment_prefill(registration)
    assert prefill == {
        "nik": registration["owner_nik"],
        "full_name": "Ibu Sari",
        "phone": "+6281234567890",
        "business_id": business_id,
        "region_code": "16.71.03",
        "birth_date": "1975-03-14",
        "gender": "M",
    }
    fields = {**enrollment_fields(1), **prefill}
    owner = enrollments.submit_form(uow, actor, fields)
    assert owner.business_id == business_id and owner.nik == registration["owner_nik"]
    # The owner is not one of the workers: the registration still goes through.
    employers.submit(uow, actor, registration)
    assert employers.owner_enrollment_prefill({"owner_nik": "123"}) == {"nik": "123"}


def test_a_worker_of_a_registration_here_is_not_enrolled_again_as_bpu(
    uow: SqlUnitOfWork, actor: Actor, business_id: str, enrollment_fields: Any
) -> None:
    fields = registration_fields(business_id, wages=(3_000_000,))
    worker = fields["workers"][0]
    worker.update(nik=enrollment_fields(3)["nik"], birth_date="1999-09-05", gender="F")
    employers.submit(uow, actor, fields)
    with pytest.raises(ValidationFailed) as caught:
        enrollments.submit_form(uow, actor, enrollment_fields(3))
    [problem] = caught.value.problems
    assert (problem.field, problem.code) == ("nik", "duplicate_nik")
    assert "Pempek Cek Sari" in problem.message_en
    assert enrollments.count(uow) == 0  # nothing half-saved
