"""A signature pad: the worker signs with a mouse, a finger (touch screen) or a pen (tablet
events, with the pen's pressure), and the drawing becomes a PNG: black strokes on white,
trimmed to the signature with a small margin, at most `MAX_WIDTH` pixels wide.

The pad keeps its strokes in its own coordinates; `png()` draws them again, so the picture
does not depend on the window's size or the screen's scale. `show_png` puts a kept signature
back (a resumed form): it is shown until the pad is cleared or signed again. `signed` is
emitted when a stroke ends, `cleared` when the pad is emptied. The pad takes no keyboard
focus: a keyboard user gives consent with the tick beside it."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

#: The widest PNG made (a signature is read by a reviewer, not measured).
MAX_WIDTH = 800
MARGIN = 12.0
PEN_WIDTH = 2.6

Stroke = list[tuple[QPointF, float]]  # points with the pen's width at each


class SignaturePad(QWidget):
    signed = Signal()
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strokes: list[Stroke] = []
        self._drawing = False
        self._shown: QImage | None = None
        self.placeholder = ""
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumSize(260, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(140)
        self.setCursor(Qt.CursorShape.CrossCursor)

    # --- state ------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        return not self.strokes and self._shown is None

    def clear(self) -> None:
        had = not self.is_empty()
        self.strokes, self._shown, self._drawing = [], None, False
        self.update()
        if had:
            self.cleared.emit()

    def show_png(self, data: bytes | None) -> None:
        """Shows a kept signature (no strokes: a new stroke starts a new signature)."""
        self.strokes, self._drawing = [], False
        image = QImage.fromData(data) if data else QImage()
        self._shown = None if image.isNull() else image
        self.update()

    # --- input ------------------------------------------------------------------------------

    def _begin(self, point: QPointF, width: float = PEN_WIDTH) -> None:
        if self._shown is not None:
            self._shown = None  # signing again replaces the kept signature
        self._drawing = True
        self.strokes.append([(point, width)])
        self.update()

    def _extend(self, point: QPointF, width: float = PEN_WIDTH) -> None:
        if self._drawing and self.strokes:
            self.strokes[-1].append((point, width))
            self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.update()
            self.signed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._end()
        event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:
        """A pen: its pressure thickens the stroke a little."""
        width = PEN_WIDTH * (0.6 + 0.8 * max(0.0, min(1.0, event.pressure())))
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position(), width)
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position(), width)
        elif kind == QEvent.Type.TabletRelease:
            self._end()
        event.accept()

    def event(self, event: QEvent) -> bool:
        """A finger on a touch screen: its first touch point draws."""
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd):
            assert isinstance(event, QTouchEvent)
            points = event.points()
            if points:
                where = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self._begin(where)
                elif kind == QEvent.Type.TouchUpdate:
                    self._extend(where)
                else:
                    self._extend(where)
                    self._end()
            event.accept()
            return True
        if kind == QEvent.Type.TouchCancel:
            self._drawing = False
            event.accept()
            return True
        return super().event(event)

    # --- drawing ----------------------------------------------------------------------------

    def _draw_strokes(self, painter: QPainter, offset: QPointF, scale: float) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for stroke in self.strokes:
            first, width = stroke[0]
            if len(stroke) == 1:  # a dot
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor("black"))
                radius = width * scale / 2
                painter.drawEllipse((first - offset) * scale, radius, radius)
                continue
            for (start, _), (end, width) in itertools.pairwise(stroke):
                pen = QPen(QColor("black"), width * scale)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                painter.drawLine((start - offset) * scale, (end - offset) * scale)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor("#8a96a3"), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        baseline = self.height() - 28
        painter.setPen(QPen(QColor("#c3cad2"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(16, baseline, self.width() - 16, baseline)
        if self._shown is not None:
            image = self._shown.scaled(
                self.size() * 0.9,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            x, y = (self.width() - image.width()) // 2, (self.height() - image.height()) // 2
            painter.drawImage(x, y, image)
        elif not self.strokes and self.placeholder:
            painter.setPen(QColor("#5b6775"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
        self._draw_strokes(painter, QPointF(0, 0), 1.0)
        painter.end()

    def bounds(self) -> QRectF | None:
        """The strokes' bounding box with the margin, or None without strokes."""
        points = [(p, w) for stroke in self.strokes for p, w in stroke]
        if not points:
            return None
        xs = [p.x() for p, _ in points]
        ys = [p.y() for p, _ in points]
        pad = MARGIN + max(w for _, w in points)
        return QRectF(
            min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad
        )

    def png(self) -> bytes | None:
        """The strokes as a PNG (white background, trimmed, at most `MAX_WIDTH` wide), or None
        when nothing was drawn."""
        box = self.bounds()
        if box is None:
            return None
        # Drawn at twice the pad's resolution (sharper on a print), then held to MAX_WIDTH.
        scale = min(2.0, MAX_WIDTH / box.width())
        width = max(1, round(box.width() * scale))
        height = max(1, round(box.height() * scale))
        image = QImage(width, height, QImage.Format.Format_Grayscale8)
        image.fill(QColor("white"))
        painter = QPainter(image)
        self._draw_strokes(painter, box.topLeft(), scale)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # PySide takes str
        buffer.close()
        return bytes(data.data())
