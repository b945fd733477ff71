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
import hashlib
import importlib
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QClipboard, QCursor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from agent_app import APP_NAME
from agent_app.ui import backend as backend_mod
from agent_app.ui import i18n, labels, login, ops, widgets
from agent_app.ui.context import Context, Shell
from agent_app.ui.ops import Op

log = logging.getLogger("ui")

WARM_UP_DELAY_MS = 300
#: The window's size the first time (clamped to a smaller screen).
DEFAULT_SIZE = QSize(1280, 800)


class IdleWatcher(QObject):
    """Calls `on_idle` after `minutes` without a key press or mouse action in the app."""

    _ACTIVITY = (
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
    )

    def __init__(self, on_idle: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(on_idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        if minutes and minutes > 0:
            self.timer.setInterval(int(minutes * 60_000))
            self.timer.start()
        else:
            self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self._ACTIVITY and self.timer.interval() > 0 and self.timer.isActive():
            self.timer.start()
        return False

    def detach(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class ClipboardGuard(QObject):
    """Remembers (as a hash, never the text) what was copied while this app had the focus, and
    empties the clipboard at a lock if it still holds that: the next person at the laptop
    cannot paste the last person's data, and what another program put there is left alone."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ours: dict[QClipboard.Mode, str] = {}
        clipboard = QGuiApplication.clipboard()
        clipboard.changed.connect(self._changed)

    @staticmethod
    def _digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    @staticmethod
    def _owns(clipboard: QClipboard, mode: QClipboard.Mode) -> bool:
        if mode == QClipboard.Mode.Selection:
            return bool(clipboard.ownsSelection())
        return bool(clipboard.ownsClipboard())

    def _changed(self, mode: QClipboard.Mode) -> None:
        clipboard = QGuiApplication.clipboard()
        if QGuiApplication.focusWindow() is not None or self._owns(clipboard, mode):
            self._ours[mode] = self._digest(clipboard.text(mode))

    def clear(self) -> None:
        clipboard = QGuiApplication.clipboard()
        modes = [QClipboard.Mode.Clipboard]
        if clipboard.supportsSelection():
            modes.append(QClipboard.Mode.Selection)
        for mode in modes:
            ours = self._ours.pop(mode, None)
            if self._owns(clipboard, mode) or (
                ours is not None and ours == self._digest(clipboard.text(mode))
            ):
                clipboard.clear(mode)
                self._ours.pop(mode, None)


@dataclass
class Parked:
    """What a person left unfinished, given back at their next login (memory only)."""

    dialogs: list[tuple[str, Any, list[Any]]] = field(default_factory=list)
    # The enrollment form, saved as a draft: its id; reopened in the form.
    enrollment_id: str | None = None
    # The enrollment form as typed, when saving it as a draft failed.
    enrollment_form: list[Any] | None = None

    def __bool__(self) -> bool:
        return bool(self.dialogs or self.enrollment_id or self.enrollment_form)


class _Pages(Mapping[str, QWidget]):
    """The workspace's pages, each built the first time it is needed (a faster login)."""

    def __init__(self, workspace: Workspace, factories: dict[str, Callable[[], QWidget]]):
        self._workspace = workspace
        self._factories = factories
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, key: str) -> QWidget:
        if key not in self._built:
            page = self._factories[key]()
            self._built[key] = page
            self._workspace._install(key, page)
        return self._built[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._factories)

    def __len__(self) -> int:
        return len(self._factories)

    def built(self, key: str) -> bool:
        return key in self._built


class Workspace(QWidget):
    """Navigation on the left, the current page on the right."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(200)
        self.stack = QStackedWidget()
        entries: list[tuple[str, str, str]] = [
            ("dashboard", self.tr("Dashboard"), "DashboardPage"),
            ("businesses", self.tr("Businesses (UMKM)"), "BusinessesPage"),
            ("enrollments", self.tr("Enrollments"), "EnrollmentsPage"),
            ("followups", self.tr("Follow-ups"), "FollowUpsPage"),
            ("reports", self.tr("Reports"), "ReportsPage"),
            ("sync", self.tr("Sync"), "SyncPage"),
            ("settings", self.tr("Settings"), "SettingsPage"),
        ]
        factories: dict[str, Callable[[], QWidget]] = {}
        self._slots: dict[str, QWidget] = {}
        for number, (key, title, class_name) in enumerate(entries, start=1):
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(self.tr("Ctrl+{n}").format(n=number))
            self.nav.addItem(item)
            factories[key] = functools.partial(self._build, key, class_name)
            slot = QWidget()
            self._slots[key] = slot
            self.stack.addWidget(slot)
        self.pages = _Pages(self, factories)
        self.nav.currentRowChanged.connect(self._show_row)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.nav.setCurrentRow(0)

    def _build(self, key: str, class_name: str) -> QWidget:
        module = importlib.import_module(f"agent_app.ui.pages.{key}")
        page: QWidget = getattr(module, class_name)(self.ctx)
        if key == "followups":
            page.open_business.connect(self.open_business)  # type: ignore[attr-defined]
        if key == "businesses":
            page.detail_page.enroll.connect(self.enroll_worker)  # type: ignore[attr-defined]
        return page

    def _install(self, key: str, page: QWidget) -> None:
        slot = self._slots.pop(key)
        index = self.stack.indexOf(slot)
        current = self.stack.currentIndex() == index
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(slot)
        slot.deleteLater()
        if current:
            self.stack.setCurrentWidget(page)

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        key = list(self.pages)[row]
        page = self.pages[key]
        self.stack.setCurrentWidget(page)
        activate = getattr(page, "activate", None)
        if callable(activate):
            activate()

    def open_business(self, business_id: str) -> None:
        page = self.show_page("businesses")
        page.open_business(business_id)  # type: ignore[attr-defined]

    def enroll_worker(self, business: Any) -> None:
        page = self.show_page("enrollments")
        page.start_for_business(business)  # type: ignore[attr-defined]

    def show_page(self, key: str) -> QWidget:
        row = list(self.pages).index(key)
        if self.nav.currentRow() == row:
            self._show_row(row)
        else:
            self.nav.setCurrentRow(row)
        return self.pages[key]


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
        self._place()
        self.root = QStackedWidget()
        self.setCentralWidget(self.root)
        self.first_run = login.FirstRunPage(shell)
        self.login = login.LoginPage(shell)
        self.root.addWidget(self.first_run)
        self.root.addWidget(self.login)
        self.first_run.created.connect(self._logged_in)
        self.login.unlocked.connect(self._logged_in)
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
        self.page_actions: list[QAction] = []
        for number in range(1, 8):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, n=number: self._go(n - 1))
            self.addAction(action)
            self.page_actions.append(action)
        bar = self.statusBar()
        self.user_label = login.status_label()
        self.event_label = login.status_label()
        self.online_label = login.status_label()
        self.pending_label = login.status_label()
        #: The app's version against the server's: too old to sync, or an update exists.
        self.app_label = login.status_label()
        self.app_label.setVisible(False)
        self.clock_label = login.status_label()
        self.clock_label.setObjectName("statusWarning")
        self.clock_label.setVisible(False)
        for label in (
            self.clock_label,
            self.user_label,
            self.event_label,
            self.online_label,
            self.pending_label,
            self.app_label,
        ):
            bar.addPermanentWidget(label)
        self.idle = IdleWatcher(self._idle, self)
        self.clipboard_guard = ClipboardGuard(self)
        self.parked: dict[str, Parked] = {}
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

    def _place(self) -> None:
        """Opens where this laptop last closed the window when that fits a screen now;
        otherwise at the default size, clamped to the screen it starts on and centred there
        (a remembered second monitor may be gone; a 768-pixel screen is shorter than 800)."""
        settings = self.shell.settings
        saved = getattr(settings, "window_geometry", None)
        remembered = QRect(*saved) if isinstance(saved, list) and len(saved) == 4 else None
        screen = QGuiApplication.screenAt(QCursor.pos()) or self.screen()
        screen = screen or QGuiApplication.primaryScreen()
        screens = [each.availableGeometry() for each in QGuiApplication.screens()]
        placed = widgets.window_placement(
            remembered, screens, screen.availableGeometry(), DEFAULT_SIZE
        )
        self.setGeometry(placed)
        if getattr(settings, "window_maximized", False):
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def _remember_place(self) -> None:
        settings = self.shell.settings
        maximized = self.isMaximized()
        rect = self.normalGeometry() if maximized else self.geometry()
        if not rect.isValid():
            return
        settings.window_geometry = [rect.x(), rect.y(), rect.width(), rect.height()]
        settings.window_maximized = maximized
        try:
            settings.save()
        except OSError as exc:
            log.info("window place not saved: %s", type(exc).__name__)

    def _first_screen(self, has_accounts: bool) -> None:
        if not has_accounts and self.workspace is None:
            self.root.setCurrentWidget(self.first_run)
            self.first_run.agent_code.setFocus()

    def _warm_up(self) -> None:
        """While the person types their password, the database thread imports what the
        login will need (SQLAlchemy, SQLCipher, the services, numpy for the chart)."""
        with_sync = bool(getattr(self.shell.settings, "server_url", "") or "")
        Op(self, lambda: _import_heavy_modules(with_sync)).failure(
            lambda exc: log.info("warm-up skipped: %s", type(exc).__name__)
        ).run()

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
        from agent_app.ui.pages import sync

        self.auto_sync = sync.AutoSync(self.ctx, self)
        self.auto_sync.start()
        self._give_back(account.agent_code)

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

    def _parked_for(self, agent_code: str) -> Parked:
        return self.parked.setdefault(agent_code, Parked())

    def _park_dialogs(self) -> None:
        """Closes every dialog; the open business or visit form is kept for its person."""
        if self.ctx is None or self.workspace is None:
            return
        if self.workspace.pages.built("businesses"):
            page = self.workspace.pages["businesses"]
            kept = page.park_dialog()  # type: ignore[attr-defined]
            if kept is not None:
                self._parked_for(self.ctx.account.agent_code).dialogs.append(kept)
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
            self._park_enrollment_form(ctx, workspace.pages["enrollments"].form)  # type: ignore[attr-defined]
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

    def _park_enrollment_form(self, ctx: Context, form: Any) -> None:
        if not form.touched():
            return
        parked = self._parked_for(ctx.account.agent_code)
        state = widgets.form_state(form)
        fields = form.fields(for_submit=False)
        enrollment_id = form.enrollment_id
        backend = ctx.backend

        def saved(draft: Any) -> None:
            parked.enrollment_id = str(backend_mod.value(draft, "id"))
            # the form is the person's enrollment draft now: no second copy to offer
            Op(None, lambda: backend.discard_form_draft("enrollment")).failure(
                lambda exc: log.info("autosaved form kept: %s", type(exc).__name__)
            ).run()

        def failed(exc: BaseException) -> None:
            log.warning("form not saved as a draft, kept in memory: %s", type(exc).__name__)
            parked.enrollment_form = state

        Op(self, lambda: backend.save_draft(fields, enrollment_id)).success(saved).failure(
            failed
        ).run()
        form.clear()

    def _give_back(self, agent_code: str) -> None:
        """Reopens what this person left unfinished (their draft, their business or visit
        form), once their workspace is in front."""
        parked = self.parked.pop(agent_code, None)
        if not parked or self.workspace is None:
            return
        if parked.enrollment_id or parked.enrollment_form is not None:
            page = self.workspace.show_page("enrollments")
            if parked.enrollment_id:
                page.open_enrollment(parked.enrollment_id)  # type: ignore[attr-defined]
            else:
                page.tabs.setCurrentWidget(page.form)  # type: ignore[attr-defined]
                widgets.restore_form_state(page.form, parked.enrollment_form or [])  # type: ignore[attr-defined]
        for dialog in parked.dialogs:
            page = self.workspace.show_page("businesses")
            page.restore_dialog(dialog)  # type: ignore[attr-defined]

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
        ctx = self.ctx
        Op(self, ctx.backend.sync_status).success(self._show_sync).failure(
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
        self._remember_place()
        self.save_forms()  # nothing typed is lost at a close: offered again at the next login
        wait = getattr(ops.runner(), "wait", None)
        if callable(wait):
            wait(5000)
        self.idle.detach()
        self.status_timer.stop()
        if self.auto_sync is not None:
            self.auto_sync.stop()
        super().closeEvent(event)


def _import_heavy_modules(with_sync: bool) -> None:
    for name in (
        "agent_app.storage.engine",
        "agent_app.storage.uow",
        "agent_app.services.businesses",
        "agent_app.services.enrollments",
        "agent_app.services.visits",
        "agent_app.services.dashboard",
        "agent_app.services.followups",
        "agent_app.services.events",
        "numpy",
        "pyqtgraph",
        *(["agent_app.services.sync"] if with_sync else []),
    ):
        importlib.import_module(name)
