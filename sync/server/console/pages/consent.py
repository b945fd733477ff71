"""Consent texts: every published version (each language's words exactly as the laptops show
them, and their SHA-256), and, for an admin, publishing a new version: a textarea per
language, a preview of exactly the text that will be stored and its hash, then "Publish".

Publishing goes through `admin.consent_texts.publish`, the command line's service: a
published text never changes. The preview carries each text's hash; "Publish" refuses a text
that changed after its preview (it shows the preview again), so what is published is what was
read. Supervisors may read the page; only an admin publishes.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from agent_app.domain.messages import Text
from sync import protocol
from sync.server.admin import consent_texts
from sync.server.admin.common import FieldError
from sync.server.api.state import ServerState, server_state
from sync.server.console import render, session
from sync.server.console.session import Change, ConsoleUser

router = APIRouter()
HOME = "/console/consent"
LANGUAGE_LABELS = {"id": Text.of("Bahasa Indonesia"), "en": Text.of("English")}
FIELDS = ("version", "effective_from", "text_id", "text_en")


def _page(
    request: Request,
    user: ConsoleUser,
    server: ServerState,
    typed: dict[str, str] | None = None,
    *,
    preview: list[dict[str, Any]] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render.page(
        request,
        user,
        "consent.html",
        status_code=status_code,
        texts=consent_texts.list_texts(server.engine),
        typed=typed or {},
        preview=preview,
        errors=errors or {},
        languages=[(code, label.in_language(user.lang)) for code, label in LANGUAGE_LABELS.items()],
    )


@router.get("/consent")
def page(
    request: Request,
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    return _page(request, user, server)


def _admins_only(request: Request, user: ConsoleUser) -> Response | None:
    if user.is_admin:
        return None
    return render.page(
        request,
        user,
        "error.html",
        status_code=403,
        title=Text.of("Not allowed"),
        message=Text.of("Only an administrator publishes a consent text."),
    )


def _preview(typed: dict[str, str]) -> list[dict[str, Any]]:
    """Each language's text as it will be stored and its hash (FieldError when one cannot be
    published)."""
    consent_texts.check_version(typed["version"])
    shown = []
    for code in consent_texts.LANGUAGES:
        if typed[f"text_{code}"].strip():
            text = consent_texts.check_consent_text(typed[f"text_{code}"], f"text_{code}")
            shown.append(
                {"language": code, "text": text, "sha256": protocol.consent_text_sha256(text)}
            )
    if not shown:
        raise FieldError("text_id", Text.of("Give the text in at least one language."))
    return shown


@router.post("/consent")
def publish(
    request: Request,
    change: Change = Depends(session.change),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """ "Preview" shows exactly what would be published; "Publish" publishes it, when each
    text is still the one previewed (else the preview again)."""
    user = change.user
    refused = _admins_only(request, user)
    if refused is not None:
        return refused
    typed = {name: change.form.get(name, "") for name in FIELDS}
    try:
        preview = _preview(typed)
        previewed = {c: change.form.get(f"sha256_{c}", "") for c in consent_texts.LANGUAGES}
        if change.form.get("action") != "publish" or any(
            previewed[item["language"]] != item["sha256"] for item in preview
        ):
            return _page(request, user, server, typed, preview=preview)
        texts = {item["language"]: item["text"] for item in preview}
        done = consent_texts.publish(
            server.engine, typed["version"], texts, typed["effective_from"], by=user.code
        )
    except FieldError as error:
        errors = render.field_errors(error, user.lang)
        return _page(request, user, server, typed, errors=errors, status_code=422)
    notice = (
        Text.of(
            "Consent text {version} published; the laptops get it at their next sync.",
            version=typed["version"].strip(),
        )
        if any(new for _, new in done)
        else Text.of(
            "Consent text {version} was already published; nothing changed.",
            version=typed["version"].strip(),
        )
    )
    return render.redirect(request, user, HOME, notice=notice)
