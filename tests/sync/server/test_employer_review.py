"""The review and counting of employer registrations (PU) on the server, on SQLite and
PostgreSQL: the administration API's `/v1/admin/employer-registrations` (agents 403, another
branch's supervisor 404 for every route, accept only with an NPP, send back only with a
reason, nothing written when refused), the command line's `review-employer`, and the
employers target: accepted registrations received inside the target's period (the branch's
days), the submitted ones apart, sent-back and erased ones in neither."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from employer_records import owner_nik, record_fields, register, worker
from employer_support import ENTITY, registration
from employer_support import worker as pushed_worker
from srv_support import Laptop, World, business_fields, enrollment_fields, op

from sync.server import admin, db
from sync.server.__main__ import main
from sync.server.admin import coverage, review, targets

API = "/v1/admin/employer-registrations"
WIB = dt.timezone(dt.timedelta(hours=7))


def setup_branches(world: World) -> dict[str, Laptop]:
    """PLG (agents A1, A2, supervisor S1), LLG (agent B1, supervisor S2), admin N1."""
    a1, _a2, s1 = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("S2", "LLG", role="supervisor")
    world.agent("N1", "PLG", role="admin")
    return {"A1": a1, "S1": s1, **{code: world.login(code) for code in ("S2", "N1")}}


def version_of(world: World, entity_id: str) -> int:
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(table.c.version).where(table.c.entity_id == entity_id)
            ).scalar_one()
        )


def trail(world: World, action: str) -> list[Any]:
    table = db.table(db.AdminAudit)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.action == action)).all()


def test_agents_get_403_and_another_branch_404_on_every_route(world: World) -> None:
    people = setup_branches(world)
    entity_id = register(world, "PLG", "A1", 1)
    calls = [
        ("get", API, None),
        ("get", f"{API}/{entity_id}", None),
        ("post", f"{API}/{entity_id}/accept", {"npp": "16001234"}),
        ("post", f"{API}/{entity_id}/send-back", {"reason": "incomplete", "note": ""}),
    ]
    for method, url, body in calls:
        answer = world.client.request(method, url, json=body, headers=people["A1"].headers)
        assert answer.status_code == 403, (url, answer.text)
    for method, url, body in calls[1:]:
        answer = world.client.request(method, url, json=body, headers=people["S2"].headers)
        assert answer.status_code == 404, (url, answer.text)
        assert owner_nik(1) not in answer.text
    listed = world.client.get(API, headers=people["S2"].headers).json()
    assert listed["items"] == []
    assert record_fields(world, entity_id)["status"] == "submitted"
    assert version_of(world, entity_id) == 1 and trail(world, "review-employer") == []
    # An employer registration is not an enrollment, whatever the URL.
    enrollments = f"/v1/admin/enrollments/{entity_id}"
    assert world.client.get(enrollments, headers=people["S1"].headers).status_code == 404


def test_the_detail_masks_every_nik_and_carries_the_quote(world: World) -> None:
    people = setup_branches(world)
    entity_id = register(world, "PLG", "A1", 1, workers=200)
    answer = world.client.get(f"{API}/{entity_id}", headers=people["S1"].headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["kind"] == "employer" and body["full_name"] == "Pempek Cek Molek"
    assert len(body["workers"]) == 200 and body["workers_count"] == 200
    assert owner_nik(1) not in answer.text
    assert all(worker(1000 + n)["nik"] not in answer.text for n in range(200))
    quote = body["quote"]
    assert quote["total"] == quote["employer_total"] + quote["worker_total"]
    assert quote["total"] == body["fields"]["monthly_contribution"]
    listed = world.client.get(API, headers=people["S1"].headers).json()["items"]
    assert [item["id"] for item in listed] == [entity_id]


def test_accept_needs_an_npp_and_send_back_a_reason(world: World) -> None:
    people = setup_branches(world)
    entity_id = register(world, "PLG", "A1", 1)
    s1 = people["S1"].headers
    for body in ({"npp": ""}, {"npp": "x"}, {"npp": "16 001"}):
        refused = world.client.post(f"{API}/{entity_id}/accept", json=body, headers=s1)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["field"] == "npp"
    for body in ({"reason": "", "note": ""}, {"reason": "other", "note": "  "}):
        refused = world.client.post(f"{API}/{entity_id}/send-back", json=body, headers=s1)
        assert refused.status_code == 422, refused.text
    assert version_of(world, entity_id) == 1 and trail(world, "review-employer") == []
    done = world.client.post(f"{API}/{entity_id}/accept", json={"npp": "16001234"}, headers=s1)
    assert done.json() == {"id": entity_id, "status": "accepted", "version": 2}
    fields = record_fields(world, entity_id)
    assert (fields["status"], fields["npp"]) == ("accepted", "16001234")
    again = world.client.post(f"{API}/{entity_id}/accept", json={"npp": "16009999"}, headers=s1)
    assert again.status_code == 409
    rows = trail(world, "review-employer")
    assert [(r.operator, r.target) for r in rows] == [("S1", entity_id)]


def run(world: World, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", world.settings.database_url)
    monkeypatch.setenv("PERISAI_ATTACHMENTS_DIR", world.settings.attachments_dir)
    try:
        return main(["review-employer", *args])
    except SystemExit as error:  # argparse refusing an argument
        return int(error.code or 0)


def test_the_command_line_reviews_an_employer(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_branches(world)
    first, second = register(world, "PLG", "A1", 1), register(world, "PLG", "A1", 2)
    assert run(world, monkeypatch, first, "--status", "accepted") == 2
    assert "NPP" in capsys.readouterr().err
    assert run(world, monkeypatch, first, "--status", "needs_correction") == 2
    assert "note" in capsys.readouterr().err
    assert version_of(world, first) == 1
    assert run(world, monkeypatch, first, "--status", "accepted", "--npp", "16001234") == 0
    assert "accepted" in capsys.readouterr().out
    assert record_fields(world, first)["npp"] == "16001234"
    back = ("--status", "needs_correction", "--reason", "Slip gaji pekerja 2 belum ada")
    assert run(world, monkeypatch, second, *back) == 0
    fields = record_fields(world, second)
    assert fields["status"] == "needs_correction" and fields["review_reason_code"] == "other"
    assert fields["review_reason"].endswith("Slip gaji pekerja 2 belum ada")


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of the branch's day (WIB), as the server stores it."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WIB).astimezone(dt.UTC)


def test_the_employers_target_counts_accepted_registrations_in_its_period(
    world: World,
) -> None:
    people = setup_branches(world)
    first, last = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    data = targets.TargetInput("branch", "PLG", "employers", 5, str(first), str(last))
    target = targets.set_target(world.engine, data)
    agent_data = targets.TargetInput("agent", "A1", "employers", 2, str(first), str(last))
    targets.set_target(world.engine, agent_data)
    inside = [
        register(world, "PLG", "A1", 1, received=_at(first, 0, 0)),
        register(world, "PLG", "A2", 2, received=_at(dt.date(2026, 11, 15), 9)),
        register(world, "PLG", "A1", 3, received=_at(last, 23, 59)),
    ]
    outside = [
        register(world, "PLG", "A1", 4, received=_at(dt.date(2026, 10, 31), 23, 59)),
        register(world, "PLG", "A1", 5, received=_at(dt.date(2026, 12, 1), 0, 0)),
    ]
    waiting = register(world, "PLG", "A1", 6, received=_at(dt.date(2026, 11, 20), 10))
    sent_back = register(world, "PLG", "A1", 7, received=_at(dt.date(2026, 11, 21), 10))
    erased = register(world, "PLG", "A1", 8, received=_at(dt.date(2026, 11, 22), 10))
    elsewhere = register(world, "LLG", "B1", 9, received=_at(dt.date(2026, 11, 22), 10))
    admin = review.Reviewer("N1")
    for n, entity_id in enumerate([*inside, *outside, erased, elsewhere]):
        review.accept(world.engine, entity_id, f"1600{n:04d}", admin, (review.EMPLOYER,))
    review.send_back(world.engine, sent_back, "incomplete", "", admin, (review.EMPLOYER,))
    table = db.table(db.Record)
    with world.engine.begin() as conn:  # erased: a tombstone, as the erasure leaves it
        conn.execute(
            table.update().where(table.c.entity_id == erased).values(deleted=True, fields={})
        )
    lines = {
        line.scope: line
        for line in coverage.coverage(world.engine, coverage.CoverageFilter("PLG"), admin)
    }
    assert lines["branch"].target_id == target["id"]
    assert (lines["branch"].done, lines["branch"].waiting) == (3, 1)
    assert (lines["agent"].done, lines["agent"].waiting) == (2, 1)
    assert waiting not in inside
    answer = world.client.get("/v1/admin/coverage", headers=people["S1"].headers).json()
    branch_line = next(i for i in answer["items"] if i["scope"] == "branch")
    assert (branch_line["done"], branch_line["waiting"], branch_line["percent"]) == (3, 1, 60.0)


def test_a_pushed_registration_s_review_reaches_its_laptop(world: World) -> None:
    people = setup_branches(world)
    a1, s1 = people["A1"], people["S1"].headers
    business = str(uuid.uuid4())
    assert a1.push_one(op("business", "create", business, business_fields()))["status"] == (
        "applied"
    )
    accepted, sent_back = str(uuid.uuid4()), str(uuid.uuid4())
    for entity_id, first in ((accepted, 700), (sent_back, 710)):
        lines = [pushed_worker(first + i) for i in range(3)]
        fields = registration(business, lines, owner_nik=pushed_worker(first + 9)["nik"])
        result = a1.push_one(op(ENTITY, "create", entity_id, fields))
        assert result["status"] == "applied", result
    listed = world.client.get(API, headers=s1).json()["items"]
    assert {item["id"] for item in listed} == {accepted, sent_back}
    assert {item["full_name"] for item in listed} == {business_fields()["name"]}
    done = world.client.post(f"{API}/{accepted}/accept", json={"npp": "16001234"}, headers=s1)
    assert done.status_code == 200, done.text
    back = {"reason": "data_mismatch", "note": "Tanggal lahir pekerja 2 beda dengan KTP."}
    sent = world.client.post(f"{API}/{sent_back}/send-back", json=back, headers=s1)
    assert sent.status_code == 200, sent.text
    pulled = {c["entity_id"]: c for c in a1.pull_all()[0]}
    assert pulled[accepted]["fields"]["status"] == "accepted"
    assert pulled[accepted]["fields"]["npp"] == "16001234"
    assert pulled[accepted]["version"] == 2
    returned = pulled[sent_back]["fields"]
    assert (returned["status"], returned["review_reason_code"]) == (
        "needs_correction",
        "data_mismatch",
    )
    assert returned["review_reason"].endswith("Tanggal lahir pekerja 2 beda dengan KTP.")


def test_an_erased_registration_frees_its_workers_and_leaves_no_nik(world: World) -> None:
    people = setup_branches(world)
    a1 = people["A1"]
    business = str(uuid.uuid4())
    assert a1.push_one(op("business", "create", business, business_fields()))["status"] == (
        "applied"
    )
    entity_id = str(uuid.uuid4())
    lines = [pushed_worker(720 + i) for i in range(3)]
    fields = registration(business, lines, owner_nik=pushed_worker(729)["nik"])
    assert a1.push_one(op(ENTITY, "create", entity_id, fields))["status"] == "applied"
    taken = a1.push_one(op("enrollment", "create", str(uuid.uuid4()), enrollment_fields(721)))
    assert taken["status"] == "conflict"  # a worker of the registration: already a participant
    _, cursor = a1.pull_all()
    said = admin.erase_enrollment(world.engine, entity_id)
    assert said.startswith(f"erased employer registration {entity_id}")
    with world.engine.connect() as conn:
        dumped = "\n".join(
            str(tuple(row))
            for model in (db.Record, db.ActiveNik, db.Ledger)
            for row in conn.execute(sa.select(db.table(model)))
        )
    assert all(line["nik"] not in dumped for line in lines) and fields["owner_nik"] not in dumped
    [tombstone] = [c for c in a1.pull_all(cursor=cursor)[0] if c["entity_id"] == entity_id]
    assert tombstone["deleted"] is True and tombstone["fields"] == {}
    again = a1.push_one(op("enrollment", "create", str(uuid.uuid4()), enrollment_fields(721)))
    assert again["status"] == "applied", again
    assert world.client.get(f"{API}/{entity_id}", headers=people["S1"].headers).status_code == 404
