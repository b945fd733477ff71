"""Sinkronisasi: the changes waiting to be sent, the last successful sync, "Sync now", logging
in to the server (the agent's password, once per laptop), and the records the server refused
or found in conflict, with what to do; a conflict can be settled here (keep mine / take the
server's). Network work runs on the network pool, never on the database thread.

The window also syncs by itself every few minutes when a server is set (`AutoSync`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_app.ui import i18n, messages, widgets
from agent_app.ui.backend import SyncStatus, value
from agent_app.ui.context import Context
from agent_app.ui.models import ListModel
from agent_app.ui.ops import NETWORK, Op

_NOT_CONNECTED = ("sync_not_connected", "sync_auth")
FIRST_SYNC_DELAY_MS = 10_000


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
        self.sync_button.setDefault(True)
        self.sync_button.clicked.connect(lambda: self.sync_now())
        self.result = widgets.hint()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Your password on the server"))
        self.password.returnPressed.connect(self.connect_and_sync)
        self.connect_button = QPushButton(self.tr("Log in to the server and sync"))
        self.connect_button.clicked.connect(self.connect_and_sync)
        self.connect_box = QWidget()
        connect_row = QHBoxLayout(self.connect_box)
        connect_row.setContentsMargins(0, 0, 0, 0)
        connect_row.addWidget(self.password, 1)
        connect_row.addWidget(self.connect_button)
        self.connect_box.setVisible(False)

        lang = i18n.current_language
        self.problems = ListModel(
            [self.tr("Record"), self.tr("Sync state"), self.tr("What to do")],
            [
                lambda p: self._entity_name(str(value(p, "entity", ""))),
                lambda p: self._state_name(str(value(p, "status", ""))),
                lambda p: _text(value(p, "advice"), lang()) or str(value(p, "server_message", "")),
            ],
            self,
        )
        self.problems_table = QTableView()
        self.problems_table.setModel(self.problems)
        self.problems_table.verticalHeader().setVisible(False)
        self.problems_table.horizontalHeader().setStretchLastSection(True)
        self.problems_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems_table.setColumnWidth(0, 160)
        self.problems_table.setColumnWidth(1, 180)
        self.keep_mine = QPushButton(self.tr("Keep my data"))
        self.take_server = QPushButton(self.tr("Take the server's data"))
        self.keep_mine.clicked.connect(lambda: self.resolve("mine"))
        self.take_server.clicked.connect(lambda: self.resolve("server"))
        resolve_row = QHBoxLayout()
        resolve_row.addStretch(1)
        resolve_row.addWidget(self.keep_mine)
        resolve_row.addWidget(self.take_server)
        self.problems_table.selectionModel().selectionChanged.connect(self._selection)
        self._selection()

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
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.connect_box)
        layout.addWidget(self.result)
        self.problems_title = widgets.heading(self.tr("Refused or in conflict"), 2)
        layout.addWidget(self.problems_title)
        layout.addWidget(self.problems_table, 1)
        layout.addLayout(resolve_row)
        ctx.sync_changed.connect(self.refresh)

    def _entity_name(self, entity: str) -> str:
        return {
            "business": self.tr("Business"),
            "visit": self.tr("Visit"),
            "enrollment": self.tr("Enrollment"),
        }.get(entity, entity)

    def _state_name(self, state: str) -> str:
        return {
            "pending": self.tr("Pending"),
            "synced": self.tr("Synced"),
            "rejected": self.tr("Rejected"),
            "conflict": self.tr("Conflict"),
        }.get(state, state)

    def activate(self) -> None:
        self.refresh()
        self.sync_button.setFocus()

    def refresh(self) -> None:
        Op(self, self.ctx.backend.sync_status).success(self.show_status).run()

    def show_status(self, status: SyncStatus) -> None:
        self.server.setText(status.server_url or self.tr("No server set (see Settings)"))
        self.state.setText(self.tr("Online") if status.online else self.tr("Offline"))
        self.pending.setText(i18n.number(status.pending_ops))
        self.last.setText(
            i18n.date_time(status.last_success) if status.last_success else self.tr("Never")
        )
        self.problems.set_records(list(status.problems))
        self.problems_title.setText(
            self.tr("Refused or in conflict ({n})").format(n=i18n.number(len(status.problems)))
        )
        self._selection()

    def _selected_problem(self) -> Any:
        rows = self.problems_table.selectionModel().selectedRows()
        return self.problems.record(rows[0].row()) if rows else None

    def _selection(self, *_args: Any) -> None:
        problem = self._selected_problem()
        can = bool(problem is not None and value(problem, "resolvable", False))
        self.keep_mine.setEnabled(can)
        self.take_server.setEnabled(can)

    def sync_now(self, password: str | None = None) -> None:
        self.sync_button.setEnabled(False)
        self.connect_button.setEnabled(False)
        self.result.setText(self.tr("Syncing…"))
        backend = self.ctx.backend
        Op(self, lambda: backend.sync_now(password), kind=NETWORK).success(self._done).failure(
            self._failed
        ).run()

    def connect_and_sync(self) -> None:
        password = self.password.text()
        self.password.clear()
        if password:
            self.sync_now(password)

    def _done(self, outcome: Any) -> None:
        self.sync_button.setEnabled(True)
        self.connect_button.setEnabled(True)
        self.connect_box.setVisible(False)
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
        self.connect_button.setEnabled(True)
        if getattr(exc, "code", "") in _NOT_CONNECTED:
            self.connect_box.setVisible(True)
            self.result.setText(
                self.tr("This laptop is not logged in to the server yet: type your password.")
            )
            self.password.setFocus()
            return
        self.result.setText(self.tr("Sync failed."))
        messages.show_error(self, exc)

    def resolve(self, choice: str) -> None:
        problem = self._selected_problem()
        if problem is None:
            return
        op_id = str(value(problem, "op_id"))
        backend = self.ctx.backend
        Op(self, lambda: backend.resolve_conflict(op_id, choice)).success(
            lambda _r: self.ctx.sync_changed.emit()
        ).run()


class AutoSync(QObject):
    """Runs a quiet sync cycle every `sync_interval_seconds` while a server is set."""

    def __init__(self, ctx: Context, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.running = False
        self.timer = QTimer(self)
        seconds = int(getattr(ctx.settings, "sync_interval_seconds", 300) or 300)
        self.timer.setInterval(max(seconds, 30) * 1000)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.timer.start()
        QTimer.singleShot(FIRST_SYNC_DELAY_MS, self.tick)  # review decisions soon after login

    def tick(self) -> None:
        if self.running or not (getattr(self.ctx.settings, "server_url", "") or ""):
            return
        self.running = True
        backend = self.ctx.backend
        Op(self, backend.sync_now, kind=NETWORK).success(self._done).failure(self._failed).run()

    def _done(self, _outcome: Any) -> None:
        self.running = False
        self.ctx.sync_changed.emit()
        self.ctx.enrollments_changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.running = False  # offline is normal at a mall: the status bar says so
        self.ctx.sync_changed.emit()


def _text(advice: Any, lang: str) -> str:
    if advice is None:
        return ""
    in_language = getattr(advice, "in_language", None)
    return str(in_language(lang)) if callable(in_language) else str(advice)
