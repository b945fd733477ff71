"""The business list's search keystroke (issue 15): what the person sees, and how often the list
is painted for it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

from agent_app.ui.window import MainWindow


class PaintCounter(QObject):
    """Counts the paint events a widget gets."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0
        self.rects: list[Any] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
            self.rects.append(event.rect())
        return False


def settle() -> None:
    """Delivers what the last step posted, and the 0 ms timers it started."""
    for _ in range(5):
        QApplication.processEvents()


def list_page(qtbot: Any, window: MainWindow) -> Any:
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.workspace.pages["businesses"].list_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 500)
    return page


def test_each_keystroke_paints_the_list_once(qtbot: Any, logged_in: MainWindow):
    page = list_page(qtbot, logged_in)
    counter = PaintCounter()
    page.table.viewport().installEventFilter(counter)
    with qtbot.waitSignal(page.model.loaded, timeout=2000):
        qtbot.keyClick(page.search, "S")  # the search box's clear button appears: a relayout
    settle()
    for char in "ongket 1":
        counter.paints = 0
        counter.rects = []
        with qtbot.waitSignal(page.model.loaded, timeout=2000):
            qtbot.keyClick(page.search, char)
        qtbot.waitUntil(lambda: counter.paints > 0)
        settle()
        assert counter.paints == 1, (page.search.text(), counter.rects)
