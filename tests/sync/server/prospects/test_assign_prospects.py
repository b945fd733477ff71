"""Bulk assignment of an imported list's businesses (`prospects.assigning`,
`admin.assignments.create_many`), on SQLite and PostgreSQL: one assignment per business by the
filters or the ticks, one left out and counted when it already has an open assignment, one
trail row; all or nothing; the branch wall (another branch's list is not found, another
branch's agent is refused beside the field); and the agent's laptop pulls what it was given."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from helpers.prospect_lists import ILIR_BARAT_DUA, SEBERANG_ULU_DUA, imported_list, prospect
from srv_support import World

from agent_app.domain import clock
from sync.server import db
from sync.server.admin import assignments
from sync.server.admin.common import FieldError, NotFound
from sync.server.admin.review import Reviewer
from sync.server.prospects import assigning

S1 = Reviewer("S1", "PLG")


def due() -> str:
    return (clock.today("Asia/Jakarta") + dt.timedelta(days=3)).isoformat()


def form(agent: str = "A1") -> assignments.ManyAssignments:
    return assignments.ManyAssignments(agent, "visit", due(), "Bawa brosur")


def setup(world: World) -> tuple[str, list[str]]:
    """PLG (A1, A2, S1), LLG (B1, S2), admin N1; a PLG list: three businesses in Seberang
    Ulu Dua, two in Ilir Barat Dua."""
    world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("S2", "LLG", role="supervisor")
    world.agent("N1", "PLG", role="admin")
    names = [("Pempek Cek Molek", SEBERANG_ULU_DUA), ("Kopi Ulu", SEBERANG_ULU_DUA)]
    names += [("Tekwan Ulu", SEBERANG_ULU_DUA), ("Songket Ilir", ILIR_BARAT_DUA)]
    names += [("Kerupuk Ilir", ILIR_BARAT_DUA)]
    return imported_list(world.engine, [prospect(n, d) for n, d in names])


def assignment_rows(world: World) -> list[Any]:
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        query = sa.select(table).where(table.c.entity == "assignment").order_by(table.c.server_seq)
        return conn.execute(query).all()


def trail(world: World, action: str) -> list[Any]:
    table = db.table(db.AdminAudit)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.action == action)).all()


def by_district(district: str) -> assigning.Choice:
    return assigning.Choice("filter", assigning.ListFilter(district=district))


def test_a_district_is_assigned_at_once_and_the_open_one_left_out(world: World) -> None:
    list_id, ids = setup(world)
    single = assignments.NewAssignment(ids[1], "A2", "follow_up", due())
    earlier = assignments.create(world.engine, single, S1)

    done = assigning.assign(world.engine, list_id, by_district(SEBERANG_ULU_DUA), form(), S1)

    assert (len(done.ids), done.already, done.agent_code) == (2, 1, "A1")
    rows = [r for r in assignment_rows(world) if r.entity_id != earlier["id"]]
    assert sorted(r.fields["business_id"] for r in rows) == sorted([ids[0], ids[2]])
    assert {(r.owner_code, r.branch_code, r.version) for r in rows} == {("A1", "PLG", 1)}
    assert all(r.fields["status"] == "open" and r.fields["due_on"] == due() for r in rows)
    assert len({r.server_seq for r in assignment_rows(world)}) == 3  # each its own change
    [row] = trail(world, "assign-many")
    assert row.target == list_id and row.operator == "S1"
    assert row.details["count"] == 2 and row.details["already"] == 1
    made = {r.entity_id for r in rows if row.details["seq_from"] <= r.server_seq}
    assert made == set(done.ids) and row.details["seq_to"] - row.details["seq_from"] == 1
    assert "ids" not in row.details  # thousands of ids would fill the trail's page

    pulled, _ = world.login("A1").pull_all()  # the agent's laptop gets them at its next pull
    assert {c["entity_id"] for c in pulled if c["entity"] == "assignment"} == set(done.ids)
    again = assigning.assign(world.engine, list_id, by_district(SEBERANG_ULU_DUA), form(), S1)
    assert (again.ids, again.already) == ([], 3)


def test_ticked_businesses_and_the_event_filter(world: World) -> None:
    list_id, ids = setup(world)
    ticked = assigning.Choice("ticked", ticked=[ids[3], ids[0]])
    assert len(assigning.assign(world.engine, list_id, ticked, form("A2"), S1).ids) == 2
    businesses = [prospect("Pindang Acara"), prospect("Kemplang Booth", event_id="E2")]
    other_list, other_ids = imported_list(world.engine, businesses, event_id="E1")
    by_event = assigning.Choice("filter", assigning.ListFilter(event="E2"))  # a business's
    assert len(assigning.assign(world.engine, other_list, by_event, form(), S1).ids) == 1
    by_event = assigning.Choice("filter", assigning.ListFilter(event="E1"))  # the list's: all
    done = assigning.assign(world.engine, other_list, by_event, form(), S1)
    assert (len(done.ids), done.already) == (1, 1)
    assert [r.fields["business_id"] for r in assignment_rows(world)][-2:] == other_ids[::-1]


@pytest.mark.parametrize(
    ("choice", "field"),
    [
        (assigning.Choice("ticked"), "which"),  # nothing ticked
        (assigning.Choice("filter", ticked=["x"]), "which"),  # ticked, but "all" chosen
        (assigning.Choice("filter", assigning.ListFilter(status="later")), "status"),
        (assigning.Choice("filter", assigning.ListFilter(district="16.72.01")), "which"),
    ],
)
def test_a_choice_that_chooses_nothing_is_refused(
    world: World, choice: assigning.Choice, field: str
) -> None:
    list_id, _ = setup(world)
    with pytest.raises(FieldError) as refused:
        assigning.assign(world.engine, list_id, choice, form(), S1)
    assert refused.value.field == field
    assert assignment_rows(world) == []


def test_all_or_nothing(world: World) -> None:
    """One refused business refuses them all: nothing written, no trail row."""
    list_id, ids = setup(world)
    outsider = imported_list(world.engine, [prospect("Kopi Lubuk")], branch="LLG")[1][0]
    ticked = assigning.Choice("ticked", ticked=[ids[0], outsider])
    with pytest.raises(FieldError) as refused:
        assigning.assign(world.engine, list_id, ticked, form(), S1)
    assert refused.value.field == "which"  # not on this list
    with pytest.raises(FieldError) as refused:  # the service itself, past the list's check
        assignments.create_many(world.engine, [ids[0], ids[1], outsider], form(), S1)
    assert refused.value.field == "business_id"
    with pytest.raises(FieldError) as refused:  # LLG's business to LLG's agent: not S1's to give
        assignments.create_many(world.engine, [outsider], form("B1"), S1)
    assert refused.value.field == "business_id"
    for bad in (form("A9"), assignments.ManyAssignments("A1", "visit", "2001-01-01")):
        with pytest.raises(FieldError):
            assignments.create_many(world.engine, ids, bad, S1)
    assert assignment_rows(world) == [] and trail(world, "assign-many") == []


def test_the_branch_wall(world: World) -> None:
    list_id, _ = setup(world)
    everything = by_district(SEBERANG_ULU_DUA)
    s2 = Reviewer("S2", "LLG")  # another branch's supervisor: no such list
    with pytest.raises(NotFound):
        assigning.list_page(world.engine, list_id, assigning.ListFilter(), s2)
    with pytest.raises(NotFound):
        assigning.assign(world.engine, list_id, everything, form(), s2)
    with pytest.raises(FieldError) as refused:  # another branch's agent, beside the field
        assigning.assign(world.engine, list_id, everything, form("B1"), S1)
    assert refused.value.field == "agent_code"
    assert "B1" in refused.value.text.id
    with pytest.raises(FieldError) as refused:  # nor may an admin give PLG's to LLG's agent
        assigning.assign(world.engine, list_id, everything, form("B1"), Reviewer("N1", None))
    assert refused.value.field == "agent_code"
    assert assignment_rows(world) == []
    done = assigning.assign(world.engine, list_id, everything, form(), Reviewer("N1", None))
    assert len(done.ids) == 3


def test_two_supervisors_assigning_at_once_give_each_business_once(world: World) -> None:
    """The bulk assignment takes the change counter's lock before it reads the open
    assignments: the second waits and leaves out what the first gave."""
    _, ids = setup(world)
    start = threading.Barrier(2)

    def give(agent: str) -> assignments.Assigned:
        start.wait()
        return assignments.create_many(world.engine, ids, form(agent), S1)

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(give, ["A1", "A2"]))
    assert sorted((len(r.ids), r.already) for r in results) == [(0, 5), (5, 0)]
    assert len(assignment_rows(world)) == 5
