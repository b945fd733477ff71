"""The business list: search, filters and the lazy table (each keystroke queries SQL at once;
keystrokes typed while a query runs are coalesced). Enter or a double click opens a business."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_app.ui import i18n, labels, widgets
from agent_app.ui.backend import BusinessFilter
from agent_app.ui.context import Context
from agent_app.ui.models import BusinessTableModel
from agent_app.ui.pages.businesses import cells

#: Keystrokes within this many ms make one query; slower typing is coalesced by the model
#: while a query runs (see BusinessTableModel.set_filter). At 0 a keystroke asks at once,
#: before the search box repaints: the query runs on the database thread meanwhile.
SEARCH_DEBOUNCE_MS = 0


class BusinessListPage(QWidget):
    """Search, filters and the lazy table."""

    open_business = Signal(str)
    new_business = Signal()

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = BusinessTableModel(lambda: ctx.backend, self)
        filters = self._filters()
        self._table()
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.heading(self.tr("Businesses (UMKM)")))
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self._connect(ctx)
        self._started = False

    def _connect(self, ctx: Context) -> None:
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self.debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._text_changed)
        self.search.returnPressed.connect(self._enter_in_search)
        self.status.currentIndexChanged.connect(lambda _: self.apply_filter())
        self.sector.currentIndexChanged.connect(lambda _: self.apply_filter())
        self.due.toggled.connect(lambda _: self.apply_filter())
        self.this_event.toggled.connect(lambda _: self.apply_filter())
        self.model.loaded.connect(self._show_count)
        ctx.businesses_changed.connect(self.model.reload)
        ctx.event_changed.connect(self._event_changed)
        self.setTabOrder(self.search, self.status)
        self.setTabOrder(self.status, self.sector)
        self.setTabOrder(self.sector, self.due)
        self.setTabOrder(self.due, self.this_event)
        self.setTabOrder(self.this_event, self.new_button)
        self.setTabOrder(self.new_button, self.table)

    def _table(self) -> None:
        self.table = business_table(self.model)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.activated.connect(lambda index: self._open_row(index.row()))

    def _filters(self) -> QHBoxLayout:
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, owner, phone or NIB"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(self.tr("Ctrl+F"))
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        self.status = QComboBox()
        self.status.addItem(self.tr("All statuses"), None)
        for key, text in labels.business_statuses().items():
            self.status.addItem(text, key)
        self.sector = widgets.key_combo("sectors", blank=self.tr("All sectors"))
        self.due = QCheckBox(self.tr("Follow-up due"))
        self.due.setToolTip(self.tr("Only businesses whose next follow-up is today or earlier"))
        self.this_event = QCheckBox(self.tr("Current event only"))
        self.new_button = QPushButton(self.tr("New business"))
        self.new_button.setShortcut(QKeySequence("Ctrl+N"))
        self.new_button.clicked.connect(self.new_business.emit)
        self.count_label = widgets.hint()
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.status, 1)
        filters.addWidget(self.sector, 1)
        filters.addWidget(self.due)
        filters.addWidget(self.this_event)
        filters.addWidget(self.new_button)
        return filters

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def current_filter(self) -> BusinessFilter:
        return BusinessFilter(
            text=self.search.text().strip(),
            status=self.status.currentData(),
            sector=self.sector.currentData(),
            event_id=self.ctx.event_id if self.this_event.isChecked() else None,
            follow_up_due_on=self.ctx.today() if self.due.isChecked() else None,
        )

    def activate(self) -> None:
        if not self._started:
            self._started = True
            self.apply_filter()
        self.search.setFocus()

    def _text_changed(self, _text: str) -> None:
        if SEARCH_DEBOUNCE_MS > 0:
            self.debounce.start()
        else:
            self.apply_filter()

    def apply_filter(self) -> None:
        self.debounce.stop()
        self.model.set_filter(self.current_filter())

    def _event_changed(self) -> None:
        self.this_event.setEnabled(bool(self.ctx.event_id))
        if self.this_event.isChecked():
            self.apply_filter()

    def _show_count(self) -> None:
        self.count_label.setText(
            self.tr("{n} businesses").format(n=i18n.number(self.model.rowCount()))
        )

    def _enter_in_search(self) -> None:
        if self.debounce.isActive():
            self.apply_filter()
        if self.model.rowCount() > 0:
            self.table.setFocus()
            self.table.selectRow(0)
            self._open_row(0)

    def _open_row(self, row: int) -> None:
        business_id = self.model.business_id(row)
        if business_id:
            self.open_business.emit(business_id)


def business_table(model: BusinessTableModel) -> QTableView:
    """The list's table over `model`: whole rows selected one at a time, alternate row colours,
    one line per row, the cells drawn by `cells.PlainCellDelegate`."""
    table = QTableView()
    table.setModel(model)
    table.setItemDelegate(cells.PlainCellDelegate(table, model.display_of, model.foreground_of))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(28)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for column, width in enumerate((250, 170, 170, 130, 250, 120)):
        table.setColumnWidth(column, width)
    # A reset leaves the view's layout to a 0 ms timer; when the reset's repaint ran first,
    # the timer's layout painted the whole list a second time (40% of keystrokes, 10-20 ms
    # of UI CPU each): laid out at once, a new filter's list is painted once (issue 15).
    model.modelReset.connect(table.doItemsLayout)
    return table
