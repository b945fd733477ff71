"""Starts Qt: the application object, translations, style sheet, crash hook, main window."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from agent_app import APP_ID, APP_NAME, __version__
from agent_app.domain import _resources
from agent_app.ui import i18n, messages
from agent_app.ui.context import Shell


def style_sheet() -> str:
    try:
        return _resources.read_text("style", "app.qss")
    except OSError:
        return ""


def prepare(app: QApplication, language: str) -> None:
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName(APP_ID)
    QCoreApplication.setApplicationVersion(__version__)
    i18n.install(app, language)
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 10.0))
    app.setFont(font)
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
    if on_window is not None:
        on_window(window)
    return app.exec()
