"""Writing an export file: CSV or XLSX, in a private work folder beside the destination and
renamed onto it when complete (see the package's doc); a failure names only its kind."""

from __future__ import annotations

import contextlib
import csv
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from agent_app.domain.cells import cell_text, cell_value
from agent_app.domain.messages import Text
from agent_app.errors import BugError, KnownError
from agent_app.reports.exports.columns import COLUMNS, SHEET_TITLES, Column, describe, format_rows
from agent_app.services.export_request import ExportRequest, Format

log = logging.getLogger("reports")

WORK_PREFIX = ".perisai-export-"
#: Windows has no cheap "is this process alive" check: a work folder this old is stale.
STALE_AFTER_SECONDS = 3600


class ExportFailed(KnownError):
    """The file could not be written (disk full, no permission, folder gone)."""


class ExportBug(BugError):
    """Writing the file failed for a reason of ours; it names the kind of failure only (the
    original message may hold a cell value: a person's name)."""


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep(folder: Path) -> None:
    """Removes the work folders that exports killed before they finished left in `folder`."""
    for stale in folder.glob(f"{WORK_PREFIX}*"):
        try:
            pid = int(stale.name[len(WORK_PREFIX) :].split("-", 1)[0])
            age = time.time() - stale.stat().st_mtime
        except (ValueError, OSError):
            continue
        if pid == os.getpid() or (_alive(pid) and age < STALE_AFTER_SECONDS):
            continue
        shutil.rmtree(stale, ignore_errors=True)
        log.info("removed the work folder of an unfinished export")


@contextlib.contextmanager
def _atomic(path: Path) -> Iterator[tuple[Path, Path]]:
    """Yields (work folder, part file): the caller writes the part file (0600) in the private
    work folder (0700) beside `path`; on success it becomes `path`; in every case the work
    folder goes."""
    path = Path(path)
    folder = path.parent
    _sweep(folder)
    work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=folder))
    try:
        part = work / "export.part"
        os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        yield work, part
        with part.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(part, path)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """UTF-8 with a byte-order mark and `;` separators, as Excel in Indonesia opens them."""
    with _atomic(path) as (_work, part), part.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow([cell_value(h) for h in header])
        for row in rows:
            writer.writerow(["" if v is None else cell_value(v) for v in row])


def _sheet_writer_in(sheet: Any, work: Path) -> None:
    """openpyxl's write-only sheet streams its rows to a temporary file, by default in the
    system temporary folder (`openpyxl.worksheet._writer.create_temporary_file`), where a
    killed export would leave them in clear text: this puts that file in the work folder."""
    from openpyxl.worksheet import _writer

    fd, name = tempfile.mkstemp(prefix="sheet-", suffix=".xml", dir=work)
    os.close(fd)
    _writer.ALL_TEMP_FILES.append(name)  # openpyxl's list: its cleanup removes it from there
    sheet._writer = _writer.WorksheetWriter(sheet, out=name)
    sheet._writer.write_top()


def write_xlsx(
    path: Path,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    about: Sequence[tuple[str, str]],
) -> None:
    """One sheet of data (bold header, frozen; amounts as numbers in rupiah) and one 'Info'
    sheet. Written in openpyxl's streaming (write-only) mode: a large export stays fast."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    with _atomic(path) as (work, part):
        book = Workbook(write_only=True)
        try:
            sheet = book.create_sheet(cell_text(title))
            sheet.freeze_panes = "A2"
            for index, column in enumerate(columns, start=1):
                width = max(10, min(40, len(column.header) + 4))
                sheet.column_dimensions[get_column_letter(index)].width = width
            _sheet_writer_in(sheet, work)
            bold = Font(bold=True)
            header = []
            for column in columns:
                cell = WriteOnlyCell(sheet, value=cell_value(column.header))
                cell.font = bold
                header.append(cell)
            sheet.append(header)
            formatted = [i for i, c in enumerate(columns) if c.number_format]
            for row in rows:
                out: list[Any] = [cell_value(v) for v in row]
                for i in formatted:
                    if isinstance(out[i], int):
                        cell = WriteOnlyCell(sheet, value=out[i])
                        cell.number_format = columns[i].number_format or "General"
                        out[i] = cell
                sheet.append(out)
            info = book.create_sheet("Info")
            info.column_dimensions["A"].width = 20
            info.column_dimensions["B"].width = 40
            _sheet_writer_in(info, work)
            for key, value in about:
                info.append([cell_text(key), value if value == "-" else cell_text(value)])
            book.save(part)
        except BaseException:
            for sheet_written in book.worksheets:  # close its streams before the folder goes
                with contextlib.suppress(Exception):
                    sheet_written.close()
            raise


def write(request: ExportRequest, agent_code: str, out: Path, header: Any, rows: Any) -> None:
    """Writes the file; a failure is re-raised without its message, which may quote a cell."""
    try:
        if request.format is Format.CSV:
            write_csv(out, header, rows)
        else:
            write_xlsx(
                out,
                SHEET_TITLES[request.kind],
                COLUMNS[request.kind],
                rows,
                describe(request, agent_code, len(rows)),
            )
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
        log.error("export %s not written: %s", request.kind.value, reason)
        raise ExportFailed(
            Text.of(
                "The export file could not be written ({reason}). Check the "
                "folder and the free disk space, then try again.",
                reason=reason,
            ),
            code="write_failed",
        ) from None
    except Exception as exc:
        kind = type(exc).__name__
        log.error("export %s failed: %s", request.kind.value, kind)
        raise ExportBug(f"export failed: {kind}") from None


def write_records(request: ExportRequest, agent_code: str, out: Path, records: list[Any]) -> int:
    """Writes the export of `records` (masked as the request says) to `out`; the row count."""
    header, rows = format_rows(request.kind, records, request.unmasked)
    write(request, agent_code, out, header, rows)
    return len(rows)
