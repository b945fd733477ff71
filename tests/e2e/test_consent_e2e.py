"""Consent texts end to end (issue 14 item 6), on the real server process: the central office
publishes a text with the command line, a real laptop pulls it and shows exactly it, an
enrollment consented by tick with that text's hash is accepted, one with a forged hash is
rejected on its `consent` field; a signed consent carries the signature's hash and the
signature among the op's attachments (its upload is the attachment helper's part)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from pathlib import Path
from typing import Any

from helpers.enrollments import enrollment_fields
from helpers.niks import fresh_nik

from agent_app.domain import clock, consent_texts, keys
from agent_app.services import consent, enrollments
from agent_app.storage import wire

WIB = dt.timezone(dt.timedelta(hours=7))
WORDS = "Saya setuju data saya dipakai untuk pendaftaran BPJS Ketenagakerjaan.\nUji e2e."


def publish(server: Any, tmp_path: Path, version: str, language: str, words: str) -> str:
    source = tmp_path / f"{version}-{language}.txt"
    source.write_text(words, "utf-8")
    today = clock.today("Asia/Jakarta").isoformat()
    done = server.cli(
        "publish-consent-text",
        *("--version", version, "--language", language),
        *("--file", str(source), "--effective-from", today),
    )
    return done.stdout


def submit(laptop: Any, given: dict[str, Any], **more: Any) -> str:
    draft = laptop.call(
        enrollments.save_draft, enrollment_fields(fresh_nik(), consent=given, **more)
    )
    laptop.call(enrollments.submit, draft.id)
    return str(draft.id)


def test_a_published_text_is_shown_and_its_hash_checked(
    make_laptop: Any, server: Any, tmp_path: Path
) -> None:
    version = f"e2e-{uuid.uuid4().hex[:8]}"
    printed = publish(server, tmp_path, version, "id", WORDS)
    assert hashlib.sha256(WORDS.encode()).hexdigest() in printed
    laptop = make_laptop("AG003")
    laptop.sync()
    today = clock.today("Asia/Jakarta")
    shown = consent.current_text(laptop.uow(), "id", today)
    assert (shown.version, shown.text) == (version, WORDS)
    # No English text is published: the Indonesian one is shown, not the app's own.
    assert consent.current_text(laptop.uow(), "en", today).version == version

    ticked = consent.record(shown, dt.datetime.now(WIB))
    good = submit(laptop, wire.consent_to_wire(ticked))
    report = laptop.sync()
    assert (report.applied, report.rejected) == (1, 0), report.problems
    with laptop.uow() as uow:
        meta = uow.enrollments.meta(good)
    assert meta is not None and meta.sync_state == "synced"

    forged = wire.consent_to_wire(ticked) | {"text_sha256": hashlib.sha256(b"lain").hexdigest()}
    submit(laptop, forged)
    report = laptop.sync()
    assert (report.applied, report.rejected) == (0, 1)
    [problem] = report.problems
    assert (problem.code, problem.field) == ("invalid_field", "consent")


def test_a_signed_consent_carries_its_signature_in_the_op(make_laptop: Any) -> None:
    laptop = make_laptop("AG003", connect=False)
    png = b"\x89PNG\r\n\x1a\n" + b"tanda tangan e2e"
    signature = consent.save_signature(laptop.uow(), png, dt.datetime.now(WIB))
    shown = consent_texts.SHIPPED["id"]  # this laptop never synced: the app's own text
    signed = consent.record(shown, dt.datetime.now(WIB), signature)
    entity_id = submit(
        laptop, wire.consent_to_wire(signed), attachments=[wire.value_to_wire(signature)]
    )
    with laptop.uow() as uow:
        [op] = uow.outbox.for_entity(entity_id)
    assert op.fields["consent"]["method"] == keys.ConsentMethod.SIGNATURE.value
    assert op.fields["consent"]["signature_sha256"] == hashlib.sha256(png).hexdigest()
    assert op.fields["consent"]["text_sha256"] == shown.sha256
    assert op.fields["consent"]["text_version"] == consent_texts.SHIPPED_VERSION
    assert [a["sha256"] for a in op.fields["attachments"]] == [signature.sha256]
    assert op.fields["attachments"][0]["kind"] == "consent_signature"
