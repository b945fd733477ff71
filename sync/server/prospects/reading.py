"""Reading a partner's prospect list (issue 18): a file's bytes and name -> its header row and
data rows, every cell as text.

The type is judged by the content, not only the name: an XLSX is a zip holding
`xl/workbook.xml` (its first sheet is read, with openpyxl in read-only mode); anything else must
be text: CSV in UTF-8 (with or without a BOM) or else Windows-1252, its delimiter `,` `;` or tab
(the one the header line holds most of). Refused, with a message in both languages (`Refused`):
a PDF, an old `.xls`, a broken zip or any other binary file, an empty file or one without a
data row, a file over `MAX_BYTES`, a list over `MAX_ROWS` rows.

Formulas are never evaluated nor passed on: an XLSX cell holding a formula, and a CSV cell that
starts with `=`, `@`, or `+`/`-` not followed by a digit (`+62 812...` is a phone, not a
formula), is blanked and named in its row's `formulas` ("C5"); the row is then bad. A cell of
only dashes ("-", a partner's "none") is empty.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from agent_app.domain.messages import Text

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
#: Columns past this many are ignored (a partner's sheet with stray cells far to the right).
MAX_COLUMNS = 60
_DASHES = re.compile(r"^[\s\-–—]*$")
_DELIMITERS = (",", ";", "\t")


class Refused(Exception):
    """The file cannot be read as a prospect list; `text` says why, in both languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


@dataclass(frozen=True, slots=True)
class Row:
    #: The row's number in the file (the header is row 1 when it is the first line).
    number: int
    cells: tuple[str, ...]
    #: The cells (e.g. "C5") that held a formula, blanked in `cells`.
    formulas: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sheet:
    header: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would take `text` for a formula (CSV injection)."""
    text = text.lstrip()
    if not text:
        return False
    if text[0] in "=@":
        return True
    return text[0] in "+-" and not (len(text) > 1 and text[1].isdigit())


def too_large() -> Text:
    return Text.of(
        "The file is larger than {mb} MB. Split the list into smaller files.",
        mb=MAX_BYTES // (1024 * 1024),
    )


def _not_a_list() -> Refused:
    return Refused(
        Text.of(
            "This file is not a CSV or Excel (XLSX) list. Save the list as CSV or XLSX and "
            "upload it again."
        )
    )


def read(content: bytes, file_name: str) -> Sheet:
    """The list's header and data rows; `Refused` when it cannot be one."""
    if len(content) > MAX_BYTES:
        raise Refused(too_large())
    if not content.strip():
        raise Refused(Text.of("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        sheet = _read_xlsx(content)
    elif content.startswith(b"\xd0\xcf\x11\xe0"):
        raise Refused(
            Text.of(
                "This is an old Excel file (.xls). Open it in Excel and save it as XLSX or CSV."
            )
        )
    elif b"\x00" in content or content.startswith(b"%PDF"):
        raise _not_a_list()
    else:
        sheet = _read_csv(content)
    if not sheet.rows:
        raise Refused(Text.of("The file has a header but no data rows."))
    return sheet


def _collect(numbered: Iterable[tuple[int, list[str], list[str]]]) -> Sheet:
    """Header and rows from (number, cells, formula cells), blank rows left out."""
    header: tuple[str, ...] | None = None
    rows: list[Row] = []
    for number, cells, formulas in numbered:
        if not formulas and all(not c for c in cells):
            continue
        if header is None:
            named = cells[:MAX_COLUMNS]
            while named and not named[-1]:
                named = named[:-1]
            header = tuple(c or column_letter(i) for i, c in enumerate(named))
            continue
        if len(rows) >= MAX_ROWS:
            raise Refused(
                Text.of(
                    "The list has more than {n} rows. Split it into smaller files.",
                    n=f"{MAX_ROWS:,}".replace(",", "."),
                )
            )
        width = len(header)
        padded = (cells + [""] * width)[:width]
        rows.append(Row(number, tuple(padded), tuple(formulas)))
    if header is None:
        raise Refused(Text.of("The file is empty."))
    return Sheet(header, rows)


def _clean(text: str) -> str:
    text = text.replace("\x00", "").strip()
    return "" if _DASHES.match(text) else text


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return content.decode("latin-1")


def _read_csv(content: bytes) -> Sheet:
    text = _decode(content)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(_DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered() -> Iterator[tuple[int, list[str], list[str]]]:
        try:
            for number, raw in enumerate(reader, start=1):
                cells, formulas = [], []
                for i, value in enumerate(raw[:MAX_COLUMNS]):
                    if looks_like_formula(value):
                        formulas.append(f"{column_letter(i)}{number}")
                        value = ""
                    cells.append(_clean(value))
                yield number, cells, formulas
        except csv.Error as error:
            raise _not_a_list() from error

    return _collect(numbered())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return _clean(str(value))


def _read_xlsx(content: bytes) -> Sheet:
    import openpyxl  # the console's upload only: not every server start

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise _not_a_list()
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Refused:
        raise
    except Exception as error:  # a broken zip or workbook: openpyxl raises many kinds
        raise _not_a_list() from error
    try:
        if not book.worksheets:
            raise Refused(Text.of("The file is empty."))
        sheet = book.worksheets[0]

        def numbered() -> Iterator[tuple[int, list[str], list[str]]]:
            for number, raw in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
                cells, formulas = [], []
                for i, cell in enumerate(raw):
                    value = getattr(cell, "value", None)
                    is_formula = getattr(cell, "data_type", None) == "f" or (
                        isinstance(value, str) and value.startswith("=")
                    )
                    if is_formula:
                        formulas.append(f"{column_letter(i)}{number}")
                        value = None
                    cells.append(_cell_text(value))
                yield number, cells, formulas

        try:
            return _collect(numbered())
        except Refused:
            raise
        except Exception as error:  # a damaged sheet inside a good zip
            raise _not_a_list() from error
    finally:
        book.close()
