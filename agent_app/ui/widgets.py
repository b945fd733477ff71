"""Small shared widgets and helpers: titled sections, form rows, key combo boxes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from agent_app.domain import keys
from agent_app.ui import i18n, regions


def heading(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    label.setObjectName("h1" if level == 1 else "h2")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


def hint(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def card(*children: QWidget, name: str = "card") -> QFrame:
    frame = QFrame()
    frame.setObjectName(name)
    layout = QVBoxLayout(frame)
    for child in children:
        layout.addWidget(child)
    return frame


def key_combo(section: str, blank: str | None = None) -> QComboBox:
    """A combo box of the keys of `sectors` / `occupations` with their names in the language
    in force; the key is the item data."""
    combo = QComboBox()
    if blank is not None:
        combo.addItem(blank, None)
    lang = i18n.current_language()
    source = keys.SECTORS if section == "sectors" else keys.OCCUPATIONS
    for key in source:
        combo.addItem(keys.label(section, key, lang), key)
    return combo


def select_data(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(max(index, 0))


def _inputs(root: QWidget) -> list[QWidget]:
    """The input widgets under `root` in creation order (the same for two forms built alike);
    a region picker counts as one input, and the line edits inside spin and combo boxes as
    none."""
    found: list[QWidget] = []
    pickers = root.findChildren(regions.RegionPicker)
    for widget in root.findChildren(QWidget):
        if any(p is not widget and p.isAncestorOf(widget) for p in pickers):
            continue
        if isinstance(widget, QLineEdit) and isinstance(
            widget.parent(), (QAbstractSpinBox, QComboBox)
        ):
            continue
        if isinstance(
            widget,
            (
                regions.RegionPicker,
                QLineEdit,
                QPlainTextEdit,
                QComboBox,
                QAbstractSpinBox,
            ),
        ) or (isinstance(widget, QAbstractButton) and widget.isCheckable()):
            found.append(widget)
    return found


def form_state(root: QWidget) -> list[Any]:
    """What is typed and chosen in a form, as plain JSON values (to give a form back to the
    person who left it: see `window.MainWindow`, and the autosaved drafts of
    `services.form_drafts`)."""
    state: list[Any] = []
    for widget in _inputs(root):
        if isinstance(widget, regions.RegionPicker):
            state.append(widget.code())
        elif isinstance(widget, QLineEdit):
            state.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            state.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            state.append(widget.currentIndex())
        elif isinstance(widget, QDateTimeEdit):
            state.append(widget.dateTime().toString(Qt.DateFormat.ISODate))
        elif isinstance(widget, (QSpinBox, QDoubleSpinBox)):
            state.append(widget.value())
        elif isinstance(widget, QAbstractButton):
            state.append(widget.isChecked())
        else:
            state.append(None)
    return state


def restore_form_state(root: QWidget, state: list[Any]) -> None:
    """Puts back what `form_state` took from a form built the same way."""
    for widget, saved in zip(_inputs(root), state, strict=False):
        if saved is None and not isinstance(widget, regions.RegionPicker):
            continue
        if isinstance(widget, regions.RegionPicker):
            widget.set_code(saved)
        elif isinstance(widget, QLineEdit):
            widget.setText(saved)
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(saved)
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(saved)
        elif isinstance(widget, QDateTimeEdit):
            if isinstance(saved, str):
                saved = QDateTime.fromString(saved, Qt.DateFormat.ISODate)
            widget.setDateTime(saved)
        elif isinstance(widget, (QSpinBox, QDoubleSpinBox)):
            widget.setValue(saved)
        elif isinstance(widget, QAbstractButton):
            widget.setChecked(saved)


def on_any_change(root: QWidget, slot: Callable[[], None]) -> None:
    """Calls `slot` whenever anything typed or chosen in the form `root` changes."""
    for widget in _inputs(root):
        if isinstance(widget, regions.RegionPicker):
            widget.changed.connect(lambda _code: slot())
            widget.search.textEdited.connect(lambda _text: slot())
        elif isinstance(widget, QLineEdit):
            widget.textChanged.connect(lambda _text: slot())
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(slot)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _index: slot())
        elif isinstance(widget, QDateTimeEdit):
            widget.dateTimeChanged.connect(lambda _value: slot())
        elif isinstance(widget, (QSpinBox, QDoubleSpinBox)):
            widget.textChanged.connect(lambda _text: slot())
        elif isinstance(widget, QAbstractButton):
            widget.toggled.connect(lambda _checked: slot())


class NumberEdit(QLineEdit):
    """A whole number typed as digits, shown with dot separators (and `prefix`) once the field
    is left. Unlike a spin box it never drops a digit: what is typed stays, and a value out of
    range is for the form to mark, visibly, under the field."""

    valueChanged = Signal(object)  # a Python int: the amount may exceed 32 bits

    prefix = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.prefix)
        self.textChanged.connect(lambda _text: self.valueChanged.emit(self.value()))
        self.editingFinished.connect(self._tidy)

    def digits(self) -> str:
        return "".join(ch for ch in self.text() if ch.isdigit())

    def has_junk(self) -> bool:
        """Letters or other signs that are not part of a rupiah amount."""
        rest = self.text().strip()
        if self.prefix and rest.lower().startswith(self.prefix.lower()):
            rest = rest[len(self.prefix) :]
        return any(not (ch.isdigit() or ch in ". ,") for ch in rest)

    def value(self) -> int:
        digits = self.digits()
        return int(digits) if digits else 0

    def setValue(self, amount: int) -> None:
        self.setText(self.format(amount))

    def format(self, amount: int) -> str:
        return self.prefix + f"{int(amount):,}".replace(",", ".")

    def _tidy(self) -> None:
        if self.digits() and not self.has_junk():
            tidy = self.format(self.value())
            if tidy != self.text():
                self.setText(tidy)


class MoneyEdit(NumberEdit):
    """Whole rupiah, shown the Indonesian way once the field is left: Rp2.500.000."""

    prefix = "Rp"
