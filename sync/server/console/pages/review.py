"""The review queue: the branch's enrollments and employer registrations oldest first, one
record with its NIK masked (an enrollment's shown whole only by an audited "show NIK"; an
employer registration's page is `review_employer`'s), accept with the membership number (an
employer's NPP), send back with a reason, accept several at once. Every decision goes through
`admin.review`, the service the API and the command line use."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from agent_app.domain import masking
from agent_app.domain.messages import Text
from sync.server.admin import coverage, review, review_queue
from sync.server.admin.common import Conflict, FieldError
from sync.server.api.state import ServerState, server_state
from sync.server.attachments import refs
from sync.server.attachments.store import SHA256_HEX
from sync.server.console import render, session
from sync.server.console.pages import review_employer
from sync.server.console.session import Change, ConsoleUser

router = APIRouter()
#: The console's queue holds both kinds of record a supervisor reviews.
BOTH = review.REVIEWED
PAGE_SIZE = 50
STATUS_LABELS = {
    "submitted": Text.of("Waiting for review"),
    "accepted": Text.of("Accepted"),
    "needs_correction": Text.of("Sent back"),
}
#: The record's fields shown on the detail page, in order, with their labels.
FIELD_LABELS = (
    ("full_name", Text.of("Full name")),
    ("birth_place", Text.of("Place of birth")),
    ("birth_date", Text.of("Date of birth")),
    ("gender", Text.of("Gender")),
    ("phone", Text.of("Phone")),
    ("email", Text.of("Email")),
    ("address", Text.of("Address")),
    ("region_code", Text.of("Region code")),
    ("occupation", Text.of("Occupation")),
    ("declared_income", Text.of("Declared income")),
    ("programs", Text.of("Programs")),
    ("period_months", Text.of("Months paid")),
    ("enrolled_on", Text.of("Enrolled on")),
    ("membership_number", Text.of("Membership number")),
    ("review_reason", Text.of("Reason sent back")),
)

#: What each attachment shows as, under its picture.
EVIDENCE_LABELS = {
    "ktp_photo": Text.of("KTP photo"),
    "storefront_photo": Text.of("Storefront photo"),
    "consent_signature": Text.of("Consent signature"),
    "document": Text.of("Document"),
}


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/review")
def queue(
    request: Request,
    status: str = "submitted",
    agent: str = "",
    event: str = "",
    branch: str = "",
    received_from: str = "",
    received_to: str = "",
    kind: str = "",
    cursor: str = "",
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    filters = {
        "status": status if status in review.REVIEW_STATUSES else "submitted",
        "agent": agent.strip()[:64],
        "event": event.strip()[:64],
        "branch": branch.strip()[:32] if user.is_admin else "",
        "received_from": received_from,
        "received_to": received_to,
        "kind": kind if kind in review_queue.KINDS else "",
    }
    errors: dict[str, str] = {}
    start, end = _day(received_from), _day(received_to)
    for name, typed, parsed in (
        ("received_from", received_from, start),
        ("received_to", received_to, end),
    ):
        if typed and parsed is None:
            errors[name] = Text.of("Type a date like 2026-12-01.").in_language(user.lang)
    queue_filter = review_queue.QueueFilter(
        filters["status"],
        filters["agent"] or None,
        filters["event"] or None,
        filters["branch"] or None,
        start,
        end,
        filters["kind"] or None,
    )
    try:
        page = review_queue.list_enrollments(
            server.engine, queue_filter, user.reviewer, cursor or None, PAGE_SIZE, BOTH
        )
    except FieldError as error:
        errors.update(render.field_errors(error, user.lang))
        page = review_queue.Page([], None)
    return _queue_page(request, user, page, filters, errors)


def _queue_page(
    request: Request,
    user: ConsoleUser,
    page: review_queue.Page,
    filters: dict[str, str],
    errors: dict[str, str],
    numbers: dict[str, str] | None = None,
    chosen: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    return render.page(
        request,
        user,
        "review.html",
        status_code=status_code,
        nav="review",
        items=[{"kind": "enrollment", **item} for item in page.items],
        next_cursor=page.next_cursor,
        filters=filters,
        errors=errors,
        numbers=numbers or {},
        chosen=set(chosen or []),
        statuses=[(code, render.text_of(text, user.lang)) for code, text in STATUS_LABELS.items()],
        options=coverage.choices(
            server_state(request).engine, user.reviewer, filters["branch"] or None
        ),
        status_labels={code: text.in_language(user.lang) for code, text in STATUS_LABELS.items()},
        kind_labels={
            code: text.in_language(user.lang) for code, text in review_employer.KIND_LABELS.items()
        },
        kinds=[
            (code, text.in_language(user.lang))
            for code, text in review_employer.KIND_LABELS.items()
        ],
    )


@router.post("/review/accept")
def accept_many(
    request: Request,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """Accepts the ticked enrollments, each with the number typed on its line: all or none."""
    user = change.user
    chosen = change.all("ids")
    numbers = {
        key[len("number:") :]: value
        for key, value in change.form.items()
        if key.startswith("number:")
    }
    errors: dict[str, str] = {}
    if not chosen:
        errors["ids"] = Text.of("Tick at least one enrollment to accept.").in_language(user.lang)
    else:
        decisions = [(entity_id, numbers.get(entity_id, "").strip()) for entity_id in chosen]
        try:
            review.accept_many(server.engine, decisions, user.reviewer, BOTH)
        except FieldError as error:
            errors = _bulk_errors(error, chosen, user.lang)
        except Conflict as error:
            errors = {"ids": error.text.in_language(user.lang)}
        else:
            notice = Text.of("{count} enrollments accepted.", count=len(chosen))
            return render.redirect(request, user, "/console/review", notice)
    page = review_queue.list_enrollments(
        server.engine, review_queue.QueueFilter(), user.reviewer, None, PAGE_SIZE, BOTH
    )
    filters = {
        "status": "submitted",
        "agent": "",
        "event": "",
        "branch": "",
        "received_from": "",
        "received_to": "",
        "kind": "",
    }
    return _queue_page(request, user, page, filters, errors, numbers, chosen, status_code=422)


def _bulk_errors(error: FieldError, chosen: list[str], lang: str) -> dict[str, str]:
    """`items.3.membership_number` -> the message under line 3's number field."""
    parts = error.field.split(".")
    message = error.text.in_language(lang)
    if (
        len(parts) >= 2
        and parts[0] == "items"
        and parts[1].isdigit()
        and int(parts[1]) < len(chosen)
    ):
        return {f"number:{chosen[int(parts[1])]}": message}
    return {"ids": message}


def _detail_page(
    request: Request,
    user: ConsoleUser,
    server: ServerState,
    entity_id: str,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    nik: str | None = None,
    status_code: int = 200,
) -> Response:
    record = review_queue.get_enrollment(server.engine, entity_id, user.reviewer, BOTH)
    common: dict[str, Any] = {
        "nav": "review",
        "record": record,
        "errors": errors or {},
        "typed": typed or {},
        "status_code": status_code,
        "status_label": STATUS_LABELS.get(record["status"] or "", Text.of("Unknown")).in_language(
            user.lang
        ),
        "reasons": [
            (code, text.in_language(user.lang)) for code, text in review.SEND_BACK_REASONS.items()
        ],
        "evidence": [
            {
                **item,
                "label": EVIDENCE_LABELS.get(item["kind"], Text.of("Document")).in_language(
                    user.lang
                ),
            }
            for item in review_queue.evidence(server.engine, record, user.reviewer)
        ],
    }
    if record.get("kind") == "employer":
        more = review_employer.context(record, user.lang)
        return render.page(request, user, "review_employer.html", **common, **more)
    fields: dict[str, Any] = record["fields"]
    shown = []
    for name, label in FIELD_LABELS:
        value = fields.get(name)
        if value in (None, "", []):
            continue
        value = _shown(name, value, user.lang)
        if name == "programs" and isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        shown.append((label.in_language(user.lang), value))
    return render.page(request, user, "review_detail.html", **common, shown=shown, nik=nik)


def _refused(
    request: Request,
    user: ConsoleUser,
    server: ServerState,
    entity_id: str,
    error: FieldError | Conflict,
    change: Change,
) -> Response:
    """The detail page again: the message beside its field (422), or, when someone decided
    first, above the record as it is now (409); what was typed is kept."""
    if isinstance(error, Conflict):
        errors, status = {"decision": error.text.in_language(user.lang)}, 409
    else:
        errors, status = render.field_errors(error, user.lang), 422
    return _detail_page(
        request, user, server, entity_id, errors=errors, typed=dict(change.form), status_code=status
    )


GENDERS = {"F": Text.of("Female"), "M": Text.of("Male")}


def _shown(name: str, value: Any, lang: str) -> Any:
    """A field as a person reads it: the phone masked, money and dates as they are written."""
    if name == "phone":
        return masking.phone(value)
    if name == "declared_income" and isinstance(value, int | float):
        return f"Rp {render.number(value, lang)}"
    if name in ("birth_date", "enrolled_on"):
        return render.day(value, lang)
    if name == "gender" and value in GENDERS:
        return GENDERS[value].in_language(lang)
    return value


@router.get("/review/{entity_id}")
def detail(
    request: Request,
    entity_id: str,
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    return _detail_page(request, user, server, entity_id)


@router.post("/review/{entity_id}/reveal-nik")
def reveal_nik(
    request: Request,
    entity_id: str,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """The detail page with the whole NIK, this once (the administration trail records it)."""
    nik = review.reveal_nik(server.engine, entity_id, change.user.reviewer)
    return _detail_page(request, change.user, server, entity_id, nik=nik)


@router.post("/review/{entity_id}/accept")
def accept(
    request: Request,
    entity_id: str,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    user, employer = change.user, change.form.get("kind") == "employer"
    number = change.form.get("npp" if employer else "membership_number", "").strip()
    try:
        review.accept(server.engine, entity_id, number, user.reviewer, BOTH)
    except (FieldError, Conflict) as error:
        return _refused(request, user, server, entity_id, error, change)
    if employer:
        notice = Text.of("Employer registration accepted.")
    else:
        notice = Text.of("Enrollment accepted.")
    return render.redirect(request, user, "/console/review", notice)


@router.post("/review/{entity_id}/send-back")
def send_back(
    request: Request,
    entity_id: str,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    user = change.user
    reason, note = change.form.get("reason", ""), change.form.get("note", "")
    try:
        review.send_back(server.engine, entity_id, reason, note, user.reviewer, BOTH)
    except (FieldError, Conflict) as error:
        return _refused(request, user, server, entity_id, error, change)
    if change.form.get("kind") == "employer":
        notice = Text.of(
            "Employer registration sent back to its agent; the laptop shows the reason at its "
            "next sync."
        )
    else:
        notice = Text.of(
            "Enrollment sent back to its agent; the laptop shows the reason at its next sync."
        )
    return render.redirect(request, user, "/console/review", notice)


@router.get("/attachments/{sha256}")
def attachment(
    sha256: str,
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """A photo or signature, to a reviewer who may see a record referencing it (their
    branch's; an admin's, any); the not-found page otherwise."""
    media_type = None
    if SHA256_HEX.fullmatch(sha256):
        with server.engine.connect() as conn:
            media_type = refs.readable_media_type(conn, sha256, user.scope, user.code, True)
    if media_type is None:
        raise HTTPException(404)
    try:
        data = server.blobs().read(sha256)
    except FileNotFoundError as error:
        raise HTTPException(404) from error
    # nosniff and the rest come with every console answer (ConsoleHeaders).
    return Response(data, media_type=media_type, headers={"Cache-Control": "private, no-store"})
