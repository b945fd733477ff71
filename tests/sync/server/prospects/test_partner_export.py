"""The export back to a partner (`prospects.partner_export`) and the progress it reports
(`prospects.progress`), on SQLite and PostgreSQL: each status by its rule, a merged business
followed to its survivor, the columns (business-level only: no NIK, name, phone or wage of a
worker, no phone of the business), formulas never passed on, CSV and XLSX, streamed in
batches, a trail row per export, and another branch's list not found."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from helpers.niks import synthetic_nik
from helpers.prospect_lists import ILIR_BARAT_DUA, imported_list, prospect, record, visit
from srv_support import World

from agent_app.domain import clock
from sync.server import db
from sync.server.admin.common import NotFound
from sync.server.admin.review import Reviewer
from sync.server.prospects import partner_export, progress
from sync.server.prospects.tables import BusinessMerge

WIB = dt.timezone(dt.timedelta(hours=7))
S1 = Reviewer("S1", "PLG")


def setup(world: World) -> tuple[str, list[str]]:
    """A PLG list of eight businesses, each at another stage."""
    world.standard()
    names = ["Belum", "Dikunjungi", "Menolak lewat kunjungan", "Menolak", "Pendaftaran BPU"]
    names += ["Pemberi kerja", "Status terdaftar", "Dikembalikan"]
    businesses = [prospect(n, phone="+6281234500001", owner_name="Ibu Contoh") for n in names]
    businesses[1]["region_code"] = f"{ILIR_BARAT_DUA}.1001"
    businesses[3]["status"] = "declined"
    businesses[6]["status"] = "enrolled"
    list_id, ids = imported_list(world.engine, businesses)
    e = world.engine
    visit(e, ids[1], dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC))  # 1 Dec in WIB
    visit(e, ids[2], dt.datetime(2026, 11, 2, 9, tzinfo=WIB), "declined")
    visit(e, ids[2], dt.datetime(2026, 11, 1, 9, tzinfo=WIB), "interested")  # earlier
    worker = {"nik": synthetic_nik(7, False), "full_name": "Pekerja Rahasia", "phone": "+62899"}
    record(e, "enrollment", {**worker, "business_id": ids[4], "status": "submitted"})
    record(e, "employer_registration", {"business_id": ids[5], "status": "accepted"})
    record(e, "enrollment", {**worker, "business_id": ids[7], "status": "needs_correction"})
    return list_id, ids


def statuses(world: World, list_id: str) -> list[tuple[str, dt.date | None]]:
    with world.engine.connect() as conn:
        return [
            (i.status, i.last_visit) for i in progress.items(conn, list_id, "PLG", "Asia/Jakarta")
        ]


def test_each_business_gets_its_status_by_the_rules(world: World) -> None:
    list_id, _ = setup(world)
    assert statuses(world, list_id) == [
        ("not_visited", None),
        ("visited", dt.date(2026, 12, 1)),  # the branch's day, not UTC's
        ("declined", dt.date(2026, 11, 2)),  # the last visit's outcome
        ("declined", None),
        ("registered", None),
        ("registered", None),
        ("registered", None),
        ("not_visited", None),  # sent back for correction: not registered
    ]


def test_a_merged_business_is_followed_to_its_survivor(world: World) -> None:
    list_id, ids = setup(world)
    survivor = imported_list(world.engine, [prospect("Belum, Cabang 2")])[1][0]
    visit(world.engine, survivor, dt.datetime(2026, 11, 20, 9, tzinfo=WIB))
    table = db.table(db.Record)
    with world.engine.begin() as conn:
        conn.execute(table.update().where(table.c.entity_id == ids[0]).values(deleted=True))
        conn.execute(
            db.table(BusinessMerge)
            .insert()
            .values(loser_id=ids[0], survivor_id=survivor, merged_by="S1", merged_at=db.utcnow())
        )
    with world.engine.connect() as conn:
        first = next(progress.items(conn, list_id, "PLG", "Asia/Jakarta"))
    assert (first.business_id, first.name, first.status) == (survivor, "Belum, Cabang 2", "visited")
    assert not first.gone


def read_csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def download(world: World, list_id: str, fmt: str, who: Reviewer = S1, lang: str = "id") -> Any:
    made = partner_export.export(world.engine, list_id, fmt, who, lang)
    try:
        return made, list(made.body)
    finally:
        made.close()


def test_the_csv_holds_business_level_progress_only(world: World) -> None:
    list_id, _ = setup(world)
    made, chunks = download(world, list_id, "csv")
    rows = read_csv(b"".join(chunks))
    assert rows[0] == [
        "Nomor baris di daftar Anda",
        "Nama usaha",
        "Kecamatan",
        "Status",
        "Kunjungan terakhir",
        "Tanggal terdaftar",
    ]
    assert rows[1] == ["2", "Belum", "Seberang Ulu Dua", "belum dikunjungi", "", ""]
    assert rows[2] == ["3", "Dikunjungi", "Ilir Barat Dua", "sudah dikunjungi", "2026-12-01", ""]
    assert [r[3] for r in rows[3:]] == ["menolak"] * 2 + ["terdaftar"] * 3 + ["belum dikunjungi"]
    today = clock.today("Asia/Jakarta").isoformat()  # the day the registrations arrived
    assert [r[5] for r in rows[5:]] == [today, today, "", ""]
    text = b"".join(chunks).decode("utf-8-sig")
    for secret in ("Pekerja Rahasia", "+62899", "6281234500001", "Ibu Contoh"):
        assert secret not in text
    assert synthetic_nik(7, False) not in text
    assert made.rows == 8 and made.filename.startswith("perisai-mitra-koperasi-pasar-16-ilir-")
    table = db.table(db.AdminAudit)
    with world.engine.connect() as conn:
        [row] = conn.execute(sa.select(table).where(table.c.action == "export-prospect-list"))
    assert (row.target, row.operator, row.details) == (
        list_id,
        "S1",
        {"branch": "PLG", "format": "csv", "rows": 8},
    )


def test_formulas_are_never_passed_on_and_the_xlsx_opens(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.standard()
    names = ['=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@cmd", "Warung Biasa"]
    list_id, _ = imported_list(world.engine, [prospect(n) for n in names])
    monkeypatch.setattr(partner_export, "FLUSH_EVERY", 2)
    _, chunks = download(world, list_id, "csv", lang="en")
    assert len(chunks) >= 3  # streamed a batch at a time, not built whole
    rows = read_csv(b"".join(chunks))
    assert rows[0][0] == "Row number in your list" and rows[1][3] == "not yet visited"
    assert [r[1] for r in rows[1:]] == ["'" + n for n in names[:4]] + ["Warung Biasa"]
    made, chunks = download(world, list_id, "xlsx")
    assert made.media_type.startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(chunks))).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[1][:4] == [2, "'" + names[0], "Seberang Ulu Dua", "belum dikunjungi"]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_another_branchs_list_is_not_found_and_nothing_is_recorded(world: World) -> None:
    list_id, _ = setup(world)
    world.branch("LLG", "Lubuklinggau", "16.73")
    for fmt in ("csv", "xlsx"):
        with pytest.raises(NotFound):
            partner_export.export(world.engine, list_id, fmt, Reviewer("S2", "LLG"), "id")
    table = db.table(db.AdminAudit)
    with world.engine.connect() as conn:
        assert conn.execute(sa.select(table).where(table.c.action.like("export%"))).all() == []
