"""A form dialog that never loses what was typed: autosaved as the account's draft, given back
when the same form opens again, and Esc with typed content asks first."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFormLayout, QVBoxLayout, QWidget

from agent_app.ui import i18n, messages, widgets
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.ops import Op

log = logging.getLogger("ui")


class GuardedDialog(widgets.FittingDialog):
    """A form dialog that never loses what was typed: it is autosaved as the account's draft
    (`services.form_drafts`, under `form_key`) within 2 s of a change and given back the
    next time the same form is opened; Esc or Batal with typed content asks first."""

    AUTOSAVE_MS = 1500

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.initial: list[Any] = []
        self.restored = widgets.hint()
        self.restored.setVisible(False)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(self.AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.save_now)
        self._done = False

    def _lay_out(self, form: QFormLayout, error: QWidget, buttons: QWidget) -> None:
        """The form's title, the note that what was typed came back, the form (scrolling on a
        small screen), the error line and the buttons."""
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.heading(self.windowTitle(), 2))
        layout.addWidget(self.restored)
        layout.addWidget(widgets.form_scroll(form), 1)
        layout.addWidget(error)
        layout.addWidget(buttons)

    def form_key(self) -> str | None:
        """Where the form is autosaved; None: it is not."""
        return None

    def _guard(self) -> None:
        """Called at the end of a subclass's __init__: the form as it opened, the autosave, and
        what this person left in the same form before."""
        self.initial = widgets.form_state(self)
        widgets.on_any_change(self, self.autosave_timer.start)
        key = self.form_key()
        if key is not None:
            backend = self.ctx.backend
            Op(self, lambda: backend.form_draft(key)).success(self._give_back).failure(
                lambda exc: log.info("autosaved form unavailable: %s", type(exc).__name__)
            ).run()

    def _give_back(self, draft: Any) -> None:
        state = value(draft, "state")
        if not state or not state.get("fields"):
            return
        widgets.restore_form_state(self, list(state["fields"]))
        self.autosave_timer.stop()
        when = value(draft, "updated_at")
        try:
            shown = i18n.date_time(dt.datetime.fromisoformat(str(when)))
        except ValueError:
            shown = "-"
        self.restored.setText(
            self.tr("What you typed here before was kept (saved {when}).").format(when=shown)
        )
        self.restored.setVisible(True)

    def has_typed(self) -> bool:
        return widgets.form_state(self) != self.initial

    def save_now(self) -> None:
        """Autosaves the form now (nothing when nothing is typed)."""
        self.autosave_timer.stop()
        key = self.form_key()
        if key is None or self._done or not self.has_typed():
            return
        state = {"fields": widgets.form_state(self)}
        backend = self.ctx.backend
        Op(self, lambda: backend.save_form_draft(key, state)).failure(
            lambda exc: log.info("form not autosaved: %s", type(exc).__name__)
        ).run()

    def _forget(self) -> None:
        self._done = True
        self.autosave_timer.stop()
        key = self.form_key()
        if key is None:
            return
        backend = self.ctx.backend
        Op(None, lambda: backend.discard_form_draft(key)).failure(
            lambda exc: log.info("autosaved form not discarded: %s", type(exc).__name__)
        ).run()

    def reject(self) -> None:
        """Esc, Batal or the window's close button: asks before typed content is lost."""
        if self.has_typed() and not messages.confirm(
            self,
            self.tr("Close this form? What was typed in it is lost."),
            self.tr("Close and discard"),
            self.tr("Keep typing"),
        ):
            return
        self._forget()
        super().reject()

    def set_aside(self) -> None:
        """Closes the dialog without asking and without forgetting its autosaved draft (a
        lock or a switch of user: the window keeps the form for its person)."""
        self.save_now()
        self._done = True
        super().reject()

    def discard(self) -> None:
        """Closes the dialog without asking and forgets what was typed (the program closing a
        form it filled itself, as the screenshot tool does)."""
        self._forget()
        super().reject()

    def accept(self) -> None:
        self._forget()
        super().accept()
