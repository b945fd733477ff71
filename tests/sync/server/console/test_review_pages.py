"""The console's review pages on SQLite and PostgreSQL: the branch's queue with masked NIKs,
the branch wall (another branch's enrollment is a 404 page, whatever the URL or the form), the
audited "show NIK", accept / send back / accept several with messages beside the fields and
nothing half-saved, and the laptop's pull of the decision."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from conftest import Console
from srv_support import Laptop, World, enrollment_fields, op

from sync.server import db


def _setup(world: World) -> dict[str, Laptop]:
    a1, a2, _s1 = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("S2", "LLG", role="supervisor")
    world.agent("N1", "PLG", role="admin")
    return {"A1": a1, "A2": a2, "B1": world.login("B1")}


def _enroll(laptop: Laptop, i: int) -> str:
    entity_id = str(uuid.uuid4())
    result = laptop.push_one(op("enrollment", "create", entity_id, enrollment_fields(i)))
    assert result["status"] == "applied", result
    return entity_id


def _fields(world: World, entity_id: str) -> dict[str, Any]:
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        found: dict[str, Any] = conn.execute(
            sa.select(table.c.fields).where(table.c.entity_id == entity_id)
        ).scalar_one()
    return found


def _trail(world: World, action: str) -> list[Any]:
    table = db.table(db.AdminAudit)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.action == action)).all()


def test_the_queue_shows_the_branch_only_with_masked_niks(world: World, console: Any) -> None:
    laptops = _setup(world)
    mine = _enroll(laptops["A1"], 1)
    theirs = _enroll(laptops["B1"], 2)
    nik = enrollment_fields(1)["nik"]
    page = console("S1").get("/console/review").text
    assert mine in page and theirs not in page
    assert nik not in page and nik[:4] + "*" * 8 + nik[-4:] in page
    everything = console("N1").get("/console/review").text
    assert mine in everything and theirs in everything
    only_llg = console("N1").get("/console/review", branch="LLG").text
    assert theirs in only_llg and mine not in only_llg


def test_another_branchs_enrollment_is_not_found_by_url_or_by_form(
    world: World, console: Any
) -> None:
    laptops = _setup(world)
    theirs = _enroll(laptops["B1"], 2)
    s1: Console = console("S1")
    assert s1.get(f"/console/review/{theirs}").status_code == 404
    assert s1.get(f"/console/review/{uuid.uuid4()}").status_code == 404
    for path, data in (
        (f"/console/review/{theirs}/reveal-nik", {}),
        (f"/console/review/{theirs}/accept", {"membership_number": "16071234567"}),
        (f"/console/review/{theirs}/send-back", {"reason": "incomplete", "note": ""}),
        ("/console/review/accept", {"ids": theirs, f"number:{theirs}": "16071234567"}),
    ):
        answer = s1.post(path, data)
        assert answer.status_code == 404, (path, answer.status_code)
        assert "Tidak ditemukan" in answer.text and enrollment_fields(2)["nik"] not in answer.text
    assert _fields(world, theirs)["status"] == "submitted"
    assert _trail(world, "reveal-nik") == []
    assert console("S2").get(f"/console/review/{theirs}").status_code == 200


def test_show_nik_shows_it_once_and_the_trail_records_who(world: World, console: Any) -> None:
    laptops = _setup(world)
    mine = _enroll(laptops["A1"], 1)
    nik = enrollment_fields(1)["nik"]
    s1: Console = console("S1")
    detail = s1.get(f"/console/review/{mine}")
    assert nik not in detail.text and "Tampilkan NIK" in detail.text
    shown = s1.post(f"/console/review/{mine}/reveal-nik")
    assert shown.status_code == 200 and nik in shown.text
    rows = _trail(world, "reveal-nik")
    assert [(row.operator, row.target) for row in rows] == [("S1", mine)]
    assert nik not in s1.get(f"/console/review/{mine}").text


def test_accept_with_a_bad_number_keeps_what_was_typed_and_changes_nothing(
    world: World, console: Any
) -> None:
    laptops = _setup(world)
    mine = _enroll(laptops["A1"], 1)
    s1: Console = console("S1", lang="en")
    refused = s1.post(f"/console/review/{mine}/accept", {"membership_number": "1 2<b>"})
    assert refused.status_code == 422
    assert 'id="error-membership_number"' in refused.text
    assert 'value="1 2&lt;b&gt;"' in refused.text  # kept, and escaped
    assert _fields(world, mine)["status"] == "submitted"
    done = s1.post(f"/console/review/{mine}/accept", {"membership_number": "16071234567"})
    assert done.status_code == 303
    assert "Enrollment accepted." in s1.follow(done).text
    assert "Enrollment accepted." not in s1.get("/console/review").text  # shown once
    fields = _fields(world, mine)
    assert fields["status"] == "accepted" and fields["membership_number"] == "16071234567"


def test_send_back_needs_a_reason_and_reaches_the_laptop(world: World, console: Any) -> None:
    laptops = _setup(world)
    mine = _enroll(laptops["A1"], 1)
    s1: Console = console("S1")
    no_note = s1.post(f"/console/review/{mine}/send-back", {"reason": "other", "note": "  "})
    assert no_note.status_code == 422 and 'id="error-note"' in no_note.text
    no_reason = s1.post(f"/console/review/{mine}/send-back", {"reason": "", "note": "cek"})
    assert no_reason.status_code == 422 and 'id="error-reason"' in no_reason.text
    assert ">cek</textarea>" in no_reason.text
    assert _fields(world, mine)["status"] == "submitted"
    done = s1.post(
        f"/console/review/{mine}/send-back", {"reason": "incomplete", "note": "Foto KTP buram"}
    )
    assert done.status_code == 303
    changes, _ = laptops["A1"].pull_all()
    pulled = next(change for change in changes if change["entity_id"] == mine)
    assert pulled["fields"]["status"] == "needs_correction"
    assert pulled["fields"]["review_reason"].endswith("Foto KTP buram")


def test_accepting_several_is_all_or_nothing(world: World, console: Any) -> None:
    laptops = _setup(world)
    first, second = _enroll(laptops["A1"], 1), _enroll(laptops["A2"], 3)
    s1: Console = console("S1")
    nothing = s1.post("/console/review/accept", {})
    assert nothing.status_code == 422 and 'id="error-ids"' in nothing.text
    data = {"ids": [first, second], f"number:{first}": "16071234567", f"number:{second}": "x"}
    refused = s1.post("/console/review/accept", data)
    assert refused.status_code == 422
    assert f'id="error-{second}"' in refused.text and f'id="error-{first}"' not in refused.text
    assert 'value="16071234567"' in refused.text  # what was typed stays
    assert _fields(world, first)["status"] == _fields(world, second)["status"] == "submitted"
    data[f"number:{second}"] = "16079876543"
    done = s1.post("/console/review/accept", data)
    assert done.status_code == 303
    assert "2 pendaftaran diterima." in s1.follow(done).text
    assert {_fields(world, e)["status"] for e in (first, second)} == {"accepted"}


def test_a_date_filter_that_is_not_a_date_is_said_beside_it(world: World, console: Any) -> None:
    _setup(world)
    page = console("S1").get("/console/review", received_from="kemarin")
    assert page.status_code == 200 and 'id="error-received_from"' in page.text


def test_a_decision_on_a_page_left_open_after_someone_else_decided_changes_nothing(
    world: World, console: Any
) -> None:
    laptops = _setup(world)
    mine = _enroll(laptops["A1"], 1)
    first: Console = console("S1")
    second: Console = console("N1")
    first.get(f"/console/review/{mine}")
    second.get(f"/console/review/{mine}")
    assert (
        second.post(
            f"/console/review/{mine}/accept", {"membership_number": "16071234567"}
        ).status_code
        == 303
    )
    late = first.post(
        f"/console/review/{mine}/send-back", {"reason": "incomplete", "note": "cek alamat"}
    )
    assert late.status_code == 409 and "tidak lagi menunggu pemeriksaan" in late.text
    assert "Diterima" in late.text and ">cek alamat</textarea>" not in late.text
    fields = _fields(world, mine)
    assert fields["status"] == "accepted" and fields["membership_number"] == "16071234567"
