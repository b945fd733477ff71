"""The import of a partner list, on SQLite and PostgreSQL: good rows become pulled business
records or are linked to the branch's own, bad rows are left out, everything in one
transaction; only the branch's supervisors (and admins) reach an upload."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from srv_support import World, business_fields, op

from sync.server import db, housekeeping
from sync.server.admin import records
from sync.server.admin.common import FieldError
from sync.server.admin.review import Reviewer
from sync.server.prospects import importing, uploads
from sync.server.prospects.tables import (
    BusinessDuplicate,
    ProspectList,
    ProspectListItem,
    ProspectSource,
    ProspectUpload,
)

S1 = Reviewer("S1", "PLG")
LIST = (
    "No;Nama Usaha;Pemilik;No. HP;Alamat\n"
    "1;PEMPEK CEK MOLEK 2;Bu Molek;0812-3456-7001;Kec. Plaju\n"  # similar name: a suspect
    "2;Kopi Caf\xe9;Pak Budi;0812 3456 7002;Jl. Merdeka, Kec. Ilir Timur I\n"
    "3;Toko Lama;Bu Sri;+62 812-3456-7003;Sako\n"  # the phone of an existing business: linked
    "4;Bakso Mas Jo;;0711 123456;\n"  # a landline: bad
    '5;Es Tebu;;=HYPERLINK("x");\n'  # a formula: bad
    "6;Kopi Cafe Lagi;;081234567002;\n"  # repeats row 3's phone: bad
)


def setup(world: World) -> tuple[str, str]:
    """Branch PLG (16.71) with A1, S1 and two businesses; branch JBI with S9."""
    world.standard()
    world.branch("JBI", "Jambi", "15.71")
    world.agent("S9", "JBI", "supervisor")
    laptop = world.login("A1")
    molek = op("business", "create", fields=business_fields(region_code="16.71.14"))
    old = op(
        "business",
        "create",
        fields=business_fields("Toko Sri", phone="+6281234567003", region_code="16.71.08"),
    )
    laptop.push(molek, old)
    return molek["entity_id"], old["entity_id"]


def upload(world: World, content: bytes = LIST.encode("cp1252")) -> str:
    return uploads.save(world.engine, S1, "PLG", "koperasi.csv", content)


def rows(world: World, model: Any, **where: Any) -> list[Any]:
    table = db.table(model)
    query = sa.select(table)
    for name, value in where.items():
        query = query.where(table.c[name] == value)
    with world.engine.connect() as conn:
        return list(conn.execute(query))


TARGETS = ["", "name", "owner_name", "phone", "address"]


def test_preview_then_import(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    molek, old = setup(world)
    upload_id = upload(world)
    judged: list[int] = []
    judge = importing._judge
    monkeypatch.setattr(importing, "_judge", lambda *a: judged.append(1) or judge(*a))
    seen = importing.preview(world.engine, upload_id, S1, None)
    assert seen.targets == TARGETS
    assert [(r.number, r.action) for r in seen.rows] == [
        (2, "create"),
        (3, "create"),
        (4, "link"),
        (5, "bad"),
        (6, "bad"),
        (7, "bad"),
    ]
    assert seen.rows[0].suspects[0].business_id == molek
    assert seen.rows[2].business_id == old
    assert "row 3" in seen.rows[5].problems[0].en
    assert "C6" in seen.rows[4].problems[0].en or "D6" in seen.rows[4].problems[0].en
    before = max(r.server_seq for r in rows(world, db.Record))

    done = importing.import_list(world.engine, upload_id, S1, TARGETS, "Koperasi Maju")
    assert (done.created, done.linked, done.left_out) == (2, 1, 3)
    assert judged == [1]  # the import reused the preview's judgement: nothing changed since
    businesses = {
        r.fields["name"]: r for r in rows(world, db.Record, entity="business", deleted=False)
    }
    cafe = businesses["Kopi Café"]
    assert cafe.fields == {
        "name": "Kopi Café",
        "owner_name": "Pak Budi",
        "phone": "+6281234567002",
        "address": "Jl. Merdeka, Kec. Ilir Timur I",
        "region_code": "16.71.05",
        "status": "prospect",
        "partner_source": "Koperasi Maju",
    }
    assert cafe.branch_code == "PLG" and cafe.server_seq > before
    assert businesses["Toko Sri"].fields["partner_source"] == "Koperasi Maju"
    assert businesses["Toko Sri"].server_seq > before
    assert "Toko Lama" not in businesses and len(businesses) == 4
    seqs = [r.server_seq for r in businesses.values()]
    assert len(set(seqs)) == len(seqs)
    (made,) = rows(world, ProspectList)
    assert (made.rows_created, made.rows_linked, made.branch_code) == (2, 1, "PLG")
    items = sorted((i.row_number, i.linked) for i in rows(world, ProspectListItem))
    assert items == [(2, False), (3, False), (4, True)]
    (pair,) = rows(world, BusinessDuplicate)
    assert pair.candidate_id == molek and pair.reason == "name"
    (source,) = rows(world, ProspectSource)
    assert source.mapping["Nama Usaha"] == "name" and source.mapping["No"] == ""
    assert uploads.remembered(world.engine, "PLG", "Koperasi Maju") == source.mapping
    assert rows(world, ProspectUpload) == []
    (trail,) = rows(world, db.AdminAudit, action="import-prospects")
    assert trail.target == made.id and trail.operator == "S1"
    assert trail.details == {
        "branch": "PLG",
        "source_id": source.id,
        "created": 2,
        "linked": 1,
        "left_out": 3,
    }
    with pytest.raises(uploads.NoUpload):  # imported once only
        importing.import_list(world.engine, upload_id, S1, TARGETS, "Koperasi Maju")
    pulled, _ = world.login("A2").pull_all()
    by_id = {change["entity_id"]: change for change in pulled}
    assert by_id[cafe.entity_id]["fields"]["partner_source"] == "Koperasi Maju"


def test_nothing_is_half_imported(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    setup(world)
    upload_id = upload(world)
    count = len(rows(world, db.Record))

    def broken(*args: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(importing, "_write_list", broken)
    with pytest.raises(RuntimeError):
        importing.import_list(world.engine, upload_id, S1, TARGETS, "Koperasi Maju")
    assert len(rows(world, db.Record)) == count
    assert rows(world, ProspectSource) == [] and rows(world, BusinessDuplicate) == []
    assert len(rows(world, ProspectUpload)) == 1  # still there to try again
    monkeypatch.undo()
    with pytest.raises(FieldError) as bad:
        importing.import_list(world.engine, upload_id, S1, ["", "", "", "phone", ""], "K")
    assert bad.value.field == "mapping"
    with pytest.raises(FieldError) as bad:
        importing.import_list(world.engine, upload_id, S1, TARGETS, "  ")
    assert bad.value.field == "source_name"
    assert len(rows(world, db.Record)) == count and len(rows(world, ProspectUpload)) == 1
    only_bad = upload(world, b"nama,hp\nA,0711 1\n")
    with pytest.raises(FieldError) as bad:
        importing.import_list(world.engine, only_bad, S1, ["name", "phone"], "K")
    assert "No row" in bad.value.text.en and rows(world, ProspectList) == []


def test_only_the_branch_reaches_its_uploads(world: World) -> None:
    setup(world)
    upload_id = upload(world)
    other = Reviewer("S9", "JBI")
    for attempt in (
        lambda: uploads.get(world.engine, upload_id, other),
        lambda: importing.preview(world.engine, upload_id, other, None),
        lambda: importing.import_list(world.engine, upload_id, other, TARGETS, "X"),
        lambda: uploads.get(world.engine, "not-a-uuid", S1),
    ):
        with pytest.raises(uploads.NoUpload):
            attempt()
    assert uploads.lists(world.engine, other, "JBI") == []
    jambi_event = records.create_event(
        world.engine, "Pasar Jambi", "Pasar", "JBI", "2026-12-01", "2026-12-31"
    )
    with pytest.raises(FieldError) as bad:
        importing.import_list(world.engine, upload_id, S1, TARGETS, "K", jambi_event)
    assert bad.value.field == "event_id"
    admin = Reviewer("ADM", None)  # an admin sees every branch's upload
    assert importing.preview(world.engine, upload_id, admin, None).count("create") == 2
    table = db.table(ProspectUpload)
    with world.engine.begin() as conn:
        conn.execute(table.update().values(created_at=db.utcnow() - dt.timedelta(hours=25)))
    with pytest.raises(uploads.NoUpload):  # older than a day
        uploads.get(world.engine, upload_id, S1)
    housekeeping.purge_once(world.app.state.server)  # the server's own loop deletes it
    assert rows(world, ProspectUpload) == []


def test_the_import_judges_again_what_changed_since_the_preview(world: World) -> None:
    """The preview's judgement is reused by the import only while the branch's businesses
    are as they were: a business pushed in between is linked to, not duplicated."""
    setup(world)
    upload_id = upload(world)
    assert importing.preview(world.engine, upload_id, S1, TARGETS).count("link") == 1
    laptop = world.login("A2")
    cafe = op("business", "create", fields=business_fields("Kopi", phone="+6281234567002"))
    laptop.push(cafe)
    done = importing.import_list(world.engine, upload_id, S1, TARGETS, "Koperasi Maju")
    assert (done.created, done.linked) == (1, 2)
    linked = {i.business_id for i in rows(world, ProspectListItem, linked=True)}
    assert cafe["entity_id"] in linked


def test_a_double_click_imports_once(world: World) -> None:
    """Two imports of one upload at once (a double click): one imports, the other finds the
    upload gone; the businesses are made once."""
    setup(world)
    upload_id = upload(world)
    importing.preview(world.engine, upload_id, S1, TARGETS)
    outcomes: list[str] = []

    def import_it() -> None:
        try:
            importing.import_list(world.engine, upload_id, S1, TARGETS, "Koperasi Maju")
            outcomes.append("imported")
        except uploads.NoUpload:
            outcomes.append("gone")

    both = [threading.Thread(target=import_it) for _ in range(2)]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join(60)
    assert sorted(outcomes) == ["gone", "imported"]
    assert len(rows(world, ProspectList)) == 1
    assert len(rows(world, db.Record, entity="business")) == 4
