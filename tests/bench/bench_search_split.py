"""Where a search keystroke's time goes, on a filled home (issue 15, "the search keystroke").

Run:  .venv/bin/python tests/bench/bench_search_split.py --home HOME [--rounds 2]

HOME is a home `bench_ui.py --home HOME` filled (100,000 businesses + 100,000 enrollments);
it logs in as `bench_ui.py` does, opens the business list and types the same 40 keystrokes,
then prints, per keystroke and as medians and p95 over the last round:
- total: the keystroke to the list's first page shown and repainted (wall), and the process CPU
  over it (every thread); counted: the keystroke to the count shown too (wall; the same moment
  for a model that shows the page and the count together, as the app's does); with
  --typing-gap-ms, ui_settled: the UI thread's CPU from the keystroke to the end of the gap
  (every repaint it caused);
- page, count: the two SQL calls on the database thread before the fourth pass (that thread's
  CPU / wall); first: the one call since (the first page and its count); sql: their sum;
- reset: the model's reset on the UI thread; paint: the list's first repaint after it (UI CPU /
  wall). The page and the count are timed around the backend's calls, the reset around
  `BusinessTableModel._reset`.
Wall times on a loaded machine are noisy: compare CPU, alternated runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_ui  # the bench beside this one: its login and waits

WORDS = ("pempek", "songket cek", "kopi yuk s", "warung", "siti am")
FIELDS = (
    "total",
    "counted",
    "cpu",
    "page_cpu",
    "page_wall",
    "count_cpu",
    "count_wall",
    "first_cpu",
    "first_wall",
    "sql_cpu",
    "reset_cpu",
    "ui_settled",
)
FIELDS += ("paint_cpu", "paint_wall")


def timed(record: dict[str, float], name: str, call: Callable[[], Any]) -> Any:
    cpu, wall = time.thread_time(), time.perf_counter()
    try:
        return call()
    finally:
        record[name + "_cpu"] = record.get(name + "_cpu", 0.0) + (time.thread_time() - cpu) * 1e3
        record[name + "_wall"] = (
            record.get(name + "_wall", 0.0) + (time.perf_counter() - wall) * 1e3
        )


class _Timed:
    """The backend with its two search calls timed."""

    def __init__(self, backend: Any, record: dict[str, float]) -> None:
        self._backend, self._record = backend, record

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)

    def search_businesses(self, *args: Any) -> Any:
        return timed(self._record, "page", lambda: self._backend.search_businesses(*args))

    def count_businesses(self, *args: Any) -> Any:  # the model before the fourth pass
        return timed(self._record, "count", lambda: self._backend.count_businesses(*args))

    def first_businesses(self, *args: Any) -> Any:
        return timed(self._record, "first", lambda: self._backend.first_businesses(*args))


def type_words(
    listing: Any, wait_for: Any, record: dict[str, float], gap_ms: int = 0
) -> list[dict[str, Any]]:
    from PySide6.QtTest import QTest

    from agent_app.ui import ops

    found = []
    for word in WORDS:
        listing.search.clear()
        wait_for(lambda: not listing.debounce.isActive() and ops.hub().running == 0)
        listing.table.repaint()
        listing.search.setFocus()
        for char in word:
            record.clear()
            ui_cpu = time.thread_time()
            seen: list[int] = []

            def took(s: list[int] = seen) -> None:
                s.append(1)

            listing.model.loaded.connect(took)
            cpu, start = time.process_time(), time.perf_counter()
            QTest.keyClick(listing.search, char)
            wait_for(lambda s=seen: bool(s))
            timed(record, "paint", listing.table.repaint)
            record["total"] = (time.perf_counter() - start) * 1e3
            record["cpu"] = (time.process_time() - cpu) * 1e3
            wait_for(lambda: not getattr(listing.model, "counting", False))
            record["counted"] = (time.perf_counter() - start) * 1e3
            record["sql_cpu"] = sum(
                record.get(k, 0.0) for k in ("page_cpu", "count_cpu", "first_cpu")
            )
            if gap_ms:
                QTest.qWait(gap_ms)  # as between a person's keystrokes
                record["ui_settled"] = (time.thread_time() - ui_cpu) * 1e3
            listing.model.loaded.disconnect(took)  # only this one: the app's own slots stay
            found.append({"text": listing.search.text(), **record})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--typing-gap-ms", type=int, default=0, help="a pause between keys")
    args = parser.parse_args()
    os.environ["AGENT_APP_HOME"] = str(args.home)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from agent_app import app as app_mod
    from agent_app.ui import application, ops

    shell = app_mod.build_shell()
    shell.settings.server_url = ""
    qt_app = QApplication(sys.argv[:1])
    application.prepare(qt_app, "id")
    tick = QTimer()  # wakes the waits now and then
    tick.start(20)
    wait_for = bench_ui._Waiter(qt_app)
    window = bench_ui._log_in(shell, wait_for)
    listing = window.workspace.show_page("businesses").list_page
    wait_for(lambda: listing.model.rowCount() > 0 and ops.hub().running == 0)
    record: dict[str, float] = {}
    real = listing.model._backend
    listing.model._backend = lambda: _Timed(real(), record)
    reset = listing.model._reset
    listing.model._reset = lambda *a: timed(record, "reset", lambda: reset(*a))
    for _ in range(args.rounds):
        found = type_words(listing, wait_for, record, args.typing_gap_ms)
    for k in found:
        print(
            f"{k['text']!r:14} total {k['total']:6.1f} counted {k['counted']:6.1f}"
            f" cpu {k['cpu']:5.1f} | page"
            f" {k.get('page_cpu', 0):5.1f}/{k.get('page_wall', 0):5.1f} count"
            f" {k.get('count_cpu', 0):5.1f}/{k.get('count_wall', 0):5.1f} first"
            f" {k.get('first_cpu', 0):5.1f}/{k.get('first_wall', 0):5.1f} | reset"
            f" {k.get('reset_cpu', 0):4.1f} paint {k['paint_cpu']:5.1f}/{k['paint_wall']:5.1f}"
        )
    for field in FIELDS:
        values = sorted(k.get(field, 0.0) for k in found)
        p95 = values[int(len(values) * 0.95)]
        print(f"{field}: median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms")
    window.close()
    shell.close()


if __name__ == "__main__":
    main()
