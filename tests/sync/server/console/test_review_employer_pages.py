"""The console's review of employer registrations (PU), on SQLite and PostgreSQL: in the same
queue as the enrollments, marked as employers, behind the same branch wall; the detail with the
business, the owner's and every worker's NIK masked and the quote; accept only with an NPP (the
message beside its field, nothing saved), send back only with a reason; both set the protected
fields with a new version and leave a trail row without NIKs."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from conftest import Console
from employer_records import owner_nik, record_fields, register, worker
from srv_support import World, enrollment_fields, op

from agent_app.domain import clock
from sync.server import db
from sync.server.admin import review, targets


def _setup(world: World) -> None:
    world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("S2", "LLG", role="supervisor")
    world.agent("N1", "PLG", role="admin")


def _record(world: World, entity_id: str) -> Any:
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.entity_id == entity_id)).one()


def _trail(world: World, action: str) -> list[Any]:
    table = db.table(db.AdminAudit)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.action == action)).all()


def test_the_queue_holds_employer_registrations_marked_and_walled(
    world: World, console: Any
) -> None:
    _setup(world)
    mine = register(world, "PLG", "A1", 1, name="Pempek Cek Molek")
    theirs = register(world, "LLG", "B1", 2, name="Songket Wak Jaya")
    page = console("S1").get("/console/review").text
    assert mine in page and theirs not in page
    assert "Pemberi kerja" in page and "Pempek Cek Molek" in page
    assert owner_nik(1) not in page and owner_nik(1)[:4] + "*" * 8 in page
    english = console("S1", lang="en").get("/console/review").text
    assert "Employer" in english
    assert theirs in console("N1").get("/console/review", branch="LLG").text
    agent_filter = console("S1").get("/console/review", agent="A2").text
    assert mine not in agent_filter
    laptop = world.login("A1")
    enrollment = str(uuid.uuid4())
    assert laptop.push_one(op("enrollment", "create", enrollment, enrollment_fields(3)))[
        "status"
    ] == ("applied")
    both = console("S1").get("/console/review").text
    assert mine in both and enrollment in both
    employers = console("S1").get("/console/review", kind="employer").text
    assert mine in employers and enrollment not in employers
    workers = console("S1").get("/console/review", kind="enrollment").text
    assert mine not in workers and enrollment in workers


def test_the_detail_shows_the_business_workers_masked_and_the_quote(
    world: World, console: Any
) -> None:
    _setup(world)
    entity_id = register(world, "PLG", "A1", 1, workers=200)
    page = console("S1").get(f"/console/review/{entity_id}")
    assert page.status_code == 200
    text = page.text
    assert "Pempek Cek Molek" in text and "Ibu Pemilik 1" in text
    assert "Mikro" in text and "I (diusulkan dari sektor)" in text
    assert "Pekerja Contoh 1001" in text and "Pekerja Contoh 1200" in text
    for n in (0, 57, 199):
        assert worker(1000 + n)["nik"] not in text
    assert owner_nik(1) not in text
    assert 'name="npp"' in text and "Dibayar pemberi kerja" in text
    assert console("S2").get(f"/console/review/{entity_id}").status_code == 404


def test_accept_needs_the_npp_then_sets_it_with_a_new_version(world: World, console: Any) -> None:
    _setup(world)
    entity_id = register(world, "PLG", "A1", 1)
    s1: Console = console("S1")
    refused = s1.post(f"/console/review/{entity_id}/accept", {"kind": "employer", "npp": ""})
    assert refused.status_code == 422
    assert 'id="error-npp"' in refused.text and "NPP" in refused.text
    assert record_fields(world, entity_id)["status"] == "submitted"
    assert _record(world, entity_id).version == 1
    done = s1.post(f"/console/review/{entity_id}/accept", {"kind": "employer", "npp": "16001234"})
    assert done.status_code == 303
    row = _record(world, entity_id)
    assert row.version == 2 and row.fields["status"] == "accepted"
    assert row.fields["npp"] == "16001234"
    assert row.field_versions["npp"] == [2, "central"]
    assert row.field_versions["status"] == [2, "central"]
    trail = _trail(world, "review-employer")
    assert len(trail) == 1 and trail[0].operator == "S1"
    assert owner_nik(1) not in str(tuple(trail[0])) and worker(1000)["nik"] not in str(
        tuple(trail[0])
    )


def test_send_back_needs_a_reason_and_another_branch_cannot_decide(
    world: World, console: Any
) -> None:
    _setup(world)
    entity_id = register(world, "PLG", "A1", 1)
    s2: Console = console("S2")
    for path, data in (
        (f"/console/review/{entity_id}/accept", {"kind": "employer", "npp": "16001234"}),
        (f"/console/review/{entity_id}/send-back", {"reason": "incomplete", "note": ""}),
        ("/console/review/accept", {"ids": entity_id, f"number:{entity_id}": "16001234"}),
    ):
        assert s2.post(path, data).status_code == 404, path
    assert _record(world, entity_id).version == 1
    s1: Console = console("S1")
    refused = s1.post(f"/console/review/{entity_id}/send-back", {"reason": "", "note": ""})
    assert refused.status_code == 422 and 'id="error-reason"' in refused.text
    other = s1.post(f"/console/review/{entity_id}/send-back", {"reason": "other", "note": " "})
    assert other.status_code == 422 and 'id="error-note"' in other.text
    assert _record(world, entity_id).version == 1
    sent = s1.post(
        f"/console/review/{entity_id}/send-back",
        {"kind": "employer", "reason": "incomplete", "note": "Upah pekerja 2 belum ada slip."},
    )
    assert sent.status_code == 303
    fields = record_fields(world, entity_id)
    assert fields["status"] == "needs_correction"
    assert fields["review_reason_code"] == "incomplete"
    assert fields["review_reason"].endswith("Upah pekerja 2 belum ada slip.")


def test_coverage_and_targets_show_accepted_employers_and_the_waiting_apart(
    world: World, console: Any
) -> None:
    _setup(world)
    today = clock.today("Asia/Jakarta")
    data = targets.TargetInput("branch", "PLG", "employers", 4, str(today), str(today))
    targets.set_target(world.engine, data)
    accepted = register(world, "PLG", "A1", 1)
    register(world, "PLG", "A1", 2)
    register(world, "PLG", "A1", 3)
    review.accept(world.engine, accepted, "16001234", review.Reviewer("S1"), review.REVIEWED)
    page = console("S1").get("/console/coverage").text
    assert "Pemberi kerja diterima" in page and "Menunggu pemeriksaan" in page
    assert "1 / 4 (25%) · 2 menunggu" in page
    goals = console("S1").get("/console/targets").text
    assert "+2 menunggu pemeriksaan" in goals
    english = console("S1", lang="en").get("/console/coverage").text
    assert "Employers accepted" in english and "2 waiting" in english
