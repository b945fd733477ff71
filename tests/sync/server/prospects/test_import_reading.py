"""Reading partner lists: CSV in any encoding and delimiter, XLSX by content, formulas never
passed on, and each refusal a clear message."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from sync.server.prospects import reading


def xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refused(content: bytes, name: str = "daftar.csv") -> str:
    with pytest.raises(reading.Refused) as caught:
        reading.read(content, name)
    return caught.value.text.en


def test_csv_windows_1252_semicolons_and_a_bom_are_read() -> None:
    latin = "Nama Usaha;No. HP\r\nKopi Café;0812-3456-7890\r\n\r\n;\r\nBakso -;-\r\n"
    sheet = reading.read(latin.encode("cp1252"), "a.csv")
    assert sheet.header == ("Nama Usaha", "No. HP")
    assert [r.cells for r in sheet.rows] == [("Kopi Café", "0812-3456-7890"), ("Bakso -", "")]
    assert [r.number for r in sheet.rows] == [2, 5]
    bom = "\ufeffNama\tTelepon\nWarung Bu Sri\t+62 812 3456 7890\n".encode()
    sheet = reading.read(bom, "b.txt")
    assert sheet.header == ("Nama", "Telepon")
    assert sheet.rows[0].cells == ("Warung Bu Sri", "+62 812 3456 7890")
    assert sheet.rows[0].formulas == ()


def test_formula_cells_are_blanked_and_named() -> None:
    text = 'nama,hp,catatan\nA,=HYPERLINK("x"),@SUM(1)\nB,-cmd,+62812\nC,-5,+ 1\n'
    rows = reading.read(text.encode(), "f.csv").rows
    assert rows[0].formulas == ("B2", "C2") and rows[0].cells == ("A", "", "")
    assert rows[1].formulas == ("B3",) and rows[1].cells[2] == "+62812"
    assert rows[2].formulas == ("C4",) and rows[2].cells[1] == "-5"
    book = xlsx([["Nama Usaha", "Jumlah"], ["Toko", "=1+1"], ["Kedai", 4.0]])
    sheet = reading.read(book, "list.bin")  # judged by content, not by name
    assert sheet.rows[0].formulas == ("B2",) and sheet.rows[0].cells == ("Toko", "")
    assert sheet.rows[1].cells == ("Kedai", "4")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"  \r\n", "empty"),
        (b"nama,hp\n", "no data rows"),
        (b"%PDF-1.7\n1 0 obj", "not a CSV or Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old Excel"),
        (b"PK\x03\x04broken zip", "not a CSV or Excel"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a CSV or Excel"),
    ],
)
def test_refusals(content: bytes, expected: str) -> None:
    assert expected in refused(content)


def test_a_zip_that_is_not_a_workbook_and_the_limits() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    assert "not a CSV or Excel" in refused(out.getvalue(), "a.xlsx")
    assert "larger than 10 MB" in refused(b"a" * (reading.MAX_BYTES + 1))
    many = "nama\n" + "x\n" * (reading.MAX_ROWS + 1)
    assert "more than 20.000 rows" in refused(many.encode())


def test_formula_detection() -> None:
    for formula in ("=1+1", " =A1", "@x", "+cmd", "-x", "+", "-"):
        assert reading.looks_like_formula(formula), formula
    for plain in ("+62 812", "-5", "0812", "Warung", "a=b", ""):
        assert not reading.looks_like_formula(plain), plain
