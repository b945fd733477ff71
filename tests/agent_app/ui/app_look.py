"""The app's own look in a UI test: what `application.prepare` sets at start-up (its style
sheet, style, palette and font), put back to the test application's afterwards."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from agent_app.ui import application


@contextlib.contextmanager
def app_look(qapp: QApplication, system: QPalette | None = None) -> Iterator[None]:
    """`application.prepare` (in Indonesian) over the system's palette `system` if given, as
    the app starts; the application's style sheet, style, palette and font again after."""
    font, palette, style = qapp.font(), qapp.palette(), qapp.style().name()
    try:
        if system is not None:
            qapp.setPalette(system)
        application.prepare(qapp, "id")
        yield
    finally:
        qapp.setStyleSheet("")
        qapp.setStyle(style)
        qapp.setPalette(palette)
        qapp.setFont(font)
