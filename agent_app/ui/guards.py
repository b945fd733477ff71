"""What protects a window left alone: the idle lock's watcher (no key or mouse for a while)
and the clipboard guard (what was copied in this app is emptied at a lock)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QApplication

from agent_app.ui import ops

#: How long the idle watcher looks away after an action (see `IdleWatcher`).
PAUSE_MS = 2_000


class IdleWatcher(QObject):
    """Calls `on_idle` after `minutes` without a key press or mouse action in the app.

    It watches the app's events (an application-wide event filter) only while its timer runs,
    and starts watching once the background work of the moment is done (`ops.when_idle`): a
    Python event filter sees every event of every widget, and while the database thread holds
    the GIL (the log-in reading the Beranda's figures) each event of the workspace being built
    waited for it, a fifth of a second of the log-in (docs/benchmarks.md, "Issue 15: log-in and
    memory, again"). Activity in that moment cannot matter: the timer has just started.

    For the same reason it samples: an action restarts the timer and takes the filter off for
    `pause_ms`, then puts it back. While someone types, the filter sees one event every
    `pause_ms` instead of every event of every widget (a search keystroke repaints a list: each
    paint event went through Python). The lock may come up to `pause_ms` earlier than it would
    after the last action, never later: the safe side."""

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
        self.watching = False
        self.pause_ms = PAUSE_MS
        self._resume = QTimer(self)
        self._resume.setSingleShot(True)
        self._resume.timeout.connect(self._watch)

    def set_minutes(self, minutes: float) -> None:
        if minutes and minutes > 0:
            self.timer.setInterval(int(minutes * 60_000))
            self.timer.start()
            ops.when_idle(self._watch)
        else:
            self.timer.stop()
            self.detach()

    def _watch(self) -> None:
        if not shiboken6.isValid(self):
            return  # the window closed before the work ended
        app = QApplication.instance()
        if app is not None and self.timer.isActive() and not self.watching:
            app.installEventFilter(self)
            self.watching = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self._ACTIVITY and self.timer.interval() > 0 and self.timer.isActive():
            self.timer.start()
            self._off()  # Qt allows removing a filter from inside it
            self._resume.start(self.pause_ms)
        return False

    def _off(self) -> None:
        app = QApplication.instance()
        if app is not None and self.watching:
            app.removeEventFilter(self)
        self.watching = False

    def detach(self) -> None:
        self._resume.stop()
        self._off()


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
