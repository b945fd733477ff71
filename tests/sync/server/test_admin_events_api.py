"""The administration API's events and targets (`/v1/admin/events`, `/v1/admin/targets`) on
SQLite and PostgreSQL: who may use them, the branch wall (another branch's event or target is
a 404 and nothing changes), bad input as 422 with the field in the caller's language and
nothing written, ending today in the branch's zone, the trail, and the laptops' pull."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from records_support import days, today_wib, trail, two_branches
from srv_support import World

EVENTS = "/v1/admin/events"
TARGETS = "/v1/admin/targets"


def booth(**changes: Any) -> dict[str, Any]:
    start, end = days(-2, 5)
    return {
        "name": "Booth Sumsel Marketing",
        "venue": "Mall",
        "starts_on": start,
        "ends_on": end,
        **changes,
    }


def test_a_supervisor_creates_edits_and_ends_an_event_that_the_laptops_pull(
    world: World,
) -> None:
    people = two_branches(world)
    s1 = people["S1"]
    made = world.client.post(EVENTS, json=booth(), headers=s1.headers)
    assert made.status_code == 201, made.text
    event = made.json()
    assert event["branch"] == "PLG" and event["version"] == 1 and not event["ended"]
    edited = world.client.put(
        f"{EVENTS}/{event['id']}", json=booth(name="Booth Palembang Icon"), headers=s1.headers
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["name"] == "Booth Palembang Icon" and edited.json()["version"] == 2
    ended = world.client.post(f"{EVENTS}/{event['id']}/end", headers=s1.headers)
    assert ended.status_code == 200, ended.text
    assert ended.json()["ends_on"] == today_wib().isoformat() and ended.json()["version"] == 3
    # The branch's laptops pull the event as it now stands; another branch's do not.
    pulled = [c for c in people["A1"].pull_all()[0] if c["entity_id"] == event["id"]]
    assert pulled[-1]["fields"]["ends_on"] == today_wib().isoformat()
    assert pulled[-1]["fields"]["name"] == "Booth Palembang Icon"
    assert not [c for c in people["B1"].pull_all()[0] if c["entity_id"] == event["id"]]
    actions = [row.action for row in trail(world, "create-event", event["id"])]
    actions += [row.action for row in trail(world, "edit-event", event["id"])]
    actions += [row.action for row in trail(world, "end-event", event["id"])]
    assert actions == ["create-event", "edit-event", "end-event"]
    assert {row.operator for row in trail(world, "end-event", event["id"])} == {"S1"}


def test_another_branch_event_or_target_is_404_and_nothing_changes(world: World) -> None:
    people = two_branches(world)
    theirs = world.client.post(EVENTS, json=booth(), headers=people["S2"].headers).json()
    goal = {
        "scope": "event",
        "scope_id": theirs["id"],
        "metric": "businesses",
        "goal": 100,
        "period_start": theirs["starts_on"],
        "period_end": theirs["ends_on"],
    }
    target = world.client.post(TARGETS, json=goal, headers=people["S2"].headers).json()
    s1 = people["S1"].headers
    for method, url, body in (
        ("get", f"{EVENTS}/{theirs['id']}", None),
        ("put", f"{EVENTS}/{theirs['id']}", booth(name="Bukan milikku")),
        ("post", f"{EVENTS}/{theirs['id']}/end", None),
        ("get", f"{TARGETS}/{target['id']}", None),
        (
            "put",
            f"{TARGETS}/{target['id']}",
            {"goal": 1, "period_start": goal["period_start"], "period_end": goal["period_end"]},
        ),
        ("post", f"{TARGETS}/{target['id']}/end", None),
        ("get", f"{EVENTS}/{uuid.uuid4()}", None),
    ):
        answer = world.client.request(method, url, json=body, headers=s1)
        assert answer.status_code == 404, (url, answer.text)
        assert answer.json()["error"]["code"] == "not_found"
    # Nor may they put a target on it, or an event in the other branch.
    on_theirs = world.client.post(TARGETS, json=goal, headers=s1)
    assert on_theirs.status_code == 422 and on_theirs.json()["error"]["field"] == "scope_id"
    elsewhere = world.client.post(EVENTS, json=booth(branch="LLG"), headers=s1)
    assert elsewhere.status_code == 422 and elsewhere.json()["error"]["field"] == "branch"
    assert (
        world.client.get(f"{EVENTS}/{theirs['id']}", headers=people["S2"].headers).json()["version"]
        == 1
    )
    assert (
        world.client.get(f"{TARGETS}/{target['id']}", headers=people["S2"].headers).json()["goal"]
        == 100
    )
    assert [e["id"] for e in world.client.get(EVENTS, headers=s1).json()["items"]] == []
    # The admin sees both branches and may narrow to one.
    n1 = people["N1"].headers
    assert theirs["id"] in [e["id"] for e in world.client.get(EVENTS, headers=n1).json()["items"]]
    plg = world.client.get(EVENTS, params={"branch": "PLG"}, headers=n1).json()["items"]
    assert plg == []
    for method, url in (("get", EVENTS), ("post", EVENTS), ("get", TARGETS)):
        answer = world.client.request(method, url, json=booth(), headers=people["A1"].headers)
        assert answer.status_code == 403


def test_bad_input_is_422_with_the_field_in_the_callers_language_and_nothing_written(
    world: World,
) -> None:
    people = two_branches(world)
    s1 = people["S1"].headers
    cases = [
        (booth(name="  "), "name", "wajib diisi"),
        (booth(starts_on="2026-13-01"), "starts_on", "TTTT-BB-HH"),
        (booth(ends_on=days(-5, -5)[0]), "ends_on", "sebelum"),
        (booth(name="a\x00b"), "name", "name"),
        (booth(starts_on="1999-01-01"), "starts_on", "2000"),
    ]
    for body, field, words in cases:
        answer = world.client.post(EVENTS, json=body, headers=s1)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["error"]["field"] == field
        assert words in answer.json()["error"]["message"], answer.json()
    english = world.client.post(
        EVENTS, json=booth(name=""), headers={**s1, "Accept-Language": "en"}
    )
    assert english.json()["error"]["message"] == "This field is required."
    event = world.client.post(EVENTS, json=booth(), headers=s1).json()
    start, end = days(0, 30)
    target_cases = [
        ({"scope": "region"}, "scope"),
        ({"metric": "likes"}, "metric"),
        ({"scope": "agent", "scope_id": "B1"}, "scope_id"),
        ({"scope": "agent", "scope_id": "ZZ"}, "scope_id"),
        ({"scope": "event", "scope_id": "not-a-uuid"}, "scope_id"),
        ({"period_end": days(-1, -1)[0]}, "period_end"),
        ({"goal": -1}, "goal"),
    ]
    for change, field in target_cases:
        body = {
            "scope": "event",
            "scope_id": event["id"],
            "metric": "visits",
            "goal": 10,
            "period_start": start,
            "period_end": end,
            **change,
        }
        answer = world.client.post(TARGETS, json=body, headers=s1)
        assert answer.status_code == 422, (change, answer.text)
        assert answer.json()["error"]["field"] == field, answer.json()
    assert [row.target for row in trail(world, "create-event")] == [event["id"]]
    assert world.client.get(TARGETS, headers=s1).json()["items"] == []


def test_targets_for_the_branch_an_event_and_an_agent_edit_and_end(world: World) -> None:
    people = two_branches(world)
    s1 = people["S1"]
    start, end = days(-3, 10)
    branch = {
        "scope": "branch",
        "scope_id": "",
        "metric": "employers",
        "goal": 1441,
        "period_start": start,
        "period_end": end,
    }
    made = world.client.post(TARGETS, json=branch, headers=s1.headers)
    assert made.status_code == 201, made.text
    target = made.json()
    assert target["scope_id"] == "PLG" and target["goal"] == 1441
    # The same scope, metric and period again changes the goal (as the command line does).
    again = world.client.post(TARGETS, json={**branch, "goal": 1500}, headers=s1.headers).json()
    assert again["id"] == target["id"] and again["version"] == 2 and again["goal"] == 1500
    agent = {**branch, "scope": "agent", "scope_id": "A1", "metric": "enrollments", "goal": 30}
    mine = world.client.post(TARGETS, json=agent, headers=s1.headers).json()
    edited = world.client.put(
        f"{TARGETS}/{mine['id']}",
        json={"goal": 40, "period_start": start, "period_end": end},
        headers=s1.headers,
    ).json()
    assert edited["goal"] == 40 and edited["scope_id"] == "A1" and edited["id"] == mine["id"]
    ended = world.client.post(f"{TARGETS}/{mine['id']}/end", headers=s1.headers).json()
    assert ended["period_end"] == today_wib().isoformat()
    a1 = {c["entity_id"]: c for c in people["A1"].pull_all()[0]}
    assert a1[mine["id"]]["fields"]["goal"] == 40
    assert a1[mine["id"]]["fields"]["period_end"] == today_wib().isoformat()
    assert a1[target["id"]]["fields"]["goal"] == 1500
    # A2 does not pull A1's own target.
    assert mine["id"] not in {c["entity_id"] for c in people["A2"].pull_all()[0]}
    listed = world.client.get(TARGETS, headers=s1.headers).json()["items"]
    assert {t["id"] for t in listed} == {target["id"], mine["id"]}
    assert len(trail(world, "end-target", mine["id"])) == 1


def test_a_future_event_cannot_end_and_an_ended_one_ends_once(world: World) -> None:
    people = two_branches(world)
    s1 = people["S1"].headers
    start, end = days(3, 5)
    future = world.client.post(EVENTS, json=booth(starts_on=start, ends_on=end), headers=s1).json()
    refused = world.client.post(f"{EVENTS}/{future['id']}/end", headers=s1)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "ends_on"
    start, end = days(-9, -4)
    past = world.client.post(EVENTS, json=booth(starts_on=start, ends_on=end), headers=s1).json()
    assert past["ended"]
    same = world.client.post(f"{EVENTS}/{past['id']}/end", headers=s1).json()
    assert same["ends_on"] == end and same["version"] == 1
    assert trail(world, "end-event", past["id"]) == []
    assert dt.date.fromisoformat(same["ends_on"]) < today_wib()


def test_an_edit_of_a_version_changed_since_is_409_and_changes_nothing(world: World) -> None:
    people = two_branches(world)
    s1 = people["S1"].headers
    event = world.client.post(EVENTS, json=booth(), headers=s1).json()
    first = world.client.put(
        f"{EVENTS}/{event['id']}", json={**_edit(booth(name="Satu")), "version": 1}, headers=s1
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    late = world.client.put(
        f"{EVENTS}/{event['id']}", json={**_edit(booth(name="Dua")), "version": 1}, headers=s1
    )
    assert late.status_code == 409 and late.json()["error"]["code"] == "conflict"
    assert world.client.get(f"{EVENTS}/{event['id']}", headers=s1).json()["name"] == "Satu"
    assert len(trail(world, "edit-event", event["id"])) == 1


def _edit(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "branch"}
