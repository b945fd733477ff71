"""The enrollment page as the tests drive it: opened with Ctrl+3, filled as a person types."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from agent_app.ui.pages.enrollments import EnrollmentsPage
from agent_app.ui.window import MainWindow

NIK = "1671055203850001"  # Palembang, Ilir Timur Satu; a woman born 12 Mar 1985


def open_page(qtbot: Any, window: MainWindow) -> EnrollmentsPage:
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = window.workspace.pages["enrollments"]
    assert window.workspace.stack.currentWidget() is page
    return page


def fill(qtbot: Any, form: Any, nik: str = NIK, name: str = "Rina Marlina") -> None:
    qtbot.keyClicks(form.nik, nik)
    qtbot.keyClicks(form.full_name, name)
    qtbot.keyClicks(form.birth_place, "Palembang")
    qtbot.keyClicks(form.phone, "0812 3456 7890")
    qtbot.keyClicks(form.address, "Jl. Merdeka No. 10")
    form.region.set_code("16.71.05")
    form.occupation.setCurrentIndex(form.occupation.findData("penjual_makanan"))
