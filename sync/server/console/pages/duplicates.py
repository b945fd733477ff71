"""The suspected duplicates page (issue 18): the branch's open pairs of businesses that look
like one (found when a laptop's create arrived, or on a list's import), the surest first, each
side with what tells them apart (owner, phone masked, address, district, NIB, who registered it
and when, its visits, enrollments and photos) and the reason. Two decisions per pair: merge,
choosing the record that survives (`prospects.merging.merge_pair`), or "not duplicates"
(dismissed: never shown again). A supervisor sees their branch's, an admin every branch's;
another branch's pair is the not-found page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from agent_app.domain.messages import Text
from sync.server.admin.common import Conflict, FieldError
from sync.server.api.state import ServerState, server_state
from sync.server.console import render, session
from sync.server.console.session import Change, ConsoleUser
from sync.server.prospects import merging, suspects

router = APIRouter()
PATH = "/console/duplicates"
REASONS = {
    "nib": Text.of("Same NIB"),
    "phone": Text.of("Same phone number"),
    "name": Text.of("Similar name"),
}


def _page(
    request: Request,
    user: ConsoleUser,
    server: ServerState,
    *,
    errors: dict[str, str] | None = None,
    failed: int | None = None,
    merged: str = "",
    status_code: int = 200,
) -> Response:
    pairs = suspects.open_pairs(server.engine, user.scope)
    kept = suspects.business_summary(server.engine, user.scope, merged) if merged else None
    return render.page(
        request,
        user,
        "duplicates.html",
        status_code=status_code,
        nav="duplicates",
        pairs=pairs,
        reasons={code: text.in_language(user.lang) for code, text in REASONS.items()},
        errors=errors or {},
        failed=failed,
        kept=kept,
    )


@router.get("/duplicates")
def listing(
    request: Request,
    merged: str = "",
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """The open pairs, the surest first; after a merge (`merged`), the record kept."""
    return _page(request, user, server, merged=merged[:36])


@router.post("/duplicates/{pair_id}/merge")
def merge(
    request: Request,
    pair_id: str,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """Merges the pair into the record chosen (`survivor`); laptops follow at their pull."""
    user = change.user
    try:
        done = merging.merge_pair(
            server.engine, pair_id, change.form.get("survivor", ""), user.reviewer
        )
    except (Conflict, FieldError) as error:
        errors = {"pair": error.text.in_language(user.lang)}
        status = 409 if isinstance(error, Conflict) else 422
        return _page(
            request, user, server, errors=errors, failed=_number(pair_id), status_code=status
        )
    notice = Text.of(
        "Merged: {name} is kept, with the other record's visits, enrollments and photos.",
        name=str(done["name"] or done["survivor_id"]),
    )
    return render.redirect(request, user, f"{PATH}?merged={done['survivor_id']}", notice)


@router.post("/duplicates/{pair_id}/dismiss")
def dismiss(
    request: Request,
    pair_id: str,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """Not duplicates: the pair is closed and not shown again."""
    user = change.user
    try:
        merging.dismiss(server.engine, pair_id, user.reviewer)
    except Conflict as error:
        errors = {"pair": error.text.in_language(user.lang)}
        return _page(request, user, server, errors=errors, failed=_number(pair_id), status_code=409)
    return render.redirect(
        request, user, PATH, Text.of("Marked as not duplicates; the pair will not be shown again.")
    )


def _number(pair_id: str) -> int | None:
    return int(pair_id) if pair_id.isdigit() else None
