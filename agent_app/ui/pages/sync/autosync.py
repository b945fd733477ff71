"""Quiet sync cycles (the retry scheduler): when the laptop comes online, soon after a submit,
and periodically, with a capped exponential backoff after failures."""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QObject, QTimer

from agent_app.ui.context import Context
from agent_app.ui.pages.sync.controller import controller

FIRST_SYNC_DELAY_MS = 10_000
#: After a failed cycle: 30 s, 1 min, 2 min... at most 15 min; a success resets it.
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 15 * 60
#: A submit is sent this soon (a few submits in a row make one cycle).
AFTER_SUBMIT_MS = 2_000


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
