"""The coverage API (`/v1/admin/coverage`), on SQLite and PostgreSQL: each metric counted over
its target's own period in the branch's days, by branch, event and agent; the branch wall
(another branch, or its event or agent, is 404); agents get 403; bad input is 422 with the
field; and the queries go through the indexes of migration 0011."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from employer_records import EMPLOYER, registration_fields, store
from srv_support import Laptop, World, business_fields, enrollment_fields, op, visit_fields

from sync.server import admin, db
from sync.server.admin import coverage, review, review_queue

URL = "/v1/admin/coverage"
WIB = dt.timezone(dt.timedelta(hours=7))


def setup(world: World) -> dict[str, Laptop]:
    """PLG (A1, A2, supervisor S1), LLG (B1, supervisor S2), admin N1."""
    a1, a2, s1 = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("S2", "LLG", role="supervisor")
    world.agent("N1", "PLG", role="admin")
    return {"A1": a1, "A2": a2, "S1": s1, **{c: world.login(c) for c in ("B1", "S2", "N1")}}


def event(world: World, branch: str = "PLG", name: str = "Sumsel Marketing") -> str:
    event_id = str(uuid.uuid4())
    admin.create_event(world.engine, name, "PIM", branch, "2026-11-01", "2026-12-31", event_id)
    return event_id


def target(world: World, scope: str, scope_id: str, metric: str, goal: int, days: Any) -> None:
    admin.set_target(world.engine, scope, scope_id, metric, goal, str(days[0]), str(days[1]))


def push(laptop: Laptop, entity: str, fields: dict[str, Any]) -> str:
    entity_id = str(uuid.uuid4())
    result = laptop.push_one(op(entity, "create", entity_id, fields))
    assert result["status"] == "applied", result
    return entity_id


def lines(world: World, laptop: Laptop, **params: str) -> dict[tuple[str, str, str], Any]:
    response = world.client.get(URL, params=params, headers=laptop.headers)
    assert response.status_code == 200, response.text
    return {(x["scope"], x["scope_id"], x["metric"]): x for x in response.json()["items"]}


def test_each_metric_counts_over_its_targets_period_in_the_branchs_days(world: World) -> None:
    people = setup(world)
    a1, a2, b1 = people["A1"], people["A2"], people["B1"]
    booth = event(world)
    today = dt.datetime.now(WIB).date()  # the branch's day (Asia/Jakarta)
    week = (today - dt.timedelta(days=6), today)
    for i in range(3):  # three UMKM at the booth; a business's status is no employer
        status = "enrolled" if i == 0 else "prospect"
        push(a1, "business", business_fields(f"Usaha Booth {i}", event_id=booth, status=status))
    shop = push(a2, "business", business_fields("Warung A2", status="enrolled"))
    far = push(b1, "business", business_fields("Warung LLG", status="enrolled"))  # another branch
    # Employers: registrations (PU), one accepted, one waiting; another branch's accepted.
    registered = [
        store(world, EMPLOYER, registration_fields(business, i), branch, agent)
        for i, (business, branch, agent) in enumerate(
            [(shop, "PLG", "A2"), (shop, "PLG", "A2"), (far, "LLG", "B1")]
        )
    ]
    for entity_id in (registered[0], registered[2]):
        review.accept(world.engine, entity_id, "16001234", review.Reviewer(), (EMPLOYER,))
    for i in range(2):
        push(a1, "enrollment", enrollment_fields(i, event_id=booth))
    push(a2, "enrollment", enrollment_fields(5))
    now = dt.datetime.now(WIB)
    push(a2, "visit", visit_fields(shop, visited_at=now.isoformat()))
    # Written in Makassar time: the same instant's day in Jakarta decides.
    push(
        a2,
        "visit",
        visit_fields(
            shop, visited_at=now.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()
        ),
    )
    push(a2, "visit", visit_fields(shop, visited_at=(now - dt.timedelta(days=10)).isoformat()))
    yesterday = today - dt.timedelta(days=1)
    target(world, "branch", "PLG", "employers", 1441, week)
    target(world, "branch", "PLG", "businesses", 100, week)
    target(world, "branch", "PLG", "enrollments", 10, (yesterday, yesterday))  # nothing then
    target(world, "event", booth, "businesses", 100, week)
    target(world, "event", booth, "enrollments", 50, week)
    target(world, "agent", "A1", "enrollments", 4, week)
    target(world, "agent", "A2", "visits", 0, week)
    target(world, "agent", "A2", "visits", 5, (today - dt.timedelta(days=30), today))
    got = lines(world, people["S1"])
    branch = got[("branch", "PLG", "employers")]
    assert (branch["goal"], branch["done"], branch["scope_name"]) == (1441, 1, "Palembang")
    assert branch["waiting"] == 1
    assert got[("branch", "PLG", "businesses")]["done"] == 4
    assert got[("branch", "PLG", "enrollments")]["done"] == 0
    assert got[("event", booth, "businesses")]["done"] == 3
    assert got[("event", booth, "businesses")]["scope_name"] == "Sumsel Marketing"
    assert got[("event", booth, "enrollments")]["done"] == 2
    a1_line = got[("agent", "A1", "enrollments")]
    assert (a1_line["done"], a1_line["percent"]) == (2, 50.0)
    answer = world.client.get(URL, params={"agent": "A2"}, headers=people["S1"].headers)
    visits = answer.json()["items"]
    assert sorted((x["goal"], x["done"], x["percent"]) for x in visits) == [
        (0, 2, None),
        (5, 3, 60.0),
    ]
    assert {x[0] for x in got} == {"branch", "event", "agent"}
    assert all(x["branch"] == "PLG" for x in got.values())


def test_a_supervisor_sees_only_their_branch_and_agents_get_403(world: World) -> None:
    people = setup(world)
    far = event(world, "LLG", "Pameran Lubuklinggau")
    week = (dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    target(world, "branch", "PLG", "employers", 1441, week)
    target(world, "branch", "LLG", "employers", 300, week)
    target(world, "event", far, "businesses", 20, week)
    push(people["B1"], "business", business_fields("Warung LLG", event_id=far))
    s1 = people["S1"]
    assert set(lines(world, s1)) == {("branch", "PLG", "employers")}
    for params in ({"branch": "LLG"}, {"event": far}, {"agent": "B1"}, {"branch": "NOPE"}):
        response = world.client.get(URL, params=params, headers=s1.headers)
        assert response.status_code == 404, (params, response.text)
        assert response.json()["error"]["code"] == "not_found"
    assert "LLG" not in world.client.get(URL, params={"event": far}, headers=s1.headers).text
    everything = lines(world, people["N1"])
    assert ("branch", "LLG", "employers") in everything
    assert everything[("event", far, "businesses")]["done"] == 1
    only = lines(world, people["N1"], branch="LLG")
    assert {x["branch"] for x in only.values()} == {"LLG"}
    assert set(lines(world, people["S2"], event=far)) == {("event", far, "businesses")}
    for agent in ("A1", "B1"):
        response = world.client.get(URL, headers=people[agent].headers)
        assert response.status_code == 403
    assert world.client.get(URL).status_code == 401


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("id-ID", "Tulis tanggal"), ("en-US", "Write the date")],
)
def test_bad_input_is_422_with_the_field_in_the_callers_language(
    world: World, lang: str, expected: str
) -> None:
    people = setup(world)
    headers = {**people["S1"].headers, "Accept-Language": lang}
    bad = world.client.get(URL, params={"from": "2026-13-01"}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "from"
    assert bad.json()["error"]["message"].startswith(expected)
    for params, field in (
        ({"from": "2026-12-02", "to": "2026-12-01"}, "to"),
        ({"agent": "A\x001"}, "agent"),
        ({"to": "x" * 11}, "to"),
    ):
        response = world.client.get(URL, params=params, headers=headers)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["error"]["field"] == field


def test_period_filter_keeps_the_targets_reaching_into_those_days(world: World) -> None:
    people = setup(world)
    target(world, "branch", "PLG", "visits", 10, ("2026-10-01", "2026-10-31"))
    target(world, "branch", "PLG", "employers", 1441, ("2026-11-01", "2026-12-31"))
    got = lines(world, people["S1"], **{"from": "2026-12-01", "to": "2026-12-05"})
    assert set(got) == {("branch", "PLG", "employers")}
    assert len(lines(world, people["S1"], to="2026-10-15")) == 1


def plan(world: World, query: sa.Select[Any]) -> str:
    with world.engine.connect() as conn:
        compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
            return " ".join(str(row[-1]) for row in rows)
        # The scratch database is shared and its statistics are whatever the tests before
        # left and autovacuum last analysed: a few rows can make a sort look cheaper than the
        # index's order. Costed as on a big table (no scan, no sort while an index can serve
        # the order), the plan says what the indexes can serve, whatever ran before.
        conn.exec_driver_sql("SET enable_seqscan = off")
        conn.exec_driver_sql("SET enable_sort = off")
        return " ".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {compiled}").all())


def test_the_queue_and_the_coverage_read_through_their_indexes(world: World) -> None:
    """Migration 0011's generated columns and indexes: without them the queue scans every
    record's JSON for its status and the coverage parses every counted record's JSON."""
    setup(world)
    c = db.table(db.Record).c
    where = review_queue._where(review_queue.QueueFilter(), review.Reviewer("S1", "PLG"))
    first_page = sa.select(c.entity_id).where(*where).order_by(c.created_at, c.entity_id)
    assert "ix_record_queue" in plan(world, first_page.limit(51))
    both = review_queue._where(
        review_queue.QueueFilter(), review.Reviewer("S1", "PLG"), review.REVIEWED
    )
    console_page = sa.select(c.entity_id).where(*both).order_by(c.created_at, c.entity_id)
    assert "ix_record_queue" in plan(world, console_page.limit(51))
    day = (dt.date(2026, 12, 1), dt.date(2026, 12, 1))
    for entity, index in (
        ("enrollment", "ix_record_branch_entity_created"),
        ("business", "ix_record_branch_entity_created"),
        ("employer_registration", "ix_record_branch_entity_created"),
        ("visit", "ix_record_branch_entity_occurred"),
    ):
        used = plan(world, coverage.count_query("PLG", "Asia/Jakarta", entity, day))
        if world.engine.dialect.name == "sqlite":
            assert f"INDEX {index} (branch_code=? AND entity=? AND " in used, (entity, used)
        else:  # an empty table: any of migration 0011's indexes, never a scan of the table
            assert "ix_record_" in used and "Seq Scan" not in used, (entity, used)


def test_the_computed_columns_follow_the_fields(world: World) -> None:
    """status, event_id and occurred_at are the database's copies of the fields, kept by it on
    every write (a push, a review), whatever the stamp's offset."""
    people = setup(world)
    booth = event(world)
    shop = push(people["A1"], "business", business_fields("Warung", event_id=booth))
    makassar = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    visit = push(people["A1"], "visit", visit_fields(shop, visited_at=makassar.isoformat()))
    enrollment = push(people["A1"], "enrollment", enrollment_fields(3, event_id=booth))
    admin.review_enrollment(world.engine, enrollment, "accepted", membership_number="160712")
    c = db.table(db.Record).c
    with world.engine.connect() as conn:
        got = {
            row.entity_id: (row.status, row.event_id, row.occurred_at)
            for row in conn.execute(sa.select(c.entity_id, c.status, c.event_id, c.occurred_at))
        }
    assert got[shop] == ("prospect", booth, None)
    assert got[visit] == (None, None, "2026-11-30 15:30:00")
    assert got[enrollment] == ("accepted", booth, None)
