"""The window's one sync controller: one cycle at a time on the network pool, for the page and
`AutoSync` alike; the engine's progress reaches the UI thread by a signal."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from agent_app.ui.context import Context
from agent_app.ui.ops import NETWORK, Op


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
