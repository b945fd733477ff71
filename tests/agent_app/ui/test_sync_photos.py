"""The Sync page while photos go up (issue 14): the uploads' progress in the person's
language, and a server that takes no photos yet (1.0) explained after the cycle."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from agent_app.services.sync.messages import WARNING_NOTICES
from agent_app.ui.window import MainWindow

from . import fakes


@pytest.mark.parametrize("language", ["id", "en"])
def test_photo_uploads_are_counted_and_an_old_server_is_explained(
    qtbot: Any,
    qapp: Any,
    logged_in: MainWindow,
    shell: fakes.FakeShell,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
):
    from agent_app.ui import i18n

    i18n.install(qapp, language)
    page = logged_in.workspace.show_page("sync")
    shell.backend.progress_steps = [("config", 0, 1), ("photos", 2, 12), ("photos", 3, 12)]
    plain = shell.backend.sync_now

    def old_server(password: str | None = None, progress: Any = None) -> Any:
        notice = WARNING_NOTICES["attachments_unsupported"]
        return {**plain(password, progress), "notices": [notice]}

    monkeypatch.setattr(shell.backend, "sync_now", old_server)
    formats: list[str] = []
    page.controller.progress.connect(lambda *_a: formats.append(page.progress.format()))
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.sync_button.isEnabled())
    result = page.result.text()
    if language == "id":
        assert formats[-1] == "Mengirim foto: 3 dari 12"
        assert result.startswith("Sinkronisasi selesai: 3 terkirim, 1 diterima. Server belum")
        assert "perbarui server" in result
    else:
        assert formats[-1] == "Sending photos: 3 of 12"
        assert result.startswith("Sync finished: 3 sent, 1 received. The server does not take")
    assert page.progress.isHidden()
