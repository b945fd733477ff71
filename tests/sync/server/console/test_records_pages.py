"""The console's targets and events, audit and exports pages, on SQLite and PostgreSQL: forms
that create, edit and end (with a confirmation), bad input beside its field with nothing saved,
another branch's event by URL a 404, the laptops' chain breaks flagged in plain words, and
exports masked unless an admin asks (a supervisor's unmasked request refused), audited and
formula-safe in CSV and XLSX."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from conftest import Console
from records_support import days, today_wib, trail
from srv_support import World, business_fields, op
from test_audit_events import chain

from sync.server.admin import events, targets

FORMULA = '=HYPERLINK("http://example.invalid/","klik")'
Open = Callable[..., Console]


def _people(world: World) -> dict[str, Any]:
    a1, _, _ = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("S2", "LLG", role="supervisor")
    world.agent("N1", "PLG", role="admin")
    return {"A1": a1}


def _event(world: World, branch: str, first: int = -1, last: int = 5) -> str:
    start, end = days(first, last)
    data = events.EventInput("Booth Sumsel Marketing", "Mall", branch, start, end)
    return str(events.create_event(world.engine, data)["id"])


def test_a_supervisor_creates_edits_and_ends_an_event_in_the_console(
    world: World, console: Open
) -> None:
    _people(world)
    s1 = console("S1")
    page = s1.get("/console/targets")
    assert page.status_code == 200 and "Belum ada acara" in page.text
    start, end = days(-1, 6)
    made = s1.post(
        "/console/targets/events",
        {"name": "Booth Palembang Icon", "venue": "PIM", "starts_on": start, "ends_on": end},
    )
    listed = s1.follow(made)
    assert "Booth Palembang Icon" in listed.text and "laptop menerimanya" in listed.text
    (event,) = events.list_events(world.engine, events.Reviewer(None, "PLG"))
    assert f'value="event:{event["id"]}"' in listed.text  # offered in the new target's form
    goal = s1.post(
        "/console/targets/goals",
        {
            "subject": f"event:{event['id']}",
            "metric": "businesses",
            "goal": "100",
            "period_start": start,
            "period_end": end,
        },
    )
    table = s1.follow(goal).text.split('class="data goals"')[1].split("</table>")[0]
    assert "Acara Booth Palembang Icon" in table and event["id"] not in table
    edited = s1.post(
        f"/console/targets/events/{event['id']}",
        {"name": "Booth PIM", "venue": "PIM", "starts_on": start, "ends_on": end},
    )
    assert edited.status_code == 303
    confirm = s1.get(f"/console/targets/events/{event['id']}/end")
    assert confirm.status_code == 200 and "Ya, akhiri hari ini" in confirm.text
    ended = s1.post(f"/console/targets/events/{event['id']}/end")
    assert ended.status_code == 303
    now = events.get_event(world.engine, event["id"], events.Reviewer())
    assert now["name"] == "Booth PIM" and now["ends_on"] == today_wib()
    assert [r.operator for r in trail(world, "end-event", event["id"])] == ["S1"]


def test_bad_input_shows_beside_the_field_and_nothing_is_saved(world: World, console: Open) -> None:
    _people(world)
    s1 = console("S1")
    s1.get("/console/targets")
    start, end = days(2, 1)
    answer = s1.post(
        "/console/targets/events",
        {"name": "Booth", "venue": "", "starts_on": start, "ends_on": end},
    )
    assert answer.status_code == 422
    assert 'id="error-ends_on"' in answer.text and "Tanggal selesai sebelum" in answer.text
    assert 'value="Booth"' in answer.text  # what was typed is kept
    goal = s1.post(
        "/console/targets/goals",
        {
            "subject": "branch:PLG",
            "metric": "employers",
            "goal": "banyak",
            "period_start": start,
            "period_end": start,
        },
    )
    assert goal.status_code == 422 and 'id="error-goal"' in goal.text
    theirs = s1.post(
        "/console/targets/goals",
        {
            "subject": "branch:LLG",
            "metric": "employers",
            "goal": "1.441",
            "period_start": start,
            "period_end": start,
        },
    )
    assert theirs.status_code == 422 and 'id="error-subject"' in theirs.text
    assert events.list_events(world.engine, events.Reviewer()) == []
    assert trail(world, "set-target") == []
    made = s1.post(
        "/console/targets/goals",
        {
            "subject": "branch:PLG",
            "metric": "employers",
            "goal": "1.441",
            "period_start": start,
            "period_end": start,
        },
    )
    assert made.status_code == 303
    assert "1.441" in s1.follow(made).text


def test_another_branch_event_by_url_is_404(world: World, console: Open) -> None:
    _people(world)
    theirs = _event(world, "LLG")
    s1 = console("S1")
    s1.get("/console/targets")
    for path in (f"/console/targets/events/{theirs}", f"/console/targets/events/{theirs}/end"):
        answer = s1.get(path)
        assert answer.status_code == 404 and "Booth Sumsel" not in answer.text
    ended = s1.post(f"/console/targets/events/{theirs}/end")
    assert ended.status_code == 404
    assert trail(world, "end-event", theirs) == []
    no_csrf = console("S2").post(f"/console/targets/events/{theirs}/end", csrf=False)
    assert no_csrf.status_code == 403 and trail(world, "end-event", theirs) == []


@pytest.mark.expect_warning_log(r"^server: audit chain of device [0-9a-f-]+: gap at seq 3")
def test_the_audit_page_flags_a_laptops_broken_chain_plainly(world: World, console: Open) -> None:
    people = _people(world)
    first, _deleted, third = chain(3)
    people["A1"].push(first, third)
    s1 = console("S1")
    page = s1.get("/console/audit")
    assert page.status_code == 200
    assert "Laptop yang jejak auditnya putus" in page.text
    assert people["A1"].device_id in page.text
    assert "Ada catatan yang hilang sebelum yang ini" in page.text
    assert "create-agent" in page.text  # the administration trail beside it
    only_breaks = s1.get("/console/audit", gaps="1", source="laptop")
    assert only_breaks.text.count('class="laptop broken"') == 1
    assert console("S2").get("/console/audit").text.count(people["A1"].device_id) == 0
    bad = s1.get("/console/audit", day_from="kemarin")
    assert bad.status_code == 422 and 'id="error-day_from"' in bad.text


def test_exports_masked_unless_an_admin_asks_and_formula_safe(world: World, console: Open) -> None:
    people = _people(world)
    business = str(uuid.uuid4())
    people["A1"].push_one(op("business", "create", business, business_fields(name=FORMULA)))
    s1 = console("S1")
    page = s1.get("/console/exports")
    assert page.status_code == 200 and 'name="unmasked"' not in page.text
    refused = s1.post("/console/exports", {"what": "businesses", "format": "csv", "unmasked": "1"})
    assert refused.status_code == 422 and "Hanya admin" in refused.text
    assert trail(world, "export") == []
    as_csv = s1.post("/console/exports", {"what": "businesses", "format": "csv"})
    assert as_csv.status_code == 200
    assert "attachment" in as_csv.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["Nama usaha"] == "'" + FORMULA
    assert line["Nomor HP pemilik"] != business_fields()["phone"]  # masked
    as_xlsx = s1.post("/console/exports", {"what": "businesses", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert "'" + FORMULA in [c.value for c in cells]
    assert not [c for c in cells if c.data_type == "f"]
    n1 = console("N1")
    assert 'name="unmasked"' in n1.get("/console/exports").text
    whole = n1.post("/console/exports", {"what": "businesses", "format": "csv", "unmasked": "1"})
    assert business_fields()["phone"] in whole.content.decode("utf-8-sig")
    done = [(r.operator, r.details["masked"], r.details["rows"]) for r in trail(world, "export")]
    assert done == [("S1", True, 1), ("S1", True, 1), ("N1", False, 1)]


def test_two_supervisors_editing_one_event_the_later_save_is_refused(
    world: World, console: Open
) -> None:
    _people(world)
    event = _event(world, "PLG")
    first, second = console("S1"), console("N1")
    for browser in (first, second):
        assert 'name="version" value="1"' in browser.get(f"/console/targets/events/{event}").text
    start, end = days(-1, 5)
    typed = {"venue": "Mall", "starts_on": start, "ends_on": end, "version": "1"}
    assert (
        first.post(f"/console/targets/events/{event}", {**typed, "name": "Satu"}).status_code == 303
    )
    late = second.post(f"/console/targets/events/{event}", {**typed, "name": "Dua"})
    assert late.status_code == 409 and "Orang lain sudah mengubahnya" in late.text
    assert 'value="Satu"' in late.text and 'name="version" value="2"' in late.text
    assert events.get_event(world.engine, event, events.Reviewer())["name"] == "Satu"


def test_an_edit_or_end_that_cannot_be_done_says_why_and_keeps_what_was_typed(
    world: World, console: Open
) -> None:
    _people(world)
    s1, n1 = console("S1"), console("N1")
    later = _event(world, "PLG", first=3, last=6)
    start, end = days(3, 6)
    # An edit whose end is before its start: beside the field, the typed name kept, not saved.
    bad = s1.post(
        f"/console/targets/events/{later}",
        {"name": "Booth Baru", "venue": "Mall", "starts_on": end, "ends_on": start},
    )
    assert bad.status_code == 422 and 'id="error-ends_on"' in bad.text
    assert 'value="Booth Baru"' in bad.text
    assert events.get_event(world.engine, later, events.Reviewer())["name"] != "Booth Baru"
    # An event that has not begun cannot end: said on the confirmation page.
    early = s1.post(f"/console/targets/events/{later}/end")
    assert early.status_code == 422 and "Acara ini belum dimulai" in early.text
    assert "Ya, akhiri hari ini" in early.text
    # A target's goal saved by two supervisors from the same page: the later one refused.
    data = targets.TargetInput("branch", "PLG", "employers", 1441, start, end)
    target = str(targets.set_target(world.engine, data)["id"])
    typed = {"goal": "1500", "period_start": start, "period_end": end, "version": "1"}
    assert s1.post(f"/console/targets/goals/{target}", typed).status_code == 303
    late = n1.post(f"/console/targets/goals/{target}", {**typed, "goal": "1600"})
    assert late.status_code == 409 and "Orang lain sudah mengubahnya" in late.text
    assert targets.get_target(world.engine, target, events.Reviewer())["goal"] == 1500
    wrong = s1.post(f"/console/targets/goals/{target}", {**typed, "goal": "banyak", "version": "2"})
    assert wrong.status_code == 422 and 'id="error-goal"' in wrong.text
    assert 'value="banyak"' in wrong.text
    not_yet = s1.post(f"/console/targets/goals/{target}/end")
    assert not_yet.status_code == 422 and "Periode target ini belum dimulai" in not_yet.text
