"""The business list's cells, drawn from cached `QStaticText` (issue 15: the list's paint).

A search keystroke repaints the whole visible list (about 22 rows x 7 columns at 1366x768), and
with the style's own item drawing most of that paint was Qt laying each cell's text out twice
(once to elide it, once to draw it), at every paint. This delegate draws a plain cell (enabled,
not selected, not current, not hovered) as the style does: the text elided on the right to
the cell's width less the style's text margins, centred vertically, in the palette's text
colour or the model's foreground brush; the text is laid out once into a `QStaticText` kept
by (text, width). The other cells (the selected row, the current cell's focus frame, a
disabled row, the hovered cell, a text holding a line break or a tab) go to
`QStyledItemDelegate.paint` unchanged. The row's background (alternate colours) and the grid
are drawn by the view, as before. Left-to-right text only (the app's two languages).
`tests/agent_app/ui/test_business_cells.py` compares both drawings pixel by pixel.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPalette, QStaticText
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

Index = QModelIndex | QPersistentModelIndex

#: (text, width) -> the elided text laid out, about 2 KB each; cleared past this many (a
#: screen at 1366x768 is about 170 cells: the repaints of a screen and of a scroll back find them)
MAX_CACHED_TEXTS = 1000

_ELIDE = Qt.TextElideMode.ElideRight
_STATE = QStyle.StateFlag
# plain ints: a paint tests them on every cell, and PySide6's enum flags cost 1-2 us per test
#: a cell in any of these states is drawn by the style (QStyledItemDelegate.paint)
_STYLED = (_STATE.State_Selected | _STATE.State_HasFocus | _STATE.State_MouseOver).value
_ENABLED = _STATE.State_Enabled.value
_ACTIVE = _STATE.State_Active.value
_NORMAL, _INACTIVE = QPalette.ColorGroup.Normal, QPalette.ColorGroup.Inactive
_TEXT = QPalette.ColorRole.Text


class PlainCellDelegate(QStyledItemDelegate):
    """Draws the list's plain text cells from cached static texts (see the module).

    Args:
        view: the table whose cells it draws (its style gives the text margin).
        display: a cell's text, as the model's `data()` answers it for `DisplayRole`.
        foreground: a cell's foreground brush, as `data()` answers it for `ForegroundRole`.
        (Asked directly: one Python call a cell instead of Qt's `data()` round trips.)
    """

    def __init__(
        self,
        view: QWidget,
        display: Callable[[Index], object],
        foreground: Callable[[Index], QBrush | None],
    ) -> None:
        super().__init__(view)
        self._view = view
        self._display = display
        self._foreground = foreground
        self._texts: dict[tuple[str, int], QStaticText] = {}
        self._font: QFont | None = None  # the font its texts are laid out in
        self._metrics = QFontMetricsF(view.font())
        self._margin = 0
        self._height = 0
        self._palette_key = -1
        self._pens: dict[bool, QColor] = {}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        state = option.state.value
        text = self._display(index)
        if (
            state & _STYLED
            or not state & _ENABLED
            or not isinstance(text, str)
            or not text.isprintable()  # a line break, a tab: laid out by the style
        ):
            super().paint(painter, option, index)
            return
        if not text:
            return
        font = option.font
        if font != self._font:
            self._font_changed(font)
        rect = option.rect
        width = rect.width() - 2 * self._margin
        static = self._texts.get((text, width))
        if static is None:
            static = self._static(text, width)
        brush = self._foreground(index)
        if brush is not None:
            painter.setPen(brush.color())
        else:
            painter.setPen(self._pen(option.palette, bool(state & _ACTIVE)))
        top = rect.top() + (rect.height() - self._height) // 2
        painter.setFont(font)  # a static text is drawn in the painter's (the viewport's) font
        painter.drawStaticText(rect.left() + self._margin, top, static)

    def _font_changed(self, font: QFont) -> None:
        """Forgets the texts laid out in another font; reads the style's text margin (as
        `QCommonStyle` draws a view item's text: `PM_FocusFrameHMargin` + 1 on each side)."""
        self._font = QFont(font)
        self._texts.clear()
        self._metrics = QFontMetricsF(font)
        margin = self._view.style().pixelMetric(
            QStyle.PixelMetric.PM_FocusFrameHMargin, None, self._view
        )
        self._margin = margin + 1
        # a line's height as QTextLine gives it: ascent + descent, rounded up
        self._height = math.ceil(self._metrics.ascent() + self._metrics.descent())

    def _pen(self, palette: QPalette, active: bool) -> QColor:
        key = palette.cacheKey()
        if key != self._palette_key:
            self._palette_key = key
            self._pens = {
                True: palette.color(_NORMAL, _TEXT),
                False: palette.color(_INACTIVE, _TEXT),
            }
        return self._pens[active]

    def _static(self, text: str, width: int) -> QStaticText:
        if len(self._texts) >= MAX_CACHED_TEXTS:
            self._texts.clear()
        static = QStaticText(self._metrics.elidedText(text, _ELIDE, width))
        static.setTextFormat(Qt.TextFormat.PlainText)
        self._texts[(text, width)] = static
        return static

    def cached_texts(self) -> int:
        """How many laid-out texts it holds (tests)."""
        return len(self._texts)
