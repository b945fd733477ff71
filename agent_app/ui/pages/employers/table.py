"""The workers' table, keyboard first: typing starts editing a cell, Tab goes to the next cell,
Enter (editing or not) adds a worker line and puts the cursor on its NIK, Ctrl+Delete removes
the current line. The gender is chosen from a list (L/P types it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from agent_app.ui import labels
from agent_app.ui.pages.employers.workers import COLUMN, FIELDS, WorkersModel

_WIDTHS = {
    "nik": 150,
    "full_name": 170,
    "birth_place": 110,
    "birth_date": 100,
    "gender": 100,
    "start_date": 100,
    "monthly_wage": 115,
    "jkn": 50,
    "wage_below_minimum_reason": 150,
    "contribution": 170,
}


class GenderDelegate(QStyledItemDelegate):
    """The gender cell's list."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        combo = QComboBox(parent)
        for key, text in labels.genders().items():
            combo.addItem(text, key)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        found = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(found, 0))

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class WorkersTable(QTableView):
    """The worker lines; `added`/`removed` tell the form (it autosaves and recomputes)."""

    added = Signal(int)
    removed = Signal(int)

    def __init__(self, model: WorkersModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.workers = model
        self.setItemDelegateForColumn(COLUMN["gender"], GenderDelegate(self))
        self.setTabKeyNavigation(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setMinimumSectionSize(40)
        header = self.horizontalHeader()
        for name, width in _WIDTHS.items():
            # never narrower than the column's name in the person's language
            column = COLUMN[name]
            self.setColumnWidth(column, max(width, header.sectionSizeHint(column)))
        self.verticalHeader().setDefaultSectionSize(26)
        self.setAccessibleName(self.tr("Workers"))
        remove = QShortcut(QKeySequence("Ctrl+Delete"), self, self.remove_current)
        remove.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def add_line(self) -> int:
        row = self.workers.add_line()
        self.setCurrentIndex(self.workers.index(row, COLUMN["nik"]))
        self.scrollTo(self.currentIndex())
        self.setFocus()
        self.added.emit(row)
        return row

    def remove_current(self) -> None:
        row = self.currentIndex().row()
        if row < 0:
            return
        self.workers.remove_line(row)
        if self.workers.rowCount():
            self.setCurrentIndex(self.workers.index(min(row, self.workers.rowCount() - 1), 0))
        self.removed.emit(row)

    def go_to(self, row: int, field: str) -> None:
        index = self.workers.index(row, COLUMN[field])
        self.setCurrentIndex(index)
        self.scrollTo(index)
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            if self.state() == QAbstractItemView.State.EditingState:
                # Enter in a cell: the editor commits it (queued), then the next line starts
                QTimer.singleShot(0, self.add_line)
            else:
                self.add_line()
            return
        if key == Qt.Key.Key_Space and self.currentIndex().column() == COLUMN["jkn"]:
            index = self.currentIndex()
            state = index.data(Qt.ItemDataRole.CheckStateRole)
            checked = Qt.CheckState(state) == Qt.CheckState.Checked
            new = Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked
            self.workers.setData(index, new.value, Qt.ItemDataRole.CheckStateRole)
            return
        super().keyPressEvent(event)

    def problem_here(self) -> tuple[str, str] | None:
        """The current cell's problem (its caption and the message), to show under the
        table."""
        index = self.currentIndex()
        if not index.isValid():
            return None
        field = FIELDS[index.column()]
        found: Any = self.workers.problems(index.row())
        text = found.get(field) if field != "notes" else None
        return (self.workers.captions()[field], text) if text else None
