"""Published consent texts (SYNC_PROTOCOL.md 1.1 "Consent texts"), on SQLite and PostgreSQL:
publishing (immutable: the same text again changes nothing, another text under the same
version and language is refused), the pull (every agent of every branch, only when declared),
the push check of a 1.1 consent's text hash, and the command line."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from srv_support import World, enrollment_fields, now_wib, op

from sync import protocol
from sync.server import db
from sync.server.admin import consent_texts
from sync.server.admin.common import FieldError

TEXT_ID = "Saya setuju data saya dipakai untuk pendaftaran BPJS Ketenagakerjaan.\nTerima kasih."
TEXT_EN = "I agree that my data is used to enroll me in BPJS Ketenagakerjaan.\nThank you."
DAY = dt.date(2026, 1, 1)


def publish(world: World, version: str = "2026.1", **texts: str) -> list[Any]:
    return consent_texts.publish(world.engine, version, texts or {"id": TEXT_ID}, DAY)


def consent(version: str, sha256: str | None, method: str = "tick") -> dict[str, Any]:
    if sha256 is None:  # a 1.0 laptop's
        return {"text_version": version, "given_at": now_wib().isoformat()}
    return {
        "text_version": version,
        "text_sha256": sha256,
        "given_at": now_wib().isoformat(),
        "method": method,
        "signature_sha256": None,
    }


def rows(world: World, entity: str) -> list[Any]:
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.entity == entity)).all()


def trail(world: World) -> list[Any]:
    table = db.table(db.AdminAudit)
    with world.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.action == "publish-consent-text")).all()


def test_published_text_is_immutable(world: World) -> None:
    [(view, new)] = publish(world)
    assert new and view["sha256"] == protocol.consent_text_sha256(TEXT_ID)
    assert view["id"] == consent_texts.text_id("2026.1", "id")
    [(again, new)] = publish(world)  # the very same text: nothing changes
    assert not new and again["sha256"] == view["sha256"]
    [row] = rows(world, "consent_text")
    assert (row.version, row.branch_code, row.owner_code) == (1, None, None)
    for texts, day in (({"id": TEXT_ID + " "}, DAY), ({"id": TEXT_ID}, dt.date(2026, 2, 1))):
        with pytest.raises(FieldError) as refused:
            consent_texts.publish(world.engine, "2026.1", texts, day)
        assert refused.value.field == "version"
        assert "new version" in refused.value.text.en
    [after] = rows(world, "consent_text")
    assert (after.version, after.server_seq, after.fields) == (1, row.server_seq, row.fields)
    assert len(trail(world)) == 1  # the refusals and the no-op left no trail
    # The other language of the same version is its own record.
    [(english, new)] = publish(world, en=TEXT_EN)
    assert new and english["id"] != view["id"]


def test_both_languages_publish_together_or_not_at_all(world: World) -> None:
    publish(world, en=TEXT_EN)
    with pytest.raises(FieldError):  # the English one differs: neither is published
        publish(world, id=TEXT_ID, en=TEXT_EN + "!")
    assert [r.fields["language"] for r in rows(world, "consent_text")] == ["en"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("", "text_id"),
        ("   \n", "text_id"),
        ("Setuju\x00", "text_id"),
        ("Setuju \u202eatad\u202c", "text_id"),
        ("\ufeffSetuju", "text_id"),
        ("x" * (consent_texts.TEXT_MAX + 1), "text_id"),
    ],
)
def test_bad_text_is_refused_before_anything_is_written(
    world: World, text: str, field: str
) -> None:
    with pytest.raises(FieldError) as refused:
        consent_texts.publish(world.engine, "2026.1", {"id": text}, DAY)
    assert refused.value.field == field
    assert rows(world, "consent_text") == [] and trail(world) == []


@pytest.mark.parametrize("version", ["", "2026 1", "v/1", "é", "x" * 41])
def test_bad_version_is_refused(world: World, version: str) -> None:
    with pytest.raises(FieldError) as refused:
        consent_texts.publish(world.engine, version, {"id": TEXT_ID}, DAY)
    assert refused.value.field == "version"


def test_line_endings_become_newlines_and_the_hash_is_of_the_stored_text(world: World) -> None:
    [(view, _)] = publish(world, id="Baris satu\r\nBaris dua\rTiga\tempat")
    assert view["text"] == "Baris satu\nBaris dua\nTiga\tempat"
    assert view["sha256"] == protocol.consent_text_sha256(view["text"])


def test_every_agent_pulls_it_only_when_declared(world: World) -> None:
    a1, _, s1 = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    b1 = world.login("B1")
    published = {view["id"]: view for view, _ in publish(world, id=TEXT_ID, en=TEXT_EN)}
    for laptop in (a1, s1, b1):
        changes, _ = laptop.pull_all()
        texts = {c["entity_id"]: c for c in changes if c["entity"] == "consent_text"}
        assert texts.keys() == published.keys()
        for entity_id, change in texts.items():
            fields = protocol.ConsentTextFields.model_validate(change["fields"])
            assert fields.text == published[entity_id]["text"]
            assert fields.sha256 == protocol.consent_text_sha256(fields.text)
    for understands in ((), ("assignment",)):  # a laptop from before consent texts
        changes, _ = a1.pull_all(understands=understands)
        assert [c for c in changes if c["entity"] == "consent_text"] == []
        for change in changes:  # an old parser: every change is one it knows
            assert change["entity"] in {
                "business",
                "visit",
                "enrollment",
                "event",
                "target",
                "rate_table",
            }


def test_push_checks_a_consent_text_hash(world: World) -> None:
    a1, _, _ = world.standard()
    publish(world, id=TEXT_ID, en=TEXT_EN)
    good_id, good_en = (protocol.consent_text_sha256(t) for t in (TEXT_ID, TEXT_EN))
    forged = protocol.consent_text_sha256(TEXT_ID + " (diubah)")
    cases = [
        (consent("2026.1", good_id), "applied"),
        (consent("2026.1", good_en), "applied"),  # shown in English
        (consent("2025.9", None), "applied"),  # a 1.0 laptop: no hash, accepted as before
        (consent("2026.1", forged), "rejected"),
        (consent("2026.2", good_id), "rejected"),  # a version never published
    ]
    ops = [
        op("enrollment", "create", None, enrollment_fields(i, consent=given))
        for i, (given, _) in enumerate(cases, start=1)
    ]
    results = a1.push(*ops)
    assert [r["status"] for r in results] == [want for _, want in cases]
    for result in results[3:]:
        assert result["error"]["code"] == "invalid_field"
        assert result["error"]["field"] == "consent"
    # An update that changes the consent to a forged hash is refused too; the record keeps
    # its consent.
    entity_id = ops[0]["entity_id"]
    update = op("enrollment", "update", entity_id, {"consent": consent("2026.1", forged)}, 1)
    result = a1.push_one(update)
    assert result["status"] == "rejected" and result["error"]["field"] == "consent"
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        kept = conn.execute(
            sa.select(table.c.fields).where(table.c.entity_id == entity_id)
        ).scalar_one()
    assert kept["consent"]["text_sha256"] == good_id


def test_a_record_with_a_text_id_is_not_a_published_text(world: World) -> None:
    """Only a consent_text record counts: an enrollment cannot take a text's id to pass."""
    a1, _, _ = world.standard()
    sha = protocol.consent_text_sha256(TEXT_ID)
    squat = op("business", "create", consent_texts.text_id("2026.9", "id"), {"name": "x"})
    a1.push_one(squat)  # whatever its answer, it is no published text
    result = a1.push_one(
        op(
            "enrollment",
            "create",
            str(uuid.uuid4()),
            enrollment_fields(1, consent=consent("2026.9", sha)),
        )
    )
    assert result["status"] == "rejected" and result["error"]["field"] == "consent"


def test_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_cli import _InProcess

    run = _InProcess(tmp_path / "home", monkeypatch, capsys)
    source = tmp_path / "naskah.txt"
    source.write_bytes(b"\xef\xbb\xbf" + TEXT_ID.encode())  # a BOM is the file's, not the text's
    args = ["--version", "2026.1", "--language", "id", "--effective-from", "2026-01-01"]
    done = run("publish-consent-text", *args, "--file", str(source))
    assert done.returncode == 0, done.stderr
    assert protocol.consent_text_sha256(TEXT_ID) in done.stdout
    again = run("publish-consent-text", *args, "--file", str(source))
    assert again.returncode == 0 and "already published" in again.stdout
    source.write_text(TEXT_ID + "\nTambahan.", "utf-8")
    refused = run("publish-consent-text", *args, "--file", str(source))
    assert refused.returncode == 2 and "new version" in refused.stderr
    missing = run("publish-consent-text", *args, "--file", str(tmp_path / "none.txt"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    source.write_bytes(b"\xff\xfe bukan utf-8")
    assert run("publish-consent-text", *args, "--file", str(source)).returncode == 2
    bad_day = run(
        "publish-consent-text", *args[:4], "--effective-from", "besok", "--file", "-", stdin="Teks"
    )
    assert bad_day.returncode == 2 and "YYYY-MM-DD" in bad_day.stderr
    log = run("admin-log")
    assert log.stdout.count("publish-consent-text") == 1


def test_the_apps_shipped_text_counts_as_published(world: World) -> None:
    """A laptop that never pulled a text shows the one it ships with and records its hash:
    accepted under its version, in either language; other words under it are refused, and
    nobody may publish other words under that version."""
    from agent_app.domain import consent_texts as shipped

    a1, _, _ = world.standard()
    version = shipped.SHIPPED_VERSION
    cases = [
        (consent(version, shipped.SHIPPED["id"].sha256), "applied"),
        (consent(version, shipped.SHIPPED["en"].sha256), "applied"),
        (consent(version, protocol.consent_text_sha256("Lain.")), "rejected"),
    ]
    ops = [
        op("enrollment", "create", None, enrollment_fields(i, consent=given))
        for i, (given, _) in enumerate(cases, start=1)
    ]
    assert [r["status"] for r in a1.push(*ops)] == [want for _, want in cases]
    with pytest.raises(FieldError) as refused:
        consent_texts.publish(world.engine, version, {"id": "Kata-kata lain."}, DAY)
    assert refused.value.field == "version"
    [(_, new)] = consent_texts.publish(
        world.engine, version, {"id": shipped.SHIPPED["id"].text}, DAY
    )
    assert new


def test_the_check_reads_the_published_texts_once_per_batch(world: World) -> None:
    """Cheap: a batch of enrollments with a text hash costs one more query than the same
    batch without (the version published in one language only: the miss is not re-read)."""
    a1, _, _ = world.standard()
    publish(world, id=TEXT_ID)
    sha = protocol.consent_text_sha256(TEXT_ID)
    counted: list[str] = []
    sa.event.listen(world.engine, "before_cursor_execute", lambda *a, **k: counted.append(a[2]))

    def queries(first: int, given: dict[str, Any] | None) -> int:
        ops = [
            op(
                "enrollment",
                "create",
                None,
                enrollment_fields(i, **({"consent": given} if given else {})),
            )
            for i in range(first, first + 20)
        ]
        before = len(counted)
        assert {r["status"] for r in a1.push(*ops)} == {"applied"}
        return len(counted) - before

    queries(100, None)  # warm: the caller's rows, the rate tables
    assert queries(300, consent("2026.1", sha)) == queries(200, None) + 1
