"""The Sync page: status, "Sync now" with progress, logging in to the server, the problems the
server found (with the conflict dialog to settle one) and the offline USB bundles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_app import __version__
from agent_app.ui import i18n, labels, messages, widgets
from agent_app.ui.backend import SyncOverview, value
from agent_app.ui.context import Context
from agent_app.ui.models import ListModel
from agent_app.ui.ops import Op
from agent_app.ui.pages.sync import bundle_paths, problems
from agent_app.ui.pages.sync.bundles import BundleActions
from agent_app.ui.pages.sync.conflict_dialog import ConflictDialog
from agent_app.ui.pages.sync.controller import controller
from agent_app.ui.pages.sync.new_password import NewPasswordBox

_NOT_CONNECTED = ("sync_not_connected", "sync_auth")


class SyncPage(QWidget, BundleActions):
    """The page; its offline bundles' actions are `BundleActions`'."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.controller = controller(ctx)
        self.dialog: ConflictDialog | None = None
        #: Asks where to write / what to read (tests replace these).
        self.ask_export_path: Callable[[], str] = lambda: bundle_paths.ask_export_path(self)
        self.ask_bundle_path: Callable[[], str] = lambda: bundle_paths.ask_bundle_path(self)
        form = self._status_form()
        self._buttons()
        resolve_row = self._problems_table()
        self._lay_out(form, resolve_row)
        ctx.sync_changed.connect(self.refresh)
        self.controller.started.connect(self._started)
        self.controller.progress.connect(self._progress)
        self.controller.finished.connect(self._done)
        self.controller.failed.connect(self._failed)
        if self.controller.running:
            self._started(False)

    def _status_form(self) -> QFormLayout:
        self.server = QLabel()
        self.state = QLabel()
        self.pending = QLabel()
        self.last = QLabel()
        form = QFormLayout()
        form.addRow(self.tr("Server"), self.server)
        form.addRow(self.tr("Connection"), self.state)
        form.addRow(self.tr("Changes waiting to be sent"), self.pending)
        form.addRow(self.tr("Last successful sync"), self.last)
        return form

    def _buttons(self) -> None:
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.setDefault(True)
        self.sync_button.clicked.connect(lambda: self.sync_now())
        self.export_button = QPushButton(self.tr("Export for USB…"))
        self.export_button.setToolTip(
            self.tr("Write the changes waiting to be sent to a file, to take to the branch")
        )
        self.export_button.clicked.connect(self.export_bundle)
        self.upload_button = QPushButton(self.tr("Send a bundle file…"))
        self.upload_button.setToolTip(
            self.tr("Send a file exported on a laptop without internet to the server")
        )
        self.upload_button.clicked.connect(self.upload_bundle)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setVisible(False)
        self.result = widgets.hint()
        #: Too old for the server, or a newer app exists (SYNC_PROTOCOL.md 1.1).
        self.app_notice = widgets.hint()
        self.app_notice.setWordWrap(True)
        self.app_notice.setVisible(False)
        #: The laptop's clock, when it is more than five minutes off the server's.
        self.clock_warning = QLabel()
        self.clock_warning.setObjectName("warning")
        self.clock_warning.setWordWrap(True)
        self.clock_warning.setVisible(False)
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
        self.new_password = NewPasswordBox(self.ctx, self.sync_now)

    def _problems_table(self) -> QHBoxLayout:
        lang = i18n.current_language
        self.problems = ListModel(
            [
                self.tr("Record"),
                self.tr("Sync state"),
                self.tr("Problem"),
                self.tr("What to do"),
            ],
            [
                lambda p: problems.record_name(p),
                lambda p: problems.state_name(str(value(p, "status", ""))),
                lambda p: problems.text(value(p, "problem"), lang()) or str(value(p, "code", "")),
                lambda p: problems.text(value(p, "advice"), lang()),
            ],
            self,
            tooltip=problems.problem_details,
        )
        self.problems_table = QTableView()
        self.problems_table.setModel(self.problems)
        self.problems_table.verticalHeader().setVisible(False)
        self.problems_table.horizontalHeader().setStretchLastSection(True)
        self.problems_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.problems_table.setWordWrap(True)
        self.problems_table.setColumnWidth(0, 200)
        self.problems_table.setColumnWidth(1, 150)
        self.problems_table.setColumnWidth(2, 380)
        self.problems_table.activated.connect(lambda _i: self.compare())
        self.problems_table.doubleClicked.connect(lambda _i: self.compare())
        self.compare_button = QPushButton(self.tr("Compare and choose…"))
        self.compare_button.setToolTip(
            self.tr("Show this laptop's data beside the server's and choose which to keep")
        )
        self.compare_button.clicked.connect(self.compare)
        resolve_row = QHBoxLayout()
        resolve_row.addStretch(1)
        resolve_row.addWidget(self.compare_button)
        self.problems_table.selectionModel().selectionChanged.connect(self._selection)
        self._selection()
        return resolve_row

    def _lay_out(self, form: QFormLayout, resolve_row: QHBoxLayout) -> None:
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
        layout.addWidget(self.clock_warning)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.upload_button)
        layout.addLayout(buttons)
        layout.addWidget(self.connect_box)
        layout.addWidget(self.new_password)
        layout.addWidget(self.result)
        layout.addWidget(self.app_notice)
        self.problems_title = widgets.heading(self.tr("Refused or in conflict"), 2)
        layout.addWidget(self.problems_title)
        layout.addWidget(self.problems_table, 1)
        layout.addLayout(resolve_row)

    def activate(self) -> None:
        self.refresh()
        self.sync_button.setFocus()

    def refresh(self) -> None:
        Op(self, self.ctx.backend.sync_status).success(self.show_status).run()

    def show_status(self, status: SyncOverview) -> None:
        self.server.setText(status.server_url or self.tr("No server set (see Settings)"))
        self.state.setText(self.tr("Online") if status.online else self.tr("Offline"))
        self.pending.setText(i18n.number(status.pending_ops))
        self.last.setText(
            i18n.date_time(status.last_success) if status.last_success else self.tr("Never")
        )
        asking = not (self.connect_box.isHidden() and self.new_password.isHidden())
        if status.server_url and not status.connected and not asking:
            self.connect_box.setVisible(True)
            self.result.setText(
                self.tr("This laptop is not logged in to the server yet: type your password.")
            )
        self._show_app_notice(status)
        _short, advice = labels.clock_skew(status.clock_offset)
        self.clock_warning.setText(advice)
        self.clock_warning.setVisible(bool(advice))
        self.problems.set_records(list(status.problems))
        self.problems_title.setText(
            self.tr("Refused or in conflict ({n})").format(n=i18n.number(len(status.problems)))
        )
        self.problems_table.resizeRowsToContents()
        self._selection()

    def _show_app_notice(self, status: SyncOverview) -> None:
        if status.app_too_old:
            notice = self.tr(
                "This version of Perisai Agent ({version}) is too old for the server: sync is "
                "refused until the app is updated. Ask your branch office for the update."
            ).format(version=__version__)
        elif status.update_available:
            notice = self.tr(
                "A newer version of Perisai Agent is available ({latest}; this one is "
                "{version}). Ask your branch office for the update."
            ).format(latest=status.update_available, version=__version__)
        else:
            notice = ""
        self.app_notice.setText(notice)
        self.app_notice.setVisible(bool(notice))

    def _selected_problem(self) -> Any:
        rows = self.problems_table.selectionModel().selectedRows()
        return self.problems.record(rows[0].row()) if rows else None

    def _selection(self, *_args: Any) -> None:
        problem = self._selected_problem()
        self.compare_button.setEnabled(
            bool(problem is not None and value(problem, "resolvable", False))
        )

    # -- syncing ---------------------------------------------------------------------------

    def sync_now(self, password: str | None = None) -> None:
        self.controller.run(password, interactive=True)

    def connect_and_sync(self) -> None:
        password = self.password.text()
        self.password.clear()
        if password:
            self.new_password.remember(password)
            self.sync_now(password)

    def _started(self, interactive: bool) -> None:
        self.sync_button.setEnabled(False)
        self.connect_button.setEnabled(False)
        self.progress.setRange(0, 0)  # busy until the first figures
        self.progress.setVisible(True)
        self.result.setText(self.tr("Syncing…"))

    def _progress(self, phase: str, done: int, total: int) -> None:
        names = {
            "config": self.tr("Asking the server"),
            "photos": self.tr("Sending photos"),
            "push": self.tr("Sending"),
            "pull": self.tr("Receiving"),
        }
        name = names.get(phase, phase)
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.progress.setFormat(
                self.tr("{phase}: {done} of {total}").format(
                    phase=name, done=i18n.number(done), total=i18n.number(total)
                )
            )
        else:
            self.progress.setRange(0, 0)
            self.progress.setFormat(name)
        self.result.setText(
            self.tr("Syncing… {phase}: {done}").format(phase=name, done=i18n.number(done))
        )

    def _finish(self) -> None:
        self.sync_button.setEnabled(True)
        self.connect_button.setEnabled(True)
        self.progress.setVisible(False)

    def _done(self, outcome: Any, _interactive: bool) -> None:
        self._finish()
        self.new_password.forget()
        self.connect_box.setVisible(False)
        finished = self.tr("Sync finished: {sent} sent, {received} received.").format(
            sent=i18n.number(value(outcome, "pushed", 0) or 0),
            received=i18n.number(value(outcome, "pulled", 0) or 0),
        )
        lang = i18n.current_language()
        notices = [t.in_language(lang) for t in value(outcome, "notices", None) or []]
        self.result.setText(" ".join([finished, *notices]))

    def _failed(self, exc: BaseException, interactive: bool) -> None:
        self._finish()
        if self.new_password.offer(exc, self.result):
            self.connect_box.setVisible(False)
            return
        if getattr(exc, "code", "") in _NOT_CONNECTED:
            self.connect_box.setVisible(True)
            self.result.setText(
                self.tr("This laptop is not logged in to the server yet: type your password.")
            )
            if interactive:
                self.password.setFocus()
            return
        if getattr(exc, "error_code", "") == "app_too_old" and hasattr(exc, "message"):
            self.result.setText(exc.message(i18n.current_language()))
            self.refresh()  # the notice and the status bar say it too
        else:
            self.result.setText(self.tr("Sync failed."))
        if interactive:
            messages.show_error(self, exc)

    # -- conflicts -------------------------------------------------------------------------

    def compare(self) -> None:
        """Opens the conflict dialog for the selected problem (when a choice can settle it)."""
        problem = self._selected_problem()
        if problem is None or not value(problem, "resolvable", False):
            return
        self.dialog = ConflictDialog(problem, problems.record_name(problem), self)
        self.dialog.chosen.connect(lambda choice: self.resolve(choice, problem))
        self.dialog.open()

    def resolve(self, choice: str, problem: Any = None) -> None:
        problem = problem if problem is not None else self._selected_problem()
        if problem is None:
            return
        op_id = str(value(problem, "op_id"))
        backend = self.ctx.backend
        Op(self, lambda: backend.resolve_conflict(op_id, choice)).success(
            lambda _r: self._resolved(choice)
        ).run()

    def _resolved(self, choice: str) -> None:
        self.result.setText(
            self.tr("Your data is kept; it will be sent at the next sync.")
            if choice == "mine"
            else self.tr("The server's data is now on this laptop.")
        )
        self.ctx.sync_changed.emit()
        self.ctx.businesses_changed.emit()
        self.ctx.enrollments_changed.emit()
