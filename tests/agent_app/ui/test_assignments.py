"""The supervisor's assignments on the laptop: Beranda lists the open ones due soonest first with
the overdue marked; Tindak lanjut lists them with "Tandai selesai", which marks the chosen one
done (an op for the next sync) and takes it off the list; both languages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from agent_app.domain import records
from agent_app.ui import i18n
from agent_app.ui.pages.assignments import AssignmentsView

from . import fakes


def _assign(backend: Any, n: int, days: int, kind: str = "visit") -> records.Assignment:
    business = list(backend.businesses.values())[n]
    made = records.Assignment(
        id=f"00000000-0000-4000-8000-{n:012d}",
        business_id=business.id,
        agent_code="PLG-001",
        kind=kind,
        due_on=fakes.TODAY + dt.timedelta(days=days),
        note=f"Catatan {n}",
        status="open",
        version=1,
        business_name=business.name,
    )
    backend.assigned[made.id] = made
    return made


def _cells(view: AssignmentsView) -> list[list[str]]:
    model = view.model
    return [
        [model.data(model.index(row, column)) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_beranda_and_tindak_lanjut_show_them_and_mark_one_done(
    qtbot: Any, qtmodeltester: Any, shell: fakes.FakeShell, logged_in: Any
) -> None:
    backend = shell.backend
    later = _assign(backend, 1, 3, "enroll")
    late = _assign(backend, 0, -2)
    dashboard = logged_in.workspace.pages["dashboard"]
    dashboard.refresh()
    cells = _cells(dashboard.assignments)
    assert [row[1] for row in cells] == [late.business_name, later.business_name]
    assert cells[0][0] == f"{i18n.date(late.due_on)} (lewat tenggat)"
    assert cells[1][0] == i18n.date(later.due_on)  # not overdue: no mark
    assert cells[0][2] == "Kunjungan" and cells[1][2] == "Daftarkan"
    assert dashboard.assignments.done_button is None  # Beranda only shows them
    qtmodeltester.check(dashboard.assignments.model)

    qtbot.keyClick(logged_in, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    page = logged_in.workspace.pages["followups"]
    view = page.assignments
    assert view.model.rowCount() == 2
    assert view.done_button is not None and view.done_button.text() == "Tandai selesai"
    ops_before = backend.ops
    view.table.selectRow(0)
    qtbot.mouseClick(view.done_button, Qt.MouseButton.LeftButton)
    assert backend.assigned[late.id].status == "done"
    assert backend.ops == ops_before + 1
    assert [row[1] for row in _cells(view)] == [later.business_name]
    # a slip of the finger: "Undo" puts it back, once
    assert view.undo_button is not None and view.undo_button.isVisibleTo(page)
    assert view.undo_button.text() == "Batal: belum selesai"
    qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    assert backend.assigned[late.id].status == "open"
    assert backend.ops == ops_before + 2
    assert not view.undo_button.isVisibleTo(page)
    assert view.model.rowCount() == 2
    view.table.selectRow(0)
    qtbot.mouseClick(view.done_button, Qt.MouseButton.LeftButton)
    assert backend.assigned[late.id].status == "done"
    # the last one, by keyboard: the button has the focus after a Tab from the table
    view.table.selectRow(0)
    view.done_button.setFocus()
    qtbot.keyClick(view.done_button, Qt.Key.Key_Space)
    assert backend.assigned[later.id].status == "done"
    assert view.model.rowCount() == 0 and view.empty.isVisibleTo(page)
    assert not view.done_button.isEnabled()
    dashboard.refresh()
    assert dashboard.assignments.model.rowCount() == 0


def test_in_english(qtbot: Any, qapp: QApplication) -> None:
    i18n.install(qapp, "en")
    view = AssignmentsView(lambda: fakes.TODAY, can_mark_done=True)
    qtbot.addWidget(view)
    late = records.Assignment(
        "a1", "b1", "PLG-001", "follow_up", fakes.TODAY - dt.timedelta(days=1), None, "open", 1
    )
    view.set_assignments([late])
    cells = _cells(view)
    assert cells[0][0] == f"{i18n.date(late.due_on)} (overdue)"
    assert cells[0][1] == "(business not synced yet)"
    assert cells[0][2] == "Follow up"
    assert view.done_button is not None and view.done_button.text() == "Mark done"
    assert view.empty.text() == "No open assignments from your supervisor."
