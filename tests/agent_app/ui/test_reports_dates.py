"""The Reports page's day and export period are one tab stop each and take typed digits
(issue 11, item 3); a value that does not parse is kept and marked, and no report or export
runs on a date put in its place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from agent_app.ui.window import MainWindow


def reports_page(logged_in: MainWindow) -> Any:
    assert logged_in.workspace is not None
    return logged_in.workspace.show_page("reports")


def focused() -> Any:
    return QApplication.focusWidget()


def type_into(qtbot: Any, field: Any, text: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)


def test_the_period_takes_typed_digits_one_tab_stop_each(qtbot: Any, logged_in: MainWindow):
    page = reports_page(logged_in)
    type_into(qtbot, page.start, "01112026")
    assert focused() is page.end  # the next field: one Tab, not three sections
    type_into(qtbot, page.end, "5/11/2026")
    assert focused() not in (page.start, page.end)
    assert page.start.text() == "01-11-2026"
    assert page.end.text() == "05-11-2026"
    request = page.export_request()
    assert (request.start, request.end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 5))
    assert not page.period_error.isVisibleTo(page)


def test_an_unparsable_period_is_kept_marked_and_not_exported(
    qtbot: Any, logged_in: MainWindow, tmp_path: Path
):
    page = reports_page(logged_in)
    type_into(qtbot, page.start, "31022026")  # 31 February
    assert page.start.text() == "31022026"  # kept as typed, not replaced
    assert page.period_error.isVisibleTo(page)
    assert page.period_error.text().startswith("Bukan tanggal")
    with pytest.raises(ValueError):
        page.export_request()
    target = tmp_path / "enrollments.xlsx"
    page.export(target)
    assert not target.exists()
    assert page.start.text() == "31022026"
    type_into(qtbot, page.start, "1/11/2026")  # mended: the mark goes
    assert not page.period_error.isVisibleTo(page)


def test_an_unparsable_day_is_kept_marked_and_no_summary_runs(
    qtbot: Any, logged_in: MainWindow, shell: Any
):
    page = reports_page(logged_in)
    type_into(qtbot, page.day, "5/11/2026")
    assert page.day.text() == "05-11-2026"
    assert page.summary is not None and page.summary.on == dt.date(2026, 11, 5)
    calls = len(shell.backend.calls)
    type_into(qtbot, page.day, "32112026")
    assert page.day.text() == "32112026"  # kept as typed
    assert page.day_error.isVisibleTo(page)
    assert page.day_error.text().startswith("Bukan tanggal")
    assert "daily_summary" not in shell.backend.calls[calls:]
    assert page.summary.on == dt.date(2026, 11, 5)  # not a summary of some other day


def test_a_day_picked_in_the_calendar_drives_the_summary(qtbot: Any, logged_in: MainWindow):
    page = reports_page(logged_in)
    type_into(qtbot, page.day, "05112026")
    page.day.setFocus()
    qtbot.keyClick(page.day, Qt.Key.Key_F4)
    calendar = page.day.calendar
    assert calendar is not None and calendar.isVisible()
    grid = calendar.focusProxy() or calendar  # the calendar's day grid has the keys
    qtbot.keyClick(grid, Qt.Key.Key_Right)  # the next day
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert page.day.text() == "06-11-2026"
    assert page.summary is not None and page.summary.on == dt.date(2026, 11, 6)
