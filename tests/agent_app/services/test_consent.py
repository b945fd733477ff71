"""The consent texts on the laptop: a pulled text applied (a damaged one left out, a deleted
one dropped), the text the form shows (the person's language, then the other, then the one
the app ships with), the consent recorded of exactly the text shown, and a signature kept as
the `consent_signature` attachment that the domain's rule ties to the consent."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine

from agent_app.domain import consent_texts, keys, validation
from agent_app.services import consent
from agent_app.services.errors import ValidationFailed
from agent_app.storage import wire
from agent_app.storage.store import LocalStore
from agent_app.storage.uow import SqlUnitOfWork

TODAY = dt.date(2026, 11, 21)
GIVEN = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def _text(
    version: str, language: str, text: str, effective_from: str = "2026-01-01", **bad: Any
) -> dict[str, Any]:
    fields = {
        "version": version,
        "language": language,
        "text": text,
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "effective_from": effective_from,
        **bad,
    }
    return {
        "entity": "consent_text",
        "entity_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{version}:{language}")),
        "version": 1,
        "deleted": False,
        "fields": fields,
        "server_seq": 1,
    }


def test_shipped_text_when_nothing_was_pulled(uow: SqlUnitOfWork) -> None:
    for language in ("id", "en"):
        shown = consent.current_text(uow, language, TODAY)
        assert shown == consent_texts.SHIPPED[language]
        assert shown.version == consent_texts.SHIPPED_VERSION
        assert shown.sha256 == hashlib.sha256(shown.text.encode()).hexdigest()
    assert "BPJS Ketenagakerjaan menyimpan data" in consent_texts.SHIPPED["id"].text


def test_pulled_text_in_effect_and_the_fallbacks(engine: Engine, uow: SqlUnitOfWork) -> None:
    store = LocalStore(engine)
    store.apply_pulled(
        [
            _text("2026.1", "id", "Naskah satu."),
            _text("2026.2", "id", "Naskah dua.", "2026-12-01"),  # not yet in effect
            _text("2026.1", "en", "Text one."),
        ],
        "a",
    )
    assert consent.current_text(uow, "id", TODAY).text == "Naskah satu."
    assert consent.current_text(uow, "id", dt.date(2026, 12, 1)).text == "Naskah dua."
    assert consent.current_text(uow, "en", TODAY).text == "Text one."
    # Two in effect from the same day: the one published (so pulled) last.
    store.apply_pulled([_text("2026.0b", "id", "Naskah terbit kemudian.")], "a2")
    assert consent.current_text(uow, "id", TODAY).text == "Naskah terbit kemudian."
    # The English one withdrawn: the Indonesian is shown, not the app's own.
    store.apply_pulled([{**_text("2026.1", "en", "x"), "deleted": True, "fields": {}}], "b")
    assert consent.current_text(uow, "en", TODAY).text == "Naskah terbit kemudian."
    # Before every published text took effect: the app's own.
    assert consent.current_text(uow, "id", dt.date(2025, 12, 31)) == consent_texts.SHIPPED["id"]


@pytest.mark.expect_warning_log("does not match its hash|has no date")
def test_a_damaged_pulled_text_is_left_out(engine: Engine, uow: SqlUnitOfWork) -> None:
    store = LocalStore(engine)
    store.apply_pulled(
        [
            _text("2026.1", "id", "Naskah.", sha256="0" * 64),
            _text("2026.3", "id", "Naskah.", effective_from="besok"),
            _text("2026.4", "xx", "Naskah."),
        ],
        "a",
    )
    assert consent.current_text(uow, "id", TODAY) == consent_texts.SHIPPED["id"]


def test_recorded_consent_is_of_exactly_the_text_shown(uow: SqlUnitOfWork) -> None:
    shown = consent.current_text(uow, "en", TODAY)
    ticked = consent.record(shown, GIVEN)
    assert ticked.method is keys.ConsentMethod.TICK and ticked.signature_sha256 is None
    assert ticked.text_sha256 == shown.sha256 and ticked.text_version == shown.version
    assert wire.consent_to_wire(ticked)["text_sha256"] == shown.sha256  # 1.1 on the wire


def test_signature_kept_as_the_consents_attachment(uow: SqlUnitOfWork) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"gambar tanda tangan"
    signature = consent.save_signature(uow, png, GIVEN)
    assert signature.kind == keys.AttachmentKind.CONSENT_SIGNATURE
    assert signature.sha256 == hashlib.sha256(png).hexdigest()
    assert consent.signature_png(uow, signature.sha256) == png
    signed = consent.record(consent_texts.SHIPPED["id"], GIVEN, signature)
    assert signed.method is keys.ConsentMethod.SIGNATURE
    assert signed.signature_sha256 == signature.sha256
    fields = {
        "consent": wire.consent_to_wire(signed),
        "attachments": [wire.value_to_wire(signature)],
    }
    assert validation.validate_enrollment(fields, partial=True) == []
    fields["attachments"] = []  # the domain's rule: the signature goes with the record
    assert [p.field for p in validation.validate_enrollment(fields, partial=True)] == ["consent"]
    photo = dataclasses.replace(signature, kind=keys.AttachmentKind.KTP_PHOTO)
    with pytest.raises(ValueError):
        consent.record(consent_texts.SHIPPED["id"], GIVEN, photo)
    for junk in (b"not a png", b"\x89PNG\r\n\x1a\n" + b"x" * consent.MAX_SIGNATURE_BYTES):
        with pytest.raises(ValidationFailed):
            consent.save_signature(uow, junk)
