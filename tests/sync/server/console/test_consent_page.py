"""The console's consent texts page, on SQLite and PostgreSQL: an admin previews exactly what
will be published (the text and its hash) and publishes; a text changed after its preview is
previewed again, not published; a republish with other words is refused beside the field;
a supervisor reads the page but cannot publish."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from srv_support import World

from sync import protocol
from sync.server.admin import consent_texts

TEXT = "Saya setuju.\r\nData saya dipakai untuk pendaftaran."
STORED = TEXT.replace("\r\n", "\n")


def setup(world: World) -> None:
    world.standard()
    world.agent("N1", "PLG", role="admin")


def form(**changes: str) -> dict[str, str]:
    return {
        "version": "2026.1",
        "effective_from": "2026-01-01",
        "text_id": TEXT,
        "text_en": "",
        **changes,
    }


def test_admin_previews_then_publishes(world: World, console: Callable[..., Any]) -> None:
    setup(world)
    admin = console("N1")
    page = admin.get("/console/consent")
    assert page.status_code == 200 and 'name="text_id"' in page.text
    preview = admin.post("/console/consent", {**form(), "action": "preview"})
    sha = protocol.consent_text_sha256(STORED)
    assert preview.status_code == 200 and sha in preview.text
    assert html.escape(STORED) in preview.text
    assert consent_texts.list_texts(world.engine) == []  # a preview publishes nothing
    # Edited after the preview: previewed again, not published.
    edited = admin.post(
        "/console/consent", {**form(text_id=TEXT + " Lagi."), "action": "publish", "sha256_id": sha}
    )
    assert edited.status_code == 200 and consent_texts.list_texts(world.engine) == []
    done = admin.post("/console/consent", {**form(), "action": "publish", "sha256_id": sha})
    shown = admin.follow(done)
    assert "2026.1" in shown.text and sha in shown.text
    [view] = consent_texts.list_texts(world.engine)
    assert view["text"] == STORED and view["sha256"] == sha
    refused = admin.post(
        "/console/consent",
        {
            **form(text_id="Lain."),
            "action": "publish",
            "sha256_id": protocol.consent_text_sha256("Lain."),
        },
    )
    assert refused.status_code == 422 and 'id="error-version"' in refused.text
    assert consent_texts.list_texts(world.engine) == [view]


def test_bad_text_is_shown_beside_its_field(world: World, console: Callable[..., Any]) -> None:
    setup(world)
    admin = console("N1")
    admin.get("/console/consent")
    answer = admin.post("/console/consent", {**form(text_id="Setuju\x00"), "action": "preview"})
    assert answer.status_code == 422 and 'id="error-text_id"' in answer.text
    answer = admin.post("/console/consent", {**form(text_id="", text_en=""), "action": "preview"})
    assert answer.status_code == 422 and 'id="error-text_id"' in answer.text


def test_supervisor_reads_but_cannot_publish(world: World, console: Callable[..., Any]) -> None:
    setup(world)
    consent_texts.publish(world.engine, "2026.1", {"id": STORED}, "2026-01-01")
    supervisor = console("S1")
    page = supervisor.get("/console/consent")
    assert page.status_code == 200 and "2026.1" in page.text
    assert 'href="/console/consent"' in page.text and 'name="text_id"' not in page.text
    sha = protocol.consent_text_sha256("Baru.")
    answer = supervisor.post(
        "/console/consent",
        {**form(version="2026.2", text_id="Baru."), "action": "publish", "sha256_id": sha},
    )
    assert answer.status_code == 403
    assert [v["version"] for v in consent_texts.list_texts(world.engine)] == ["2026.1"]
