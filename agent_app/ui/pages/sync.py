"""Sinkronisasi: the changes waiting to be sent, the last successful sync, "Sync now" with a
progress bar, logging in to the server (the agent's password, once per laptop), every record
the server refused or found in conflict with the server's message and what to do, and a
conflict dialog (this laptop's values beside the server's, field by field) to settle one
(keep mine / take the server's). Offline bundles: "Export for USB" writes the waiting changes
to a file; "Send a bundle file" uploads one from a laptop that had no internet.

Network work runs on the network pool, never on the database thread nor the UI thread.
`SyncController` (one per window, `controller(ctx)`) runs one cycle at a time and forwards the
engine's `progress(phase, done, total)` to the UI thread by a signal. `AutoSync` starts a quiet
cycle when the laptop comes online (`QNetworkInformation`, when a backend is available), soon
after each submit, and periodically: every `sync_interval_seconds` after a success, and after
failures with a capped exponential backoff (30 s doubling to 15 min, reset on success).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent_app import __version__
from agent_app.ui import folders, i18n, labels, messages, widgets
from agent_app.ui.backend import SyncOverview, value
from agent_app.ui.context import Context
from agent_app.ui.models import ListModel
from agent_app.ui.ops import NETWORK, Op

_NOT_CONNECTED = ("sync_not_connected", "sync_auth")
FIRST_SYNC_DELAY_MS = 10_000
#: After a failed cycle: 30 s, 1 min, 2 min... at most 15 min; a success resets it.
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 15 * 60
#: A submit is sent this soon (a few submits in a row make one cycle).
AFTER_SUBMIT_MS = 2_000
_HIGHLIGHT = QColor("#fff3c4")
#: Fields the conflict dialog does not compare (bookkeeping, not the person's data).
_HIDDEN_FIELDS = frozenset({"id", "version", "created_at", "updated_at", "agent_code"})


class SyncController(QObject):
    """Runs one sync cycle at a time on the network pool, for the page and `AutoSync` alike."""

    started = Signal(bool)  # interactive
    progress = Signal(str, int, int)  # phase, done, total (-1: not known)
    finished = Signal(object, bool)  # outcome (SyncReport), interactive
    failed = Signal(object, bool)  # the exception, interactive

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.running = False

    def run(self, password: str | None = None, interactive: bool = True) -> bool:
        """Starts a cycle; False when one is already running."""
        if self.running:
            return False
        self.running = True
        self.started.emit(interactive)
        backend = self.ctx.backend
        emit = self.progress.emit  # from the network thread: queued to the UI thread

        def report(phase: str, done: int, total: int | None) -> None:
            emit(str(phase), int(done or 0), -1 if total is None else int(total))

        def work() -> Any:
            return backend.sync_now(password, progress=report)

        Op(self, work, kind=NETWORK).success(lambda r: self._done(r, interactive)).failure(
            lambda exc: self._failed(exc, interactive)
        ).run()
        return True

    def _done(self, outcome: Any, interactive: bool) -> None:
        self.running = False
        self.finished.emit(outcome, interactive)
        self.ctx.sync_changed.emit()
        self.ctx.enrollments_changed.emit()  # review decisions: "Perlu perbaikan"
        self.ctx.businesses_changed.emit()

    def _failed(self, exc: BaseException, interactive: bool) -> None:
        self.running = False
        self.failed.emit(exc, interactive)
        self.ctx.sync_changed.emit()


def controller(ctx: Context) -> SyncController:
    """The window's one sync controller (made on first use)."""
    found = getattr(ctx, "sync_controller", None)
    if found is None:
        found = SyncController(ctx)
        ctx.sync_controller = found  # type: ignore[attr-defined]
    return found


class SyncPage(QWidget):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.controller = controller(ctx)
        self.dialog: ConflictDialog | None = None
        #: Asks where to write / what to read (tests replace these).
        self.ask_export_path: Callable[[], str] = self._ask_export_path
        self.ask_bundle_path: Callable[[], str] = self._ask_bundle_path
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

        lang = i18n.current_language
        self.problems = ListModel(
            [
                self.tr("Record"),
                self.tr("Sync state"),
                self.tr("Problem"),
                self.tr("What to do"),
            ],
            [
                lambda p: self._record_name(p),
                lambda p: self._state_name(str(value(p, "status", ""))),
                lambda p: _text(value(p, "problem"), lang()) or str(value(p, "code", "")),
                lambda p: _text(value(p, "advice"), lang()),
            ],
            self,
            tooltip=self._problem_details,
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
        layout.addWidget(self.result)
        layout.addWidget(self.app_notice)
        self.problems_title = widgets.heading(self.tr("Refused or in conflict"), 2)
        layout.addWidget(self.problems_title)
        layout.addWidget(self.problems_table, 1)
        layout.addLayout(resolve_row)
        ctx.sync_changed.connect(self.refresh)
        self.controller.started.connect(self._started)
        self.controller.progress.connect(self._progress)
        self.controller.finished.connect(self._done)
        self.controller.failed.connect(self._failed)
        if self.controller.running:
            self._started(False)

    def _entity_name(self, entity: str) -> str:
        return {
            "business": self.tr("Business"),
            "visit": self.tr("Visit"),
            "enrollment": self.tr("Enrollment"),
        }.get(entity, entity)

    def _record_name(self, problem: Any) -> str:
        kind = self._entity_name(str(value(problem, "entity", "")))
        mine = value(problem, "mine") or {}
        current = value(problem, "current") or {}
        name = ""
        for key in ("name", "full_name"):
            name = str(mine.get(key) or current.get(key) or "")
            if name:
                break
        return f"{kind}: {name}" if name else kind

    def _problem_details(self, problem: Any) -> str:
        """The tooltip of a problem row: both texts, and the server's own words for support."""
        lang = i18n.current_language()
        lines = [_text(value(problem, "problem"), lang), _text(value(problem, "advice"), lang)]
        original = str(value(problem, "server_message", "") or "")
        if original:
            lines.append(
                self.tr("Server's message: {message} (code {code})").format(
                    message=original, code=value(problem, "code", "")
                )
            )
        return "\n".join(line for line in lines if line)

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

    def show_status(self, status: SyncOverview) -> None:
        self.server.setText(status.server_url or self.tr("No server set (see Settings)"))
        self.state.setText(self.tr("Online") if status.online else self.tr("Offline"))
        self.pending.setText(i18n.number(status.pending_ops))
        self.last.setText(
            i18n.date_time(status.last_success) if status.last_success else self.tr("Never")
        )
        if status.server_url and not status.connected and self.connect_box.isHidden():
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
        self.connect_box.setVisible(False)
        self.result.setText(
            self.tr("Sync finished: {sent} sent, {received} received.").format(
                sent=i18n.number(value(outcome, "pushed", 0) or 0),
                received=i18n.number(value(outcome, "pulled", 0) or 0),
            )
        )

    def _failed(self, exc: BaseException, interactive: bool) -> None:
        self._finish()
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
        self.dialog = ConflictDialog(problem, self._record_name(problem), self)
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

    # -- offline bundles -------------------------------------------------------------------

    def _ask_export_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export for USB"),
            folders.proposed("perisai-bundle.bundle"),
            self.tr("Perisai bundle (*.bundle)"),
        )
        return path

    def _ask_bundle_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Send a bundle file"),
            str(folders.documents_dir()),
            self.tr("Perisai bundle (*.bundle)"),
        )
        return path

    def export_bundle(self) -> None:
        path = self.ask_export_path()
        if not path:
            return
        backend = self.ctx.backend
        self.export_button.setEnabled(False)
        Op(self, lambda: backend.export_bundle(path)).success(self._exported).failure(
            self._export_failed
        ).run()

    def _exported(self, result: Any) -> None:
        self.export_button.setEnabled(True)
        paths = [str(p) for p in (value(result, "paths") or [])]
        self.result.setText(
            self.tr(
                "{n} changes written to {files}. Take the file to the branch; the changes "
                "stay waiting here until the server answers."
            ).format(n=i18n.number(value(result, "ops", 0) or 0), files=", ".join(paths))
        )

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.result.setText(self.tr("Export failed."))
        messages.show_error(self, exc)

    def upload_bundle(self) -> None:
        path = self.ask_bundle_path()
        if not path:
            return
        backend = self.ctx.backend
        self.upload_button.setEnabled(False)
        Op(self, lambda: backend.upload_bundle(path), kind=NETWORK).success(self._uploaded).failure(
            self._upload_failed
        ).run()

    def _uploaded(self, results: Any) -> None:
        self.upload_button.setEnabled(True)
        results = list(results or [])
        taken = sum(1 for r in results if str(value(r, "status", "")) in ("applied", "duplicate"))
        self.result.setText(
            self.tr("Bundle sent: the server took {taken} of {n} changes.").format(
                taken=i18n.number(taken), n=i18n.number(len(results))
            )
        )

    def _upload_failed(self, exc: BaseException) -> None:
        self.upload_button.setEnabled(True)
        self.result.setText(self.tr("The bundle could not be sent."))
        messages.show_error(self, exc)


class ConflictDialog(widgets.FittingDialog):
    """This laptop's values beside the server's, field by field; changed fields highlighted."""

    chosen = Signal(str)  # "mine" or "server"

    def __init__(self, problem: Any, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Conflict: {record}").format(record=title))
        self.problem = problem
        mine = dict(value(problem, "mine") or {})
        server = dict(value(problem, "current") or {})
        names = [n for n in {**mine, **server} if n not in _HIDDEN_FIELDS]
        self.changed = [
            n
            for n in names
            if n in mine and n in server and _shown(n, mine[n]) != _shown(n, server[n])
        ]
        names = self.changed + [n for n in names if n not in self.changed]  # what differs first
        self.table = QTableWidget(len(names), 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Field"), self.tr("On this laptop"), self.tr("On the server")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        bold = QFont()
        bold.setBold(True)
        for row, name in enumerate(names):
            differs = name in self.changed
            cells = [
                self._field_label(name),
                _shown(name, mine.get(name)) if name in mine else "—",
                _shown(name, server.get(name)),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if differs:
                    item.setBackground(QBrush(_HIGHLIGHT))
                    item.setFont(bold)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        lang = i18n.current_language()
        said = _text(value(problem, "problem"), lang)
        advice = _text(value(problem, "advice"), lang)
        self.explain = widgets.hint(f"{said} {advice}".strip())
        self.explain.setWordWrap(True)
        self.keep_mine = QPushButton(self.tr("Keep my data"))
        self.take_server = QPushButton(self.tr("Take the server's data"))
        self.cancel = QPushButton(self.tr("Decide later"))
        self.keep_mine.setEnabled(str(value(problem, "code", "")) != "enrollment_accepted")
        self.keep_mine.clicked.connect(lambda: self._choose("mine"))
        self.take_server.clicked.connect(lambda: self._choose("server"))
        self.cancel.clicked.connect(self.reject)
        for button in (self.keep_mine, self.take_server):
            button.setAutoDefault(False)  # Enter decides nothing: the person chooses
        self.cancel.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.keep_mine)
        buttons.addWidget(self.take_server)
        buttons.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(widgets.hint(self.tr("Fields that differ are highlighted.")))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(720, 460)

    def _field_label(self, name: str) -> str:
        return {
            "name": self.tr("Business name"),
            "owner_name": self.tr("Owner"),
            "phone": self.tr("Mobile number"),
            "sector": self.tr("Sector"),
            "size_class": self.tr("Size"),
            "workers_count": self.tr("Number of workers"),
            "address": self.tr("Address"),
            "region_code": self.tr("Region"),
            "nib": self.tr("NIB"),
            "status": self.tr("Status"),
            "full_name": self.tr("Full name"),
            "birth_place": self.tr("Birth place"),
            "gender": self.tr("Gender"),
            "email": self.tr("Email"),
            "period_months": self.tr("Period (months)"),
            "paid_by_state": self.tr("Paid by the state"),
            "monthly_contribution": self.tr("Contribution (monthly)"),
            "consent": self.tr("Consent"),
            "review_reason": self.tr("Review note"),
            "business_id": self.tr("Business"),
            "event_id": self.tr("Event"),
            "channel": self.tr("Channel"),
            "reason": self.tr("Reason"),
            "visited_at": self.tr("Visit date"),
            "nik": self.tr("NIK"),
            "birth_date": self.tr("Birth date"),
            "occupation": self.tr("Occupation"),
            "declared_income": self.tr("Declared income"),
            "programs": self.tr("Programs"),
            "notes": self.tr("Notes"),
            "outcome": self.tr("Outcome"),
            "next_follow_up": self.tr("Next follow-up"),
        }.get(name, name)

    def values(self, row: int) -> tuple[str, str, str]:
        texts = []
        for column in range(3):
            item = self.table.item(row, column)
            texts.append(item.text() if item is not None else "")
        return (texts[0], texts[1], texts[2])

    def _choose(self, choice: str) -> None:
        self.chosen.emit(choice)
        self.accept()


class AutoSync(QObject):
    """Quiet sync cycles: when the laptop comes online, soon after a submit, and periodically
    (every `sync_interval_seconds` after a success; after failures 30 s, 1 min, 2 min... at
    most 15 min). `network` is Qt's `QNetworkInformation` (None: not available here)."""

    def __init__(self, ctx: Context, parent: QObject | None = None, network: Any = "default"):
        super().__init__(parent)
        self.ctx = ctx
        self.controller = controller(ctx)
        self.failures = 0
        seconds = int(getattr(ctx.settings, "sync_interval_seconds", 300) or 300)
        self.interval_ms = max(seconds, 30) * 1000
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.tick)
        self.controller.finished.connect(self._succeeded)
        self.controller.failed.connect(self._failed)
        sync_wanted = getattr(ctx, "sync_wanted", None)
        if sync_wanted is not None:
            sync_wanted.connect(self.soon)
        self.network = _network_information() if network == "default" else network
        if self.network is not None:
            self.network.reachabilityChanged.connect(self.reachability_changed)

    @property
    def running(self) -> bool:
        return self.controller.running

    def start(self) -> None:
        self.timer.start(FIRST_SYNC_DELAY_MS)  # review decisions soon after login

    def stop(self) -> None:
        """No more cycles from this object (the window closes, or a test takes over)."""
        self.timer.stop()
        if self.network is not None:
            with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
                self.network.reachabilityChanged.disconnect(self.reachability_changed)
            self.network = None

    def next_delay_ms(self) -> int:
        if self.failures == 0:
            return self.interval_ms
        seconds = RETRY_BASE_SECONDS * 2 ** min(self.failures - 1, 16)
        return min(seconds, RETRY_MAX_SECONDS) * 1000

    def _schedule(self) -> None:
        self.timer.start(self.next_delay_ms())

    def soon(self) -> None:
        """After a submit: a cycle in a moment (unless a backoff asks to wait longer)."""
        if self.failures == 0:
            self.timer.start(AFTER_SUBMIT_MS)

    def reachability_changed(self, reachability: Any) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        reach = QNetworkInformation.Reachability
        if reachability in (reach.Online, reach.Site):  # the internet, or the office network
            self.failures = 0  # a new network: try at once
            self.tick()

    def tick(self) -> None:
        if not (getattr(self.ctx.settings, "server_url", "") or ""):
            self._schedule()
            return
        if not self.controller.run(interactive=False):
            self._schedule()  # one is running already: its end schedules the next

    def _succeeded(self, _outcome: Any, _interactive: bool) -> None:
        self.failures = 0
        self._schedule()

    def _failed(self, _exc: BaseException, _interactive: bool) -> None:
        self.failures += 1  # offline is normal at a mall: the status bar says so
        self._schedule()


def _network_information() -> Any:
    """Qt's network reachability, or None when no backend loads (e.g. some CI machines)."""
    try:
        from PySide6.QtNetwork import QNetworkInformation

        if QNetworkInformation.instance() is None:
            loaded = (
                QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability)
                or QNetworkInformation.loadDefaultBackend()
            )
            if not loaded:
                return None
        return QNetworkInformation.instance()
    except Exception:  # pragma: no cover - platform without the plugin
        return None


def _shown(name: str, raw: Any) -> str:
    """A field's value as the agent reads it elsewhere in the app."""
    if raw is None or raw == "":
        return "—"
    if isinstance(raw, bool):
        yes = QCoreApplication.translate("ConflictDialog", "Yes")
        return yes if raw else QCoreApplication.translate("ConflictDialog", "No")
    try:
        if name == "phone":
            return i18n.phone(str(raw))
        if name in ("declared_income", "monthly_contribution"):
            return i18n.rupiah(int(raw))
        if name in ("birth_date", "next_follow_up", "enrolled_on"):
            return i18n.date(dt.date.fromisoformat(str(raw)[:10]))
        if name == "gender":
            return labels.of(labels.genders(), raw)
        if name == "occupation":
            return labels.occupation(str(raw))
        if name == "sector":
            return labels.sector(str(raw))
        if name == "status":
            return labels.of({**labels.business_statuses(), **labels.enrollment_statuses()}, raw)
        if name == "size_class":
            return labels.of(labels.size_classes(), raw)
        if name == "outcome":
            return labels.of(labels.outcomes(), raw)
        if name == "channel":
            return labels.of(labels.channels(), raw)
        if name == "programs" and isinstance(raw, (list, tuple)):
            return ", ".join(labels.of(labels.program_names(), p) for p in raw)
    except (TypeError, ValueError):
        pass
    if isinstance(raw, dict):
        return ", ".join(f"{k}: {v}" for k, v in raw.items())
    if isinstance(raw, (list, tuple)):
        return ", ".join(str(x) for x in raw)
    return str(raw)


def _text(advice: Any, lang: str) -> str:
    if advice is None:
        return ""
    in_language = getattr(advice, "in_language", None)
    return str(in_language(lang)) if callable(in_language) else str(advice)
