"""Pull: visibility by branch and role, paging, the cursor, latest versions, 410 and 400."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from srv_support import World, business_fields, enrollment_fields, op, visit_fields

from sync import protocol
from sync.server import admin, meta

ROOT = Path(__file__).resolve().parents[3]


def _ids(changes: list[dict]) -> set[str]:
    return {c["entity_id"] for c in changes}


def test_branch_visibility_and_own_enrollments(world: World) -> None:
    a1, a2, s1 = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", branch="LLG")
    world.agent("BS", branch="LLG", role="supervisor")
    b1, bs = world.login("B1"), world.login("BS")
    biz, visit, enr1, enr2 = (str(uuid.uuid4()) for _ in range(4))
    a1.push(
        op("business", "create", biz, business_fields()),
        op("visit", "create", visit, visit_fields(biz)),
        op("enrollment", "create", enr1, enrollment_fields(40)),
    )
    a2.push_one(op("enrollment", "create", enr2, enrollment_fields(41)))
    event = admin.create_event(
        world.engine, "Sumsel Marketing", "PIM", "PLG", "2021-09-22", "2021-10-03"
    ).split()[2]
    admin.set_target(world.engine, "branch", "PLG", "employers", 1441, "2021-09-22", "2021-10-03")
    admin.set_target(world.engine, "agent", "A2", "enrollments", 30, "2021-09-22", "2021-10-03")
    seen = {
        name: laptop.pull_all()[0]
        for name, laptop in (("a1", a1), ("a2", a2), ("s1", s1), ("b1", b1), ("bs", bs))
    }
    assert {biz, visit, enr1, event} <= _ids(seen["a1"])
    assert enr2 not in _ids(seen["a1"])  # agents never pull other agents' enrollments
    assert enr1 not in _ids(seen["a2"]) and enr2 in _ids(seen["a2"])
    assert {enr1, enr2, biz, visit, event} <= _ids(seen["s1"])
    for other in ("b1", "bs"):  # nobody pulls another branch's data
        assert _ids(seen[other]).isdisjoint({biz, visit, enr1, enr2, event})
        assert not [c for c in seen[other] if c["entity"] == "target"]
    targets = {name: [c for c in seen[name] if c["entity"] == "target"] for name in seen}
    assert len(targets["a1"]) == 1 and len(targets["a2"]) == 2 and len(targets["s1"]) == 2
    assert targets["a1"][0]["fields"]["goal"] == 1441
    events = [c for c in seen["a1"] if c["entity"] == "event"]
    assert events[0]["fields"]["venue"] == "PIM"


def test_paging_never_skips_or_repeats(world: World) -> None:
    a1, _, _ = world.standard()
    ids = [str(uuid.uuid4()) for _ in range(23)]
    a1.push(
        *[op("business", "create", i, business_fields(f"Usaha {n}")) for n, i in enumerate(ids)]
    )
    changes, cursor = a1.pull_all(limit=5)
    assert [c["entity_id"] for c in changes] == ids
    seqs = [c["server_seq"] for c in changes]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    # Nothing new: an empty page, the cursor still works.
    more, cursor = a1.pull_all(cursor=cursor)
    assert more == []
    a1.push_one(op("business", "update", ids[0], {"status": "contacted"}, base_version=1))
    more, _ = a1.pull_all(cursor=cursor)
    assert [(c["entity_id"], c["version"]) for c in more] == [(ids[0], 2)]


def test_pull_returns_latest_version_and_page_shape(world: World) -> None:
    a1, _, _ = world.standard()
    biz = str(uuid.uuid4())
    a1.push_one(op("business", "create", biz, business_fields()))
    for version in range(1, 4):
        a1.push_one(op("business", "update", biz, {"workers_count": version}, base_version=version))
    response = a1.client.get("/v1/sync/pull", headers=a1.headers, params={"limit": 1})
    page = response.json()
    assert set(page) == {"changes", "next_cursor", "has_more", "server_time"}
    assert page["has_more"] is False
    (change,) = page["changes"]
    assert set(change) == {"entity", "entity_id", "version", "deleted", "fields", "server_seq"}
    assert change["version"] == 4 and change["fields"]["workers_count"] == 3


def test_bad_cursor_and_limit_are_400(world: World) -> None:
    a1, _, _ = world.standard()
    for params in (
        {"cursor": "garbage"},
        {"cursor": "eyJlIjoxfQ.abc"},
        {"limit": 0},
        {"limit": protocol.MAX_PULL_LIMIT + 1},
        {"limit": "many"},
    ):
        response = a1.client.get("/v1/sync/pull", headers=a1.headers, params=params)
        assert response.status_code == 400, params
        assert "error" in response.json()


def test_cursor_from_another_epoch_is_410(world: World) -> None:
    a1, _, _ = world.standard()
    _, cursor = a1.pull_all()
    with world.engine.begin() as conn:
        epoch = meta.read(conn)["epoch"]
        meta.write(conn, "epoch", uuid.uuid4().hex)
    try:
        response = a1.client.get("/v1/sync/pull", headers=a1.headers, params={"cursor": cursor})
        assert response.status_code == 410
        assert response.json()["error"]["code"] == "cursor_expired"
        assert a1.client.get("/v1/sync/pull", headers=a1.headers).status_code == 200
    finally:
        with world.engine.begin() as conn:
            meta.write(conn, "epoch", epoch)


def test_cursor_older_than_compacted_tombstones_is_410(world: World) -> None:
    a1, _, _ = world.standard()
    biz = str(uuid.uuid4())
    _, old_cursor = a1.pull_all()
    a1.push_one(op("business", "create", biz, business_fields()))
    a1.push_one(op("business", "delete", biz))
    _, recent_cursor = a1.pull_all(cursor=old_cursor)
    assert "purged 1" in admin.compact(world.engine, 0)
    response = a1.client.get("/v1/sync/pull", headers=a1.headers, params={"cursor": old_cursor})
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "cursor_expired"
    # A reader that had already seen the delete goes on; a fresh start works.
    ok = a1.client.get("/v1/sync/pull", headers=a1.headers, params={"cursor": recent_cursor})
    assert ok.status_code == 200
    fresh, _ = a1.pull_all()
    assert biz not in _ids(fresh)


def test_rate_tables_are_pulled_by_everyone(world: World) -> None:
    a1, _, _ = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", branch="LLG")
    b1 = world.login("B1")
    shipped = json.loads((ROOT / "resources" / "contributions.json").read_text("utf-8"))
    admin.publish_rate_table(world.engine, "2026-04", "2026-04-01", json.dumps(shipped))
    for laptop in (a1, b1):
        (table,) = [c for c in laptop.pull_all()[0] if c["entity"] == "rate_table"]
        assert table["fields"] == {
            "version": "2026-04",
            "effective_from": "2026-04-01",
            "table": shipped,
        }
    # A table the laptops could not quote with is refused before anyone pulls it.
    with pytest.raises(admin.AdminError, match="cannot be used"):
        admin.publish_rate_table(world.engine, "rusak", "2026-05-01", '{"JKM": {"flat": 6800}}')


def test_cursor_from_a_restored_older_database_is_410(world: World) -> None:
    a1, _, _ = world.standard()
    a1.push_one(op("business", "create", None, business_fields()))
    _, cursor = a1.pull_all()
    with world.engine.begin() as conn:  # as if a backup from before that push were restored
        conn.exec_driver_sql("UPDATE seq_counter SET value = 0")
    response = a1.client.get("/v1/sync/pull", headers=a1.headers, params={"cursor": cursor})
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "cursor_expired"


def test_a_pull_started_after_a_compaction_pages_through_to_the_end(world: World) -> None:
    """Its cursors lie below the horizon, yet it missed no deletion: no 410 (a laptop with
    more than a page of older records could otherwise never finish a full pull)."""
    a1, _, _ = world.standard()
    ids = [str(uuid.uuid4()) for _ in range(5)]
    a1.push(
        *[op("business", "create", i, business_fields(f"Usaha {n}")) for n, i in enumerate(ids)]
    )
    gone = str(uuid.uuid4())
    a1.push_one(op("business", "create", gone, business_fields()))
    a1.push_one(op("business", "delete", gone))
    _, before = a1.pull_all(limit=2)
    first = a1.client.get("/v1/sync/pull", headers=a1.headers, params={"limit": 2}).json()
    assert "purged 1" in admin.compact(world.engine, 0)
    changes, _ = a1.pull_all(limit=2)
    assert [c["entity_id"] for c in changes] == ids
    # A pull that began before the compaction still starts over: it may have missed the delete.
    stale = {"cursor": first["next_cursor"], "limit": 2}
    response = a1.client.get("/v1/sync/pull", headers=a1.headers, params=stale)
    assert response.status_code == 410
    ok = a1.client.get("/v1/sync/pull", headers=a1.headers, params={"cursor": before})
    assert ok.status_code == 200
