"""Pendaftaran (placeholder until the form lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from agent_app.ui import widgets
from agent_app.ui.context import Context


class EnrollmentsPage(QWidget):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.heading(self.tr("Enrollments")))
