"""The console's suspected duplicates page (issue 18), on SQLite and PostgreSQL: the pairs of
the branch with both records (phone masked, visits counted, the reason), merge choosing the
survivor, "not duplicates", the branch wall (another branch's pair is the not-found page and
nothing changes), a pair already decided, CSRF, the menu's count, both languages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from conftest import Console
from srv_support import World, business_fields, op, visit_fields

from agent_app.domain import duplicates
from sync.server import db
from sync.server.prospects.tables import BusinessDuplicate

PAGE = "/console/duplicates"
LLG: dict[str, Any] = {"region_code": "16.73.01", "phone": None}


def setup(world: World) -> dict[str, Any]:
    """PLG: A1's "Pempek Cek Molek" with a visit, A2's "Pempek Molek Cek" with the same phone;
    LLG (S2) has a pair of its own."""
    a1, a2, _ = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("S2", "LLG", role="supervisor")
    b1 = world.login("B1")
    phone = "+6281234567890"
    ids = {
        "first": a1.create("business", business_fields("Pempek Cek Molek", phone=phone)),
        "second": a2.create("business", business_fields("Toko Molek", phone=phone)),
        "llg1": b1.create("business", business_fields("Kopi Lubuk", **LLG)),
        "llg2": b1.create("business", business_fields("Kopi Lubuk 2", **LLG)),
    }
    ids["visit"] = a1.create("visit", visit_fields(ids["first"]))
    table = db.table(BusinessDuplicate)
    with world.engine.connect() as conn:
        pairs = {row.branch_code: row.id for row in conn.execute(sa.select(table))}
    return {**ids, "pair": pairs["PLG"], "llg_pair": pairs["LLG"]}


def business(world: World, entity_id: str) -> Any:
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.entity_id == entity_id)).one()


def test_the_supervisor_sees_the_branch_pairs_and_merges_one(
    world: World, console: Callable[..., Console]
) -> None:
    ids = setup(world)
    s1 = console("S1")
    page = s1.get(PAGE)
    assert page.status_code == 200
    text = page.text
    assert "Pempek Cek Molek" in text and "Toko Molek" in text
    assert "Kopi Lubuk" not in text  # LLG's pair
    assert "Nomor HP sama" in text and "+6281234567890" not in text  # masked
    assert "0812" in text and '>Duplikat <span class="count">(1)</span>' in text
    assert "Pemilik usaha" in text and '<td class="visits">1</td>' in text
    assert '<th scope="row">Foto</th><td class="photos">0</td>' in text
    world.agent("N1", "PLG", role="admin")  # an admin sees every branch's pairs
    everything = console("N1", lang="en").get(PAGE).text
    assert "Toko Molek" in everything and "Kopi Lubuk 2" in everything
    assert "branch LLG" in everything and '<td class="visits">1</td>' in everything
    answer = s1.post(f"{PAGE}/{ids['pair']}/merge", {"survivor": ids["first"]})
    listed = s1.follow(answer)
    assert "Digabungkan: Pempek Cek Molek disimpan" in listed.text
    assert "Data yang disimpan: Pempek Cek Molek" in listed.text
    assert "beserta kunjungan, pendaftaran, dan foto" in listed.text
    assert "Tidak ada dugaan duplikat" in listed.text
    assert business(world, ids["second"]).deleted
    assert business(world, ids["first"]).version == 2
    # Decided: merging or dismissing it again says so, nothing changes.
    again = s1.post(f"{PAGE}/{ids['pair']}/dismiss")
    assert again.status_code == 409 and "Pasangan ini sudah diputuskan." in again.text


def test_not_duplicates_and_the_branch_wall(world: World, console: Callable[..., Console]) -> None:
    ids = setup(world)
    s2 = console("S2", lang="en")
    page = s2.get(PAGE)
    assert "Kopi Lubuk 2" in page.text and "Pempek" not in page.text
    score = duplicates.similarity("Kopi Lubuk", "Kopi Lubuk 2")
    assert f"Similar name {score:.2f}" in page.text
    # PLG's pair from LLG's supervisor: not found, nothing changes.
    for action, body in (("merge", {"survivor": ids["first"]}), ("dismiss", {})):
        answer = s2.post(f"{PAGE}/{ids['pair']}/{action}", body)
        assert answer.status_code == 404, answer.text[:300]
    for wrong in ("abc", "99999999999999999999", "-1"):  # not found, never a 500
        assert s2.post(f"{PAGE}/{wrong}/dismiss").status_code == 404
    assert not business(world, ids["second"]).deleted
    # A survivor that is not one of the pair's two.
    refused = s2.post(f"{PAGE}/{ids['llg_pair']}/merge", {"survivor": ids["first"]})
    assert refused.status_code == 422 and "Choose which of the two records to keep." in refused.text
    # Without the form's token: refused.
    assert s2.post(f"{PAGE}/{ids['llg_pair']}/dismiss", csrf=False).status_code == 403
    answer = s2.post(f"{PAGE}/{ids['llg_pair']}/dismiss")
    listed = s2.follow(answer)
    assert "Marked as not duplicates" in listed.text and "Kopi Lubuk 2" not in listed.text
    assert "No suspected duplicates to decide." in listed.text
    assert "Pempek Cek Molek" in console("S1").get(PAGE).text  # PLG's pair still open
    # A laptop deletes one of PLG's pair: neither listed nor counted any more.
    a2 = world.login("A2")
    assert a2.push_one(op("business", "delete", ids["second"], {}, 1))["status"] == "applied"
    page = console("S1").get(PAGE).text
    assert "Toko Molek" not in page and 'class="count"' not in page
