"""Partner prospect lists (issue 18): the branch's imported lists with their counts (each links
to its own page, `/console/prospects/{list_id}`), a form to upload a list (its source, new or
known, the file, an optional event), then the upload's page: each column's field in a select,
the first rows and every bad row with its problems, and the import (a POST with the CSRF
token; the notice says how many were created, linked and left out). The work is done by
`sync.server.prospects` (`uploads`, `importing`); a file over the size limit is stopped before
its body is kept (`UploadCap`) and the form says so."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent_app.domain.messages import Text
from sync.server.admin import events
from sync.server.admin.common import FieldError
from sync.server.api.state import ServerState, server_state
from sync.server.console import render, session
from sync.server.console.session import Change, ConsoleUser
from sync.server.prospects import importing, mapping, reading, uploads

router = APIRouter()
PATH = "/console/prospects"
UPLOAD_PATH = f"{PATH}/upload"
#: The first rows the preview shows, and the bad rows at most.
FIRST_ROWS = 10
BAD_ROWS = 200
#: The upload form's body at most: the file and the form's few fields.
BODY_CAP = reading.MAX_BYTES + 256 * 1024
#: A body past the cap is read and dropped up to this much (the browser then shows the
#: answer, not a broken connection); past it the connection is closed.
DRAIN_MAX = 256 * 1024 * 1024


def _sources_and_events(
    server: ServerState, user: ConsoleUser
) -> tuple[list[str], list[tuple[str, str]]]:
    branch = uploads.branch_of(user.reviewer, user.branch_code)
    names = [source["name"] for source in uploads.sources(server.engine, branch)]
    found = events.list_events(server.engine, user.reviewer, branch, current_only=True)
    return names, [(event["id"], event["name"]) for event in found]


def _index(
    request: Request,
    user: ConsoleUser,
    server: ServerState,
    typed: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    branch = uploads.branch_of(user.reviewer, user.branch_code)
    names, events_ = _sources_and_events(server, user)
    return render.page(
        request,
        user,
        "prospect_lists.html",
        status_code=status_code,
        lists=uploads.lists(server.engine, user.reviewer, branch),
        sources=[(name, name) for name in names],
        events=events_,
        typed=typed,
        errors=errors,
    )


@router.get("/prospects")
def index(
    request: Request,
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    errors = {}
    if request.query_params.get("too_large"):
        errors["file"] = reading.too_large().in_language(user.lang)
    return _index(request, user, server, {}, errors, 422 if errors else 200)


def _source_name(form: dict[str, str]) -> str:
    chosen = form.get("source", "")
    return (form.get("source_name", "") if chosen in ("", "-new-") else chosen).strip()


@router.post("/prospects/upload")
async def upload(
    request: Request,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    user, form = change.user, dict(change.form)
    form.pop("csrf_token", None)
    sent = (await request.form()).get("file")
    errors: dict[str, str] = {}
    try:
        source = events.check_line("source_name", _source_name(form), 100, required=True)
        if not isinstance(sent, UploadFile) or not sent.filename:
            raise FieldError("file", Text.of("Choose the file of the list."))
        content = await sent.read(reading.MAX_BYTES + 1)
        branch = uploads.branch_of(user.reviewer, user.branch_code)
        upload_id = uploads.save(server.engine, user.reviewer, branch, sent.filename, content)
    except FieldError as error:
        errors = render.field_errors(error, user.lang)
        return _index(request, user, server, form, errors, 422)
    query = urlencode({"source": source, "event": form.get("event_id", "")})
    return RedirectResponse(f"{PATH}/uploads/{upload_id}?{query}", status_code=303)


def _upload_page(
    request: Request,
    user: ConsoleUser,
    server: ServerState,
    upload_id: str,
    typed: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The mapping and the preview of `typed["targets"]` (None: the source's remembered
    mapping, else the guess)."""
    errors = dict(errors or {})
    targets = typed.get("targets")
    try:
        seen = importing.preview(server.engine, upload_id, user.reviewer, targets)
    except FieldError as error:  # a mapping without a name: the guess, and the message
        errors.update(render.field_errors(error, user.lang))
        seen = importing.preview(server.engine, upload_id, user.reviewer, None)
        seen.targets = list(targets or seen.targets)
        status_code = 422
    names, events_ = _sources_and_events(server, user)
    bad = [row for row in seen.rows if row.action == "bad"]
    return render.page(
        request,
        user,
        "prospect_upload.html",
        status_code=status_code,
        seen=seen,
        first=seen.rows[:FIRST_ROWS],
        bad=bad[:BAD_ROWS],
        bad_more=max(0, len(bad) - BAD_ROWS),
        counts={a: render.number(seen.count(a), user.lang) for a in ("create", "link", "bad")},
        fields=[(t, mapping.LABELS[t].in_language(user.lang)) for t in mapping.TARGETS],
        sources=names,
        events=events_,
        typed=typed,
        errors=errors,
    )


@router.get("/prospects/uploads/{upload_id}")
def upload_page(
    upload_id: str,
    request: Request,
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    source = request.query_params.get("source", "")
    seen = uploads.get(server.engine, upload_id, user.reviewer)
    remembered = uploads.remembered(server.engine, seen.branch_code, source)
    headers = reading.read(seen.content, seen.file_name).header
    typed = {
        "source_name": source,
        "event_id": request.query_params.get("event", ""),
        "targets": mapping.propose(headers, remembered),
    }
    return _upload_page(request, user, server, upload_id, typed)


@router.post("/prospects/uploads/{upload_id}")
def decide(
    upload_id: str,
    request: Request,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """ "Preview again" with the chosen fields, or import."""
    user, form = change.user, change.form
    typed: dict[str, Any] = {
        "source_name": form.get("source_name", ""),
        "event_id": form.get("event_id", ""),
        "targets": change.all("target"),
    }
    if form.get("do") != "import":
        return _upload_page(request, user, server, upload_id, typed)
    try:
        done = importing.import_list(
            server.engine,
            upload_id,
            user.reviewer,
            typed["targets"],
            typed["source_name"],
            typed["event_id"],
        )
    except FieldError as error:
        errors = render.field_errors(error, user.lang)
        return _upload_page(request, user, server, upload_id, typed, errors, 422)
    notice = Text.of(
        "List imported: {created} new, {linked} linked to businesses already known, "
        "{left_out} rows left out.",
        created=done.created,
        linked=done.linked,
        left_out=done.left_out,
    )
    return render.redirect(request, user, PATH, notice=notice)


class UploadCap:
    """The upload form's body cap: a larger body is read and dropped, and the answer is the
    form again with the message (303 to `?too_large=1`), not a bare 413 or a connection reset
    mid-upload. Smaller bodies go on unchanged (the server's own cap still applies)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != UPLOAD_PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        declared = next(
            (int(v) for k, v in scope["headers"] if k == b"content-length" and v.isdigit()), -1
        )
        kept: list[Message] = []
        size = 0
        over = declared > BODY_CAP
        more = True
        while more and not over:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            kept.append(message)
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
            over = size > BODY_CAP
        if over:
            await self._refuse(size, more, receive, send)
            return

        async def replay() -> Message:
            return kept.pop(0) if kept else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, size: int, more: bool, receive: Receive, send: Send) -> None:
        while more and size <= DRAIN_MAX:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
        answer = RedirectResponse(f"{PATH}?too_large=1", status_code=303)
        if more:
            answer.headers["connection"] = "close"
        await send({"type": "http.response.start", "status": 303, "headers": answer.raw_headers})
        await send({"type": "http.response.body", "body": b""})
