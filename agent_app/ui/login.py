"""First run (create the first local account) and the login / lock screen.

The same `LoginPage` logs someone in at start, unlocks after the idle lock, and lets the next
person at a shared booth laptop log in ("Switch user"). Unlocking derives a key from the
password (argon2id), which takes a moment, so it runs in an Op.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from agent_app import APP_NAME
from agent_app import settings as app_settings
from agent_app.ui import context, i18n, messages, widgets
from agent_app.ui.ops import Op

MIN_PASSWORD = 8


def _centered(inner: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(inner, 0)
    row.addStretch(1)
    return row


def _known_message(exc: BaseException) -> str | None:
    if messages.is_known(exc):
        return str(exc.message(i18n.current_language()))  # type: ignore[attr-defined]
    return None


class FirstRunPage(QWidget):
    """Creates the first account on this laptop (and optionally records the server address)."""

    created = Signal(object)  # keyslots.Unlocked

    def __init__(self, shell: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shell = shell
        box = QWidget()
        box.setObjectName("loginBox")
        box.setMinimumWidth(440)
        form = QFormLayout()
        self.agent_code = QLineEdit()
        self.agent_code.setPlaceholderText(self.tr("e.g. PLG-0123"))
        self.name = QLineEdit()
        self.branch = QLineEdit()
        self.branch.setPlaceholderText(self.tr("e.g. Palembang"))
        self.role = QComboBox()
        self.role.addItem(self.tr("Agent"), "agent")
        self.role.addItem(self.tr("Supervisor"), "supervisor")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_url = QLineEdit()
        self.server_url.setPlaceholderText(self.tr("optional, e.g. https://perisai.example.id"))
        form.addRow(self.tr("Agent code"), self.agent_code)
        form.addRow(self.tr("Full name"), self.name)
        form.addRow(self.tr("Branch office"), self.branch)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Repeat password"), self.repeat)
        form.addRow(self.tr("Server address"), self.server_url)
        self.error = widgets.hint()
        self.error.setObjectName("error")
        self.create_button = QPushButton(self.tr("Create account"))
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.submit)
        for edit in (
            self.agent_code,
            self.name,
            self.branch,
            self.password,
            self.repeat,
            self.server_url,
        ):
            edit.returnPressed.connect(self.submit)
        inner = QVBoxLayout(box)
        inner.addWidget(widgets.heading(self.tr("Welcome to {app}").format(app=APP_NAME)))
        inner.addWidget(
            widgets.hint(
                self.tr(
                    "This laptop has no account yet. Create the first one: it protects the "
                    "data saved here. Keep the password safe; it cannot be recovered."
                )
            )
        )
        inner.addLayout(form)
        inner.addWidget(self.error)
        inner.addWidget(self.create_button)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(_centered(box))
        outer.addStretch(2)
        self.setTabOrder(self.agent_code, self.name)

    def problem(self) -> str | None:
        if not all(e.text().strip() for e in (self.agent_code, self.name, self.branch)):
            return self.tr("Fill in the agent code, name and branch office.")
        if len(self.password.text()) < MIN_PASSWORD:
            return self.tr("The password needs at least {n} characters.").format(n=MIN_PASSWORD)
        if self.password.text() != self.repeat.text():
            return self.tr("The two passwords are not the same.")
        bad_server = app_settings.server_url_problem(self.server_url.text())
        if bad_server is not None:
            return bad_server.in_language(i18n.current_language())
        return None

    def submit(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return
        self.error.setText("")
        self.create_button.setEnabled(False)
        url = self.server_url.text().strip()
        if url:
            self.shell.settings.server_url = url
            context.save_settings(self.shell.settings)
        store = self.shell.keystore
        args = (
            self.agent_code.text().strip(),
            self.name.text().strip(),
            self.branch.text().strip(),
            self.role.currentData(),
            self.password.text(),
        )
        Op(self, lambda: store.create_first_account(*args)).success(self._done).failure(
            self._failed
        ).run()

    def _done(self, unlocked: Any) -> None:
        self.create_button.setEnabled(True)
        self.password.clear()
        self.repeat.clear()
        self.created.emit(unlocked)

    def _failed(self, exc: BaseException) -> None:
        self.create_button.setEnabled(True)
        text = _known_message(exc)
        if text is None:
            messages.show_error(self, exc)
        else:
            self.error.setText(text)


class LoginPage(QWidget):
    """Log in, unlock, or switch user: pick the account, type the password, press Enter."""

    unlocked = Signal(object)  # keyslots.Unlocked

    def __init__(self, shell: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shell = shell
        box = QWidget()
        box.setObjectName("loginBox")
        box.setMinimumWidth(400)
        self.title = widgets.heading(APP_NAME)
        self.subtitle = widgets.hint(self.tr("Log in to continue."))
        self.account = QComboBox()
        self.account.setEditable(False)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Password"))
        self.password.returnPressed.connect(self.submit)
        self.error = widgets.hint()
        self.error.setObjectName("error")
        self.login_button = QPushButton(self.tr("Log in"))
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.submit)
        form = QFormLayout()
        form.addRow(self.tr("Account"), self.account)
        form.addRow(self.tr("Password"), self.password)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addWidget(self.subtitle)
        inner.addLayout(form)
        inner.addWidget(self.error)
        inner.addWidget(self.login_button)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(_centered(box))
        outer.addStretch(2)
        self.setTabOrder(self.account, self.password)
        self.setTabOrder(self.password, self.login_button)

    def prepare(self, mode: str, current: str | None = None) -> None:
        """mode: 'login', 'locked' (same person resumes) or 'switch' (next person)."""
        self.subtitle.setText(
            {
                "login": self.tr("Log in to continue."),
                "locked": self.tr("The window is locked. Type your password to continue."),
                "switch": self.tr(
                    "Switch user: the next person picks their account and types their password."
                ),
            }[mode]
        )
        self.password.clear()
        store = self.shell.keystore
        Op(self, store.accounts).success(lambda accounts: self.fill(accounts, mode, current)).run()
        self.error.setText("")
        self.login_button.setEnabled(True)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def fill(self, accounts: list[Any], mode: str = "login", current: str | None = None) -> None:
        """The accounts of this laptop (read from the key file off the UI thread)."""
        self.account.clear()
        for account in accounts:
            code = account.agent_code
            self.account.addItem(f"{account.name} ({code})", code)
        if current is not None and mode == "locked":
            self.account.setCurrentIndex(max(self.account.findData(current), 0))

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.password.clear()
            self.error.setText("")
            return
        super().keyPressEvent(event)

    def submit(self) -> None:
        code = self.account.currentData()
        password = self.password.text()
        if not code or not password:
            self.error.setText(self.tr("Pick your account and type your password."))
            return
        self.login_button.setEnabled(False)
        store = self.shell.keystore
        Op(self, lambda: store.unlock(code, password)).success(self._done).failure(
            self._failed
        ).run()

    def _done(self, unlocked: Any) -> None:
        self.login_button.setEnabled(True)
        self.password.clear()
        self.unlocked.emit(unlocked)

    def _failed(self, exc: BaseException) -> None:
        self.login_button.setEnabled(True)
        self.password.clear()
        text = _known_message(exc)
        if text is None:
            messages.show_error(self, exc)
        else:
            self.error.setText(text)


def status_label() -> QLabel:
    label = QLabel()
    label.setObjectName("status")
    return label


def status_labels(bar: QStatusBar) -> tuple[QLabel, ...]:
    """The window's status bar, left to right: the clock warning (hidden until the clock is
    off), the user, the event, online, pending, the app version notice (hidden until one)."""
    labels = tuple(status_label() for _ in range(6))
    labels[0].setObjectName("statusWarning")
    for hidden in (labels[0], labels[5]):
        hidden.setVisible(False)
    for label in labels:
        bar.addPermanentWidget(label)
    return labels
