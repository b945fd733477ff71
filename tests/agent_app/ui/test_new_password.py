"""The first sign-in to the server after a password reset, on the Sync page: the one-time
code typed as the password is refused by the server (`password_change_required`), the page
asks for a new password twice (both languages), checks it beside the fields, has the server
take it, then logs in and syncs with it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from agent_app.ui import i18n
from agent_app.ui.window import MainWindow

from . import fakes

CODE = "KXR7M4PQ9T"


@pytest.fixture(params=["id", "en"])
def language(request: pytest.FixtureRequest, qapp: Any) -> Iterator[str]:
    i18n.install(qapp, request.param)
    yield request.param
    i18n.install(qapp, "id")


def test_a_one_time_code_leads_to_choosing_a_new_password(
    qtbot: Any, language: str, shell: fakes.FakeShell
) -> None:
    backend = shell.backend
    backend.needs_login, backend.server_url = True, "https://perisai.example"
    backend.one_time_code = CODE
    window = logged_in_window(qtbot, shell)
    page = window.workspace.show_page("sync")
    qtbot.waitUntil(lambda: page.connect_box.isVisibleTo(page))
    box = page.new_password
    assert not box.isVisibleTo(page)
    qtbot.keyClicks(page.password, CODE)
    qtbot.keyClick(page.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: box.isVisibleTo(page))
    assert not page.connect_box.isVisibleTo(page)
    words = {
        "id": ("Pilih kata sandi baru", "sekali"),
        "en": ("Choose your new password", "only once"),
    }[language]
    shown = " ".join(label.text() for label in box.findChildren(type(page.result)))
    assert all(word in shown for word in words), shown
    # Bad choices are explained beside the fields; nothing is sent.
    for new, repeat, expected in (
        ("pendek", "pendek", {"id": "sedikit 8", "en": "at least 8"}),
        ("baru-sekali-1", "baru-sekali-2", {"id": "tidak sama", "en": "not the same"}),
        (CODE, CODE, {"id": "bukan kode", "en": "not the code"}),
    ):
        box.new_password.setText(new)
        box.repeat.setText(repeat)
        qtbot.keyClick(box.repeat, Qt.Key.Key_Return)
        assert expected[language] in box.error.text(), box.error.text()
    assert "change_server_password" not in backend.calls
    box.new_password.setText("baru-sekali-1")
    box.repeat.setText("baru-sekali-1")
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisibleTo(page))
    qtbot.waitUntil(lambda: backend.calls.count("sync_now") == 2)
    assert backend.server_password == "baru-sekali-1" and backend.one_time_code is None
    qtbot.waitUntil(lambda: not backend.needs_login)
    done = {"id": "Sinkronisasi selesai", "en": "Sync finished"}[language]
    qtbot.waitUntil(lambda: page.result.text().startswith(done))
    assert box._code == ""  # the code is not kept once used


def logged_in_window(qtbot: Any, shell: fakes.FakeShell) -> MainWindow:
    shell.keystore.create_first_account(
        "PLG-001", "Siti Aminah", "Palembang", "agent", "rahasia123"
    )
    window = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClicks(window.login.password, "rahasia123")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    assert window.workspace is not None
    return window
