"""Assignments on the sync API, on SQLite and PostgreSQL: an agent pulls only the
assignments made to them; they push an `update` of their own assignment's `status` only,
open -> done or back; everything else is refused as the protocol refuses (another agent's
assignment is "unknown", changing another field is `forbidden`, so is creating or deleting
one or reopening a cancelled one), and nothing of a refused op is written."""

from __future__ import annotations

from typing import Any

import pytest
from srv_support import Laptop, World, op
from test_admin_assignments import URL, assign, business, form, setup


def pulled(laptop: Laptop) -> dict[str, dict[str, Any]]:
    changes, _ = laptop.pull_all()
    return {c["entity_id"]: c for c in changes if c["entity"] == "assignment"}


def status_op(made: dict[str, Any], status: str, **fields: Any) -> dict[str, Any]:
    return op(
        "assignment",
        "update",
        made["id"],
        {"status": status, **fields},
        base_version=made["version"],
    )


@pytest.fixture
def people(world: World) -> dict[str, Any]:
    found = setup(world)
    found["made"] = assign(world, found["S1"], form(found["plg_business"], "A1"))
    return found


def test_only_the_assigned_agent_pulls_it(world: World, people: dict[str, Any]) -> None:
    made = people["made"]
    mine = pulled(people["A1"])
    assert list(mine) == [made["id"]]
    fields = mine[made["id"]]["fields"]
    assert fields == {
        "business_id": people["plg_business"],
        "agent_code": "A1",
        "kind": "visit",
        "due_on": made["due_on"],
        "note": "Tanyakan pekerja baru",
        "status": "open",
    }
    for other in ("A2", "S1", "B1", "S2", "N1"):
        assert pulled(people[other]) == {}, other


def test_the_agent_marks_it_done_and_undoes_it(world: World, people: dict[str, Any]) -> None:
    a1, made = people["A1"], people["made"]
    done = a1.push_one(status_op(made, "done"))
    assert done["status"] == "applied", done
    assert done["entity_version"] == made["version"] + 1
    listed = world.client.get(URL, headers=people["S1"].headers).json()["items"]
    assert [item["status"] for item in listed] == ["done"]
    back = a1.push_one(status_op({**made, "version": done["entity_version"]}, "open"))
    assert back["status"] == "applied", back
    assert pulled(a1)[made["id"]]["fields"]["status"] == "open"


def test_another_agents_assignment_is_unknown(world: World, people: dict[str, Any]) -> None:
    made = people["made"]
    for code in ("A2", "B1", "S1"):
        result = people[code].push_one(status_op(made, "done"))
        assert result["status"] == "rejected", (code, result)
        assert result["error"]["code"] == "unknown_reference", (code, result)
        assert result["entity_version"] is None
    assert pulled(people["A1"])[made["id"]]["fields"]["status"] == "open"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"agent_code": "A2"}, "agent_code"),
        ({"due_on": "2030-01-01"}, "due_on"),
        ({"note": "selesai"}, "note"),
        ({"kind": "enroll"}, "kind"),
        ({"business_id": None}, "business_id"),
    ],
)
def test_no_other_field_may_change(
    world: World, people: dict[str, Any], fields: dict[str, Any], field: str
) -> None:
    a1, made = people["A1"], people["made"]
    result = a1.push_one(
        op("assignment", "update", made["id"], fields, base_version=made["version"])
    )
    assert result["status"] == "rejected", result
    assert result["error"]["field"] == field
    assert result["error"]["code"] in ("forbidden", "invalid_field")
    # with a status beside it too: the whole op is refused
    result = a1.push_one(status_op(made, "done", **fields))
    assert result["status"] == "rejected", result
    change = pulled(a1)[made["id"]]
    assert change["version"] == made["version"]
    assert change["fields"]["status"] == "open"
    assert change["fields"]["agent_code"] == "A1"


def test_creating_deleting_cancelling_or_reopening_is_forbidden(
    world: World, people: dict[str, Any]
) -> None:
    a1, made, s1 = people["A1"], people["made"], people["S1"]
    fresh = {**form(people["plg_business"], "A1"), "status": "open"}
    fresh.pop("note")
    for item in (
        op("assignment", "create", None, fresh),
        op("assignment", "create", made["id"], fresh),
        op("assignment", "delete", made["id"], base_version=made["version"]),
        status_op(made, "cancelled"),
    ):
        result = a1.push_one(item)
        assert result["status"] == "rejected", (item, result)
        assert result["error"]["code"] == "forbidden", (item, result)
    # a supervisor's laptop cannot create one either (the console and the API do)
    result = s1.push_one(op("assignment", "create", None, {**fresh, "agent_code": "S1"}))
    assert result["status"] == "rejected" and result["error"]["code"] == "forbidden"
    assert [item["id"] for item in world.client.get(URL, headers=s1.headers).json()["items"]] == [
        made["id"]
    ]
    cancelled = world.client.post(f"{URL}/{made['id']}/cancel", headers=s1.headers).json()
    late = a1.push_one(status_op(made, "done"))
    assert late["status"] == "rejected" and late["error"]["code"] == "forbidden"
    assert late["error"]["field"] == "status"
    change = pulled(a1)[made["id"]]
    assert change["fields"]["status"] == "cancelled"
    assert change["version"] == cancelled["version"]


def test_update_rules_of_the_protocol_hold(world: World, people: dict[str, Any]) -> None:
    a1, made = people["A1"], people["made"]
    no_base = op("assignment", "update", made["id"], {"status": "done"})
    result = a1.push_one(no_base)
    assert result["status"] == "rejected" and result["error"]["field"] == "base_version"
    bad = a1.push_one(status_op(made, "finished"))
    assert bad["status"] == "rejected" and bad["error"]["code"] == "invalid_field"
    # a replay of an applied op is a duplicate, not a second change
    item = status_op(made, "done")
    first = a1.push_one(item)
    again = a1.push_one(dict(item))
    assert (first["status"], again["status"]) == ("applied", "duplicate")
    assert again["entity_version"] == first["entity_version"]


def test_a_business_id_is_not_an_assignment(world: World, people: dict[str, Any]) -> None:
    a1 = people["A1"]
    own = business(a1, "Warung Baru")
    result = a1.push_one(op("assignment", "update", own, {"status": "done"}, base_version=1))
    assert result["status"] == "rejected" and result["error"]["code"] == "unknown_reference"
