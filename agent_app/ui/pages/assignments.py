"""The agent's assignments from their supervisor (pulled): a table due soonest first, an overdue
one marked, and (on Tindak lanjut) "Tandai selesai" / "Mark done", which queues an update of
the assignment's status for the next sync. Beranda shows the same table without the button."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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
from agent_app.ui.models import ListModel


class AssignmentsView(QWidget):
    """The table of assignments; with `can_mark_done`, the "Mark done" button under it
    (`mark_done` carries the chosen assignment's id)."""

    mark_done = Signal(str)
    undo_done = Signal(str)
    open_business = Signal(str)

    def __init__(
        self,
        today: Callable[[], dt.date],
        *,
        can_mark_done: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._today = today
        self.model = ListModel(
            [self.tr("Due"), self.tr("Business name"), self.tr("Task"), self.tr("Note")],
            [
                self._due,
                self._business,
                lambda r: self.kind_name(str(value(r, "kind") or "")),
                lambda r: " ".join(str(value(r, "note") or "").split()),
            ],
            self,
            tooltip=lambda r: "\n".join(
                filter(
                    None,
                    [str(value(r, "note") or ""), labels.partner_mark(value(r, "partner_source"))],
                )
            ),
        )
        self.table = QTableView()
        self.table.setObjectName("assignmentsTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for column, width in enumerate((190, 330, 130)):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(lambda index: self._open(index.row()))
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.table.setAccessibleName(self.tr("Assignments from your supervisor"))
        self.empty = widgets.hint(self.tr("No open assignments from your supervisor."))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        self.done_button: QPushButton | None = None
        self.undo_button: QPushButton | None = None
        self._last_done: str | None = None
        if can_mark_done:
            self.done_button = QPushButton(self.tr("Mark done"))
            self.done_button.setObjectName("markDone")
            self.done_button.clicked.connect(self._mark_done)
            self.undo_button = QPushButton(self.tr("Undo: not done yet"))
            self.undo_button.setObjectName("undoDone")
            self.undo_button.clicked.connect(self._undo)
            self.undo_button.setVisible(False)
            buttons = QHBoxLayout()
            buttons.addWidget(self.done_button)
            buttons.addWidget(self.undo_button)
            buttons.addStretch(1)
            layout.addLayout(buttons)
        self.set_assignments([])

    def kind_name(self, kind: str) -> str:
        return {
            "visit": self.tr("Visit"),
            "follow_up": self.tr("Follow up"),
            "enroll": self.tr("Enroll"),
        }.get(kind, kind)

    def _business(self, record: Any) -> str:
        """The business's name, with "From partner list: ..." when a partner's list brought it."""
        name = value(record, "business_name") or self.tr("(business not synced yet)")
        mark = labels.partner_mark(value(record, "partner_source"))
        return f"{name} · {mark}" if mark else str(name)

    def _due(self, record: Any) -> str:
        day = value(record, "due_on")
        text = i18n.date(day)
        if value(record, "status") == "open" and day is not None and day < self._today():
            return self.tr("{day} (overdue)").format(day=text)
        return text

    def set_assignments(self, found: list[Any]) -> None:
        self.model.set_records(found)
        self.empty.setVisible(not found)
        self.table.setVisible(bool(found))
        if self.done_button is not None:
            self.done_button.setEnabled(bool(found))
        if found:
            self.table.selectRow(0)

    def chosen(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _mark_done(self) -> None:
        record = self.chosen()
        if record is not None:
            self.mark_done.emit(str(value(record, "id")))

    def offer_undo(self, assignment_id: str | None) -> None:
        """Shows "Undo" for the assignment just marked done (None: hides it)."""
        self._last_done = assignment_id
        if self.undo_button is not None:
            self.undo_button.setVisible(assignment_id is not None)

    def _undo(self) -> None:
        if self._last_done is not None:
            self.undo_done.emit(self._last_done)

    def _open(self, row: int) -> None:
        record = self.model.record(row)
        if record is not None:
            self.open_business.emit(str(value(record, "business_id")))
