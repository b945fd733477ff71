"""Date and time fields that are one tab stop each and take what people type.

A `QDateEdit` is three sections (day, month, year) that the Tab key walks through, and a
`QDateTimeEdit` five: text typed "after" the time went into its sections and was lost. These
fields are plain line edits: `05081990`, `5/8/1990`, `5-8-90` or `1990-08-05` for a date,
`1640`, `16.40` or `16:40` for a time. F4 (or Alt+Down) opens a calendar. A value that does
not parse is kept as typed and marked (`problem()`), never replaced by another date.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTime, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QWidget

from agent_app.domain import validation

_SEPARATORS = re.compile(r"[\s/.\-:]+")


def _digit_groups(text: str) -> list[str]:
    """The runs of digits `text` is made of, split at separators; empty when it is empty or
    holds anything else."""
    parts = [p for p in _SEPARATORS.split(text.strip()) if p]
    return parts if all(p.isdigit() for p in parts) else []


def parse_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """The date `text` means, or None when it means none (empty, or not a date).

    Day first, as written in Indonesia: `05081990`, `050890`, `5/8/1990`, `5-8-90`,
    `5.8.1990`; or ISO `1990-08-05`. A two-digit year is the latest such year not after
    `today`'s (`90` is 1990, `15` is 2015 in 2026)."""
    parts = _digit_groups(text)
    if not parts:
        return None
    if len(parts) == 1:
        digits = parts[0]
        if len(digits) == 8 or len(digits) == 6:
            parts = [digits[:2], digits[2:4], digits[4:]]
        else:
            return None
    if len(parts) != 3:
        return None
    if len(parts[0]) == 4:  # ISO: year first
        year_text, month_text, day_text = parts
    else:
        day_text, month_text, year_text = parts
    year = int(year_text)
    if len(year_text) == 2:
        this_year = (today or dt.date.today()).year
        year += this_year - this_year % 100
        if year > this_year:
            year -= 100
    elif len(year_text) != 4:
        return None
    try:
        return dt.date(year, int(month_text), int(day_text))
    except ValueError:
        return None


def parse_time(text: str) -> dt.time | None:
    """The time `text` means: `1640`, `940`, `16.40`, `16:40`, `9` (9.00); None otherwise."""
    parts = _digit_groups(text)
    if not parts:
        return None
    if len(parts) == 1:
        digits = parts[0]
        if len(digits) <= 2:
            parts = [digits, "0"]
        elif len(digits) in (3, 4):
            parts = [digits[:-2], digits[-2:]]
        else:
            return None
    if len(parts) != 2:
        return None
    try:
        return dt.time(int(parts[0]), int(parts[1]))
    except ValueError:
        return None


class _Field(QLineEdit):
    """What the date and time fields share: a problem when the text does not parse."""

    def problem(self) -> str | None:
        """Why the typed value is not taken (in the person's language), or None."""
        raise NotImplementedError

    def is_empty(self) -> bool:
        return not self.text().strip()


class DateField(_Field):
    """A date in one tab stop (see the module's docstring)."""

    dateChanged = Signal(QDate)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = dt.date.today
        self.minimum: dt.date | None = dt.date(validation.MIN_YEAR, 1, 1)
        self.maximum: dt.date | None = None
        self.setPlaceholderText(self.tr("dd-mm-yyyy"))
        self.setToolTip(self.tr("Type the date, e.g. 05081990 or 5/8/1990; F4: calendar"))
        self.calendar: QCalendarWidget | None = None
        self.textEdited.connect(self._edited)
        self.editingFinished.connect(self._tidy)

    def setMinimumDate(self, day: QDate) -> None:
        self.minimum = _pydate(day)

    def setMaximumDate(self, day: QDate) -> None:
        self.maximum = _pydate(day)

    def value(self) -> dt.date | None:
        """The date typed, when it parses and is in range."""
        day = parse_date(self.text(), self.today())
        if day is None:
            return None
        if (self.minimum and day < self.minimum) or (self.maximum and day > self.maximum):
            return None
        return day

    def date(self) -> QDate:
        """As QDateEdit.date(); an invalid QDate when nothing valid is typed."""
        day = self.value()
        return QDate(day.year, day.month, day.day) if day else QDate()

    def setDate(self, day: QDate | dt.date) -> None:
        if isinstance(day, QDate):
            day = _pydate(day)
        self.setText(f"{day:%d-%m-%Y}")
        self.dateChanged.emit(self.date())

    def problem(self) -> str | None:
        if self.is_empty():
            return None
        day = parse_date(self.text(), self.today())
        if day is None:
            return self.tr("Not a date: type the day, month and year, e.g. 05081990.")
        if self.minimum and day < self.minimum:
            return self.tr("The date is too early.")
        if self.maximum and day > self.maximum:
            return self.tr("The date is too late.")
        return None

    def _edited(self, _text: str) -> None:
        self.dateChanged.emit(self.date())

    def _tidy(self) -> None:
        day = self.value()
        if day is not None and self.text() != f"{day:%d-%m-%Y}":
            self.setText(f"{day:%d-%m-%Y}")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
        if key == Qt.Key.Key_F4 or (key == Qt.Key.Key_Down and alt):
            self.open_calendar()
            return
        super().keyPressEvent(event)

    def open_calendar(self) -> None:
        """A calendar under the field; Enter or a click picks the day, Esc closes it."""
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setGridVisible(True)
        for bound, setter in (
            (self.minimum, calendar.setMinimumDate),
            (self.maximum, calendar.setMaximumDate),
        ):
            if bound is not None:
                setter(QDate(bound.year, bound.month, bound.day))
        current = self.value() or self.today()
        calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        calendar.activated.connect(self._picked)
        calendar.clicked.connect(self._picked)
        calendar.installEventFilter(self)
        calendar.move(self.mapToGlobal(self.rect().bottomLeft()))
        self.calendar = calendar
        calendar.show()
        calendar.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        enter = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if (
            self.calendar is not None
            and watched is self.calendar
            and event.type() == QEvent.Type.KeyPress
            and event.key() in enter  # type: ignore[attr-defined]
        ):
            self._picked(self.calendar.selectedDate())
            return True
        return super().eventFilter(watched, event)

    def _picked(self, day: QDate) -> None:
        self.setDate(day)
        if self.calendar is not None:
            self.calendar.close()
            self.calendar.deleteLater()
            self.calendar = None
        self.setFocus()


class TimeField(_Field):
    """A time of day in one tab stop: `1640`, `16.40`, `16:40`."""

    timeChanged = Signal(QTime)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("hh.mm"))
        self.setToolTip(self.tr("Type the time, e.g. 1640 or 16.40"))
        self.setMaximumWidth(120)
        self.textEdited.connect(lambda _t: self.timeChanged.emit(self.time()))
        self.editingFinished.connect(self._tidy)

    def value(self) -> dt.time | None:
        return parse_time(self.text())

    def time(self) -> QTime:
        moment = self.value()
        return QTime(moment.hour, moment.minute) if moment else QTime()

    def setTime(self, moment: QTime | dt.time) -> None:
        if isinstance(moment, QTime):
            moment = dt.time(moment.hour(), moment.minute())
        self.setText(f"{moment:%H.%M}")
        self.timeChanged.emit(self.time())

    def problem(self) -> str | None:
        if self.is_empty() or self.value() is not None:
            return None
        return self.tr("Not a time: type hours and minutes, e.g. 1640.")

    def _tidy(self) -> None:
        moment = self.value()
        if moment is not None and self.text() != f"{moment:%H.%M}":
            self.setText(f"{moment:%H.%M}")


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())
