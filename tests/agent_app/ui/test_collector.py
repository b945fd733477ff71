"""Garbage collection on the UI thread only (ui/collector.py): a widget left in a reference
cycle is destroyed by the UI thread's timer, never by a worker whose allocations would have
started Python's automatic collection there (Qt destroys widgets on the UI thread only)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
import weakref
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from agent_app.ui import collector


def _churn() -> None:
    """A worker's allocations, far past every generation's threshold, cycles among them."""
    for _ in range(100_000):
        cycle: list[Any] = []
        cycle.append(cycle)


def test_a_dropped_widget_cycle_is_destroyed_on_the_ui_thread(qtbot: Any) -> None:
    garbage = collector.MainThreadCollector()
    garbage.start()
    freed_on: list[str] = []
    try:
        widget = QWidget()  # no parent: Python owns it
        widget.me = widget  # type: ignore[attr-defined]  # a cycle, as a lambda on its signal makes
        weakref.finalize(widget, lambda: freed_on.append(threading.current_thread().name))
        del widget
        worker = threading.Thread(target=_churn, name="worker")
        worker.start()
        worker.join()
        assert freed_on == []  # the worker's allocations collected nothing
        qtbot.waitUntil(lambda: bool(freed_on), timeout=5 * collector.INTERVAL_MS)
        assert freed_on == [threading.main_thread().name]
        assert garbage.collections >= 1
    finally:
        garbage.stop()
    assert gc.isenabled()


def test_the_tick_follows_the_automatic_rule() -> None:
    garbage = collector.MainThreadCollector()
    garbage.start()
    try:
        gc.collect()
        garbage.tick()  # nothing allocated since: nothing to do
        assert garbage.collections == 0
        _churn()
        garbage.tick()
        assert garbage.collections == 1
        assert gc.get_count()[0] < gc.get_threshold()[0]
    finally:
        garbage.stop()


def test_the_app_collects_on_the_ui_thread_while_it_runs(tmp_path: Path) -> None:
    """The app as started (`agent_app.app.run`, in a process of its own): automatic
    collection is off while the window runs, and back on once it has closed."""
    script = (
        "import gc, sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from agent_app import app\n"
        "def on_window(window):\n"
        "    print('running', gc.isenabled(), flush=True)\n"
        "    QTimer.singleShot(0, QApplication.quit)\n"
        "code = app.run(['perisai-agent'], on_window=on_window)\n"
        "print('closed', gc.isenabled(), code, flush=True)\n"
    )
    env = {**os.environ, "AGENT_APP_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["running False", "closed True 0"]
