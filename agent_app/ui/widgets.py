"""Small shared widgets and helpers: titled sections, form rows, key combo boxes, scrolling
forms that keep the focused field in view, and where windows and dialogs open on screen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDateTime, QMargins, QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDoubleSpinBox,
    QFrame,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from agent_app.domain import keys
from agent_app.ui import i18n, regions


def elided(widget: QWidget, text: str, width: int) -> str:
    """`text` cut with an ellipsis to `width` pixels in the widget's font (a long name with
    emoji never widens a row); the whole text goes to the widget's tooltip when cut."""
    short = QFontMetrics(widget.font()).elidedText(text, Qt.TextElideMode.ElideRight, width)
    widget.setToolTip(text if short != text else "")
    return short


def heading(text: str, level: int = 1) -> QLabel:
    label = QLabel(text)
    label.setObjectName("h1" if level == 1 else "h2")
    label.setWordWrap(True)  # a long title wraps on a narrow window instead of widening it
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


def hint(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def note(kind: str) -> QLabel:
    """A hidden, wrapping line of `kind` (its style: `error`, `hint`, `ok`) that `show_note`
    fills: a field's error line, a form's message."""
    label = QLabel()
    label.setObjectName(kind)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def show_note(label: QLabel, text: str | None) -> None:
    """Shows `text` on `label`, or hides the label when there is none."""
    label.setText(text or "")
    label.setVisible(bool(text))


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
    # as narrow as 20 characters when the window is (the open list shows whole names)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(20)
    return combo


def select_data(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(max(index, 0))


#: a widget property: what is under it is not part of the form's typed state
NOT_FORM_STATE = "notFormState"


def _inputs(root: QWidget) -> list[QWidget]:
    """The input widgets under `root` in creation order (the same for two forms built alike);
    a region picker counts as one input, and the line edits inside spin and combo boxes as
    none; nothing under a widget whose `NOT_FORM_STATE` property is true (what is not the
    person's, e.g. the booth bar)."""
    found: list[QWidget] = []
    pickers = root.findChildren(regions.RegionPicker)
    outside = [w for w in root.findChildren(QWidget) if w.property(NOT_FORM_STATE)]
    for widget in root.findChildren(QWidget):
        if any(p is not widget and p.isAncestorOf(widget) for p in pickers):
            continue
        if any(o is widget or o.isAncestorOf(widget) for o in outside):
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


# -- fitting the screen ----------------------------------------------------------------------

#: Room left around a window's client area for its frame (title bar above, borders around).
FRAME_ALLOWANCE = QMargins(8, 32, 8, 8)


def window_placement(
    saved: QRect | None, screens: Sequence[QRect], start: QRect, default: QSize
) -> QRect:
    """Where a window opens (its client area): `saved` when that rectangle with its frame lies
    wholly within one screen's available geometry (`screens`); otherwise `default`, clamped to
    the available geometry of the screen it starts on (`start`) and centred on it."""
    if saved is not None and saved.isValid():
        framed = saved.marginsAdded(FRAME_ALLOWANCE)
        if any(screen.contains(framed) for screen in screens):
            return QRect(saved)
    room = start.marginsRemoved(FRAME_ALLOWANCE)
    size = default.boundedTo(room.size())
    placed = QRect(0, 0, size.width(), size.height())
    placed.moveCenter(room.center())
    return placed


def keep_on_screen(window: QWidget) -> None:
    """Shrinks and moves a top-level window (a dialog) so that it, with its frame, lies within
    the available geometry of its screen."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        return
    room = screen.availableGeometry().marginsRemoved(FRAME_ALLOWANCE)
    geometry = window.geometry()
    size = geometry.size().boundedTo(room.size())
    if size != geometry.size():
        window.resize(size)
        geometry.setSize(size)
    x = min(max(geometry.x(), room.left()), room.right() + 1 - size.width())
    y = min(max(geometry.y(), room.top()), room.bottom() + 1 - size.height())
    if (x, y) != (geometry.x(), geometry.y()):
        window.move(x, y)


class FittingDialog(QDialog):
    """A dialog that never opens larger than its screen's free area, nor outside it."""

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        keep_on_screen(self)


class FormScroll(QScrollArea):
    """A scroll area for a form: frameless, no horizontal scrolling (the form wraps to the
    width), and the field that gets the focus is always scrolled into view, whether the
    person tabbed to it or the program put the focus there (after a submit, the NIK)."""

    MARGIN = 24

    def __init__(self, content: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        if content is not None:
            self.setWidget(content)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def sizeHint(self) -> QSize:
        """As large as the form (a plain scroll area asks for much less): a dialog opens
        without a scroll bar when the screen has room."""
        content = self.widget()
        if content is None:
            return super().sizeHint()
        hint = content.sizeHint()
        return QSize(hint.width() + self.verticalScrollBar().sizeHint().width(), hint.height())

    def minimumSizeHint(self) -> QSize:
        """As wide as the form's minimum (it never scrolls sideways), a few rows high."""
        content = self.widget()
        if content is None:
            return super().minimumSizeHint()
        width = content.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        return QSize(width, min(content.minimumSizeHint().height(), 120))

    def _focus_changed(self, _old: QObject | None, new: QObject | None) -> None:
        content = self.widget()
        if isinstance(new, QWidget) and content is not None and content.isAncestorOf(new):
            # after the layout has settled (a cleared form may change its height first)
            QTimer.singleShot(0, self, lambda: self.reveal(new))

    def reveal(self, widget: QWidget) -> None:
        content = self.widget()
        if content is not None and content.isAncestorOf(widget) and widget.hasFocus():
            self.ensureWidgetVisible(widget, self.MARGIN, self.MARGIN)


def form_scroll(layout: QLayout) -> FormScroll:
    """A form layout in a `FormScroll`, for a dialog whose buttons stay below it."""
    content = QWidget()
    content.setLayout(layout)
    layout.setContentsMargins(0, 0, 0, 0)
    return FormScroll(content)


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
