"""The worker's consent (SYNC_PROTOCOL.md 1.1 "Consent texts"): the text the enrollment form
shows, and the consent it records.

`current_text` is the published text in effect today in the person's language (pulled from
the server), else in the other language, else the text this app ships with
(`domain.consent_texts.SHIPPED`, which has a version and hash too, so a laptop that never
synced still records exactly what it showed). `record` makes the `records.Consent` of the
text shown: its version and the SHA-256 of exactly those words, and how the worker agreed
(a tick, or a signature whose PNG `save_signature` keeps as the `consent_signature`
attachment, inside the encrypted database)."""

from __future__ import annotations

import datetime as dt

from agent_app.domain import consent_texts, keys, records, validation
from agent_app.services.errors import ValidationFailed
from agent_app.storage.uow import SqlUnitOfWork

#: The largest signature image kept (a drawing trimmed and scaled to at most ~800 px wide is
#: a few tens of KB).
MAX_SIGNATURE_BYTES = 512 * 1024
_PNG = b"\x89PNG\r\n\x1a\n"


def current_text(uow: SqlUnitOfWork, language: str, today: dt.date) -> records.ConsentText:
    """The consent text to show in `language` ("id" or "en") on `today`."""
    other = "en" if language == "id" else "id"
    with uow:
        for wanted in (language, other):
            found = uow.consent_texts.current(wanted, today)
            if found is not None:
                return found
    return consent_texts.SHIPPED.get(language, consent_texts.SHIPPED["id"])


def record(
    shown: records.ConsentText,
    given_at: dt.datetime,
    signature: records.Attachment | None = None,
) -> records.Consent:
    """The consent to the text `shown`: by signature when there is one, else by tick."""
    if signature is not None and signature.kind != keys.AttachmentKind.CONSENT_SIGNATURE:
        raise ValueError("a consent's signature is a consent_signature attachment")
    return records.Consent(
        text_version=shown.version,
        given_at=given_at,
        text_sha256=consent_texts.sha256(shown.text),
        method=keys.ConsentMethod.SIGNATURE if signature else keys.ConsentMethod.TICK,
        signature_sha256=signature.sha256 if signature else None,
    )


def save_signature(
    uow: SqlUnitOfWork, png: bytes, taken_at: dt.datetime | None = None
) -> records.Attachment:
    """Keeps the signature pad's drawing (PNG bytes) as a `consent_signature` attachment and
    returns the reference the enrollment holds. Raises ValidationFailed (field `consent`)
    for what is not a PNG or is too large."""
    if not png.startswith(_PNG) or len(png) > MAX_SIGNATURE_BYTES:
        raise ValidationFailed(
            [
                validation.Problem(
                    "consent",
                    "invalid_field",
                    "Tanda tangan tidak dapat disimpan; minta pekerja menandatangani lagi.",
                    "The signature could not be kept; ask the worker to sign again.",
                )
            ]
        )
    with uow:
        attachment = uow.attachments.add(
            png, "image/png", keys.AttachmentKind.CONSENT_SIGNATURE, taken_at
        )
        uow.commit()
    return attachment


def signature_png(uow: SqlUnitOfWork, sha256: str) -> bytes | None:
    """A kept signature's PNG (to show it again on a resumed form), or None."""
    with uow:
        found = uow.attachments.get(sha256)
    return None if found is None or found[0] != "image/png" else found[1]
