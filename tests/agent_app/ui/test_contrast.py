"""Every text stays readable whatever the system's colours (issue 11 item 10): under a light,
a dark and a high-contrast system palette, every label, field and button of each page and
dialog is drawn with a contrast of at least 4.5:1 (WCAG AA). Measured on what is drawn: the
window is rendered, and for each widget's rectangle the background is its most common colour
and the text its pixel of highest contrast against that."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from agent_app.ui.pages import businesses, sync
from agent_app.ui.window import MainWindow

from . import fakes
from .app_look import app_look
from .sync_problems import conflict

pytestmark = pytest.mark.clock_free

WCAG_AA = 4.5
PAGES = ("dashboard", "businesses", "enrollments", "followups", "reports", "sync", "settings")


def _palette(colours: dict[QPalette.ColorRole, str]) -> QPalette:
    made = QPalette()
    for role, colour in colours.items():
        made.setColor(role, QColor(colour))
    return made


R = QPalette.ColorRole
SYSTEM_PALETTES = {
    "light": {R.Window: "#efefef", R.WindowText: "#000000", R.Base: "#ffffff", R.Text: "#000000",
              R.Button: "#efefef", R.ButtonText: "#000000"},
    "dark": {R.Window: "#202020", R.WindowText: "#202326", R.Base: "#2b2b2b",
             R.Text: "#f0f0f0", R.Button: "#2d2d2d", R.ButtonText: "#f0f0f0",
             R.PlaceholderText: "#8a8a8a", R.Highlight: "#0078d4", R.ToolTipBase: "#2b2b2b"},
    "high-contrast": {R.Window: "#000000", R.WindowText: "#ffffff", R.Base: "#000000",
                      R.Text: "#ffffff", R.Button: "#000000", R.ButtonText: "#ffffff",
                      R.Highlight: "#1aebff", R.HighlightedText: "#000000",
                      R.PlaceholderText: "#00ff00"},
}  # fmt: skip


@pytest.fixture(params=list(SYSTEM_PALETTES))
def system_palette(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """The system's palette, then the app's start-up (`application.prepare`) on top of it."""
    with app_look(qapp, _palette(SYSTEM_PALETTES[request.param])):
        yield request.param


def luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def drawn_contrast(image: QImage, rect: QRect) -> tuple[float, QColor, QColor]:
    """(ratio, text, background) of what is drawn in `rect` of `image`."""
    counts: Counter[int] = Counter()
    for y in range(rect.top(), rect.bottom() + 1):
        for x in range(rect.left(), rect.right() + 1):
            counts[image.pixel(x, y)] += 1
    background = QColor.fromRgb(counts.most_common(1)[0][0])
    best, text = 1.0, background
    for rgb in counts:
        colour = QColor.fromRgb(rgb)
        ratio = contrast(colour, background)
        if ratio > best:
            best, text = ratio, colour
    return best, text, background


def _fully_shown(widget: QWidget, top: QWidget) -> QRect | None:
    """The widget's rectangle in `top` when all of it is on screen (not scrolled away)."""
    rect = QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent.parentWidget(), QAbstractScrollArea):
            shown = QRect(parent.mapTo(top, QPoint(0, 0)), parent.size())
            if not shown.contains(rect):
                return None
        parent = parent.parentWidget()
    return rect if QRect(QPoint(0, 0), top.size()).contains(rect) else None


def assert_readable(top: QWidget, what: str) -> int:
    QApplication.processEvents()
    image = top.grab().toImage()
    checked = 0
    for widget in top.findChildren(QWidget):
        if not isinstance(widget, (QLabel, QLineEdit, QPushButton)):
            continue
        if not widget.isVisibleTo(top) or not widget.isEnabled():
            continue  # WCAG exempts inactive controls
        text = widget.text() or (widget.placeholderText() if isinstance(widget, QLineEdit) else "")
        if not text.strip() or (isinstance(widget, QLabel) and widget.pixmap().isNull() is False):
            continue
        rect = _fully_shown(widget, top)
        if rect is None or rect.width() < 8 or rect.height() < 8:
            continue
        if isinstance(widget, (QLineEdit, QPushButton)):
            rect = rect.adjusted(3, 3, -3, -3)  # inside the border
        ratio, fg, bg = drawn_contrast(image, rect)
        assert ratio >= WCAG_AA, (
            f"{what}: {type(widget).__name__} {text[:40]!r} drawn {fg.name()} on {bg.name()}, "
            f"contrast {ratio:.2f}"
        )
        checked += 1
    return checked


def test_every_text_of_every_page_and_dialog_is_readable(
    qtbot: Any, shell: fakes.FakeShell, system_palette: str
):
    shell.keystore.create_first_account("PLG-001", "Siti Aminah", "Palembang", "agent", "rahasia1")
    window = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 697)
    window.show()
    qtbot.waitUntil(window.isVisible)
    assert assert_readable(window, f"login under {system_palette}") >= 3
    window.login.password.setText("rahasia1")
    window.login.password.returnPressed.emit()
    assert window.workspace is not None
    checked = 0
    for key in PAGES:
        window.workspace.show_page(key)
        checked += assert_readable(window, f"{key} under {system_palette}")
    form = window.workspace.pages["enrollments"].form  # type: ignore[attr-defined]
    window.workspace.show_page("enrollments")
    form.message.setText("Periksa isian: Nomor HP harus nomor HP, bukan telepon rumah.")
    form.message.setObjectName("error")
    form.message.style().polish(form.message)
    checked += assert_readable(window, f"enrollment message under {system_palette}")
    assert checked > 60
    business = next(iter(window.ctx.backend.businesses.values()))
    for dialog in (
        businesses.BusinessDialog(window.ctx, None, window),
        businesses.VisitDialog(window.ctx, business, window),
        sync.ConflictDialog(conflict(), "Warung Sumsel", window),
    ):
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(dialog.isVisible)
        assert assert_readable(dialog, f"{dialog.windowTitle()} under {system_palette}") >= 3
        dialog.reject()
