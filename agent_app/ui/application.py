"""Starts Qt: the application object, translations, style sheet, crash hook, main window."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QFont, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from agent_app import APP_ID, APP_NAME, __version__
from agent_app.domain import _resources
from agent_app.ui import collector, i18n, messages
from agent_app.ui.context import Shell


def style_sheet() -> str:
    try:
        return _resources.read_text("style", "app.qss")
    except OSError:
        return ""


#: The app icon (resources/icons, made from the SVG by installer/make_icon.py): one .ico
#: holding 16 to 256 px, which Qt reads whole on every system (its ico image plugin).
ICON = ("icons", "perisai-agent.ico")


def app_icon() -> QIcon:
    return QIcon(str(_resources.resources_dir().joinpath(*ICON)))


def _windows_taskbar_identity() -> None:
    """Started from Python (not the built .exe), Windows groups the window under python.exe
    and shows its icon in the taskbar unless the process names its own app. The built .exe
    is its own app already (and its Start menu entry carries no such name to match)."""
    if sys.platform == "win32" and not getattr(sys, "frozen", False):
        import ctypes

        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(f"BPJSTK.{APP_ID}")


#: The colours the style sheet (resources/style/app.qss) is drawn on: light surfaces, dark
#: text. Every text has a contrast of at least 4.5:1 on them (WCAG AA).
_ROLES = QPalette.ColorRole
PALETTE = {
    _ROLES.Window: "#f6f8f7",
    _ROLES.WindowText: "#1d2521",
    _ROLES.Base: "#ffffff",
    _ROLES.AlternateBase: "#f3f7f5",
    _ROLES.Text: "#1d2521",
    _ROLES.Button: "#ffffff",
    _ROLES.ButtonText: "#1d2521",
    _ROLES.BrightText: "#ffffff",
    _ROLES.Highlight: "#cfe8d8",
    _ROLES.HighlightedText: "#1d2521",
    _ROLES.ToolTipBase: "#ffffff",
    _ROLES.ToolTipText: "#1d2521",
    _ROLES.PlaceholderText: "#5c6862",
    _ROLES.Link: "#0f5132",
    _ROLES.LinkVisited: "#0f5132",
    _ROLES.Light: "#ffffff",
    _ROLES.Midlight: "#e8efeb",
    _ROLES.Mid: "#b7c4bd",
    _ROLES.Dark: "#7d8a83",
    _ROLES.Shadow: "#4a544f",
}
#: Disabled text: dimmer, still readable (WCAG exempts inactive controls).
DISABLED_TEXT = "#6f7a74"


def palette() -> QPalette:
    """The app's own palette, whatever the system's (a dark or high-contrast system palette
    under our light style sheet gave dark text on dark surfaces)."""
    made = QPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role, colour in PALETTE.items():
            made.setColor(group, role, QColor(colour))
    for role, colour in PALETTE.items():
        made.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    for role in (_ROLES.WindowText, _ROLES.Text, _ROLES.ButtonText):
        made.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT))
    return made


def prepare(app: QApplication, language: str) -> None:
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName(APP_ID)
    QCoreApplication.setApplicationVersion(__version__)
    _windows_taskbar_identity()
    app.setWindowIcon(app_icon())
    i18n.install(app, language)
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 10.0))
    app.setFont(font)
    # Fusion draws with the palette (a platform style may draw with the system's dark or
    # high-contrast colours under our light style sheet).
    app.setStyle("Fusion")
    app.setPalette(palette())
    app.setStyleSheet(style_sheet())


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    exc.__traceback__ = tb
    messages.show_error(QApplication.activeWindow(), exc)


def run(
    shell: Shell,
    argv: list[str],
    today: Callable[[], dt.date] | None = None,
    on_window: Callable[[Any], None] | None = None,
) -> int:
    from agent_app.ui.window import MainWindow

    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)
    prepare(app, getattr(shell.settings, "language", "id"))
    messages.log_location = shell.log_location
    sys.excepthook = _excepthook
    window = MainWindow(shell, today=today)
    window.show()
    logging.getLogger("ui").info("window shown")
    # Garbage collection on this (the UI) thread only, never on a worker (ui/collector.py).
    garbage = collector.MainThreadCollector(app)
    garbage.start()
    if on_window is not None:
        on_window(window)
    try:
        return app.exec()
    finally:
        garbage.stop()
