"""What every page shares while someone is logged in: the backend, settings and who is at the
keyboard, plus the signals by which one page tells the others that data changed.

`Shell` is the composition root's face to the UI (app.py builds the real one, tests a fake):
the key store for logging in, the settings, and `connect(unlocked)`, which opens the
encrypted database with the key an account unwrapped and returns a backend for that actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal

from agent_app.domain import records
from agent_app.ui import backend as backend_mod


class Shell(Protocol):
    keystore: Any
    settings: Any
    log_location: str

    def connect(self, unlocked: Any) -> backend_mod.Backend: ...

    def warm_up(self) -> None:
        """Imports what a login will need, on the database thread while the person types
        their password (the login page is painted first)."""
        ...


class Context(QObject):
    """Shared state of a logged-in window."""

    businesses_changed = Signal()
    enrollments_changed = Signal()
    event_changed = Signal()
    events_loaded = Signal()  # the list of pulled events changed
    account_changed = Signal()
    sync_changed = Signal()
    sync_wanted = Signal()  # a change worth sending soon (a submit): AutoSync runs a cycle

    def __init__(
        self,
        shell: Shell,
        backend: backend_mod.Backend,
        account: Any,
        today: Callable[[], dt.date] | None = None,
    ) -> None:
        super().__init__()
        self.shell = shell
        self.backend = backend
        self.account = account
        #: which day it is: the account's branch's day (docs/time.md), unless a caller fixes it
        self.today: Callable[[], dt.date] = today or backend.today
        self.events: list[records.Event] = []

    @property
    def settings(self) -> Any:
        return self.shell.settings

    @property
    def event_id(self) -> str | None:
        return getattr(self.settings, "current_event_id", None) or None

    def event_name(self) -> str:
        for event in self.events:
            if backend_mod.value(event, "id") == self.event_id:
                return str(backend_mod.value(event, "name", ""))
        return ""

    def reload_events(self) -> None:
        """Reads the events this laptop has pulled (offline: the local list), for the event
        choosers; they follow a pull without a new login."""
        from agent_app.ui.ops import Op

        backend = self.backend
        Op(self, lambda: list(backend.events())).success(self._events_loaded).run()

    def _events_loaded(self, events: list[records.Event]) -> None:
        ids = [backend_mod.value(e, "id") for e in events]
        if ids != [backend_mod.value(e, "id") for e in self.events]:
            self.events = events
            self.events_loaded.emit()

    def set_event(self, event_id: str | None) -> None:
        self.settings.current_event_id = event_id
        save_settings(self.settings)
        self.event_changed.emit()


def save_settings(settings: Any) -> None:
    """Writes the settings file on the database thread (it fsyncs: not on the UI thread)."""
    from agent_app.ui.ops import Op

    save = getattr(settings, "save", None)
    if callable(save):
        Op(None, save).run()
