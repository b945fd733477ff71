"""UI test fixtures: headless Qt, an immediate task runner, a recorded message funnel, the
Indonesian translation installed, and data folders in tmp_path."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

from agent_app.ui import i18n, messages, ops

from . import fakes

_FROZEN: list[bool] = []


@pytest.fixture(autouse=True)
def _garbage_collected_between_tests() -> Iterator[None]:
    """Widgets a test left in reference cycles are freed here, after the test (and after
    qtbot closed its widgets), not by Python's cyclic collector at whatever moment a later
    test's allocations start it: a collection freeing a PySide6 widget tree while Qt
    dispatches an event into it crashes the process (seen once under `-n 3`: a segfault in a
    GuardedDialog's `QDialog.__init__` in test_place; the same shape is reported upstream, and
    pytest-qt's maintainers suggest this fixture, pytest-dev/pytest-qt#349). What exists before
    the first UI test (the modules, their tables) is frozen out of the collector's scans, so
    each collection walks only what tests made: about 23 ms instead of 190 ms a test here."""
    if not _FROZEN:
        gc.collect()
        gc.freeze()
        _FROZEN.append(True)
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AGENT_APP_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


#: Noise of the offscreen platform plugin, not of our code.
HARMLESS = {
    "This plugin does not support propagateSizeHints()",
    # a popup (the date fields' calendar) on the offscreen platform
    "This plugin does not support raise()",
    "This plugin does not support grabbing the keyboard",
}


@pytest.fixture(autouse=True)
def qt_warnings_fail(qapp: QApplication) -> Iterator[list[str]]:
    """A Qt warning (or worse) fails the test."""
    seen: list[str] = []

    def handler(kind: QtMsgType, _context: Any, text: str) -> None:
        if kind in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg) or text in HARMLESS:
            return
        seen.append(text)

    previous = qInstallMessageHandler(handler)
    yield seen
    qInstallMessageHandler(previous)
    assert not seen, f"Qt warnings: {seen}"


@pytest.fixture(autouse=True)
def immediate_ops() -> Iterator[ops.ImmediateRunner]:
    runner = ops.ImmediateRunner()
    ops.set_runner(runner)
    yield runner
    ops.set_runner(None)


@pytest.fixture(autouse=True)
def indonesian(qapp: QApplication) -> Iterator[None]:
    i18n.install(qapp, "id")
    yield
    i18n.install(qapp, "id")


@pytest.fixture(autouse=True)
def shown_messages() -> Iterator[list[messages.Message]]:
    recorded: list[messages.Message] = []
    messages.set_sink(lambda _parent, message: recorded.append(message))
    yield recorded
    messages.set_sink(None)


class Confirmations(list[messages.Message]):
    """The confirmations asked, answered with `answer` (default: keep what was typed)."""

    answer = False


@pytest.fixture(autouse=True)
def confirmations() -> Iterator[Confirmations]:
    asked = Confirmations()

    def answer(_parent: Any, message: messages.Message) -> bool:
        asked.append(message)
        return asked.answer

    messages.set_confirm(answer)
    yield asked
    messages.set_confirm(None)


@pytest.fixture
def shell() -> fakes.FakeShell:
    return fakes.FakeShell(backend=fakes.FakeBackend.with_businesses(500))


@pytest.fixture
def logged_in(qtbot: Any, shell: fakes.FakeShell) -> Any:
    """A main window with one account, logged in, on the dashboard."""
    from agent_app.ui.window import MainWindow

    shell.keystore.create_first_account(
        "PLG-001", "Siti Aminah", "Palembang", "agent", "rahasia123"
    )
    window = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.login.password.setFocus()
    qtbot.keyClicks(window.login.password, "rahasia123")
    from PySide6.QtCore import Qt

    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    assert window.workspace is not None
    qtbot.waitUntil(lambda: window.auto_sync is not None)  # started after the first paint
    return window


def all_widgets(root: QWidget) -> list[QWidget]:
    return [root, *root.findChildren(QWidget)]
