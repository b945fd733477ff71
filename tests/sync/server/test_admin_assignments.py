"""The assignments API (`/v1/admin/assignments`), on SQLite and PostgreSQL: who may use it,
the branch wall (404 for another branch's assignment, another branch's business or agent
refused as unknown), the checks of every field (422 beside the field, in the caller's
language, nothing written), cancel, the list's filters and the administration trail."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from srv_support import Laptop, World, business_fields, op

from agent_app.domain import clock
from sync.server import admin, db

URL = "/v1/admin/assignments"


def setup(world: World) -> dict[str, Any]:
    """PLG (agents A1, A2, supervisor S1), LLG (agent B1, supervisor S2), admin N1; a
    business in each branch."""
    a1, a2, s1 = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("S2", "LLG", role="supervisor")
    world.agent("N1", "PLG", role="admin")
    people = {"A1": a1, "A2": a2, "S1": s1}
    people.update({code: world.login(code) for code in ("B1", "S2", "N1")})
    people["plg_business"] = business(a1, "Pempek Cek Molek")
    people["llg_business"] = business(people["B1"], "Kopi Lubuk")
    return people


def business(laptop: Laptop, name: str) -> str:
    entity_id = str(uuid.uuid4())
    result = laptop.push_one(op("business", "create", entity_id, business_fields(name)))
    assert result["status"] == "applied", result
    return entity_id


def today() -> dt.date:
    return clock.today("Asia/Jakarta")


def form(business_id: str, agent: str = "A1", **changes: Any) -> dict[str, Any]:
    body = {
        "business_id": business_id,
        "agent_code": agent,
        "kind": "visit",
        "due_on": (today() + dt.timedelta(days=3)).isoformat(),
        "note": "Tanyakan pekerja baru",
    }
    body.update(changes)
    return body


def assign(world: World, who: Laptop, body: dict[str, Any]) -> dict[str, Any]:
    response = world.client.post(URL, json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def count(world: World, entity: str = "assignment") -> int:
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        query = sa.select(sa.func.count()).select_from(table).where(table.c.entity == entity)
        return int(conn.execute(query).scalar_one())


def trail(world: World, action: str) -> list[Any]:
    table = db.table(db.AdminAudit)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.action == action)).all()


def test_a_supervisor_assigns_and_the_list_shows_it(world: World) -> None:
    people = setup(world)
    made = assign(world, people["S1"], form(people["plg_business"]))
    assert made["status"] == "open"
    assert made["agent_code"] == "A1"
    assert made["business_name"] == "Pempek Cek Molek"
    assert made["branch"] == "PLG"
    assert made["note"] == "Tanyakan pekerja baru"
    items = world.client.get(URL, headers=people["S1"].headers).json()["items"]
    assert [item["id"] for item in items] == [made["id"]]
    rows = [row for row in trail(world, "assign") if row.target == made["id"]]
    assert len(rows) == 1
    assert rows[0].operator == "S1"
    assert rows[0].details["business"] == people["plg_business"]
    assert "Pempek" not in str(rows[0].details)  # ids and codes only


def test_agents_get_403(world: World) -> None:
    people = setup(world)
    made = assign(world, people["S1"], form(people["plg_business"]))
    a1 = people["A1"]
    assert world.client.get(URL, headers=a1.headers).status_code == 403
    response = world.client.post(URL, json=form(people["plg_business"]), headers=a1.headers)
    assert response.status_code == 403
    response = world.client.post(f"{URL}/{made['id']}/cancel", headers=a1.headers)
    assert response.status_code == 403
    assert count(world) == 1
    assert world.client.get(URL).status_code == 401


def test_another_branch_is_a_wall(world: World) -> None:
    people = setup(world)
    s1, s2 = people["S1"], people["S2"]
    made = assign(world, s1, form(people["plg_business"]))
    for method, url in (("get", f"{URL}/{made['id']}"), ("post", f"{URL}/{made['id']}/cancel")):
        response = world.client.request(method, url, headers=s2.headers)
        assert response.status_code == 404, response.text
    assert world.client.get(URL, headers=s2.headers).json()["items"] == []
    # another branch's business, or agent: as unknown as a missing one
    foreign = world.client.post(URL, json=form(people["llg_business"]), headers=s1.headers)
    missing = world.client.post(URL, json=form(str(uuid.uuid4())), headers=s1.headers)
    assert foreign.status_code == missing.status_code == 422
    assert foreign.json()["error"]["field"] == "business_id"
    assert foreign.json()["error"]["message"] == missing.json()["error"]["message"]
    response = world.client.post(URL, json=form(people["plg_business"], "B1"), headers=s1.headers)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "agent_code"
    assert count(world) == 1
    assert world.client.get(f"{URL}/{made['id']}", headers=s1.headers).json()["status"] == "open"


def test_an_admin_sees_every_branch(world: World) -> None:
    people = setup(world)
    n1 = people["N1"]
    made = assign(world, n1, form(people["llg_business"], "B1"))
    assert made["branch"] == "LLG"
    # the agent must be of the business's branch, whoever assigns
    response = world.client.post(URL, json=form(people["llg_business"], "A1"), headers=n1.headers)
    assert response.status_code == 422
    assign(world, people["S1"], form(people["plg_business"]))
    assert len(world.client.get(URL, headers=n1.headers).json()["items"]) == 2
    narrowed = world.client.get(URL, params={"branch": "LLG"}, headers=n1.headers).json()
    assert [item["id"] for item in narrowed["items"]] == [made["id"]]


def test_bad_input_says_which_field_in_the_callers_language(world: World) -> None:
    people = setup(world)
    s1, plg = people["S1"], people["plg_business"]
    trail_before = len(trail(world, "assign"))
    world.agent("A9", "PLG")
    admin.set_agent_active(world.engine, "A9", False)
    yesterday = (today() - dt.timedelta(days=1)).isoformat()
    cases = [
        (form(plg, kind="sell"), "kind"),
        (form(plg, due_on=yesterday), "due_on"),
        (form(plg, due_on="besok"), "due_on"),
        (form(plg, note="x" * 501), "note"),
        (form(plg, note="a\x00b"), "note"),
        (form(plg, agent="S1"), "agent_code"),  # a supervisor is not an agent
        (form(plg, agent="A9"), "agent_code"),  # disabled
        (form(plg, agent=""), "agent_code"),
        (form("not-a-uuid"), "business_id"),
        (form(""), "business_id"),
    ]
    for body, field in cases:
        response = world.client.post(URL, json=body, headers=s1.headers)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["field"] == field, (body, response.text)
    english = {**s1.headers, "Accept-Language": "en"}
    bad = world.client.post(URL, json=form(plg, due_on=yesterday), headers=english).json()
    assert "past" in bad["error"]["message"]
    indonesian = world.client.post(URL, json=form(plg, due_on=yesterday), headers=s1.headers)
    assert indonesian.json()["error"]["message"] != bad["error"]["message"]
    assert count(world) == 0 and len(trail(world, "assign")) == trail_before
    # today is not the past; 500 characters is the limit
    assign(world, s1, form(plg, due_on=today().isoformat(), note="x" * 500))


def test_cancel_an_open_assignment_once(world: World) -> None:
    people = setup(world)
    s1 = people["S1"]
    made = assign(world, s1, form(people["plg_business"]))
    response = world.client.post(f"{URL}/{made['id']}/cancel", headers=s1.headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    assert response.json()["version"] == made["version"] + 1
    again = world.client.post(f"{URL}/{made['id']}/cancel", headers=s1.headers)
    assert again.status_code == 422
    cancels = [row for row in trail(world, "cancel-assignment") if row.target == made["id"]]
    assert len(cancels) == 1 and cancels[0].operator == "S1"
    assert world.client.post(f"{URL}/nope/cancel", headers=s1.headers).status_code == 404


def test_the_list_filters_by_agent_status_and_due_date(world: World) -> None:
    people = setup(world)
    s1, plg = people["S1"], people["plg_business"]
    late = assign(world, s1, form(plg, "A1", due_on=(today() + dt.timedelta(days=9)).isoformat()))
    soon = assign(world, s1, form(plg, "A2", due_on=today().isoformat()))
    mid = assign(world, s1, form(plg, "A1", due_on=(today() + dt.timedelta(days=2)).isoformat()))
    world.client.post(f"{URL}/{mid['id']}/cancel", headers=s1.headers)

    def ids(**params: Any) -> list[str]:
        response = world.client.get(URL, params=params, headers=s1.headers)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [soon["id"], mid["id"], late["id"]]  # due soonest first
    assert ids(agent="A1") == [mid["id"], late["id"]]
    assert ids(status="open") == [soon["id"], late["id"]]
    assert ids(status="cancelled", agent="A1") == [mid["id"]]
    assert ids(due_before=(today() + dt.timedelta(days=3)).isoformat()) == [soon["id"], mid["id"]]
    response = world.client.get(URL, params={"status": "lost"}, headers=s1.headers)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "status"
