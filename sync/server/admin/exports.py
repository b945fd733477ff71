"""Exports of a branch's enrollments, businesses and visits as CSV or XLSX, for the
administration API (`/v1/admin/exports/{what}.{csv|xlsx}`) and the console's exports page.

Personal data (NIK, name, phone, e-mail, address, declared income, birth date) is masked
(`export_columns`) unless an admin asks for it unmasked; a supervisor asking is refused. Every
export is written in the administration trail before its first byte leaves: who, what, which
branch and days, how many rows, masked or not. The rows are read in one snapshot (the count in
the trail is the count in the file) and streamed a batch at a time, so a large branch never
sits in memory: CSV line by line, XLSX through openpyxl's write-only workbook into a temporary
file read back in chunks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import clock
from agent_app.domain.messages import Text
from sync.server import branches, db
from sync.server.admin import export_columns
from sync.server.admin.common import FieldError, record_action
from sync.server.admin.events import check_line, visible_branch
from sync.server.admin.review import Reviewer

FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BATCH = 500
CHUNK = 64 * 1024
SHEETS = {"enrollments": "Pendaftaran", "businesses": "Usaha", "visits": "Kunjungan"}


@dataclass(frozen=True)
class ExportRequest:
    """What to export: `what` (enrollments, businesses, visits), `fmt` (csv, xlsx), `branch`
    (an admin's choice; empty: every branch; a supervisor's is their own), the days the
    server received the records (`day_from`/`day_to`, in the branch's time zone) and
    `unmasked` (admins only)."""

    what: str
    fmt: str = "csv"
    branch: str | None = None
    day_from: dt.date | None = None
    day_to: dt.date | None = None
    unmasked: bool = False


@dataclass
class Export:
    """A checked and audited export: its file name, media type, row count and its bytes
    (an iterator that reads the snapshot and closes it at the end, or if abandoned)."""

    filename: str
    media_type: str
    rows: int
    body: Iterator[bytes]
    conn: sa.Connection

    def close(self) -> None:
        """Lets the snapshot go (once the response is sent, or if it never streamed)."""
        self.conn.close()


def _check(request: ExportRequest, who: Reviewer) -> ExportRequest:
    if request.what not in export_columns.KINDS:
        choices = ", ".join(export_columns.KINDS)
        raise FieldError("what", Text.of("Choose one of: {choices}.", choices=choices))
    if request.fmt not in FORMATS:
        raise FieldError("format", Text.of("Choose one of: {choices}.", choices="csv, xlsx"))
    if request.unmasked and who.branch is not None:
        raise FieldError("unmasked", Text.of("Only an admin may export personal data unmasked."))
    if request.day_from and request.day_to and request.day_to < request.day_from:
        raise FieldError("to", Text.of("The end date is before the start date."))
    branch = check_line("branch", request.branch or "", 32) or who.branch
    return ExportRequest(
        request.what, request.fmt, branch, request.day_from, request.day_to, request.unmasked
    )


def _query(conn: sa.Connection, request: ExportRequest) -> tuple[Any, Any]:
    """The rows' query (a visit with its business's name) and its count's."""
    r = db.table(db.Record)
    entity = export_columns.ENTITY[request.what]
    where = [r.c.entity == entity, r.c.deleted.is_(False)]
    if request.branch:
        where.append(r.c.branch_code == request.branch)
    if request.day_from or request.day_to:
        zone = branches.time_zone(conn, request.branch or "")
        first = request.day_from or dt.date(2000, 1, 1)
        last = request.day_to or dt.date(2100, 12, 31)
        start, end = clock.day_bounds(first, last, zone)
        where += [r.c.created_at >= start, r.c.created_at < end]
    count = sa.select(sa.func.count()).select_from(r).where(*where)
    if entity != "visit":
        query = sa.select(r, sa.literal(None).label("business_name")).where(*where)
    else:
        b = r.alias("business")
        name = b.c.fields["name"].as_string().label("business_name")
        owner = sa.and_(
            b.c.entity_id == r.c.fields["business_id"].as_string(), b.c.entity == "business"
        )
        query = sa.select(r, name).select_from(r.outerjoin(b, owner)).where(*where)
    return query.order_by(r.c.created_at, r.c.entity_id), count


def _snapshot(engine: Engine) -> sa.Connection:
    """A read-only connection whose every read sees one moment."""
    conn = engine.connect()
    if not db.is_sqlite(engine):
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn  # its transaction begins at its first read and lasts until it is closed


def export(engine: Engine, request: ExportRequest, who: Reviewer) -> Export:
    """Checks the request, counts the rows, writes the trail row, and returns the file to
    stream (nothing is read for a refused request, nothing streams without its trail row)."""
    request = _check(request, who)
    conn = _snapshot(engine)
    try:
        if request.branch:
            visible_branch(conn, request.branch, who)
        query, count_query = _query(conn, request)
        rows: int = conn.execute(count_query).scalar_one()
        with db.write_transaction(engine) as trail:
            record_action(
                trail,
                "export",
                request.what,
                by=who.name,
                branch=request.branch,
                format=request.fmt,
                rows=rows,
                masked=not request.unmasked,
                day_from=request.day_from.isoformat() if request.day_from else None,
                day_to=request.day_to.isoformat() if request.day_to else None,
            )
    except BaseException:
        conn.close()
        raise
    writer = _csv if request.fmt == "csv" else _xlsx
    day = clock.today(branches.time_zone(conn, request.branch or ""))
    filename = f"perisai-{request.what}-{request.branch or 'semua'}-{day}.{request.fmt}"
    body = writer(conn, query, request)
    return Export(filename, MEDIA_TYPES[request.fmt], rows, body, conn)


def _records(conn: sa.Connection, query: Any) -> Iterator[Any]:
    """The rows a batch at a time; the snapshot is closed at the end (or when abandoned)."""
    try:
        result = conn.execution_options(yield_per=BATCH).execute(query)
        yield from result
    finally:
        conn.close()


def _csv(conn: sa.Connection, query: Any, request: ExportRequest) -> Iterator[bytes]:
    buffer = io.StringIO()
    out = csv.writer(buffer)
    buffer.write("\ufeff")  # Excel reads the file as UTF-8
    out.writerow(export_columns.header(request.what))
    for count, row in enumerate(_records(conn, query), 1):
        out.writerow(export_columns.cells(request.what, row, request.unmasked))
        if count % BATCH == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _xlsx(conn: sa.Connection, query: Any, request: ExportRequest) -> Iterator[bytes]:
    import openpyxl  # the server's extra; imported only for an XLSX export

    with tempfile.TemporaryDirectory(prefix="perisai-export-") as folder:
        path = f"{folder}/export.xlsx"
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet(SHEETS[request.what])
        sheet.append(export_columns.header(request.what))
        for row in _records(conn, query):
            sheet.append(export_columns.cells(request.what, row, request.unmasked))
        book.save(path)
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK):
                yield chunk
