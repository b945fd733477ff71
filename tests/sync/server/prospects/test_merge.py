"""Merging two records of one business (issue 18), on SQLite and PostgreSQL: the survivor
takes the loser's missing fields, every record naming the loser is re-pointed with a new
version, laptops pull the survivor before the loser's deletion (which carries `merged_into`),
a late op naming the loser goes to the survivor (through a chain of merges), an update of the
loser is refused `deleted`, another branch's business is not found, a merged business cannot
be merged again, and the open pairs naming the loser are resolved or moved."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from srv_support import World, business_fields, enrollment_fields, op, visit_fields

from sync.server import db
from sync.server.admin import assignments
from sync.server.admin.common import Conflict, NotFound
from sync.server.admin.review import Reviewer
from sync.server.prospects import merging
from sync.server.prospects.tables import (
    BusinessDuplicate,
    BusinessMerge,
    ProspectList,
    ProspectListItem,
    ProspectSource,
)

S1 = Reviewer("S1", "PLG")


def record(world: World, entity_id: str) -> Any:
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.entity_id == entity_id)).one()


def open_pairs(world: World) -> set[frozenset[str]]:
    table = db.table(BusinessDuplicate)
    with world.engine.connect() as conn:
        rows = conn.execute(
            sa.select(table.c.business_id, table.c.candidate_id).where(table.c.resolution.is_(None))
        )
        return {frozenset(row) for row in rows}


def scene(world: World) -> dict[str, Any]:
    """A1's "Pempek Cek Molek" (no NIB) and A2's "Pempek Molek, Cek" (an NIB, a place), each
    with a visit; an enrollment and an assignment name A2's; a third look-alike."""
    a1, a2, s1 = world.standard()
    keep = a1.create("business", business_fields("Pempek Cek Molek", phone=None))
    lose_fields = business_fields(
        "Pempek Molek, Cek", nib="1234567890123", latitude=-2.99, longitude=104.76
    )
    lose = a2.create("business", {**lose_fields, "owner_name": None})
    third = a2.create("business", business_fields("Pempek Cek Molek Dua", phone=None))
    visits = [a1.create("visit", visit_fields(keep)), a2.create("visit", visit_fields(lose))]
    enrollment = a2.create("enrollment", enrollment_fields(1, business_id=lose))
    form = assignments.NewAssignment(lose, "A1", "visit", "2099-01-01")
    assignment = assignments.create(world.engine, form, S1)["id"]
    return {
        "a1": a1, "a2": a2, "s1": s1, "keep": keep, "lose": lose, "third": third,
        "visits": visits, "enrollment": enrollment, "assignment": assignment,
    }  # fmt: skip


def test_merge_repoints_records_and_laptops_pull_the_survivor_first(world: World) -> None:
    s = scene(world)
    _, cursor = s["a1"].pull_all()
    before = {i: record(world, i).version for i in (s["keep"], s["enrollment"], s["assignment"])}
    assert open_pairs(world) >= {frozenset((s["keep"], s["lose"]))}

    done = merging.merge(world.engine, s["keep"], s["lose"], S1)
    assert done["moved"] == 3  # A2's visit, the enrollment, the assignment

    survivor = record(world, s["keep"])
    assert survivor.version == before[s["keep"]] + 1
    assert survivor.fields["name"] == "Pempek Cek Molek"  # its own kept
    assert survivor.fields["nib"] == "1234567890123"  # the loser's, where its own was empty
    assert (survivor.fields["latitude"], survivor.fields["longitude"]) == (-2.99, 104.76)
    assert survivor.fields["owner_name"] == "Pemilik Contoh"
    for entity_id in (s["enrollment"], s["assignment"], s["visits"][1]):
        row = record(world, entity_id)
        assert row.fields["business_id"] == s["keep"]
    assert record(world, s["enrollment"]).version == before[s["enrollment"]] + 1
    loser = record(world, s["lose"])
    assert loser.deleted and loser.fields == {"merged_into": s["keep"]}

    changes, _ = s["s1"].pull_all(cursor=cursor)  # the supervisor sees the enrollment too
    # The survivor first, then what named the loser (an assignment only to its agent, A1),
    # the loser's deletion last.
    assert [c["entity_id"] for c in changes] == [
        s["keep"], s["visits"][1], s["enrollment"], s["lose"]
    ]  # fmt: skip
    assert changes[-1]["deleted"] is True
    assert changes[-1]["fields"] == {"merged_into": s["keep"]}
    a1_changes, _ = s["a1"].pull_all(cursor=cursor)
    assert [c["entity_id"] for c in a1_changes] == [s["keep"], s["visits"][1], s["assignment"],
                                                    s["lose"]]  # fmt: skip

    # The pair is merged; the loser's pair with the third business moved to the survivor
    # (the survivor already had one with it: resolved, not doubled).
    assert open_pairs(world) == {frozenset((s["third"], s["keep"]))}
    with world.engine.connect() as conn:
        merges = conn.execute(sa.select(db.table(BusinessMerge))).all()
        trail = conn.execute(
            sa.select(db.table(db.AdminAudit)).where(
                db.table(db.AdminAudit).c.action == "merge-business"
            )
        ).one()
    assert [(m.loser_id, m.survivor_id) for m in merges] == [(s["lose"], s["keep"])]
    assert trail.target == s["lose"] and trail.details["survivor"] == s["keep"]


def test_late_ops_go_to_the_survivor_through_chains(world: World) -> None:
    s = scene(world)
    merging.merge(world.engine, s["keep"], s["lose"], S1)
    merging.merge(world.engine, s["third"], s["keep"], S1)  # lose -> keep -> third
    with world.engine.connect() as conn:
        assert merging.survivors(conn, [s["lose"], s["keep"], s["third"]]) == {
            s["lose"]: s["third"],
            s["keep"]: s["third"],
        }
    # A laptop that had not pulled: a visit of the first loser, an update of its enrollment.
    late_visit = op("visit", "create", None, visit_fields(s["lose"]))
    enrollment = record(world, s["enrollment"])
    late_update = op(
        "enrollment", "update", s["enrollment"], {"business_id": s["lose"]}, enrollment.version
    )
    # An update of the merged business itself, and a create of its id again.
    stale = op("business", "update", s["lose"], {"workers_count": 4}, 1)
    again = op("business", "create", s["lose"], business_fields("Pempek Molek, Cek"))
    results = s["a2"].push(late_visit, late_update, stale, again)
    assert [r["status"] for r in results] == ["applied", "applied", "rejected", "rejected"]
    assert results[2]["error"]["code"] == "deleted"
    assert results[3]["error"]["code"] == "deleted"
    assert record(world, late_visit["entity_id"]).fields["business_id"] == s["third"]
    assert record(world, s["enrollment"]).fields["business_id"] == s["third"]
    # The same op sent again is answered from the ledger.
    assert s["a2"].push(late_visit)[0]["status"] == "duplicate"


def test_another_branch_and_a_merged_business_are_refused(world: World) -> None:
    s = scene(world)
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    llg = world.login("B1").create("business", business_fields("Pempek Cek Molek"))
    with pytest.raises(NotFound):
        merging.merge(world.engine, s["keep"], llg, S1)
    with pytest.raises(NotFound):
        merging.merge(world.engine, llg, s["keep"], S1)
    with pytest.raises(NotFound):  # LLG's supervisor does not see PLG's businesses
        merging.merge(world.engine, s["keep"], s["lose"], Reviewer("S2", "LLG"))
    with pytest.raises(NotFound):
        merging.merge(world.engine, s["keep"], "not-an-id", S1)
    merging.merge(world.engine, s["keep"], s["lose"], S1)
    with pytest.raises(Conflict):
        merging.merge(world.engine, s["third"], s["lose"], S1)
    with pytest.raises(Conflict):
        merging.merge(world.engine, s["lose"], s["third"], S1)
    assert record(world, llg).version == 1 and not record(world, llg).deleted
    assert record(world, s["third"]).version == 1


def test_merge_and_dismiss_a_pair(world: World) -> None:
    s = scene(world)
    table = db.table(BusinessDuplicate)
    with world.engine.connect() as conn:
        rows = conn.execute(sa.select(table).order_by(table.c.id)).all()
    by_sides = {frozenset((r.business_id, r.candidate_id)): r.id for r in rows}
    third_pair = by_sides[frozenset((s["third"], s["keep"]))]
    merging.dismiss(world.engine, third_pair, S1)
    with pytest.raises(Conflict):
        merging.dismiss(world.engine, third_pair, S1)
    with pytest.raises(NotFound):
        merging.dismiss(world.engine, third_pair, Reviewer("S2", "LLG"))
    pair = by_sides[frozenset((s["keep"], s["lose"]))]
    merging.merge_pair(world.engine, pair, s["lose"], S1)  # the other way round this time
    assert record(world, s["keep"]).deleted
    assert record(world, s["visits"][0]).fields["business_id"] == s["lose"]
    # The dismissed pair (keep, third) stays dismissed; the survivor's own pair stays open.
    assert open_pairs(world) == {frozenset((s["lose"], s["third"]))}
    with world.engine.connect() as conn:
        statuses = dict(conn.execute(sa.select(table.c.id, table.c.resolution)).all())
    assert statuses[third_pair] == "dismissed" and statuses[pair] == "merged"


def listed(world: World, business_id: str) -> str:
    """A prospect list of one row naming `business_id`; the row's list id."""
    now = db.utcnow()
    list_id = str(uuid.uuid4())
    with world.engine.begin() as conn:
        source = conn.execute(
            sa.insert(db.table(ProspectSource))
            .values(branch_code="PLG", name="Koperasi", mapping={}, created_at=now, updated_at=now)
            .returning(db.table(ProspectSource).c.id)
        ).scalar_one()
        conn.execute(
            sa.insert(db.table(ProspectList)).values(
                id=list_id, source_id=source, branch_code="PLG", file_name="a.csv",
                sha256="0" * 64, imported_by="S1", imported_at=now, rows_created=1,
                rows_linked=0,
            )
        )  # fmt: skip
        conn.execute(
            sa.insert(db.table(ProspectListItem)).values(
                list_id=list_id, row_number=1, business_id=business_id, linked=False
            )
        )
    return list_id


def test_a_pair_of_the_loser_and_another_business_moves_to_the_survivor(world: World) -> None:
    s = scene(world)
    list_id = listed(world, s["lose"])
    # The loser's NIB, another name and district: a pair with the loser only.
    other = s["a1"].create(
        "business",
        business_fields("Bengkel Jaya", phone=None, nib="1234567890123", region_code="16.71.09"),
    )
    assert frozenset((other, s["lose"])) in open_pairs(world)
    assert frozenset((other, s["keep"])) not in open_pairs(world)
    merging.merge(world.engine, s["keep"], s["lose"], S1)
    assert open_pairs(world) == {
        frozenset((s["third"], s["keep"])),
        frozenset((other, s["keep"])),  # moved: the survivor now has the NIB too
    }
    items = db.table(ProspectListItem)
    with world.engine.connect() as conn:
        named = conn.execute(sa.select(items.c.business_id).where(items.c.list_id == list_id))
        assert named.scalar_one() == s["keep"]  # the partner's list follows the survivor
