"""An imported prospect list's console page (`/console/prospects/{id}`), on SQLite and
PostgreSQL: the list and its counts, the district and status filters, the bulk assignment (the
notice counts those left out; a refused form comes back with the message beside its field, the
ticks kept, nothing written), the branch wall, CSRF, and the partner's file downloaded."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from conftest import Console
from helpers.prospect_lists import ILIR_BARAT_DUA, SEBERANG_ULU_DUA, imported_list, prospect, visit
from srv_support import World

from agent_app.domain import clock
from sync.server import db
from sync.server.admin import assignments
from sync.server.admin.review import Reviewer


def setup(world: World) -> tuple[str, list[str]]:
    world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("S2", "LLG", role="supervisor")
    names = [("Pempek Cek Molek", SEBERANG_ULU_DUA), ("Kopi Ulu", SEBERANG_ULU_DUA)]
    names += [("Tekwan Ulu", SEBERANG_ULU_DUA), ("Songket Ilir", ILIR_BARAT_DUA)]
    list_id, ids = imported_list(world.engine, [prospect(n, d) for n, d in names])
    visit(world.engine, ids[3], dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC))
    return list_id, ids


def due() -> str:
    return (clock.today("Asia/Jakarta") + dt.timedelta(days=2)).isoformat()


def assigned(world: World) -> list[Any]:
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.entity == "assignment")).all()


def test_the_page_filters_and_assigns_a_district(
    world: World, console: Callable[..., Console]
) -> None:
    list_id, ids = setup(world)
    assignments.create(
        world.engine, assignments.NewAssignment(ids[1], "A2", "visit", due()), Reviewer("S1", "PLG")
    )
    s1 = console("S1")
    path = f"/console/prospects/{list_id}"
    page = s1.get(path)
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Daftar calon: Koperasi Pasar 16 Ilir" in text and "daftar-umkm.xlsx" in text
    assert 'id="count-not_visited">3<' in text and 'id="count-visited">1<' in text
    assert "Seberang Ulu Dua (3)" in text and "Ilir Barat Dua (1)" in text
    visited = html.unescape(s1.get(path, status="visited").text)
    assert "Songket Ilir" in visited and "Pempek Cek Molek" not in visited
    assert "20 Nov 2026" in visited  # the last visit's day
    shown = html.unescape(s1.get(path, district=SEBERANG_ULU_DUA).text)
    assert "3 dari 4 usaha sesuai saringan." in shown and "Songket Ilir" not in shown

    answer = s1.post(
        f"{path}/assign",
        {"district": SEBERANG_ULU_DUA, "which": "filter", "agent_code": "A1", "kind": "visit"}
        | {"due_on": due(), "note": "Bawa brosur"},
    )
    assert answer.headers["location"] == f"{path}?district={SEBERANG_ULU_DUA}"
    after = html.unescape(s1.follow(answer).text)
    assert "2 ditugaskan kepada A1, 1 sudah ditugaskan sebelumnya." in after
    assert after.count("<td>A1</td>") == 2 and after.count("<td>A2</td>") == 1  # who has which
    mine = {r.fields["business_id"] for r in assigned(world) if r.owner_code == "A1"}
    assert mine == {ids[0], ids[2]}


def test_a_refused_form_keeps_what_was_chosen_and_writes_nothing(
    world: World, console: Callable[..., Console]
) -> None:
    list_id, ids = setup(world)
    s1 = console("S1")
    path = f"/console/prospects/{list_id}"
    s1.get(path)
    body = {"which": "ticked", "business_id": [ids[0], ids[3]], "agent_code": "B1"}
    answer = s1.post(f"{path}/assign", body | {"kind": "visit", "due_on": due()})
    assert answer.status_code == 422
    text = html.unescape(answer.text)
    assert 'id="error-agent_code">Tidak ada agen B1 di cabang ini.<' in text  # beside the field
    assert text.count(" checked") == 2  # the two ticks kept
    nothing = s1.post(f"{path}/assign", {"which": "ticked", "agent_code": "A1", "due_on": due()})
    assert nothing.status_code == 422 and 'id="error-which"' in nothing.text
    assert s1.post(f"{path}/assign", body, csrf=False).status_code == 403
    assert assigned(world) == []


def test_another_branch_sees_nothing_and_the_export_downloads(
    world: World, console: Callable[..., Console]
) -> None:
    list_id, _ = setup(world)
    path = f"/console/prospects/{list_id}"
    s2 = console("S2")
    s2.get("/console/review")
    assert s2.get(path).status_code == 404
    answer = s2.post(f"{path}/assign", {"which": "filter", "agent_code": "B1", "due_on": due()})
    assert answer.status_code == 404
    assert s2.get(f"{path}/export.csv").status_code == 404
    assert console("S1").get("/console/prospects/not-a-list").status_code == 404
    assert assigned(world) == []

    s1 = console("S1")
    csv_file = s1.get(f"{path}/export.csv")
    assert csv_file.status_code == 200 and csv_file.headers["content-type"].startswith("text/csv")
    lines = csv_file.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 5 and lines[4].startswith("5,Songket Ilir,Ilir Barat Dua,sudah dikunjungi")
    assert s1.get(f"{path}/export.pdf").status_code == 404
