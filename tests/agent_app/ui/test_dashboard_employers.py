"""The Beranda's new-employers target (issue 17): the accepted registrations are its progress,
and those awaiting review are said beside it, in the person's language; the page at
1366x768 in both languages (`PERISAI_SHOTS=<folder>` saves the screenshots to look at)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from agent_app.ui import i18n
from agent_app.ui.window import MainWindow

from . import fakes


def _window(qtbot: Any, qapp: QApplication, lang: str) -> MainWindow:
    i18n.install(qapp, lang)
    shell = fakes.FakeShell(backend=fakes.FakeBackend.with_businesses(50))
    shell.keystore.create_first_account(
        "PLG-001", "Siti Aminah", "Palembang", "agent", "rahasia123"
    )
    window = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.login.password.setFocus()
    qtbot.keyClicks(window.login.password, "rahasia123")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    assert window.workspace is not None
    return window


@pytest.mark.parametrize(
    ("lang", "label", "count"),
    [
        (
            "id",
            "Pemberi kerja baru (acara)",
            "722 dari 1.441 (50%)\n722 diterima, 35 menunggu tinjauan",
        ),
        ("en", "New employers (event)", "722 of 1,441 (50%)\n722 accepted, 35 awaiting review"),
    ],
)
def test_new_employers_show_accepted_and_awaiting_review(
    qtbot: Any, qapp: QApplication, lang: str, label: str, count: str
) -> None:
    window = _window(qtbot, qapp, lang)
    page = window.workspace.pages["dashboard"]
    texts = [page.targets_grid.itemAt(i).widget().text() for i in range(page.targets_grid.count())]
    row = texts.index(label)
    assert texts[row + 2] == count
    tile = page.work_tiles["employers_needing_correction"]
    assert tile.number.text() == "2"
    captions = {
        "id": "Pendaftaran pemberi kerja perlu perbaikan",
        "en": "Employer registrations needing correction",
    }
    assert tile.caption.text() == captions[lang]
    # Other targets say only their progress.
    assert not any("\n" in text for text in texts if text not in (count,))
    QApplication.processEvents()
    shots = os.environ.get("PERISAI_SHOTS")
    if shots:
        window.grab().save(str(Path(shots) / f"dashboard_employers_{lang}.png"))
