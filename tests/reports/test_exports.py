"""Exports: content of the CSV and XLSX files, masking rules, scope, ranges, audit, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import openpyxl
import pytest
from helpers import clock

from agent_app.reports import exports, masking

from .conftest import EVENT_ID, PASSWORD, World, synthetic_nik

JAN = {"start": dt.date(2027, 1, 1), "end": dt.date(2027, 1, 31)}
ROOT = Path(__file__).resolve().parents[2]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def audits(world: World, action: str = exports.AUDIT_ACTION) -> list:
    with world.uow() as u:
        return [a for a in u.audit.list(limit=1000) if a.action == action]


def test_agent_export_is_masked_and_only_their_own(world: World, tmp_path: Path) -> None:
    out = tmp_path / "e.csv"
    request = exports.ExportRequest(exports.Kind.ENROLLMENTS, format=exports.Format.CSV, **JAN)
    result = exports.export(world.uow(), world.agent, request, out)
    rows = read_csv(out)
    assert result.rows == len(rows) == 3  # AG001's e1, e2 and the draft e4; not AG002's e3
    assert {r["ID"] for r in rows} == {world.ids[k] for k in ("e1", "e2", "e4")}
    by_id = {r["ID"]: r for r in rows}
    e1 = by_id[world.ids["e1"]]
    assert e1["NIK"] == "1671********0001"
    assert e1["Nama lengkap"] == "S*** A***"
    assert e1["Nomor HP"] == "0812****7001"
    assert e1["Tanggal lahir"] == "1999"
    assert e1["Alamat"] == "***"
    assert e1["Penghasilan yang dilaporkan"] == "***"
    assert e1["Status"] == "Diajukan"
    assert e1["Iuran per bulan"] == "16800"
    assert e1["Program"] == "JKK, JKM"
    assert by_id[world.ids["e4"]]["Status"] == "Draf"
    text = out.read_text(encoding="utf-8-sig")
    for serial in (1, 2, 4):
        assert synthetic_nik(serial) not in text
    for name in ("Siti", "Aminah", "Rina", "Nur Hasanah", "Jl. Merdeka", "1000000"):
        assert name not in text


def test_supervisor_can_unmask_and_gets_everyone(world: World, tmp_path: Path) -> None:
    out = tmp_path / "e.xlsx"
    request = exports.ExportRequest(exports.Kind.ENROLLMENTS, unmasked=True, **JAN)
    result = exports.export(world.uow(), world.supervisor, request, out)
    assert result.rows == 4 and not result.masked
    book = openpyxl.load_workbook(out)
    sheet = book["Pendaftaran"]
    values = list(sheet.values)
    header, rows = list(values[0]), [dict(zip(values[0], r, strict=True)) for r in values[1:]]
    assert header[:5] == ["ID", "Tanggal", "Status", "NIK", "Nama lengkap"]
    by_name = {r["Nama lengkap"]: r for r in rows}
    assert set(by_name) == {"Siti Aminah", "Rina Wati", "Dewi Lestari", "Nur Hasanah"}
    assert by_name["Siti Aminah"]["NIK"] == synthetic_nik(1)
    assert by_name["Siti Aminah"]["Nomor HP"] == "+6281234567001"
    assert by_name["Siti Aminah"]["Penghasilan yang dilaporkan"] == 1_000_000
    assert by_name["Rina Wati"]["Iuran per bulan"] == 36_800
    assert by_name["Rina Wati"]["Program"] == "JKK, JKM, JHT"
    assert sheet.cell(row=2, column=header.index("Iuran per bulan") + 1).number_format == (
        exports.RUPIAH
    )
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(row=1, column=1).font.bold
    info = dict(book["Info"].values)
    assert info["Data pribadi"] == "tidak disamarkan"
    assert info["Jumlah baris"] == "4"
    assert info["Dibuat oleh"] == "SPV01"


def test_supervisor_export_is_masked_unless_asked(world: World, tmp_path: Path) -> None:
    out = tmp_path / "e.xlsx"
    exports.export(
        world.uow(), world.supervisor, exports.ExportRequest(exports.Kind.ENROLLMENTS, **JAN), out
    )
    rows = list(openpyxl.load_workbook(out)["Pendaftaran"].values)[1:]
    flat = json.dumps([list(r) for r in rows], default=str)
    assert synthetic_nik(3) not in flat and "Dewi" not in flat
    assert "1671********0003" in flat


def test_agent_cannot_unmask_and_the_refusal_is_audited(world: World, tmp_path: Path) -> None:
    out = tmp_path / "e.csv"
    request = exports.ExportRequest(exports.Kind.ENROLLMENTS, unmasked=True, **JAN)
    with pytest.raises(masking.UnmaskNotAllowed):
        exports.export(world.uow(), world.agent, request, out)
    assert not out.exists()
    refused = audits(world, exports.AUDIT_REFUSED)
    assert len(refused) == 1 and refused[0].actor == "AG001"
    assert refused[0].details["masked"] is False
    assert audits(world) == []


def test_every_export_is_audited_without_personal_data(world: World, tmp_path: Path) -> None:
    for kind in exports.Kind:
        for fmt in exports.Format:
            request = exports.ExportRequest(kind, format=fmt, unmasked=True, **JAN)
            exports.export(world.uow(), world.supervisor, request, tmp_path / f"x.{fmt}")
    entries = audits(world)
    assert len(entries) == 6
    latest = entries[0]
    assert latest.actor == "SPV01"
    assert latest.details == {
        "kind": "enrollments",
        "from": "2027-01-01",
        "to": "2027-01-31",
        "event_id": None,
        "format": "xlsx",
        "masked": False,
        "rows": 4,
    }
    text = json.dumps([e.details for e in entries])
    for secret in (synthetic_nik(1), "Siti", "Mariam", "0812", "x.csv", str(tmp_path)):
        assert secret not in text


def test_range_and_event_narrow_the_rows(world: World, tmp_path: Path) -> None:
    def ids(kind: exports.Kind, **kw: object) -> set[str]:
        out = tmp_path / "r.csv"
        request = exports.ExportRequest(kind, format=exports.Format.CSV, **kw)  # type: ignore[arg-type]
        exports.export(world.uow(), world.supervisor, request, out)
        return {r["ID"] for r in read_csv(out)}

    i = world.ids
    day = dt.date(2027, 1, 11)
    assert ids(exports.Kind.ENROLLMENTS, start=day, end=day) == {i["e1"], i["e3"], i["e4"]}
    assert ids(exports.Kind.ENROLLMENTS, start=dt.date(2027, 1, 20)) == {i["e2"]}
    assert ids(exports.Kind.ENROLLMENTS, event_id=EVENT_ID) == {i["e1"], i["e3"]}
    assert ids(exports.Kind.ENROLLMENTS, event_id=EVENT_ID, start=day, end=day) == {
        i["e1"],
        i["e3"],
    }
    assert ids(exports.Kind.VISITS, **JAN) == {i["v1"], i["v2"]}
    assert ids(exports.Kind.VISITS, event_id=EVENT_ID) == {i["v1"]}
    assert ids(exports.Kind.BUSINESSES, start=day, end=day) == {i["warung"], i["songket"]}
    assert ids(exports.Kind.BUSINESSES, event_id=EVENT_ID) == {i["warung"]}
    assert ids(exports.Kind.BUSINESSES, start=dt.date(2027, 2, 1)) == set()


def test_businesses_and_visits_content(world: World, tmp_path: Path) -> None:
    out = tmp_path / "b.csv"
    request = exports.ExportRequest(exports.Kind.BUSINESSES, format=exports.Format.CSV, **JAN)
    exports.export(world.uow(), world.agent, request, out)
    (row,) = read_csv(out)
    assert row["Nama usaha"] == "Pempek Cek Mar"
    assert row["Pemilik usaha"] == "Mariam"
    assert row["Nomor HP pemilik"] == "0812****8888"
    assert row["Sektor"] == "Kuliner"
    assert "081277778888" not in out.read_text(encoding="utf-8-sig")
    out = tmp_path / "v.xlsx"
    exports.export(
        world.uow(),
        world.supervisor,
        exports.ExportRequest(exports.Kind.VISITS, **JAN),
        out,
    )
    values = list(openpyxl.load_workbook(out)["Kunjungan"].values)
    rows = [dict(zip(values[0], r, strict=True)) for r in values[1:]]
    assert [(r["Nama usaha"], r["Hasil"], r["Agen"]) for r in rows] == [
        ("Pempek Cek Mar", "Perlu tindak lanjut", "AG001"),
        ("Songket Zainal", "Menolak", "AG002"),
    ]


def test_a_request_needs_a_range_or_an_event(world: World, tmp_path: Path) -> None:
    with pytest.raises(exports.BadRequest):
        exports.export(
            world.uow(), world.agent, exports.ExportRequest(exports.Kind.VISITS), tmp_path / "x"
        )
    backwards = exports.ExportRequest(
        exports.Kind.VISITS, start=dt.date(2027, 2, 1), end=dt.date(2027, 1, 1)
    )
    with pytest.raises(exports.BadRequest):
        exports.export(world.uow(), world.agent, backwards, tmp_path / "x")


def _cli(args: list[str], home: Path, password: str | None = PASSWORD, stdin: str = ""):
    env = {**os.environ, "AGENT_APP_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("PERISAI_PASSWORD", None)
    if password is not None:
        env["PERISAI_PASSWORD"] = password
    return subprocess.run(
        [*clock.python(), "-m", "agent_app.reports", "export", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_cli_export_end_to_end(world: World, app_home: Path, tmp_path: Path) -> None:
    world.engine.dispose()  # the CLI opens the file itself
    out = tmp_path / "enrollments.xlsx"
    done = _cli(
        [
            "--agent", "SPV01", "--kind", "enrollments", "--from", "2027-01-01",
            "--to", "2027-01-31", "--event", EVENT_ID, "--format", "xlsx", "--out", str(out),
            "--unmasked",
        ],
        app_home,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "exported 2 enrollments" in done.stdout and "UNMASKED" in done.stdout
    rows = list(openpyxl.load_workbook(out)["Pendaftaran"].values)[1:]
    assert sorted(r[4] for r in rows) == ["Dewi Lestari", "Siti Aminah"]
    # The password may come on standard input; an agent gets a masked CSV.
    out_csv = tmp_path / "mine.csv"
    done = _cli(
        ["--agent", "AG001", "--kind", "enrollments", "--from", "2027-01-01",
         "--to", "2027-01-31", "--out", str(out_csv)],
        app_home, password=None, stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "masked" in done.stdout
    assert {r["NIK"] for r in read_csv(out_csv)} == {
        "1671********0001",
        "1671********0002",
        "1671********0004",
    }
    entries = audits(world)
    assert [(e.actor, e.details["masked"], e.details["rows"]) for e in entries] == [
        ("AG001", True, 3),
        ("SPV01", False, 2),
    ]


def test_cli_refuses_wrong_password_and_agent_unmasking(
    world: World, app_home: Path, tmp_path: Path
) -> None:
    world.engine.dispose()
    out = tmp_path / "x.csv"
    base = ["--kind", "visits", "--from", "2027-01-01", "--out", str(out)]
    done = _cli(["--agent", "AG001", *base], app_home, password="salah-sekali")
    assert done.returncode == 1
    assert "Wrong agent code or password" in done.stderr
    done = _cli(["--agent", "AG001", "--unmasked", *base], app_home)
    assert done.returncode == 1
    assert "Only a supervisor" in done.stderr
    assert not out.exists()
    done = _cli(["--agent", "AG001", "--kind", "visits", "--out", str(out)], app_home)
    assert done.returncode == 1 and "date range or an event" in done.stderr
