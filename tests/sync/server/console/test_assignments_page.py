"""The console's assignments page, on SQLite and PostgreSQL: the list and its filters, the
form (a refused one comes back with the message beside its field and what was typed, nothing
written), cancel, the branch wall (another branch's assignment is the not-found page, another
branch's business is refused), CSRF, both languages."""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from conftest import Console
from srv_support import Laptop, World, business_fields, op

from agent_app.domain import clock
from sync.server import db

PAGE = "/console/assignments"


def setup(world: World) -> dict[str, str]:
    a1, _, _ = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("S2", "LLG", role="supervisor")
    return {
        "plg": business(a1, "Pempek Cek Molek"),
        "llg": business(world.login("B1"), "Kopi Lubuk"),
    }


def business(laptop: Laptop, name: str) -> str:
    entity_id = str(uuid.uuid4())
    assert (
        laptop.push_one(op("business", "create", entity_id, business_fields(name)))["status"]
        == "applied"
    )
    return entity_id


def due(days: int) -> str:
    return (clock.today("Asia/Jakarta") + dt.timedelta(days=days)).isoformat()


def form(business_id: str, **changes: str) -> dict[str, str]:
    body = {
        "business_id": business_id,
        "agent_code": "A1",
        "kind": "follow_up",
        "due_on": due(2),
        "note": "Bawa brosur JKK",
    }
    body.update(changes)
    return body


def stored(world: World) -> list[Any]:
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.entity == "assignment")).all()


def test_a_supervisor_assigns_a_business_and_sees_it(
    world: World, console: Callable[..., Console]
) -> None:
    ids = setup(world)
    s1 = console("S1")
    page = s1.get(PAGE)
    assert page.status_code == 200
    assert "Pempek Cek Molek" in page.text  # offered in the business select
    assert "Kopi Lubuk" not in page.text  # another branch's business is not offered
    assert "Agen A1 (A1)" in page.text and "(B1)" not in page.text  # not B1 of LLG
    answer = s1.post(PAGE, form(ids["plg"]))
    listed = s1.follow(answer)
    assert "Ditugaskan kepada A1: Pempek Cek Molek." in listed.text
    assert "Bawa brosur JKK" in listed.text and "Tindak lanjut" in listed.text
    [row] = stored(world)
    assert row.owner_code == "A1" and row.fields["status"] == "open"


def test_bad_input_comes_back_beside_its_field_and_nothing_is_saved(
    world: World, console: Callable[..., Console]
) -> None:
    ids = setup(world)
    s1 = console("S1", lang="en")
    cases = [
        (form(ids["plg"], due_on=due(-1)), "due_on", "cannot be in the past"),
        (form(ids["plg"], due_on="kemarin"), "due_on", "must be a date"),
        (form(ids["plg"], note="n" * 501), "note", "at most 500"),
        (form(ids["plg"], kind="sell"), "kind", "must be one of"),
        (form(ids["plg"], agent_code=""), "agent_code", "Choose an agent"),
        (form(ids["plg"], agent_code="B1"), "agent_code", "no agent B1"),
        (form(""), "business_id", "Choose a business"),
        (form(ids["llg"]), "business_id", "no such business"),  # another branch's
        (form(str(uuid.uuid4())), "business_id", "no such business"),
    ]
    for body, field, words in cases:
        s1.get(PAGE)
        answer = s1.post(PAGE, body)
        assert answer.status_code == 422, (body, answer.text[:300])
        text = html.unescape(answer.text)
        assert f'id="error-{field}"' in answer.text, (field, text[:500])
        assert words in text, (words, field)
    # what was typed is kept
    answer = s1.post(PAGE, form(ids["plg"], due_on=due(-1), note="Catatan yang diketik"))
    assert "Catatan yang diketik" in answer.text
    assert stored(world) == []


def test_cancel_and_the_filters(world: World, console: Callable[..., Console]) -> None:
    ids = setup(world)
    s1 = console("S1")
    s1.post(PAGE, form(ids["plg"], note="pertama"))
    world.agent("A3", "PLG")
    s1.get(PAGE)
    s1.post(PAGE, form(ids["plg"], agent_code="A3", note="kedua"))
    first = next(row for row in stored(world) if row.owner_code == "A1")
    s1.get(PAGE)
    answer = s1.post(f"{PAGE}/{first.entity_id}/cancel")
    assert "Tugas dibatalkan." in s1.follow(answer).text
    only_a3 = s1.get(PAGE, agent="A3", status="")
    assert "kedua" in only_a3.text and "pertama" not in only_a3.text
    cancelled = s1.get(PAGE, status="cancelled")
    assert "pertama" in cancelled.text and "kedua" not in cancelled.text
    default = s1.get(PAGE)  # open ones by default
    assert "kedua" in default.text and "pertama" not in default.text
    again = s1.post(f"{PAGE}/{first.entity_id}/cancel")
    assert again.status_code == 422 and 'id="error-cancel"' in again.text


def test_another_branch_gets_404_and_changes_need_the_csrf_token(
    world: World, console: Callable[..., Console]
) -> None:
    ids = setup(world)
    s1 = console("S1")
    s1.post(PAGE, form(ids["plg"]))
    [row] = stored(world)
    s2 = console("S2")
    answer = s2.post(f"{PAGE}/{row.entity_id}/cancel")
    assert answer.status_code == 404
    assert "Pempek" not in answer.text
    assert s2.post(f"{PAGE}/{uuid.uuid4()}/cancel").status_code == 404
    assert "Pempek" not in s2.get(PAGE).text
    # without the token: refused, nothing changed
    refused = s1.post(f"{PAGE}/{row.entity_id}/cancel", csrf=False)
    assert refused.status_code == 403
    refused = s1.post(PAGE, form(ids["plg"], note="tanpa token"), csrf=False)
    assert refused.status_code == 403
    [after] = stored(world)
    assert after.fields["status"] == "open"


def test_an_overdue_assignment_is_marked(world: World, console: Callable[..., Console]) -> None:
    ids = setup(world)
    s1 = console("S1")
    s1.post(PAGE, form(ids["plg"], due_on=due(0)))
    [row] = stored(world)
    table = db.table(db.Record)
    with world.engine.begin() as conn:  # as if it had been due yesterday
        fields = {**row.fields, "due_on": due(-1)}
        conn.execute(table.update().where(table.c.entity_id == row.entity_id).values(fields=fields))
    page = s1.get(PAGE)
    assert 'class="overdue"' in page.text and "lewat tenggat" in page.text


def test_a_name_search_narrows_the_businesses_offered(
    world: World, console: Callable[..., Console]
) -> None:
    ids = setup(world)
    a1 = world.login("A1")
    business(a1, "Songket 100% Asli")
    s1 = console("S1")
    found = s1.get(PAGE, find="songket")
    assert ">Songket 100% Asli</option>" in found.text
    assert "Pempek Cek Molek" not in found.text
    literal = s1.get(PAGE, find="100%")  # % is a character, not a wildcard
    assert "Songket 100% Asli" in literal.text and "Pempek" not in literal.text
    assert "Pempek" not in s1.get(PAGE, find="_").text
    nothing = s1.get(PAGE, find="Kopi Lubuk")  # another branch's: never offered
    assert ">Kopi Lubuk</option>" not in nothing.text
    assert "Tidak ada usaha di cabang ini dengan nama seperti itu." in nothing.text
    # the search is kept when a form comes back refused
    refused = s1.post(PAGE, {**form(ids["plg"], due_on="x"), "find": "songket"})
    assert refused.status_code == 422 and 'value="songket"' in refused.text


def test_an_admin_assigns_in_any_branch(world: World, console: Callable[..., Console]) -> None:
    ids = setup(world)
    world.agent("N1", "PLG", role="admin")
    n1 = console("N1")
    page = n1.get(PAGE)
    assert "Kopi Lubuk (LLG)" in page.text and "Pempek Cek Molek (PLG)" in page.text
    listed = n1.follow(n1.post(PAGE, form(ids["llg"], agent_code="B1")))
    assert "Ditugaskan kepada B1: Kopi Lubuk." in listed.text
    [row] = stored(world)
    assert (row.branch_code, row.owner_code) == ("LLG", "B1")
    # the LLG supervisor sees it; the PLG one does not
    assert "Kopi Lubuk" in console("S2").get(PAGE).text
    assert ">Kopi Lubuk<" not in console("S1").get(PAGE).text


def test_a_strange_filter_in_the_address_is_no_error_page(
    world: World, console: Callable[..., Console]
) -> None:
    setup(world)
    s1 = console("S1")
    for params in (
        {"agent": "A\x001"},
        {"status": "lost"},
        {"find": "\x00%"},
        {"agent": "x" * 500},
    ):
        page = s1.get(PAGE, **params)
        assert page.status_code == 200, (params, page.text[:200])
        assert "<h1>Penugasan</h1>" in page.text
