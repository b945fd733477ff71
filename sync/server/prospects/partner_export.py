"""The export back to a partner (issue 18, item 4): for one imported list, who was visited, who
registered, who declined, as CSV or XLSX, so the partner's data integration works both ways.

One row per row of the partner's list: the partner's row number, the business's name, its
kecamatan's name, its status (`progress`: belum dikunjungi / sudah dikunjungi / terdaftar /
menolak, in the console's language), the day of its last visit and the day it registered.
Business-level only: never a worker's NIK, name, phone or wage, and never the business's phone
or owner either (the list's rows keep no copy of what the partner sent, so a phone here could
be one an agent typed; the partner matches rows by their own row numbers).

Every export is written in the administration trail before its first byte leaves (who, which
list, the format, how many rows). Cells go through the house rule against formulas
(`agent_app.domain.cells`, as `admin.exports`), and the rows stream a batch at a time from one
snapshot, as `admin.exports` streams its files: CSV line by line, XLSX through openpyxl's
write-only workbook into a temporary file read back in chunks.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import clock
from agent_app.domain.cells import cell_value
from agent_app.domain.messages import Text
from sync.server import db
from sync.server.admin import exports
from sync.server.admin.common import FieldError, record_action
from sync.server.admin.review import Reviewer
from sync.server.prospects import assigning, progress
from sync.server.prospects.tables import ProspectListItem

FORMATS = exports.FORMATS
FLUSH_EVERY = 500
HEADERS = (
    Text.of("Row number in your list"),
    Text.of("Business name"),
    Text.of("District"),
    Text.of("Status"),
    Text.of("Last visit"),
    Text.of("Registered on"),
)


def header(lang: str) -> list[str]:
    return [text.in_language(lang) for text in HEADERS]


def cells(item: progress.Item, lang: str, *, dates_as_text: bool) -> list[Any]:
    """One row of the file, every text made safe for a spreadsheet."""
    days = [item.last_visit, item.registered_on]
    values: list[Any] = [
        item.row_number,
        item.name,
        progress.district_name(item.district),
        progress.LABELS[item.status].in_language(lang),
        *((d.isoformat() if d else "") if dates_as_text else (d or "") for d in days),
    ]
    return [cell_value(value) for value in values]


def _file_name(source: str, day: str, fmt: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")[:40] or "mitra"
    return f"perisai-mitra-{slug}-{day}.{fmt}"


def export(engine: Engine, list_id: str, fmt: str, who: Reviewer, lang: str) -> exports.Export:
    """Checks the request, counts the rows, writes the trail row and returns the file to
    stream (another branch's list is `NotFound`; nothing streams without its trail row)."""
    if fmt not in FORMATS:
        raise FieldError("format", Text.of("Choose one of: {choices}.", choices="csv, xlsx"))
    conn = exports._snapshot(engine)
    try:
        info = assigning.find_list(conn, list_id, who)
        item = db.table(ProspectListItem)
        count = sa.select(sa.func.count()).select_from(item).where(item.c.list_id == info.id)
        rows: int = conn.execute(count).scalar_one()
        with db.write_transaction(engine) as trail:
            record_action(
                trail,
                "export-prospect-list",
                info.id,
                by=who.name,
                branch=info.branch,
                format=fmt,
                rows=rows,
            )
    except BaseException:
        conn.close()
        raise
    items = _closing(conn, progress.items(conn, info.id, info.branch, info.zone))
    body = _csv(items, lang) if fmt == "csv" else _xlsx(items, lang)
    name = _file_name(info.source, clock.today(info.zone).isoformat(), fmt)
    return exports.Export(name, exports.MEDIA_TYPES[fmt], rows, body, conn)


def _closing(conn: sa.Connection, items: Iterator[progress.Item]) -> Iterator[progress.Item]:
    """The items; the snapshot is let go at the end (or when the download is abandoned)."""
    try:
        yield from items
    finally:
        conn.close()


def _csv(items: Iterator[progress.Item], lang: str) -> Iterator[bytes]:
    buffer = io.StringIO()
    out = csv.writer(buffer)
    buffer.write("\ufeff")  # Excel reads the file as UTF-8
    out.writerow(header(lang))
    for count, item in enumerate(items, 1):
        out.writerow(cells(item, lang, dates_as_text=True))
        if count % FLUSH_EVERY == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _xlsx(items: Iterator[progress.Item], lang: str) -> Iterator[bytes]:
    import openpyxl  # the server's extra; imported only for an XLSX export

    with tempfile.TemporaryDirectory(prefix="perisai-partner-") as folder:
        path = f"{folder}/export.xlsx"
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Daftar mitra" if lang == "id" else "Partner list")
        sheet.append(header(lang))
        for item in items:
            sheet.append(cells(item, lang, dates_as_text=False))
        book.save(path)
        with open(path, "rb") as file:
            while chunk := file.read(exports.CHUNK):
                yield chunk
