"""Who may delete, and what a push tells about records the caller cannot see (issue 10,
item 13), on SQLite and PostgreSQL.

A business or visit is deleted only by the agent who recorded it or a supervisor of its
branch. A record the caller may not pull (another branch's; for an agent, another agent's
enrollment) is answered exactly as an id the server does not have, whatever the op: no
`duplicate` with its version and seq, no `deleted`, no "another kind of record".
"""

from __future__ import annotations

import uuid
from typing import Any

from srv_support import Laptop, World, business_fields, enrollment_fields, op, visit_fields


def _answer(result: dict[str, Any]) -> tuple[Any, ...]:
    error = result["error"] or {}
    return (
        result["status"],
        result["entity_version"],
        result["server_seq"],
        error.get("code"),
        error.get("field"),
        error.get("message"),
        result.get("current"),
    )


def test_only_the_creator_or_a_supervisor_deletes_a_business_or_visit(world: World) -> None:
    a1, a2, s1 = world.standard()
    biz, visit, biz2, visit2 = (str(uuid.uuid4()) for _ in range(4))
    assert [
        r["status"]
        for r in a1.push(
            op("business", "create", biz, business_fields()),
            op("visit", "create", visit, visit_fields(biz)),
            op("business", "create", biz2, business_fields(name="Kerupuk Bu Sri")),
            op("visit", "create", visit2, visit_fields(biz2)),
        )
    ] == ["applied"] * 4
    for entity_id, entity in ((visit, "visit"), (biz, "business")):
        refused = a2.push_one(op(entity, "delete", entity_id))
        assert refused["status"] == "rejected"
        assert refused["error"]["code"] == "forbidden"
        assert (refused["entity_version"], refused["server_seq"]) == (None, None)
    # Still there, for everyone of the branch.
    changes, _ = a2.pull_all()
    alive = {c["entity_id"] for c in changes if not c["deleted"]}
    assert {biz, visit} <= alive
    # The creator may; a supervisor of the branch may delete anyone's.
    assert a1.push_one(op("visit", "delete", visit))["status"] == "applied"
    assert a1.push_one(op("business", "delete", biz))["status"] == "applied"
    assert s1.push_one(op("visit", "delete", visit2))["status"] == "applied"
    assert s1.push_one(op("business", "delete", biz2))["status"] == "applied"


def _foreign_records(world: World) -> tuple[Laptop, Laptop, dict[str, str]]:
    """Branch PLG's records (A1's) and an agent of another branch (B1)."""
    a1, a2, _ = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", branch="LLG")
    b1 = world.login("B1")
    ids = {name: str(uuid.uuid4()) for name in ("business", "visit", "enrollment", "gone")}
    a1.push(
        op("business", "create", ids["business"], business_fields()),
        op("visit", "create", ids["visit"], visit_fields(ids["business"])),
        op("enrollment", "create", ids["enrollment"], enrollment_fields(71)),
        op("business", "create", ids["gone"], business_fields(name="Tutup")),
    )
    a1.push_one(op("business", "update", ids["business"], {"status": "contacted"}, base_version=1))
    a1.push_one(op("business", "delete", ids["gone"]))
    return a2, b1, ids


def test_a_create_of_another_branchs_id_is_answered_as_unknown(world: World) -> None:
    _, b1, ids = _foreign_records(world)
    unknown = b1.push_one(
        op("business", "update", str(uuid.uuid4()), {"name": "X"}, base_version=1)
    )
    assert unknown["status"] == "rejected"
    expected = _answer(unknown)
    whole = {
        "business": business_fields(name="Usaha Lain"),
        "visit": None,
        "enrollment": enrollment_fields(72),
    }
    for name, entity_id in ids.items():
        for entity in ("business", "enrollment"):  # the same kind, or another kind
            create = b1.push_one(op(entity, "create", entity_id, whole[entity]))
            assert _answer(create) == expected, (name, entity, create)
        for kind in ("update", "delete"):
            entity = name if name in ("business", "visit", "enrollment") else "business"
            fields = {} if kind == "delete" else {"address": "Jl. Lain"}
            other = b1.push_one(op(entity, kind, entity_id, fields, base_version=1))
            assert _answer(other) == expected, (name, kind, other)
    # An invalid create is judged on its fields, as for a free id.
    bad = b1.push_one(op("business", "create", ids["business"], {"name": ""}))
    free = b1.push_one(op("business", "create", str(uuid.uuid4()), {"name": ""}))
    assert _answer(bad) == _answer(free) and bad["error"]["code"] == "invalid_field"


def test_another_agents_enrollment_is_unknown_to_an_agent(world: World) -> None:
    a2, _, ids = _foreign_records(world)
    expected = _answer(
        a2.push_one(op("enrollment", "update", str(uuid.uuid4()), {"address": "X"}, base_version=1))
    )
    for item in (
        op("enrollment", "create", ids["enrollment"], enrollment_fields(73)),
        op("enrollment", "update", ids["enrollment"], {"address": "X"}, base_version=1),
        op("enrollment", "delete", ids["enrollment"]),
    ):
        assert _answer(a2.push_one(item)) == expected, item["kind"]
    # The branch's businesses stay shared: a create of one's id is a duplicate as before.
    again = a2.push_one(op("business", "create", ids["business"], business_fields()))
    assert again["status"] == "duplicate" and again["entity_version"] == 2
