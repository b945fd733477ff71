"""The export use case: read the records an actor may export, write the file, audit it.

Who sees what: an agent exports the records they made (registered, visited, enrolled); a
supervisor exports everything on this laptop. Every export, and every refused request to
unmask, is written to the audit trail: who, which kind, the range or event, the format, masked
or not and the row count; never the data itself, nor the file name. What the file holds and
how it is written is the caller's `write` (`agent_app.reports.exports`, which calls this).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent_app.services import masking, zones
from agent_app.services.actor import Actor
from agent_app.services.export_request import ExportRequest, ExportResult, iso_date
from agent_app.storage import report_queries
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("reports")

AUDIT_ACTION = "report.export"
AUDIT_REFUSED = "report.export_refused"


#: Writes the file of an export of some records: (request, agent code, path, records) -> rows.
Write = Callable[[ExportRequest, str, Path, list[Any]], int]


def records(uow: SqlUnitOfWork, actor: Actor, request: ExportRequest) -> list[Any]:
    """The records the actor may export for the request (inside a uow)."""
    scope = report_queries.ExportScope(
        start=request.start,
        end=request.end,
        event_id=request.event_id,
        agent_code=None if actor.is_supervisor else actor.agent_code,
        zone=zones.zone_in(uow, actor.branch),
    )
    return report_queries.export_records(uow.session, request.kind.value, scope)


def _audit_details(request: ExportRequest) -> dict[str, Any]:
    return {
        "kind": request.kind.value,
        "from": iso_date(request.start) or None,
        "to": iso_date(request.end) or None,
        "event_id": request.event_id,
        "format": request.format.value,
        "masked": not request.unmasked,
    }


def export(
    uow: SqlUnitOfWork, actor: Actor, request: ExportRequest, out: Path, write: Write
) -> ExportResult:
    """Writes one export file (by `write`) and its audit entry, in one transaction.

    Raises:
        BadRequest: neither a range nor an event, or a range backwards.
        ExportFailed: the file could not be written (nothing is left of it).
        ExportBug: writing failed for a reason of ours (named without any cell value).
        UnmaskNotAllowed: someone other than a supervisor asked for unmasked data (the refusal
            is audited).
    """
    request.check()
    out = Path(out)
    audit = _audit_details(request)
    with uow:
        try:
            masking.check_unmask(actor, request.unmasked)
        except masking.UnmaskNotAllowed:
            uow.audit.add(actor.agent_code, AUDIT_REFUSED, details=audit)
            uow.commit()
            log.warning("export refused: %s asked for unmasked data", actor.agent_code)
            raise
        rows = write(request, actor.agent_code, out, records(uow, actor, request))
        uow.audit.add(actor.agent_code, AUDIT_ACTION, details={**audit, "rows": rows})
        uow.commit()
    log.info(
        "export %s (%s, %d rows, %s)",
        request.kind.value,
        request.format.value,
        rows,
        "masked" if not request.unmasked else "unmasked",
    )
    return ExportResult(out, request.kind, request.format, rows, not request.unmasked)
