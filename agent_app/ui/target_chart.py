"""The Beranda's small bar chart: each target's progress in percent, drawn with QPainter.

It replaced a pyqtgraph plot (issue 15), which loaded pyqtgraph and numpy (about 53 MB of the
installable folder, and memory and start-up) for these few bars. The chart shows the same
information: a bar per target on a 0-100% scale with its percent written above it (a target
passed shows its real percent, the bar stops at the top), the target's name under it, the
axis's title on the left. Colours come from the widget's palette (text, grid, background), the
bar's green only where it stands out enough from the background, else the text's colour.

Its words come from the page (already in the person's language). It takes no keyboard focus,
as the bars and counts beside it; its accessible name says what it is and its accessible
description (also `text()`, and its tooltip) says every bar in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

#: The bar's colour (the app's green); the empty part is the background with a little of it.
BAR = QColor("#1b7a43")
TRACK_SHARE = 0.12
#: The scale goes a little over 100% so a full bar's percent fits above it.
TOP = 112
GRID = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Colours:
    background: QColor
    text: QColor
    grid: QColor
    bar: QColor
    track: QColor


@dataclass(frozen=True)
class Bar:
    """One target: its name (may hold a line break) and its percent (may pass 100)."""

    label: str
    percent: int


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(colour.redF())
            + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF())
        )

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


class TargetChart(QWidget):
    """Bars of progress against targets, in percent."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.axis_title = ""
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(240)
        self.setMaximumHeight(270)
        self.setMinimumWidth(260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_bars(self, bars: list[Bar], name: str, axis_title: str) -> None:
        """Shows `bars`; `name` and `axis_title` are in the person's language."""
        self.bars = list(bars)
        self.axis_title = axis_title
        self.setAccessibleName(name)
        self.setAccessibleDescription(self.text())
        self.setToolTip(self.text())
        self.update()

    def text(self) -> str:
        """The chart in words, one target a line: "Enrollments (mine): 24%"."""
        return "\n".join(f"{' '.join(b.label.split())}: {b.percent}%" for b in self.bars)

    def colours(self) -> Colours:
        """Background, text, grid, bar and empty-bar colours from the palette."""
        palette = self.palette()
        background = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)  # the one for Base
        grid = palette.color(QPalette.ColorRole.Mid)
        bar = BAR if contrast(BAR, background) >= 3 else text
        track = QColor.fromRgb(
            *(
                round(255 * (b + (f - b) * TRACK_SHARE))
                for b, f in (
                    (background.redF(), bar.redF()),
                    (background.greenF(), bar.greenF()),
                    (background.blueF(), bar.blueF()),
                )
            )
        )
        return Colours(background, text, grid, bar, track)

    def paintEvent(self, event: QPaintEvent) -> None:
        colours = self.colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), colours.background)
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        left = line + 6 + metrics.horizontalAdvance("100%") + 6
        plot = QRectF(left, line * 0.5, self.width() - left - 8, self.height() - line * 3.5)
        self._draw_scale(painter, metrics, plot, colours)
        self._draw_bars(painter, plot, colours)
        painter.end()

    def _y(self, plot: QRectF, percent: float) -> float:
        return plot.bottom() - plot.height() * min(percent, TOP) / TOP

    def _draw_scale(
        self, painter: QPainter, metrics: QFontMetrics, plot: QRectF, colours: Colours
    ) -> None:
        line = metrics.height()
        for percent in GRID:
            y = self._y(plot, percent)
            painter.setPen(colours.grid)
            painter.drawLine(int(plot.left()), round(y), int(plot.right()), round(y))
            painter.setPen(colours.text)
            label = QRectF(line + 4, y - line / 2, plot.left() - line - 10, line)
            painter.drawText(
                label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{percent}%"
            )
        painter.save()  # the axis's title, read bottom to top
        painter.translate(0, plot.center().y())
        painter.rotate(-90)
        painter.drawText(
            QRectF(-plot.height() / 2, 0, plot.height(), line),
            Qt.AlignmentFlag.AlignCenter,
            self.axis_title,
        )
        painter.restore()

    def _draw_bars(self, painter: QPainter, plot: QRectF, colours: Colours) -> None:
        if not self.bars:
            return
        slot = plot.width() / len(self.bars)
        width = slot * 0.6
        line = QFontMetrics(self.font()).height()
        for i, item in enumerate(self.bars):
            x = plot.left() + slot * i + (slot - width) / 2
            full = self._y(plot, 100)
            painter.fillRect(QRectF(x, full, width, plot.bottom() - full), colours.track)
            top = self._y(plot, min(item.percent, 100))
            painter.fillRect(QRectF(x, top, width, plot.bottom() - top), colours.bar)
            painter.setPen(colours.text)
            above = QRectF(x - slot * 0.2, top - line - 2, width + slot * 0.4, line)
            painter.drawText(above, Qt.AlignmentFlag.AlignCenter, f"{item.percent}%")
            below = QRectF(plot.left() + slot * i, plot.bottom() + 4, slot, line * 2.6)
            flags = (
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
            )
            painter.drawText(below, int(flags), item.label)
