"""Tindak lanjut: the assignments from the supervisor (due soonest first, "Mark done"), then
the visits whose next follow-up is due today or earlier, oldest first.

Enter or a double click opens the business on the Businesses page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_app.ui import i18n, labels, widgets
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.models import ListModel
from agent_app.ui.ops import Op
from agent_app.ui.pages.assignments import AssignmentsView


def _day(raw: Any) -> str:
    if not raw:
        return ""
    try:
        return i18n.date(dt.datetime.fromisoformat(str(raw)).date())
    except ValueError:
        return ""


class FollowUpsPage(QWidget):
    open_business = Signal(str)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = ListModel(
            [
                self.tr("Due"),
                self.tr("Business name"),
                self.tr("Owner"),
                self.tr("Mobile number"),
                self.tr("Last visit"),
                self.tr("Last outcome"),
            ],
            [
                lambda r: i18n.date(value(r, "next_follow_up") or value(r, "due_on")),
                lambda r: value(r, "business_name") or value(r, "name") or "",
                lambda r: value(r, "owner_name") or "",
                lambda r: i18n.phone(value(r, "phone")),
                lambda r: _day(value(r, "last_visit_at")),
                lambda r: labels.of(labels.outcomes(), value(r, "last_outcome")),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for column, width in enumerate((110, 240, 170, 140, 160)):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(lambda index: self._open(index.row()))
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.summary = widgets.hint()
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.assignments = AssignmentsView(lambda: ctx.today(), can_mark_done=True)
        self.assignments.mark_done.connect(self.mark_done)
        self.assignments.undo_done.connect(self.undo_done)
        self.assignments.open_business.connect(self.open_business)
        top = QHBoxLayout()
        top.addWidget(widgets.heading(self.tr("Assignments from your supervisor")))
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.assignments, 1)
        layout.addWidget(widgets.heading(self.tr("Follow-ups due"), 2))
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 2)
        ctx.businesses_changed.connect(self.refresh)
        ctx.account_changed.connect(self.refresh)
        ctx.account_changed.connect(lambda: self.assignments.offer_undo(None))

    def activate(self) -> None:
        self.refresh()
        self.table.setFocus()

    def refresh(self) -> None:
        on = self.ctx.today()
        backend = self.ctx.backend
        Op(self, lambda: backend.followups_due(on)).success(self._show).run()
        Op(self, backend.assignments).success(self.assignments.set_assignments).run()

    def mark_done(self, assignment_id: str) -> None:
        """Marks the assignment done here; the next sync tells the supervisor."""
        backend = self.ctx.backend
        Op(self, lambda: backend.mark_assignment_done(assignment_id)).success(
            lambda _: self._changed(assignment_id)
        ).run()

    def undo_done(self, assignment_id: str) -> None:
        """Puts the assignment just marked done back to open (a slip of the finger)."""
        backend = self.ctx.backend
        Op(self, lambda: backend.undo_assignment_done(assignment_id)).success(
            lambda _: self._changed(None)
        ).run()

    def _changed(self, undoable: str | None) -> None:
        self.assignments.offer_undo(undoable)
        self.ctx.sync_changed.emit()  # one more change waiting to be sent
        self.refresh()

    def _show(self, rows: list[Any]) -> None:
        self.model.set_records(rows)
        self.summary.setText(
            self.tr("{n} follow-ups due on or before {day}.").format(
                n=i18n.number(len(rows)), day=i18n.date(self.ctx.today())
            )
            if rows
            else self.tr("No follow-ups are due. Well done.")
        )
        if rows:
            self.table.selectRow(0)

    def _open(self, row: int) -> None:
        record = self.model.record(row)
        if record is not None:
            self.open_business.emit(str(value(record, "business_id") or value(record, "id")))
