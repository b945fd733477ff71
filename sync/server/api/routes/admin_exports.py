"""The administration API's exports (`/v1/admin/exports/{what}.{csv|xlsx}`): a branch's
enrollments, businesses or visits as a file, personal data masked unless an admin asks
(`unmasked=true`; a supervisor asking gets 422), every export in the administration trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from sync.server.admin import exports, review
from sync.server.api.openapi import R401, R403, R404, R422, Responses
from sync.server.api.routes.admin import reviewer
from sync.server.api.state import ServerState, server_state

router = APIRouter(prefix="/v1/admin", tags=["admin"])
FILE: Responses = {
    200: {
        "description": "The file (CSV in UTF-8 with a BOM, or XLSX).",
        "content": {media: {} for media in exports.MEDIA_TYPES.values()},
    }
}


def file_response(export: exports.Export) -> StreamingResponse:
    """The export streamed as an attachment (the snapshot let go when it is sent)."""
    return StreamingResponse(
        export.body,
        media_type=export.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "Cache-Control": "no-store",
            "X-Export-Rows": str(export.rows),
        },
        background=BackgroundTask(export.close),
    )


@router.get(
    "/exports/{what}.{fmt}",
    response_class=StreamingResponse,
    responses={**FILE, **R401, **R403, **R404, **R422},
)
def export_file(
    what: str,
    fmt: str,
    branch: str | None = Query(None, max_length=32),
    day_from: dt.date | None = Query(None, alias="from"),  # noqa: B008
    day_to: dt.date | None = Query(None, alias="to"),  # noqa: B008
    unmasked: bool = False,
    who: review.Reviewer = Depends(reviewer),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Any:
    """`what`: enrollments, businesses or visits; `fmt`: csv or xlsx; `from`/`to`: days (in
    the branch's time zone) the server received the records."""
    request = exports.ExportRequest(what, fmt, branch, day_from, day_to, unmasked)
    return file_response(exports.export(server.engine, request, who))
