"""Exports of businesses, visits and enrollments to CSV and Excel (XLSX), for a date range
or an event.

Who sees what and the audit: `agent_app.services.exports` (the use case). Personal data (the
worker's NIK, name, phone, e-mail, birth date, address and declared income; the owner's phone)
is masked unless a supervisor asks for it unmasked.

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

`export` runs the use case (`services.exports`: who may export what, the audit) with this
package's writer: `columns.py` holds the columns and rows, `cells.py` the cell rule, `files.py`
the writing. What is asked and made (`ExportRequest`...) is `services.export_request`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent_app.domain.cells import FORMULA_START, cell_text, cell_value
from agent_app.reports.exports.columns import (
    COLUMNS,
    ENROLLMENT_COLUMNS,
    RUPIAH,
    SHEET_TITLES,
    Column,
    format_rows,
)
from agent_app.reports.exports.files import (
    ExportBug,
    ExportFailed,
    write_csv,
    write_records,
    write_xlsx,
)
from agent_app.services import exports as export_service
from agent_app.services.actor import Actor
from agent_app.services.database import SqlUnitOfWork
from agent_app.services.export_request import (
    BadRequest,
    ExportRequest,
    ExportResult,
    Format,
    Kind,
)
from agent_app.services.exports import AUDIT_ACTION, AUDIT_REFUSED

__all__ = [
    "AUDIT_ACTION",
    "AUDIT_REFUSED",
    "COLUMNS",
    "ENROLLMENT_COLUMNS",
    "FORMULA_START",
    "RUPIAH",
    "SHEET_TITLES",
    "BadRequest",
    "Column",
    "ExportBug",
    "ExportFailed",
    "ExportRequest",
    "ExportResult",
    "Format",
    "Kind",
    "cell_text",
    "cell_value",
    "export",
    "table_rows",
    "write_csv",
    "write_xlsx",
]


def export(uow: SqlUnitOfWork, actor: Actor, request: ExportRequest, out: Path) -> ExportResult:
    """Writes one export file and its audit entry (see `services.exports.export`)."""
    return export_service.export(uow, actor, request, out, write_records)


def table_rows(
    uow: SqlUnitOfWork, actor: Actor, request: ExportRequest
) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows of an export, masked as the request says (inside a uow)."""
    return format_rows(request.kind, export_service.records(uow, actor, request), request.unmasked)
