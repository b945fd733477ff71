"""The first sign-in to the server after a password reset: the branch office gave the agent a
one-time code; the server refuses to log in with it (`password_change_required`) until the
agent chooses their own password. This box asks for it (twice), has the server take it, then
logs in and syncs with it. The code is held in memory only until then."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from agent_app.ui import i18n, messages, widgets
from agent_app.ui.context import Context
from agent_app.ui.ops import NETWORK, Op

MIN_PASSWORD = 8
CHANGE_REQUIRED = "password_change_required"


class NewPasswordBox(QWidget):
    def __init__(
        self, ctx: Context, on_changed: Callable[[str], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.on_changed = on_changed
        self._code = ""
        self.new_password = self._password_field()
        self.repeat = self._password_field()
        self.error = widgets.hint()
        self.error.setObjectName("error")
        self.save_button = QPushButton(self.tr("Save the new password and sync"))
        self.save_button.clicked.connect(self.submit)
        form = QFormLayout()
        form.addRow(self.tr("New password"), self.new_password)
        form.addRow(self.tr("Repeat the new password"), self.repeat)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widgets.heading(self.tr("Choose your new password"), 2))
        layout.addWidget(
            widgets.hint(
                self.tr(
                    "Your branch office reset your password: the code they gave you works only "
                    "once. Choose your own password now (at least {n} characters) and type it "
                    "twice. Keep it to yourself; you will use it from now on."
                ).format(n=MIN_PASSWORD)
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.setVisible(False)

    def _password_field(self) -> QLineEdit:
        field = QLineEdit()
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.returnPressed.connect(self.submit)
        return field

    def remember(self, password: str) -> None:
        """The password typed to log in: kept until the server answers, in case it is a
        one-time code."""
        self._code = password

    def forget(self) -> None:
        self._code = ""

    def offer(self, exc: BaseException, result: QLabel) -> bool:
        """Shows the box when the server refused a one-time code (True), else forgets it."""
        if getattr(exc, "error_code", "") != CHANGE_REQUIRED or not self._code:
            self.forget()
            return False
        self.new_password.clear()
        self.repeat.clear()
        self.error.setText("")
        self.setVisible(True)
        result.setText(self.tr("Choose your new password below."))
        self.new_password.setFocus()
        return True

    def problem(self) -> str | None:
        new = self.new_password.text()
        if len(new) < MIN_PASSWORD:
            return self.tr("The password needs at least {n} characters.").format(n=MIN_PASSWORD)
        if new != self.repeat.text():
            return self.tr("The two passwords are not the same.")
        if new == self._code:
            return self.tr("Choose a new password, not the code you were given.")
        return None

    def submit(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return
        self.error.setText("")
        self.save_button.setEnabled(False)
        code, new = self._code, self.new_password.text()
        backend = self.ctx.backend
        Op(self, lambda: backend.change_server_password(code, new), kind=NETWORK).success(
            lambda _r: self._changed(new)
        ).failure(self._failed).run()

    def _changed(self, new: str) -> None:
        self.save_button.setEnabled(True)
        self.forget()
        self.new_password.clear()
        self.repeat.clear()
        self.setVisible(False)
        self.on_changed(new)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if getattr(exc, "error_code", "") in ("wrong_password", "account_locked"):
            self.forget()
            self.setVisible(False)
            self.error.setText("")
            messages.show_error(self, exc)
            return
        if messages.is_known(exc):
            self.error.setText(str(exc.message(i18n.current_language())))  # type: ignore[attr-defined]
        else:
            messages.show_error(self, exc)
