"""Dates and times are one tab stop each and take typed digits (issue 11, item 3): the birth
date in the enrollment form, the time of a visit; a calendar on F4; a value that does not
parse is kept and marked, never replaced."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from agent_app.ui import datefields
from agent_app.ui.window import MainWindow

from . import fakes


def open_form(qtbot: Any, window: MainWindow) -> Any:
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    return window.workspace.pages["enrollments"].form


def focused() -> Any:
    return QApplication.focusWidget()


def tab(qtbot: Any) -> None:
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)


def test_parsing_what_people_type():
    today = dt.date(2026, 9, 24)
    for typed in ("05081990", "5/8/1990", "5-8-1990", "05.08.1990", "050890", "1990-08-05"):
        assert datefields.parse_date(typed, today) == dt.date(1990, 8, 5), typed
    assert datefields.parse_date("120315", today) == dt.date(2015, 3, 12)
    for typed in ("31021990", "5/13/1990", "abc", "0508199", ""):
        assert datefields.parse_date(typed, today) is None, typed
    for typed, expected in (
        ("1640", (16, 40)),
        ("16.40", (16, 40)),
        ("940", (9, 40)),
        ("9", (9, 0)),
    ):
        assert datefields.parse_time(typed) == dt.time(*expected), typed
    for typed in ("2460", "1675", "16:4x", ""):
        assert datefields.parse_time(typed) is None, typed


def test_birth_date_is_one_tab_stop_that_takes_digits(qtbot: Any, logged_in: MainWindow):
    form = open_form(qtbot, logged_in)
    qtbot.keyClicks(form.nik, "1671055203850001")  # the NIK filled the birth date
    form.birth_place.setFocus()
    tab(qtbot)
    assert focused() is form.birth_date
    tab(qtbot)
    assert focused() is form.gender  # passing it by costs one Tab, not three
    form.nik.clear()
    form.birth_place.setFocus()
    tab(qtbot)
    form.birth_date.selectAll()
    qtbot.keyClicks(form.birth_date, "05081990")
    tab(qtbot)
    assert focused() is form.gender  # the next field: one Tab, not three
    assert form.birth_date.date() == QDate(1990, 8, 5)
    assert form.birth_date.text() == "05-08-1990"
    form.birth_date.setFocus()
    form.birth_date.selectAll()
    qtbot.keyClicks(form.birth_date, "5/8/1990")
    assert form.birth_date.date() == QDate(1990, 8, 5)


def test_a_date_that_does_not_parse_is_kept_and_marked(qtbot: Any, logged_in: MainWindow):
    form = open_form(qtbot, logged_in)
    form.birth_date.setFocus()
    qtbot.keyClicks(form.birth_date, "31021990")  # 31 February
    tab(qtbot)
    assert form.birth_date.text() == "31021990"  # kept as typed, not replaced
    assert form.errors["birth_date"].isVisibleTo(form)
    assert form.errors["birth_date"].text().startswith("Bukan tanggal")
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert form.errors["birth_date"].text().startswith("Bukan tanggal")


def test_a_calendar_on_f4(qtbot: Any, logged_in: MainWindow):
    form = open_form(qtbot, logged_in)
    form.birth_date.setFocus()
    qtbot.keyClicks(form.birth_date, "05081990")
    qtbot.keyClick(form.birth_date, Qt.Key.Key_F4)
    calendar = form.birth_date.calendar
    assert calendar is not None and calendar.isVisible()
    assert calendar.selectedDate() == QDate(1990, 8, 5)
    grid = calendar.focusProxy() or calendar  # the calendar's day grid has the keys
    qtbot.keyClick(grid, Qt.Key.Key_Right)  # the next day
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert form.birth_date.date() == QDate(1990, 8, 6)
    assert form.birth_date.calendar is None


def test_visit_time_is_one_tab_stop_and_nothing_typed_after_it_is_lost(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, shown_messages: list[Any]
):
    qtbot.keyClick(logged_in, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = logged_in.workspace.pages["businesses"]
    business = next(iter(shell.backend.businesses.values()))
    page.record_visit(business)
    dialog = page.dialog
    qtbot.addWidget(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.outcome.setFocus()
    assert focused() is dialog.outcome
    yesterday = dialog.visit_date.date().addDays(-1)
    tab(qtbot)
    assert focused() is dialog.visit_date
    dialog.visit_date.selectAll()
    qtbot.keyClicks(focused(), yesterday.toString("ddMMyyyy"))
    tab(qtbot)
    assert focused() is dialog.visit_time
    dialog.visit_time.selectAll()
    qtbot.keyClicks(focused(), "1640")
    tab(qtbot)
    assert focused() is dialog.channel
    tab(qtbot)
    qtbot.keyClicks(focused(), "Menunggu suami")
    tab(qtbot)
    qtbot.keyClicks(focused(), "Minta brosur JHT")
    assert dialog.reason.text() == "Menunggu suami"
    assert dialog.notes.toPlainText() == "Minta brosur JHT"
    assert dialog.visit_time.text() == "16.40"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert page.dialog is None, dialog.error.text()
    [visit] = shell.backend.visits
    assert (visit.visited_at.hour, visit.visited_at.minute) == (16, 40)
    assert visit.visited_at.date() == yesterday.toPython()
    assert (visit.reason, visit.notes) == ("Menunggu suami", "Minta brosur JHT")
    assert not shown_messages


def test_a_visit_time_that_does_not_parse_is_kept_and_marked(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    qtbot.keyClick(logged_in, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = logged_in.workspace.pages["businesses"]
    page.record_visit(next(iter(shell.backend.businesses.values())))
    dialog = page.dialog
    qtbot.addWidget(dialog)
    dialog.visit_time.selectAll()
    qtbot.keyClicks(dialog.visit_time, "16:4x")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert page.dialog is dialog  # not saved with another time
    assert dialog.visit_time.text() == "16:4x"
    assert dialog.error.text().startswith("Bukan jam")
    assert shell.backend.visits == []
