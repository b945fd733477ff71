"""Likely duplicates found when a laptop's push creates or changes a business (issue 18), on
SQLite and PostgreSQL: the same NIB, the same phone in another form, a similar name in the
district; never another branch's business; nothing refused; an update re-checks; a dismissed
pair is not found again; a batch is judged after its commit (`checks.drain`, the push's
background task), reading the branch once."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from srv_support import Laptop, World, business_fields, op

from agent_app.domain import duplicates
from sync.server import db
from sync.server.prospects import checks
from sync.server.prospects import duplicates as sdup
from sync.server.prospects.tables import BusinessDuplicate


def create(laptop: Laptop, name: str, **fields: Any) -> str:
    return laptop.create("business", business_fields(name, **{"phone": None, **fields}))


def pairs(world: World) -> set[tuple[str, str, str]]:
    table = db.table(BusinessDuplicate)
    with world.engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.business_id, table.c.candidate_id, table.c.reason))
        return {(row.business_id, row.candidate_id, row.reason) for row in rows}


def test_a_push_keeps_the_likely_duplicates_of_its_branch(world: World) -> None:
    a1, a2, _ = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    b1 = world.login("B1")
    molek = create(a1, "Pempek Cek Molek", nib="1234567890123", phone="+6281234500001")
    salon = create(a1, "Salon Dewi", phone="+6281299900002", region_code="16.71.04")
    create(b1, "Pempek Cek Molek", nib="1234567890123", region_code="16.73.01")  # LLG's
    # The same NIB; the same phone; a similar name (words in another order), one district.
    by_nib = create(a2, "Toko Lain", nib="1234567890123", region_code="16.71.05")
    by_phone = create(a2, "Salon Dewi Cantik", phone="+6281299900002", region_code="16.71.09")
    by_name = create(a2, "Pempek Molek, Cek", region_code="16.71.03")
    create(a2, "Warung Bu Tini", region_code="16.71.03")  # nothing like the others
    assert pairs(world) == {
        (by_nib, molek, "nib"),
        (by_phone, salon, "phone"),
        (by_name, molek, "name"),
    }


def test_an_update_rechecks_and_a_dismissed_pair_stays_dismissed(world: World) -> None:
    a1, a2, _ = world.standard()
    first = create(a1, "Kopi Kenangan Ilir", region_code="16.71.03")
    second = create(a2, "Bengkel Jaya", region_code="16.71.03")
    assert pairs(world) == set()
    renamed = {"name": "Kopi Kenangan Ilir 2"}
    result = a2.push_one(op("business", "update", second, renamed, 1))
    assert result["status"] == "applied"
    assert pairs(world) == {(second, first, "name")}
    table = db.table(BusinessDuplicate)
    with world.engine.begin() as conn:
        conn.execute(table.update().values(resolution="dismissed"))
    a2.push_one(op("business", "update", second, {"name": "Kopi Kenangan Ilir Dua"}, 2))
    a2.push_one(op("business", "update", second, {"workers_count": 9}, 3))
    with world.engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.resolution)).all()
    assert [row.resolution for row in rows] == ["dismissed"]


def test_a_batch_is_judged_after_it_with_one_read_of_the_branch(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    a1, _, _ = world.standard()
    create(a1, "Pempek Cek Molek", region_code="16.71.03")
    builds: list[str] = []
    real = checks.near_keys

    def counting(conn: sa.Connection, branch_code: str, near: Any, without: Any) -> Any:
        builds.append(branch_code)
        return real(conn, branch_code, near, without)

    monkeypatch.setattr(checks, "near_keys", counting)
    ops = [
        op("business", "create", None, business_fields(f"Pempek Cek Molek {i}", phone=None))
        for i in range(60)
    ]
    results = a1.push(*ops)
    assert {r["status"] for r in results} == {"applied"}
    assert builds == ["PLG"]
    found = pairs(world)
    # Later rows of the batch meet the earlier ones (and the one already there).
    first = ops[0]["entity_id"]
    assert (ops[1]["entity_id"], first, "name") in found
    assert len(found) > 60


def test_the_near_index_answers_as_the_whole_branch(world: World) -> None:
    """A district's businesses (with those of the same NIB or phone, and those without a
    district) give the candidates the whole branch's index gives, for keys with a district;
    """
    a1, _, _ = world.standard()
    names = ["Pempek Cek Molek", "Pempek Molek", "Salon Dewi", "Kopi Ilir", "Toko Sri"]
    regions = ["16.71.03", "16.71.03.1001", "16.71.04", "16.71", None]
    made = []
    for i in range(25):
        fields: dict[str, Any] = {"region_code": regions[i % 5]}
        if i % 7 == 0:
            fields["phone"] = "+6281200000007"
        if i % 6 == 0:
            fields["nib"] = "9876543210123"
        made.append(create(a1, f"{names[i % 5]} {'Dua' if i % 2 else ''}", **fields))
    probes = [
        duplicates.BusinessKey("p1", "Pempek Cek Molek 3", region_code="16.71.03"),
        duplicates.BusinessKey("p2", "Salon Dewi", phone="+6281200000007", region_code="16.71.09"),
        duplicates.BusinessKey("p3", "Kopi", nib="9876543210123", region_code="16.71.04.2002"),
    ]
    with world.engine.connect() as conn:
        whole = sdup.branch_index(conn, "PLG")
        for probe in probes:
            near = duplicates.Index(sdup.near_keys(conn, "PLG", sdup.Near.of([probe])))
            assert near.find(probe) == whole.find(probe), probe
    assert len(made) == 25


def test_the_near_read_is_bounded_to_the_newest_but_keeps_the_same_phone(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past `NEAR_LIMIT` a district's older names are not read; a business of the same phone
    (or NIB) still is, oldest first; only the four key fields are read; the businesses left
    out (`without`) do not count."""
    a1, _, _ = world.standard()
    made = [
        create(a1, f"Usaha Uji {i}", region_code="16.71.03", phone=phone)
        for i, phone in enumerate(["+6281200000001", None, None, None, None, None])
    ]
    create(a1, "Usaha Lain", region_code="16.71.05")  # another district: not near
    monkeypatch.setattr(sdup, "NEAR_LIMIT", 3)
    probe = duplicates.BusinessKey("p", "Usaha Uji", phone="+6281200000001", region_code="16.71.03")
    with world.engine.connect() as conn:
        near = list(sdup.near_keys(conn, "PLG", sdup.Near.of([probe])))
    assert [key.id for key in near] == [made[0], *made[-3:]]
    with world.engine.connect() as conn:  # those a drain judges in turn are not counted
        near_but = list(sdup.near_keys(conn, "PLG", sdup.Near.of([probe]), {made[-1]}))
    assert [key.id for key in near_but] == [made[0], *made[-4:-1]]
    assert near[0] == duplicates.BusinessKey(
        made[0], "Usaha Uji 0", phone="+6281200000001", region_code="16.71.03"
    )
