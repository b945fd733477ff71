"""The workers of an employer (PU) registration in the unique-NIK guard (issue 17 item 4), on
SQLite and PostgreSQL: a worker cannot be a second active participant anywhere (a BPU
enrollment's NIK, another registration's worker, in any branch), an enrollment of an active
worker's NIK is refused, and a deleted registration or a worker taken off its list frees the
NIK. The participant check answers for workers too."""

from __future__ import annotations

import uuid
from typing import Any

from employer_support import ENTITY, registration, worker
from srv_support import Laptop, World, business_fields, enrollment_fields, op


def _business(laptop: Laptop) -> str:
    biz = str(uuid.uuid4())
    assert laptop.push_one(op("business", "create", biz, business_fields()))["status"] == "applied"
    return biz


def _answer(result: dict[str, Any]) -> tuple[str, str | None, str | None]:
    error = result["error"] or {}
    return result["status"], error.get("code"), error.get("field")


def _two_branches(world: World) -> tuple[Laptop, Laptop]:
    world.branch()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("A1")
    world.agent("B1", branch="LLG")
    return world.login("A1"), world.login("B1")


def test_a_worker_cannot_be_a_second_participant_anywhere(world: World) -> None:
    a1, b1 = _two_branches(world)
    biz_a, biz_b = _business(a1), _business(b1)
    # A BPU participant in Palembang (NIK of 700) cannot be a worker in Lubuklinggau.
    assert a1.push_one(op("enrollment", "create", None, enrollment_fields(700)))["status"] == (
        "applied"
    )
    lines = [worker(701), worker(700), worker(702)]
    clash = b1.push_one(op(ENTITY, "create", str(uuid.uuid4()), registration(biz_b, lines)))
    assert _answer(clash) == ("conflict", "nik_already_enrolled", "workers[1].nik")
    assert clash["current"]["branch"] == "PLG"
    assert set(clash["current"]) == {"branch", "enrolled_on"}
    # Nothing of the refused registration holds a NIK: its other workers are free.
    assert not b1.check_nik(worker(701)["nik"]).json()["enrolled"]
    # Registered in Palembang, a worker is not a worker of another registration elsewhere...
    reg = str(uuid.uuid4())
    mine = registration(biz_a, [worker(710), worker(711)])
    assert a1.push_one(op(ENTITY, "create", reg, mine))["status"] == "applied"
    other = registration(biz_b, [worker(712), worker(711)])
    clash = b1.push_one(op(ENTITY, "create", str(uuid.uuid4()), other))
    assert _answer(clash) == ("conflict", "nik_already_enrolled", "workers[1].nik")
    # ...nor a BPU participant (in any branch).
    clash = b1.push_one(op("enrollment", "create", None, enrollment_fields(710)))
    assert _answer(clash) == ("conflict", "nik_already_enrolled", "nik")
    # The participant check answers for a worker, as for an enrolled NIK.
    found = b1.check_nik(worker(710)["nik"]).json()
    assert (found["enrolled"], found["branch"]) == (True, "PLG")
    # The same registration sent again holds its NIKs: a duplicate, not a conflict.
    assert a1.push_one(op(ENTITY, "create", reg, mine))["status"] == "duplicate"


def test_a_worker_taken_off_the_list_or_a_deleted_registration_frees_the_nik(
    world: World,
) -> None:
    a1, b1 = _two_branches(world)
    biz_a = _business(a1)
    reg = str(uuid.uuid4())
    fields = registration(biz_a, [worker(720), worker(721)])
    assert a1.push_one(op(ENTITY, "create", reg, fields))["status"] == "applied"
    # Worker 721 replaced by 722: 721 is free, 722 taken.
    lines = [worker(720), worker(722)]
    update = {
        "workers": lines,
        "monthly_contribution": registration(biz_a, lines)["monthly_contribution"],
    }
    assert a1.push_one(op(ENTITY, "update", reg, update, base_version=1))["status"] == "applied"
    assert not b1.check_nik(worker(721)["nik"]).json()["enrolled"]
    assert b1.check_nik(worker(722)["nik"]).json()["enrolled"]
    assert b1.push_one(op("enrollment", "create", None, enrollment_fields(721)))["status"] == (
        "applied"
    )
    # An update that would take an enrolled NIK is refused whole: the list stays as it was.
    taken = [worker(720), worker(722), worker(721)]
    update = {
        "workers": taken,
        "monthly_contribution": registration(biz_a, taken)["monthly_contribution"],
    }
    clash = a1.push_one(op(ENTITY, "update", reg, update, base_version=2))
    assert _answer(clash) == ("conflict", "nik_already_enrolled", "workers[2].nik")
    assert b1.check_nik(worker(722)["nik"]).json()["enrolled"]
    # Deleted, it frees every worker.
    assert a1.push_one(op(ENTITY, "delete", reg))["status"] == "applied"
    for i in (720, 722):
        assert not b1.check_nik(worker(i)["nik"]).json()["enrolled"]
    assert b1.push_one(op("enrollment", "create", None, enrollment_fields(720)))["status"] == (
        "applied"
    )


def test_two_registrations_in_one_batch_cannot_share_a_worker(world: World) -> None:
    a1, _ = _two_branches(world)
    biz = _business(a1)
    first = registration(biz, [worker(730), worker(731)])
    second = registration(biz, [worker(732), worker(730)])
    results = a1.push(
        op(ENTITY, "create", str(uuid.uuid4()), first),
        op(ENTITY, "create", str(uuid.uuid4()), second),
    )
    assert [_answer(r) for r in results] == [
        ("applied", None, None),
        ("conflict", "nik_already_enrolled", "workers[1].nik"),
    ]
