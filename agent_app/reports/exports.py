"""Exports of businesses, visits and enrollments to CSV and Excel (XLSX), for a date range
or an event.

Who sees what: an agent exports the records they made (registered, visited, enrolled); a
supervisor exports everything on this laptop. Personal data (the worker's NIK, name, phone,
e-mail, birth date, address and declared income; the owner's phone) is masked unless a
supervisor asks for it unmasked. Every export, and every refused request to unmask, is written
to the audit trail: who, which kind, the range or event, the format, masked or not and the
row count; never the data itself, nor the file name.

The date of a record is the day it was registered (business), visited (visit) or submitted
(enrollment; a draft counts from the day it was started), in the laptop's local time, as the
stored ISO text says it.

Every text goes through `cell_text` (OWASP "CSV injection"): control characters other than tab,
newline and carriage return are removed (one of them made openpyxl refuse the whole XLSX), and
a text starting with = + - @, tab or carriage return gets a leading apostrophe, so that a
business named `=HYPERLINK(...)` stays text in Excel and LibreOffice. A failure never carries a
cell value into the log: it is re-raised naming only its kind.

The file is written in a private work folder (0700) made beside the destination, as a 0600
file renamed onto the destination when it is complete; openpyxl's own temporary sheet files go
into that folder too, not into the system temporary folder. The work folder is removed when an
export fails or is cancelled, and a folder left by an export that was killed is removed by the
next export into the same folder.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from agent_app.domain import clock, keys
from agent_app.domain.messages import Text
from agent_app.errors import BugError, KnownError
from agent_app.reports import masking
from agent_app.services import zones
from agent_app.services.actor import Actor
from agent_app.storage import repositories, tables
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("reports")

AUDIT_ACTION = "report.export"
AUDIT_REFUSED = "report.export_refused"


class Kind(StrEnum):
    BUSINESSES = "businesses"
    VISITS = "visits"
    ENROLLMENTS = "enrollments"


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class BadRequest(KnownError):
    pass


class ExportFailed(KnownError):
    """The file could not be written (disk full, no permission, folder gone)."""


class ExportBug(BugError):
    """Writing the file failed for a reason of ours; it names the kind of failure only (the
    original message may hold a cell value: a person's name)."""


#: Characters a cell may not hold: C0 controls other than tab, newline and carriage return
#: (XML 1.0 forbids them; openpyxl raises IllegalCharacterError), DEL, the C1 controls, and
#: lone surrogates (they cannot be written as UTF-8).
_NOT_IN_A_CELL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: What makes a spreadsheet read a text as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WORK_PREFIX = ".perisai-export-"
#: Windows has no cheap "is this process alive" check: a work folder this old is stale.
STALE_AFTER_SECONDS = 3600


#: A plain signed number ("+6281234567001", "-5"): a spreadsheet reads it as a number, never
#: as a formula, so it keeps its sign (a phone number in E.164 form starts with "+").
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 .,]*")


def cell_text(text: str) -> str:
    """A text as it may stand in a CSV or XLSX cell: control characters removed, and an
    apostrophe before a text a spreadsheet would read as a formula."""
    text = _NOT_IN_A_CELL.sub("", text)
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _cell(value: Any) -> Any:
    return cell_text(value) if isinstance(value, str) else value


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export. At least a date range or an event; both narrow the rows together."""

    kind: Kind
    start: dt.date | None = None
    end: dt.date | None = None
    event_id: str | None = None
    format: Format = Format.XLSX
    unmasked: bool = False

    def check(self) -> None:
        if self.start is None and self.end is None and not self.event_id:
            raise BadRequest(
                Text(
                    "Pilih rentang tanggal atau acara untuk diekspor.",
                    "Choose a date range or an event to export.",
                ),
                code="no_range",
            )
        if self.start and self.end and self.start > self.end:
            raise BadRequest(
                Text(
                    "Tanggal awal harus sebelum tanggal akhir.",
                    "The start date must not be after the end date.",
                ),
                code="bad_range",
            )


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    kind: Kind
    format: Format
    rows: int
    masked: bool


@dataclass(frozen=True, slots=True)
class Column:
    header: str  # Bahasa Indonesia: the people who open these files read it
    get: Callable[[Any], Any]
    mask: Callable[[Any], Any] | None = None  # personal data: how to show it masked
    number_format: str | None = None  # XLSX number format for amounts


def _label(section: str) -> Callable[[Any], str]:
    return lambda key: keys.label(section, key) if key else ""


_OUTCOMES = {
    "interested": "Tertarik",
    "follow_up": "Perlu tindak lanjut",
    "enrolled": "Mendaftar",
    "declined": "Menolak",
}
_CHANNELS = {"door_to_door": "Door-to-door", "booth": "Booth", "phone": "Telepon"}
_BUSINESS_STATUS = {
    "prospect": "Prospek",
    "contacted": "Sudah dihubungi",
    "enrolled": "Mendaftar",
    "declined": "Menolak",
}
ENROLLMENT_STATUS = {
    "draft": "Draf",
    "submitted": "Diajukan",
    "accepted": "Diterima",
    "needs_correction": "Perlu perbaikan",
}
_SIZE = {"mikro": "Mikro", "kecil": "Kecil", "menengah": "Menengah"}
_GENDER = {"M": "Laki-laki", "F": "Perempuan"}
RUPIAH = '"Rp"#,##0'


def _date(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else (str(value) if value else "")


BUSINESS_COLUMNS: tuple[Column, ...] = (
    Column("ID", lambda r: r.id),
    Column("Tanggal daftar", lambda r: (r.created_at or "")[:10]),
    Column("Nama usaha", lambda r: r.name),
    Column("Pemilik usaha", lambda r: r.owner_name or ""),
    Column("Nomor HP pemilik", lambda r: r.phone or "", masking.phone),
    Column("Sektor", lambda r: _label("sectors")(r.sector)),
    Column("Skala usaha", lambda r: _SIZE.get(r.size_class or "", r.size_class or "")),
    Column("Jumlah pekerja", lambda r: r.workers_count),
    Column("Kode wilayah", lambda r: r.region_code or ""),
    Column("NIB", lambda r: r.nib or ""),
    Column("Status", lambda r: _BUSINESS_STATUS.get(r.status, r.status)),
    Column("Kunjungan terakhir", lambda r: (r.last_visit_at or "")[:10]),
    Column("Tindak lanjut", lambda r: _date(r.next_follow_up)),
    Column("Acara", lambda r: r.event_id or ""),
    Column("Didaftarkan oleh", lambda r: r.registered_by or ""),
    Column("Status sinkronisasi", lambda r: r.sync_state or ""),
)

VISIT_COLUMNS: tuple[Column, ...] = (
    Column("ID", lambda r: r[0].id),
    Column("Waktu kunjungan", lambda r: r[0].visited_at),
    Column("ID usaha", lambda r: r[0].business_id),
    Column("Nama usaha", lambda r: r[1] or ""),
    Column("Cara", lambda r: _CHANNELS.get(r[0].channel, r[0].channel)),
    Column("Hasil", lambda r: _OUTCOMES.get(r[0].outcome, r[0].outcome)),
    Column("Alasan", lambda r: r[0].reason or ""),
    Column("Tindak lanjut", lambda r: _date(r[0].next_follow_up)),
    Column("Acara", lambda r: r[0].event_id or ""),
    Column("Agen", lambda r: r[0].agent_code or ""),
    Column("Status sinkronisasi", lambda r: r[0].sync_state or ""),
)

ENROLLMENT_COLUMNS: tuple[Column, ...] = (
    Column("ID", lambda r: r.id),
    Column("Tanggal", lambda r: _enrollment_day(r)),
    Column("Status", lambda r: ENROLLMENT_STATUS.get(r.status, r.status)),
    Column("NIK", lambda r: r.nik or "", masking.nik),
    Column("Nama lengkap", lambda r: r.full_name or "", masking.name),
    Column("Tanggal lahir", lambda r: _date(r.birth_date), lambda v: v[:4]),
    Column("Jenis kelamin", lambda r: _GENDER.get(r.gender or "", "")),
    Column("Nomor HP", lambda r: r.phone or "", masking.phone),
    Column("Email", lambda r: r.email or "", masking.email),
    Column("Alamat", lambda r: r.address or "", masking.hidden),
    Column("Kode wilayah", lambda r: r.region_code or ""),
    Column("Pekerjaan", lambda r: _label("occupations")(r.occupation)),
    Column(
        "Penghasilan yang dilaporkan",
        lambda r: r.declared_income,
        masking.hidden,
        RUPIAH,
    ),
    Column("Program", lambda r: ", ".join(r.programs or ())),
    Column("Periode pembayaran (bulan)", lambda r: r.period_months),
    Column("Iuran per bulan", lambda r: r.monthly_contribution, None, RUPIAH),
    Column("Dibayar APBN/APBD", lambda r: "Ya" if r.paid_by_state else "Tidak"),
    Column("Nomor kepesertaan", lambda r: r.membership_number or ""),
    Column("ID usaha", lambda r: r.business_id or ""),
    Column("Acara", lambda r: r.event_id or ""),
    Column("Agen", lambda r: r.agent_code or ""),
    Column("Status sinkronisasi", lambda r: r.sync_state or ""),
)

COLUMNS: dict[Kind, tuple[Column, ...]] = {
    Kind.BUSINESSES: BUSINESS_COLUMNS,
    Kind.VISITS: VISIT_COLUMNS,
    Kind.ENROLLMENTS: ENROLLMENT_COLUMNS,
}
SHEET_TITLES = {Kind.BUSINESSES: "Usaha", Kind.VISITS: "Kunjungan", Kind.ENROLLMENTS: "Pendaftaran"}


def _enrollment_day(row: tables.Enrollment) -> str:
    return (row.submitted_at or row.created_at or "")[:10]


def _day_between(
    column: Any, request: ExportRequest, zone: str = clock.DEFAULT_ZONE
) -> list[sa.ColumnElement[bool]]:
    """The stamp falls on the requested days in the branch's zone (docs/time.md)."""
    if request.start is None and request.end is None:
        return []
    start = request.start or dt.date(1900, 1, 1)
    end = request.end or dt.date(9998, 12, 31)
    return [repositories.on_days(column, start, end, zone)]


def _query(request: ExportRequest, actor: Actor, zone: str = clock.DEFAULT_ZONE) -> sa.Select[Any]:
    mine = None if actor.is_supervisor else actor.agent_code
    stmt: sa.Select[Any]
    if request.kind is Kind.BUSINESSES:
        b = tables.Business
        created = _day_between(b.created_at, request, zone)
        stmt = sa.select(b).where(b.deleted == sa.false(), *created)
        if request.event_id:
            stmt = stmt.where(b.event_id == request.event_id)
        if mine:
            stmt = stmt.where(b.registered_by == mine)
        return stmt.order_by(b.created_at, b.pk)
    if request.kind is Kind.VISITS:
        v = tables.Visit
        stmt = (
            sa.select(v, tables.Business.name)
            .join(tables.Business, tables.Business.id == v.business_id, isouter=True)
            .where(v.deleted == sa.false(), *_day_between(v.visited_at, request, zone))
        )
        if request.event_id:
            stmt = stmt.where(v.event_id == request.event_id)
        if mine:
            stmt = stmt.where(v.agent_code == mine)
        return stmt.order_by(v.visited_at, v.id)
    e = tables.Enrollment
    day_source = sa.func.coalesce(e.submitted_at, e.created_at)
    stmt = sa.select(e).where(e.deleted == sa.false(), *_day_between(day_source, request, zone))
    if request.event_id:
        stmt = stmt.where(e.event_id == request.event_id)
    if mine:
        stmt = stmt.where(e.agent_code == mine)
    return stmt.order_by(day_source, e.pk)


def table_rows(
    uow: SqlUnitOfWork, actor: Actor, request: ExportRequest
) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows of an export, masked as the request says (inside a uow)."""
    columns = COLUMNS[request.kind]
    stmt = _query(request, actor, zones.zone_in(uow, actor.branch))
    result = uow.session.execute(stmt)
    records: Iterator[Any] = (
        iter(result.all()) if request.kind is Kind.VISITS else iter(result.scalars().all())
    )
    out: list[list[Any]] = []
    for record in records:
        row = []
        for column in columns:
            value = column.get(record)
            if column.mask is not None and not request.unmasked:
                value = column.mask(value) if value not in (None, "") else ""
            row.append(value)
        out.append(row)
    return [c.header for c in columns], out


def _describe(request: ExportRequest, actor: Actor, rows: int) -> list[tuple[str, str]]:
    return [
        ("Laporan", SHEET_TITLES[request.kind]),
        ("Dari tanggal", _date(request.start) or "-"),
        ("Sampai tanggal", _date(request.end) or "-"),
        ("Acara", request.event_id or "-"),
        ("Data pribadi", "tidak disamarkan" if request.unmasked else "disamarkan"),
        ("Jumlah baris", str(rows)),
        ("Dibuat oleh", actor.agent_code),
        ("Dibuat pada", dt.datetime.now().astimezone().isoformat(timespec="seconds")),
    ]


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
        writer.writerow([_cell(h) for h in header])
        for row in rows:
            writer.writerow(["" if v is None else _cell(v) for v in row])


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
                cell = WriteOnlyCell(sheet, value=_cell(column.header))
                cell.font = bold
                header.append(cell)
            sheet.append(header)
            formatted = [i for i, c in enumerate(columns) if c.number_format]
            for row in rows:
                out: list[Any] = [_cell(v) for v in row]
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


def _write(request: ExportRequest, actor: Actor, out: Path, header: Any, rows: Any) -> None:
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
                _describe(request, actor, len(rows)),
            )
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
        log.error("export %s not written: %s", request.kind.value, reason)
        raise ExportFailed(
            Text(
                f"Berkas ekspor tidak bisa ditulis ({reason}). Periksa foldernya dan ruang "
                "disk, lalu coba lagi.",
                f"The export file could not be written ({reason}). Check the folder and the "
                "free disk space, then try again.",
            ),
            code="write_failed",
        ) from None
    except Exception as exc:
        kind = type(exc).__name__
        log.error("export %s failed: %s", request.kind.value, kind)
        raise ExportBug(f"export failed: {kind}") from None


def export(uow: SqlUnitOfWork, actor: Actor, request: ExportRequest, out: Path) -> ExportResult:
    """Writes one export file and its audit entry.

    Raises:
        BadRequest: neither a range nor an event, or a range backwards.
        ExportFailed: the file could not be written (nothing is left of it).
        ExportBug: writing failed for a reason of ours (named without any cell value).
        UnmaskNotAllowed: someone other than a supervisor asked for unmasked data (the refusal
            is audited).
    """
    request.check()
    out = Path(out)
    audit = {
        "kind": request.kind.value,
        "from": _date(request.start) or None,
        "to": _date(request.end) or None,
        "event_id": request.event_id,
        "format": request.format.value,
        "masked": not request.unmasked,
    }
    with uow:
        try:
            masking.check_unmask(actor, request.unmasked)
        except masking.UnmaskNotAllowed:
            uow.audit.add(actor.agent_code, AUDIT_REFUSED, details=audit)
            uow.commit()
            log.warning("export refused: %s asked for unmasked data", actor.agent_code)
            raise
        header, rows = table_rows(uow, actor, request)
        _write(request, actor, out, header, rows)
        uow.audit.add(actor.agent_code, AUDIT_ACTION, details={**audit, "rows": len(rows)})
        uow.commit()
    log.info(
        "export %s (%s, %d rows, %s)",
        request.kind.value,
        request.format.value,
        len(rows),
        "masked" if not request.unmasked else "unmasked",
    )
    return ExportResult(out, request.kind, request.format, len(rows), not request.unmasked)
