"""Sinkronisasi: how many changes wait to be sent, when the last sync succeeded, and a
"Sync now" button (network work runs on the network pool, never the database thread)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from agent_app.ui import i18n, messages, widgets
from agent_app.ui.backend import SyncStatus, value
from agent_app.ui.context import Context
from agent_app.ui.ops import NETWORK, Op


class SyncPage(QWidget):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.server = QLabel()
        self.state = QLabel()
        self.pending = QLabel()
        self.last = QLabel()
        form = QFormLayout()
        form.addRow(self.tr("Server"), self.server)
        form.addRow(self.tr("Connection"), self.state)
        form.addRow(self.tr("Changes waiting to be sent"), self.pending)
        form.addRow(self.tr("Last successful sync"), self.last)
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.clicked.connect(self.sync_now)
        self.result = widgets.hint()
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.heading(self.tr("Sync")))
        layout.addWidget(
            widgets.hint(
                self.tr(
                    "Everything is saved on this laptop first. When the laptop is online, "
                    "changes are sent to the central server and review decisions come back."
                )
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.sync_button)
        layout.addWidget(self.result)
        layout.addStretch(1)
        ctx.sync_changed.connect(self.refresh)

    def activate(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        Op(self, self.ctx.backend.sync_status).success(self.show_status).run()

    def show_status(self, status: SyncStatus) -> None:
        self.server.setText(status.server_url or self.tr("No server set (see Settings)"))
        self.state.setText(self.tr("Online") if status.online else self.tr("Offline"))
        self.pending.setText(i18n.number(status.pending_ops))
        self.last.setText(
            i18n.date_time(status.last_success) if status.last_success else self.tr("Never")
        )

    def sync_now(self) -> None:
        self.sync_button.setEnabled(False)
        self.result.setText(self.tr("Syncing…"))
        backend = self.ctx.backend
        Op(self, backend.sync_now, kind=NETWORK).success(self._done).failure(self._failed).run()

    def _done(self, outcome: Any) -> None:
        self.sync_button.setEnabled(True)
        self.result.setText(
            self.tr("Sync finished: {sent} sent, {received} received.").format(
                sent=i18n.number(value(outcome, "pushed", 0) or 0),
                received=i18n.number(value(outcome, "pulled", 0) or 0),
            )
        )
        self.ctx.sync_changed.emit()
        self.ctx.enrollments_changed.emit()
        self.ctx.businesses_changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.sync_button.setEnabled(True)
        self.result.setText(self.tr("Sync failed."))
        messages.show_error(self, exc)
