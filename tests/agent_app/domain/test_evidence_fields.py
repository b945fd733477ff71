"""The 1.1 evidence fields in their wire form (SYNC_PROTOCOL.md 1.1 "Attachments"): a record's
`attachments`, the consent with the shown text's hash and how it was given, the place of a
visit; and their round trip through the laptop's wire conversions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import pytest
from test_validation import ENROLLMENT

from agent_app.domain import keys, records, validation
from agent_app.storage import wire

SIGNATURE = hashlib.sha256(b"signature").hexdigest()
PHOTO = hashlib.sha256(b"photo").hexdigest()
TEXT = hashlib.sha256(b"Saya setuju.").hexdigest()


def attachment(kind: str = "ktp_photo", sha256: str = PHOTO, **changes: object) -> dict:
    item = {
        "kind": kind,
        "sha256": sha256,
        "media_type": "image/jpeg",
        "size": 183_422,
        "taken_at": "2026-11-21T10:00:00+07:00",
    }
    return {**item, **changes}


def consent(method: str = "signature", signature: str | None = SIGNATURE) -> dict:
    return {
        "text_version": "2026.1",
        "text_sha256": TEXT,
        "given_at": "2026-11-21T10:00:00+07:00",
        "method": method,
        "signature_sha256": signature,
    }


def problems(**changes: object) -> dict[str, str]:
    found = validation.validate_enrollment({**ENROLLMENT, **changes})
    return {p.field: p.message_en for p in found}


def test_a_signed_consent_with_its_photos_passes_and_a_1_0_consent_still_does():
    signed = [attachment(), attachment("consent_signature", SIGNATURE, media_type="image/png")]
    assert problems(attachments=signed, consent=consent()) == {}
    assert problems(consent=consent("tick", None)) == {}
    assert problems() == {}  # ENROLLMENT's consent is 1.0: no hash


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ([attachment(kind="selfie")], "Unknown kind"),
        ([attachment(sha256="ABC")], "SHA-256"),
        ([attachment(sha256=PHOTO.upper())], "SHA-256"),
        ([attachment(media_type="application/pdf")], "JPEG, PNG or WebP"),
        ([attachment(size=0)], "too large"),
        ([attachment(size=keys.MAX_ATTACHMENT_BYTES + 1)], "too large"),
        ([attachment(size=True)], "whole number"),
        ([attachment(taken_at="yesterday")], "ISO 8601"),
        ([attachment(), attachment()], "twice"),
        ([{"kind": "ktp_photo", "sha256": PHOTO}], "in full"),
        ([attachment(extra=1)], "in full"),
        ([attachment(sha256=f"{i:064x}") for i in range(keys.MAX_ATTACHMENTS + 1)], "At most"),
        ("not a list", "At most"),
    ],
)
def test_bad_attachments_are_refused_with_the_reason(value: object, why: str):
    assert why in problems(attachments=value)["attachments"]


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (consent("signature", None), "needs its signature"),
        (consent("tick", SIGNATURE), "tick or a signature"),
        (consent("thumbprint", None), "tick or a signature"),
        ({**consent(), "text_sha256": "x"}, "hash"),
        ({**consent(), "extra": 1}, "not recorded"),
    ],
)
def test_bad_consents_are_refused(value: dict, why: str):
    assert why in problems(consent=value)["consent"]


def test_a_signature_must_be_among_the_attachments():
    assert "signature" in problems(attachments=[attachment()], consent=consent())["consent"]
    # An update that leaves the attachments alone is not judged on them.
    partial = validation.validate_enrollment({"consent": consent()}, partial=True)
    assert partial == []


def test_a_visit_keeps_its_place_and_only_storefront_photos_and_documents():
    visit = {
        "business_id": "00000000-0000-4000-8000-000000000000",
        "visited_at": "2026-11-21T10:00:00+07:00",
        "latitude": -2.99,
        "longitude": 104.76,
        "accuracy_m": 12.5,
    }
    assert (
        validation.validate_visit({**visit, "attachments": [attachment("storefront_photo")]}) == []
    )
    [bad] = validation.validate_visit({**visit, "attachments": [attachment("ktp_photo")]})
    assert bad.field == "attachments"
    [far] = validation.validate_visit({**visit, "latitude": 91})
    assert far.field == "latitude"


def test_the_laptop_sends_what_it_reads_back():
    given = dt.datetime(2026, 11, 21, 10, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    signed = records.Consent("2026.1", given, TEXT, keys.ConsentMethod.SIGNATURE, SIGNATURE)
    photo = records.Attachment(keys.AttachmentKind.KTP_PHOTO, PHOTO, "image/jpeg", 10, given)
    assert wire.value_to_wire(signed) == consent()
    assert wire.value_to_wire(photo) == attachment(size=10)
    back = wire.record_changes("enrollment", {"consent": consent(), "attachments": [
        attachment(size=10)]})  # fmt: skip
    assert back == {"consent": signed, "attachments": (photo,)}
    # A consent recorded before 1.1 keeps its two keys (the payload it always was).
    old = dataclasses.replace(signed, text_sha256=None, signature_sha256=None)
    assert set(wire.value_to_wire(old)) == {"text_version", "given_at"}
