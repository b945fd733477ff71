"""The one helper that starts all background work: `Op(parent, fn).success(cb).failure(cb).run()`.

`fn` runs off the UI thread (database work on a single worker thread, since SQLite has one
writer; network work on a separate pool) and never touches widgets. Its result, or the
exception it raised, comes back to the UI thread by a queued signal, and the callback runs
only if `parent` still exists. Without a failure callback the error goes to the message funnel.

Tests swap the runner for `ImmediateRunner` (Picard's FakeThreadPool), which runs each task at
once on the calling thread: `ops.set_runner(ops.ImmediateRunner())`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger("ui")

T = TypeVar("T")

DB = "db"
NETWORK = "network"


class Runner(Protocol):
    def submit(self, op: Op[Any]) -> None: ...


class _Hub(QObject):
    """Lives on the UI thread; worker threads emit `finished` on it (a queued connection)."""

    finished = Signal(object)
    idle = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.running = 0
        self.finished.connect(self._deliver)

    def _deliver(self, op: Op[Any]) -> None:
        self.running -= 1
        try:
            op._deliver()
        finally:
            if self.running == 0:
                self.idle.emit()


_hub: _Hub | None = None


def when_idle(callback: Callable[[], None]) -> None:
    """Calls `callback` on the UI thread now if no background work runs, else as soon as the
    last piece finishes. For what loads Qt plugins (QtMultimedia's camera query, QtPositioning's
    source): doing that while the database thread imports a module (the warm-up after the
    login) deadlocked the app (seen: the enrollment page opened during the warm-up froze)."""
    waiting = hub()
    if waiting.running == 0:
        callback()
        return

    def once() -> None:
        waiting.idle.disconnect(once)
        callback()

    waiting.idle.connect(once)


def hub() -> _Hub:
    global _hub
    if _hub is None or not shiboken6.isValid(_hub):
        _hub = _Hub()
    return _hub


class _Task(QRunnable):
    def __init__(self, op: Op[Any]) -> None:
        super().__init__()
        self.op = op
        self.setAutoDelete(True)

    def run(self) -> None:
        self.op._execute()
        hub().finished.emit(self.op)


class ThreadRunner:
    """One database worker thread and a small network pool."""

    def __init__(self, network_threads: int = 2) -> None:
        self.db_pool = QThreadPool()
        self.db_pool.setMaxThreadCount(1)
        self.db_pool.setExpiryTimeout(-1)
        self.network_pool = QThreadPool()
        self.network_pool.setMaxThreadCount(network_threads)

    def submit(self, op: Op[Any]) -> None:
        hub().running += 1
        pool = self.network_pool if op.kind == NETWORK else self.db_pool
        pool.start(_Task(op))

    def wait(self, msecs: int = 30000) -> bool:
        return self.db_pool.waitForDone(msecs) and self.network_pool.waitForDone(msecs)


class ImmediateRunner:
    """Runs each task at once on the calling thread and delivers its result (for tests)."""

    def __init__(self) -> None:
        self.count = 0

    def submit(self, op: Op[Any]) -> None:
        self.count += 1
        op._execute()
        op._deliver()


_runner: Runner | None = None


def runner() -> Runner:
    global _runner
    if _runner is None:
        _runner = ThreadRunner()
    return _runner


def set_runner(new: Runner | None) -> None:
    """Swaps the runner (tests: ImmediateRunner); None restores the threaded default lazily."""
    global _runner
    _runner = new


class Op(Generic[T]):
    """A piece of background work with UI-thread callbacks."""

    def __init__(self, parent: QObject | None, fn: Callable[[], T], kind: str = DB) -> None:
        self.parent = parent
        self.fn = fn
        self.kind = kind
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._result: T | None = None
        self._error: BaseException | None = None
        self.thread_name = ""

    def success(self, cb: Callable[[T], None]) -> Op[T]:
        self._on_success = cb
        return self

    def failure(self, cb: Callable[[BaseException], None]) -> Op[T]:
        self._on_failure = cb
        return self

    def run(self) -> None:
        runner().submit(self)

    def _execute(self) -> None:
        self.thread_name = threading.current_thread().name
        try:
            self._result = self.fn()
        except BaseException as exc:
            self._error = exc

    def _deliver(self) -> None:
        if self.parent is not None and not shiboken6.isValid(self.parent):
            return  # the window that asked is gone
        if self._error is not None:
            if self._on_failure is not None:
                self._on_failure(self._error)
            else:
                from agent_app.ui import messages

                widget = self.parent if _is_widget(self.parent) else None
                messages.show_error(widget, self._error)  # type: ignore[arg-type]
            return
        if self._on_success is not None:
            self._on_success(self._result)  # type: ignore[arg-type]


def _is_widget(obj: QObject | None) -> bool:
    return obj is not None and obj.isWidgetType()
