"""The administration API's review queue (`/v1/admin/enrollments`), on SQLite and PostgreSQL:
who may use it, the branch wall (404 across branches), the masked NIK and its audited reveal,
accept / send back / bulk accept (all or nothing), 422 in the caller's language, and the
laptop's pull of the decision."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from srv_support import Laptop, World, cheap_settings, enrollment_fields, op

from sync.server import admin, db

ADMIN = "/v1/admin/enrollments"


def setup_branches(world: World) -> dict[str, Laptop]:
    """PLG (agents A1, A2, supervisor S1), LLG (agent B1, supervisor S2), admin N1 (in PLG)."""
    a1, a2, s1 = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("S2", "LLG", role="supervisor")
    world.agent("N1", "PLG", role="admin")
    codes = ("B1", "S2", "N1")
    return {"A1": a1, "A2": a2, "S1": s1, **{code: world.login(code) for code in codes}}


def enroll(laptop: Laptop, i: int, **overrides: Any) -> str:
    entity_id = str(uuid.uuid4())
    result = laptop.push_one(
        op("enrollment", "create", entity_id, enrollment_fields(i, **overrides))
    )
    assert result["status"] == "applied", result
    return entity_id


def trail(world: World, action: str, target: str) -> list[Any]:
    table = db.table(db.AdminAudit)
    with world.engine.connect() as conn:
        return conn.execute(
            sa.select(table).where(table.c.action == action, table.c.target == target)
        ).all()


def record_fields(world: World, entity_id: str) -> dict[str, Any]:
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        fields: dict[str, Any] = conn.execute(
            sa.select(table.c.fields).where(table.c.entity_id == entity_id)
        ).scalar_one()
    return fields


def test_agents_get_403_on_every_admin_route(world: World) -> None:
    people = setup_branches(world)
    a1 = people["A1"]
    enr = enroll(a1, 1)
    calls = [
        ("get", ADMIN, None),
        ("get", f"{ADMIN}/{enr}", None),
        ("post", f"{ADMIN}/{enr}/reveal-nik", None),
        ("post", f"{ADMIN}/{enr}/accept", {"membership_number": "16071234567"}),
        ("post", f"{ADMIN}/{enr}/send-back", {"reason": "incomplete", "note": ""}),
        ("post", f"{ADMIN}/accept", {"items": [{"id": enr, "membership_number": "1607"}]}),
    ]
    for method, url, body in calls:
        response = world.client.request(method, url, json=body, headers=a1.headers)
        assert response.status_code == 403, (url, response.text)
        assert response.json()["error"]["code"] == "forbidden"
    assert record_fields(world, enr)["status"] == "submitted"
    assert trail(world, "reveal-nik", enr) == []
    assert world.client.get(ADMIN).status_code == 401


def test_the_queue_is_the_branch_oldest_first_paginated_with_the_nik_masked(
    world: World,
) -> None:
    people = setup_branches(world)
    mine = [enroll(people["A1" if i % 2 else "A2"], i) for i in range(1, 6)]
    theirs = enroll(people["B1"], 20)
    s1 = people["S1"]
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = world.client.get(ADMIN, params=params, headers=s1.headers).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(item["id"] for item in seen) == sorted(mine)
    assert [(i["received_at"], i["id"]) for i in seen] == sorted(
        (i["received_at"], i["id"]) for i in seen
    )
    first = seen[0]
    nik = enrollment_fields(1)["nik"] if first["id"] == mine[0] else None
    assert all(item["nik_masked"].count("*") == 8 for item in seen)
    if nik:
        assert first["nik_masked"] == nik[:4] + "*" * 8 + nik[-4:]
    assert all(item["branch"] == "PLG" and item["status"] == "submitted" for item in seen)
    only_a2 = world.client.get(ADMIN, params={"agent": "A2"}, headers=s1.headers).json()
    assert {i["agent"] for i in only_a2["items"]} == {"A2"} and len(only_a2["items"]) == 2
    # The admin sees every branch, and may narrow to one.
    n1 = people["N1"]
    everything = world.client.get(ADMIN, headers=n1.headers).json()["items"]
    assert {i["id"] for i in everything} == {*mine, theirs}
    llg = world.client.get(ADMIN, params={"branch": "LLG"}, headers=n1.headers).json()
    assert [i["id"] for i in llg["items"]] == [theirs]
    # Another branch's supervisor sees only theirs.
    s2 = world.client.get(ADMIN, headers=people["S2"].headers).json()["items"]
    assert [i["id"] for i in s2] == [theirs]


def test_another_branch_by_url_is_404_and_changes_nothing(world: World) -> None:
    people = setup_branches(world)
    theirs = enroll(people["B1"], 21)
    s1 = people["S1"]
    calls = [
        ("get", f"{ADMIN}/{theirs}", None),
        ("post", f"{ADMIN}/{theirs}/reveal-nik", None),
        ("post", f"{ADMIN}/{theirs}/accept", {"membership_number": "16071234567"}),
        ("post", f"{ADMIN}/{theirs}/send-back", {"reason": "incomplete", "note": "x"}),
        ("post", f"{ADMIN}/accept", {"items": [{"id": theirs, "membership_number": "1607"}]}),
    ]
    for method, url, body in calls:
        response = world.client.request(method, url, json=body, headers=s1.headers)
        assert response.status_code == 404, (url, response.text)
        assert str(enrollment_fields(21)["nik"]) not in response.text
        assert "Lubuklinggau" not in response.text and "LLG" not in response.text
    assert record_fields(world, theirs)["status"] == "submitted"
    assert trail(world, "reveal-nik", theirs) == []
    unknown = world.client.get(f"{ADMIN}/{uuid.uuid4()}", headers=s1.headers)
    assert unknown.status_code == 404
    # The admin may open it.
    opened = world.client.get(f"{ADMIN}/{theirs}", headers=people["N1"].headers)
    assert opened.status_code == 200 and opened.json()["branch"] == "LLG"


def test_the_detail_is_masked_and_the_reveal_is_audited(world: World) -> None:
    people = setup_branches(world)
    enr = enroll(people["A1"], 3)
    nik = enrollment_fields(3)["nik"]
    s1 = people["S1"]
    detail = world.client.get(f"{ADMIN}/{enr}", headers=s1.headers)
    assert detail.status_code == 200
    assert nik not in detail.text
    assert detail.json()["nik_masked"] == nik[:4] + "*" * 8 + nik[-4:]
    assert detail.json()["fields"]["full_name"] == "Peserta Contoh 3"
    assert trail(world, "reveal-nik", enr) == []
    shown = world.client.post(f"{ADMIN}/{enr}/reveal-nik", headers=s1.headers)
    assert shown.status_code == 200 and shown.json() == {"id": enr, "nik": nik}
    rows = trail(world, "reveal-nik", enr)
    assert [(r.operator, r.details) for r in rows] == [("S1", {"branch": "PLG"})]
    assert nik not in str(rows[0].details)
    # Erased at the worker's request: nothing to open, nothing to reveal.
    admin.erase_enrollment(world.engine, enr)
    for method, url in (("get", f"{ADMIN}/{enr}"), ("post", f"{ADMIN}/{enr}/reveal-nik")):
        assert world.client.request(method, url, headers=s1.headers).status_code == 404
    assert len(trail(world, "reveal-nik", enr)) == 1


def test_send_back_reaches_the_laptop_with_its_reason(world: World) -> None:
    people = setup_branches(world)
    a1, s1 = people["A1"], people["S1"]
    enr = enroll(a1, 4)
    answer = world.client.post(
        f"{ADMIN}/{enr}/send-back",
        json={"reason": "nik_unreadable", "note": "Foto ulang KTP"},
        headers=s1.headers,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"id": enr, "status": "needs_correction", "version": 2}
    pulled = {c["entity_id"]: c for c in a1.pull_all()[0]}[enr]
    assert pulled["fields"]["status"] == "needs_correction"
    assert pulled["fields"]["review_reason"] == "NIK tidak terbaca pada foto KTP. Foto ulang KTP"
    assert [r.operator for r in trail(world, "review-enrollment", enr)] == ["S1"]
    queue = world.client.get(ADMIN, params={"status": "needs_correction"}, headers=s1.headers)
    assert [i["id"] for i in queue.json()["items"]] == [enr]


def test_accept_one_goes_through_the_same_service_as_the_command_line(world: World) -> None:
    people = setup_branches(world)
    a1, s1 = people["A1"], people["S1"]
    by_api, by_cli = enroll(a1, 5), enroll(a1, 6)
    answer = world.client.post(
        f"{ADMIN}/{by_api}/accept", json={"membership_number": "16071234567"}, headers=s1.headers
    )
    assert answer.status_code == 200, answer.text
    admin.review_enrollment(world.engine, by_cli, "accepted", None, "16071234568")
    pulled = {c["entity_id"]: c for c in a1.pull_all()[0]}
    for entity_id, number in ((by_api, "16071234567"), (by_cli, "16071234568")):
        fields = pulled[entity_id]["fields"]
        assert (fields["status"], fields["membership_number"]) == ("accepted", number)
        assert pulled[entity_id]["version"] == 2


def test_bulk_accept_is_all_or_nothing(world: World) -> None:
    people = setup_branches(world)
    a1, s1 = people["A1"], people["S1"]
    first, second = enroll(a1, 7), enroll(a1, 8)
    theirs = enroll(people["B1"], 22)
    bad = world.client.post(
        f"{ADMIN}/accept",
        json={
            "items": [
                {"id": first, "membership_number": "16071234567"},
                {"id": second, "membership_number": "no good!"},
            ]
        },
        headers=s1.headers,
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "items.1.membership_number"
    cross = world.client.post(
        f"{ADMIN}/accept",
        json={
            "items": [
                {"id": first, "membership_number": "16071234567"},
                {"id": theirs, "membership_number": "16071234568"},
            ]
        },
        headers=s1.headers,
    )
    assert cross.status_code == 404
    for entity_id in (first, second, theirs):
        assert record_fields(world, entity_id)["status"] == "submitted"
    assert trail(world, "review-enrollment", first) == []
    good = world.client.post(
        f"{ADMIN}/accept",
        json={
            "items": [
                {"id": first, "membership_number": "16071234567"},
                {"id": second, "membership_number": "16071234568"},
            ]
        },
        headers=s1.headers,
    )
    assert good.status_code == 200, good.text
    assert [i["id"] for i in good.json()["items"]] == [first, second]
    assert record_fields(world, second)["membership_number"] == "16071234568"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("id-ID", "Alasan harus salah satu dari"), ("en-US", "The reason must be one of")],
)
def test_bad_input_is_422_with_the_field_in_the_callers_language(
    world: World, lang: str, expected: str
) -> None:
    people = setup_branches(world)
    enr = enroll(people["A1"], 9)
    headers = {**people["S1"].headers, "Accept-Language": lang}
    forged = json.dumps(["2026-01-01T00:00:00+00:00", "a\x00"]).encode()
    forged_cursor = base64.urlsafe_b64encode(forged).decode().rstrip("=")
    wrong = world.client.post(
        f"{ADMIN}/{enr}/send-back", json={"reason": "bored", "note": ""}, headers=headers
    )
    assert wrong.status_code == 422
    assert wrong.json()["error"]["field"] == "reason"
    assert wrong.json()["error"]["message"].startswith(expected)
    cases = [
        ("post", f"{ADMIN}/{enr}/accept", {"membership_number": ""}, "membership_number"),
        ("post", f"{ADMIN}/{enr}/accept", {}, "membership_number"),
        ("post", f"{ADMIN}/{enr}/send-back", {"reason": "other", "note": " "}, "note"),
        ("post", f"{ADMIN}/not-a-uuid/accept", {"membership_number": "16071234567"}, "id"),
        ("get", f"{ADMIN}?status=lost", None, "status"),
        ("get", f"{ADMIN}?cursor=xyz", None, "cursor"),
        ("get", f"{ADMIN}?limit=0", None, "limit"),
        ("get", f"{ADMIN}?from=yesterday", None, "from"),
        ("post", f"{ADMIN}/accept", {"items": []}, "items"),
        ("get", f"{ADMIN}?event=%00", None, "event"),
        ("get", f"{ADMIN}?cursor={forged_cursor}", None, "cursor"),
        ("get", f"{ADMIN}?agent=A%001", None, "agent"),
        ("post", f"{ADMIN}/{enr}/send-back", {"reason": "incomplete", "note": "a\x00b"}, "note"),
    ]
    for method, url, body, field in cases:
        response = world.client.request(method, url, json=body, headers=headers)
        assert response.status_code == 422, (url, body, response.text)
        assert response.json()["error"]["field"] == field, (url, response.text)
    not_json = world.client.post(
        f"{ADMIN}/{enr}/accept",
        content=b"{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert not_json.status_code == 422 and not_json.json()["error"]["field"] == "body"
    assert record_fields(world, enr)["status"] == "submitted"
    assert trail(world, "review-enrollment", enr) == []


def test_an_admin_account_logs_in_as_admin(world: World) -> None:
    people = setup_branches(world)
    assert people["N1"].login_answer["agent"]["role"] == "admin"


def test_the_queue_filters_by_event_and_by_the_day_received(world: World) -> None:
    people = setup_branches(world)
    event = str(uuid.uuid4())
    today = dt.datetime.now(dt.UTC).date()
    days = ((today - dt.timedelta(days=1)).isoformat(), (today + dt.timedelta(days=1)).isoformat())
    admin.create_event(world.engine, "Booth Pasar 16 Ilir", "Pasar 16 Ilir", "PLG", *days, event)
    at_booth = enroll(people["A1"], 30, event_id=event)
    elsewhere = enroll(people["A1"], 31)
    s1 = people["S1"]
    by_event = world.client.get(ADMIN, params={"event": event}, headers=s1.headers).json()
    assert [i["id"] for i in by_event["items"]] == [at_booth]
    for days, expected in ((0, {at_booth, elsewhere}), (1, set()), (-1, set())):
        day = (today + dt.timedelta(days=days)).isoformat()
        page = world.client.get(ADMIN, params={"from": day, "to": day}, headers=s1.headers)
        assert {i["id"] for i in page.json()["items"]} == expected, day


@pytest.mark.expect_warning_log(r"^server: admin/reveal-nik: rate limit reached by S1$")
@pytest.mark.usefixtures("rate_window")
def test_reveal_nik_is_rate_limited(database_url: str) -> None:
    limited = World(cheap_settings(database_url, check_rate_per_agent=2))
    try:
        people = setup_branches(limited)
        enr = enroll(people["A1"], 40)
        url = f"{ADMIN}/{enr}/reveal-nik"
        answers = [limited.client.post(url, headers=people["S1"].headers) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert "Retry-After" in answers[2].headers
        assert len(trail(limited, "reveal-nik", enr)) == 2
    finally:
        limited.close()
