"""Where the main window opens, and remembering where it closed (in the laptop's settings)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QMainWindow

from agent_app.ui import widgets

log = logging.getLogger("ui")

#: The window's size the first time (clamped to a smaller screen).
DEFAULT_SIZE = QSize(1280, 800)


def place(window: QMainWindow, settings: Any) -> None:
    """Opens where this laptop last closed the window when that fits a screen now; otherwise
    at the default size, clamped to the screen it starts on and centred there (a remembered
    second monitor may be gone; a 768-pixel screen is shorter than 800)."""
    saved = getattr(settings, "window_geometry", None)
    remembered = QRect(*saved) if isinstance(saved, list) and len(saved) == 4 else None
    screen = QGuiApplication.screenAt(QCursor.pos()) or window.screen()
    screen = screen or QGuiApplication.primaryScreen()
    screens = [each.availableGeometry() for each in QGuiApplication.screens()]
    placed = widgets.window_placement(remembered, screens, screen.availableGeometry(), DEFAULT_SIZE)
    window.setGeometry(placed)
    if getattr(settings, "window_maximized", False):
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)


def remember(window: QMainWindow, settings: Any) -> None:
    """Keeps where the window is now (its normal geometry when maximized) for the next start."""
    maximized = window.isMaximized()
    rect = window.normalGeometry() if maximized else window.geometry()
    if not rect.isValid():
        return
    settings.window_geometry = [rect.x(), rect.y(), rect.width(), rect.height()]
    settings.window_maximized = maximized
    try:
        settings.save()
    except OSError as exc:
        log.info("window place not saved: %s", type(exc).__name__)
