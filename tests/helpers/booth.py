"""Drives the enrollment form in booth mode as a person at the keyboard: every key goes to the
widget with the focus (QTest), and is counted as the person's data (NIK, name, phone, the
letters that pick the occupation) or not (Tab, Space on the consent, Enter, Ctrl+P, the print
dialog's Enter). Shared by tests/agent_app/ui/test_booth_mode.py and tests/bench/bench_booth.py.

The print dialog is the real QPrintDialog: the driver writes the PDF path in its file field
(the day's printer choice, not a key per worker) and presses Enter on it (a counted key).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget

from helpers.niks import synthetic_nik


def worker(i: int) -> dict[str, str]:
    """Synthetic person `i`: NIK, a name of letters only, a mobile number."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return {
        "nik": synthetic_nik(i, female=i % 2 == 1),
        "name": f"Pekerja Uji {letters[i % 26]}{letters[(i // 26) % 26]}",
        "phone": f"0812{70000000 + i:08d}",
    }


def occupation_prefix(combo: QComboBox, key: str) -> str:
    """The shortest start of the occupation's name that a keyboard search finds first."""
    index = combo.findData(key)
    text = combo.itemText(index).lower()
    for n in range(1, len(text) + 1):
        prefix = text[:n]
        if " " in prefix:
            break
        first = next(
            i for i in range(combo.count()) if combo.itemText(i).lower().startswith(prefix)
        )
        if first == index:
            return prefix
    raise AssertionError(f"no unique prefix for {key}")


def wait_until(condition: Callable[[], bool], rounds: int = 2000) -> None:
    """Runs the event loop until `condition` holds (at most `rounds` short waits)."""
    for _ in range(rounds):
        if condition():
            return
        QCoreApplication.processEvents()
        QTest.qWait(5)
    raise AssertionError("condition not met in time")


@dataclass
class Keyboard:
    data: int = 0
    other: int = 0
    printed: list[Path] = field(default_factory=list)

    @staticmethod
    def focus() -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "no widget has the focus"
        return widget

    def type(self, text: str) -> None:
        for ch in text:
            QTest.keyClick(self.focus(), ch)
            self.data += 1

    def key(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        QTest.keyClick(self.focus(), key, modifier)
        self.other += 1

    def print_to(self, path: Path) -> None:
        """Ctrl+P, then Enter on the print dialog with `path` as its output file."""
        handled: list[bool] = []

        def answer() -> None:
            dialog = QApplication.activeModalWidget()
            if handled or not isinstance(dialog, QPrintDialog):
                return
            handled.append(True)
            timer.stop()
            for edit in dialog.findChildren(QLineEdit):
                if edit.objectName() == "filename":
                    edit.setText(str(path))
            QTest.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)
            self.other += 1

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(answer)
        timer.start()
        try:
            self.key(Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
            wait_until(lambda: bool(handled) and QApplication.activeModalWidget() is None)
        finally:
            timer.stop()
        wait_until(lambda: path.exists() and path.stat().st_size > 0)
        self.printed.append(path)


def enroll(keys: Keyboard, form: Any, person: dict[str, str], occupation: str, pdf: Path) -> None:
    """One worker at the booth, from the first NIK digit to the printed receipt, with only
    the required fields; the focus is on the NIK field before and after."""
    assert form.nik.hasFocus(), "the NIK field waits for the worker"
    before = form.last_submitted
    keys.type(person["nik"])
    keys.key(Qt.Key.Key_Tab)
    assert form.full_name.hasFocus()
    keys.type(person["name"])
    keys.key(Qt.Key.Key_Tab)  # birth date and gender come from the NIK: skipped
    assert form.phone.hasFocus(), QApplication.focusWidget()
    keys.type(person["phone"])
    keys.key(Qt.Key.Key_Tab)
    assert form.occupation.hasFocus(), QApplication.focusWidget()
    # a person's pause: a list's type-ahead joins keys typed within this interval
    QTest.qWait(QApplication.keyboardInputInterval() + 50)
    keys.type(occupation_prefix(form.occupation, occupation))
    assert form.occupation.currentData() == occupation
    keys.key(Qt.Key.Key_Tab)
    assert form.consent.hasFocus(), QApplication.focusWidget()
    keys.key(Qt.Key.Key_Space)
    keys.key(Qt.Key.Key_Return)
    wait_until(lambda: form.last_submitted not in (None, before))
    assert form.nik.hasFocus()
    keys.print_to(pdf)
    form.window().activateWindow()  # the window manager's part when a dialog closes
    wait_until(form.nik.hasFocus)
