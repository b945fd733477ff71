"""Lazy item models over the services' SQL queries (Anki's browser table model).

`BusinessTableModel` never holds more than a few pages of rows: it knows the total count for
the current filter (one SQL COUNT) and loads pages of `PAGE_SIZE` rows on demand, on the
database worker thread, when the view asks for a row it does not have. Filtering and sorting
happen in SQL (STYLE.md: a proxy model took ~650 ms per filter on 100,000 rows). A page that
fails to load shows its rows as disabled rather than crashing the view.

A new filter replaces the count and the first page in one step (one database operation, one
model reset); answers to older filters are dropped (each query carries a generation number).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from agent_app.domain import clock
from agent_app.ui import i18n, labels, messages
from agent_app.ui.backend import Backend, BusinessFilter, value
from agent_app.ui.list_model import ID_ROLE, ListModel
from agent_app.ui.ops import Op

log = logging.getLogger("ui")

__all__ = ["ID_ROLE", "PAGE_SIZE", "BusinessTableModel", "ListModel"]

#: Rows per query: a screen's worth and some (a 1080p screen shows about 32). The first page is
#: on each keystroke's critical path: 200 rows cost 7.1 ms of CPU to read and decode at 100,000
#: businesses, 50 rows 5.0 ms (issue 15, "the search keystroke, third pass").
PAGE_SIZE = 50
MAX_CACHED_PAGES = 80  # 4,000 rows, as 20 pages of 200 were
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_ID = int(getattr(ID_ROLE, "value", ID_ROLE))
_DUE = 7  # in a row's cells (see BusinessTableModel._cells_of): the next follow-up date...
_ROW_ID = 8  # ...and the business id, after the seven displayed columns
_PENDING: tuple[Any, ...] = ("…",) + (None,) * 8  # a row whose page is not loaded yet
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags

Index = QModelIndex | QPersistentModelIndex


_OVERDUE = QBrush(QColor("#b3261e"))


class BusinessTableModel(QAbstractTableModel):
    """Businesses matching a filter: ids and a small cache of row objects."""

    loaded = Signal()  # a new filter's first page and count arrived

    COLUMNS = (
        "name",
        "owner_name",
        "sector",
        "status",
        "last_visit_at",
        "next_follow_up",
        "sync_state",
    )

    def __init__(self, backend: Callable[[], Backend], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._filter = BusinessFilter()
        self._count = 0
        self._pages: OrderedDict[int, list[Any] | None] = OrderedDict()
        # row -> its formatted cells: a paint asks data() about 7 roles of every visible cell,
        # and the view repaints the same rows often (scrolling, hover, selection, focus)
        self._cells: dict[int, tuple[Any, ...]] = {}
        self._requested: set[int] = set()
        # the branch's today (docs/time.md), asked with each first page: data() runs at every
        # paint and must not ask the database
        self._today = clock.today()
        self._generation = 0
        self._in_flight = False
        self._wanted: set[int] = set()
        self._fetch_timer = QTimer(self)
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(0)
        self._fetch_timer.timeout.connect(self._fetch_wanted)
        self._headers = (
            self.tr("Business name"),
            self.tr("Owner"),
            self.tr("Sector"),
            self.tr("Status"),
            self.tr("Last visit"),
            self.tr("Follow-up"),
            self.tr("Sync state"),
        )

    # -- filtering -------------------------------------------------------------------------

    @property
    def filter(self) -> BusinessFilter:
        return self._filter

    def set_filter(self, flt: BusinessFilter) -> None:
        """Queries the first page for `flt` and its total count, and shows both in one reset.

        The page and the count come from one backend call, in one database operation (a text
        search reads both in one statement: "Issue 15: the search keystroke, fourth pass"):
        showing the page first and appending the rest when a second query answered made the
        view lay itself out and repaint twice more, 47-49 ms of UI CPU per keystroke instead of
        19-21 (docs/benchmarks.md, "Issue 15: the search keystroke, third pass").

        While a query is running, newer filters only replace the wanted one: when it ends,
        its answer (now stale) is dropped and the latest filter is queried. Keystrokes that
        come faster than the database answers are thus coalesced (a debounce as long as a
        query), and the list never shows an answer older than what is typed.
        """
        self._filter = flt
        self._generation += 1
        if self._in_flight:
            return
        self._query()

    def _query(self) -> None:
        self._in_flight = True
        generation = self._generation
        flt = self._filter
        backend = self._backend()

        def first_page() -> tuple[list[Any], int]:
            self._today = backend.today()
            rows, count = backend.first_businesses(flt, PAGE_SIZE)
            return list(rows), count

        Op(self, first_page).success(lambda answer: self._reset(generation, *answer)).failure(
            self._query_failed
        ).run()

    def _query_failed(self, exc: BaseException) -> None:
        self._in_flight = False
        messages.show_error(None, exc)

    def reload(self) -> None:
        self.set_filter(self._filter)

    def _reset(self, generation: int, first: list[Any], count: int) -> None:
        self._in_flight = False
        if generation != self._generation:
            self._query()  # typed on meanwhile: ask for the latest filter
            return
        self.beginResetModel()
        self._count = max(count, len(first))
        self._pages.clear()
        self._cells.clear()
        self._requested.clear()
        self._wanted.clear()
        self._pages[0] = first
        self.endResetModel()
        self.loaded.emit()

    # -- lazy rows -------------------------------------------------------------------------

    def row_object(self, row: int) -> Any:
        """The cached row object, or None (and a page request) when it is not loaded yet."""
        page = row // PAGE_SIZE
        if page in self._pages:
            self._pages.move_to_end(page)
            rows = self._pages[page]
            if rows is None:
                return None
            offset = row - page * PAGE_SIZE
            return rows[offset] if offset < len(rows) else None
        if page not in self._requested:
            self._wanted.add(page)
            self._fetch_timer.start()
        return None

    def _fetch_wanted(self) -> None:
        backend = self._backend()
        flt = self._filter
        generation = self._generation
        for page in sorted(self._wanted):
            if page in self._requested:
                continue
            self._requested.add(page)
            self._fetch_page(backend, flt, generation, page)
        self._wanted.clear()

    def _fetch_page(
        self, backend: Backend, flt: BusinessFilter, generation: int, page: int
    ) -> None:
        offset = page * PAGE_SIZE

        def loaded(rows: list[Any]) -> None:
            self._page_loaded(generation, page, rows)

        def failed(exc: BaseException) -> None:
            self._page_failed(generation, page, exc)

        Op(self, lambda: backend.search_businesses(flt, offset, PAGE_SIZE)).success(loaded).failure(
            failed
        ).run()

    def _page_loaded(self, generation: int, page: int, rows: list[Any] | None) -> None:
        if generation != self._generation:
            return
        self._requested.discard(page)
        self._pages[page] = None if rows is None else list(rows)
        self._cells.clear()  # pages may have been dropped below; the visible rows refill it
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
        first = page * PAGE_SIZE
        last = min(first + PAGE_SIZE, self._count) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.COLUMNS) - 1))

    def _page_failed(self, generation: int, page: int, exc: BaseException) -> None:
        log.error("business page failed to load: %s", type(exc).__name__)
        self._page_loaded(generation, page, None)

    def business_id(self, row: int) -> str | None:
        obj = self.row_object(row)
        return None if obj is None else str(value(obj, "id"))

    # -- Qt model --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._headers):
            return self._headers[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < self._count:
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        page = index.row() // PAGE_SIZE
        if page in self._pages and self._pages[page] is None:
            return _NO_FLAGS  # failed to load: shown disabled
        return _ROW_FLAGS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell at each paint: the three roles answered
        # are looked up in the row's cells, formatted once per row (roles are ints or IntEnums).
        if role == _DISPLAY:
            return self.display_of(index)
        if role == _FOREGROUND:
            return self.foreground_of(index)
        if role == _ID:
            cells = self._cells_of(index)
            return None if cells is None else cells[_ROW_ID]
        return None

    def display_of(self, index: Index) -> Any:
        """The cell's text, as `data` answers it (the list's delegate asks here directly: one
        Python call instead of Qt's `data()` round trip, about 1 ms of a list's paint)."""
        cells = self._cells_of(index)
        return None if cells is None else cells[index.column()]

    def foreground_of(self, index: Index) -> QBrush | None:
        """The cell's foreground brush, as `data` answers it: red for an overdue follow-up."""
        if index.column() != _DUE_COLUMN:
            return None
        cells = self._cells_of(index)
        due = None if cells is None else cells[_DUE]
        return _OVERDUE if due is not None and due <= self._today else None

    def _cells_of(self, index: Index) -> tuple[Any, ...] | None:
        """The row's displayed texts, its follow-up date and its id; `_PENDING` while its page
        loads; None for an index outside the model."""
        row = index.row()
        cells = self._cells.get(row)
        if cells is not None:
            return cells
        if not index.isValid() or not (0 <= row < self._count):
            return None
        obj = self.row_object(row)
        if obj is None:
            return _PENDING
        due = value(obj, "next_follow_up")
        cells = (
            *(self._display(obj, column) for column in self.COLUMNS),
            due if isinstance(due, dt.date) else None,
            str(value(obj, "id")),
        )
        self._cells[row] = cells
        return cells

    def _display(self, obj: Any, column: str) -> str:
        raw = value(obj, column)
        if column == "sector":
            return _label("sector", raw)
        if column == "status":
            return _label("status", raw)
        if column == "last_visit_at":
            if not raw:
                return ""
            day = _as_date(raw)
            outcome = _label("outcome", value(obj, "last_outcome"))
            return f"{i18n.date(day)} · {outcome}" if outcome else i18n.date(day)
        if column == "next_follow_up":
            return i18n.date(raw) if isinstance(raw, dt.date) else ""
        if column == "sync_state":
            return _label("sync_state", raw)
        if column == "name" and value(obj, "partner_source"):  # from a partner's list
            return self.tr("{name} · partner list").format(name=raw)
        return "" if raw is None else str(raw)


_DUE_COLUMN = BusinessTableModel.COLUMNS.index("next_follow_up")

_LABELLERS: dict[str, Callable[[Any], str]] = {
    "sector": labels.sector,
    "status": lambda raw: labels.of(labels.business_statuses(), raw),
    "outcome": lambda raw: labels.of(labels.outcomes(), raw),
    "sync_state": lambda raw: labels.of(labels.sync_states(), raw),
}
#: (kind, stored value, language) -> its label. Each new row's status, outcome and sync state
#: built their label tables anew, every entry translated through the catalogue's translator:
#: about 190 translations per search keystroke (issue 15, "the search keystroke, sixth pass").
_LABELS: dict[tuple[str, Any, str], str] = {}
_MAX_LABELS = 1000  # a few dozen in use: stored values of unknown kinds only add to them


def _label(kind: str, raw: Any) -> str:
    """`labels`' text for `raw`, as its table gives it in the current language."""
    key = (kind, raw, i18n.current_language())
    found = _LABELS.get(key)
    if found is None:
        if len(_LABELS) >= _MAX_LABELS:
            _LABELS.clear()
        found = _LABELS[key] = _LABELLERS[kind](raw)
    return found


def _as_date(raw: Any) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.datetime.fromisoformat(str(raw)).date()
    except ValueError:
        return None
