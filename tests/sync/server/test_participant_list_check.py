"""The participant check of a list of NIKs (`/v1/participants/check-list`, an employer
registration's workers), on SQLite and PostgreSQL: one answer per NIK in order (enrollments'
and workers' NIKs alike), each NIK audited as a check (keyed hash, never the NIK), a bad NIK
refused by its place with nothing recorded, the NIKs counted toward a rate budget, and no NIK
in any log."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from employer_support import ENTITY, registration, worker
from srv_support import Laptop, World, business_fields, enrollment_fields, op

from sync.server import db
from sync.server.api.routes import participants as route


def _check(laptop: Laptop, niks: list[str]) -> Any:
    return laptop.client.post(
        "/v1/participants/check-list", json={"niks": niks}, headers=laptop.headers
    )


def _audit_rows(world: World) -> list[Any]:
    table = db.table(db.ParticipantCheck)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).order_by(table.c.id)).all()


def test_a_list_is_answered_in_order_and_each_nik_audited(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    a1, _, _ = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", branch="LLG")
    b1 = world.login("B1")
    enrolled = enrollment_fields(800)
    assert a1.push_one(op("enrollment", "create", None, enrolled))["status"] == "applied"
    biz = str(uuid.uuid4())
    assert a1.push_one(op("business", "create", biz, business_fields()))["status"] == "applied"
    reg = registration(biz, [worker(801), worker(802)])
    assert a1.push_one(op(ENTITY, "create", None, reg))["status"] == "applied"
    free = worker(803)["nik"]
    niks = [free, enrolled["nik"], worker(802)["nik"], free]
    answer = _check(b1, niks)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [(r["enrolled"], r["branch"]) for r in results] == [
        (False, None),
        (True, "PLG"),
        (True, "PLG"),
        (False, None),
    ]
    assert all(r["enrolled_on"] for r in results[1:3])
    # The single form still answers, for a worker too.
    assert b1.check_nik(worker(801)["nik"]).json()["enrolled"] is True
    rows = _audit_rows(world)
    assert [(r.agent_code, r.enrolled) for r in rows] == [
        ("B1", False),
        ("B1", True),
        ("B1", True),
        ("B1", False),
        ("B1", True),
    ]
    stored = " ".join(str(value) for row in rows for value in row)
    assert not any(nik in stored for nik in niks)
    assert not any(nik in caplog.text for nik in niks)
    assert free not in answer.text  # the NIKs are not repeated


def test_a_bad_nik_is_refused_by_its_place_and_nothing_recorded(world: World) -> None:
    a1, _, _ = world.standard()
    good = worker(810)["nik"]
    for niks, field in (
        ([good, "1234"], "niks[1]"),
        ([good, good + "\n"], "niks[1]"),
        (["１２３４５６７８９０１２３４５６", good], "niks[0]"),
    ):
        answer = _check(a1, niks)
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "invalid_nik"
        assert answer.json()["error"]["field"] == field
    for bad in ([], [good] * 501):
        assert _check(a1, bad).status_code == 400
    assert _audit_rows(world) == []


@pytest.mark.expect_warning_log(r"^server: participants/check: rate limit \(check-niks-agent\)")
def test_each_nik_counts_toward_the_budget(make_world: Any, rate_window: None) -> None:
    """With single checks limited to 3 per window per agent, the list's NIKs may number 30:
    a list of 25 passes, 6 more are refused (429) though the requests number only 2."""
    world = make_world(check_rate_per_agent=3)
    a1, _, _ = world.standard()
    assert route.LIST_BUDGET == 10
    niks = [worker(820 + i)["nik"] for i in range(31)]
    assert _check(a1, niks[:25]).status_code == 200
    refused = _check(a1, niks[25:])
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert len(_audit_rows(world)) == 25
