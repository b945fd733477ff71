"""Benchmark of the desktop app on a database of 100,000 businesses and 100,000 enrollments.

Run:  .venv/bin/python tests/bench/bench_ui.py [--rows 100000]

Prints (goals from issue 4):
- start-up: process launch to the login window painted and taking keys (<= 1.0 s), and
  password accepted to the workspace with the Beranda filled in (the password's key
  derivation, argon2id, is timed on its own);
- search: a keystroke in the business search to the updated list (its first page shown and
  repainted; keystrokes typed while a query runs are coalesced) (<= 50 ms, median; issue 15:
  p95 <= 30 ms), and to its count shown too (the same moment when the model shows both at once);
- open: a business with 20 visits, from Enter to its page painted (<= 100 ms, median);
- peak memory of the process (resource.getrusage maxrss, <= 250 MB).

Runs headless (QT_QPA_PLATFORM=offscreen) with the real threaded Op runner, the real key
store, SQLCipher database and services. The fill function is the storage benchmark's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSWORD = "bench-password"
TRACE = False  # --memory: the resident memory at each step
#: --typing-gap-ms: a pause after each keystroke's count is shown, as between a person's
#: keystrokes (0: the next key at once, on a screen perhaps still repainting)
TYPING_GAP_MS = 0


def memory(step: str) -> None:
    """With --memory: resident memory now (anonymous / files), the peak so far, and the
    threads, from /proc/self (Linux)."""
    if not TRACE:
        return
    fields: dict[str, int] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM", "Threads"):
                fields[key] = int(rest.split()[0])
    print(
        f"  [memory] {step}: rss {fields['VmRSS'] // 1024} MB (anon {fields['RssAnon'] // 1024},"
        f" files {fields['RssFile'] // 1024}), peak {fields['VmHWM'] // 1024} MB,"
        f" {fields['Threads']} threads",
        flush=True,
    )


def child_startup() -> None:
    """Run in a fresh process: prints the wall clock when the login window is painted."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from agent_app import app as app_mod
    from agent_app.ui import application
    from agent_app.ui.window import MainWindow

    shell = app_mod.build_shell()
    qt_app = QApplication(sys.argv[:1])
    application.prepare(qt_app, "id")
    tick = QTimer()  # wakes the waits below now and then
    tick.start(20)
    window = MainWindow(shell)
    window.show()

    def painted() -> None:
        window.repaint()
        ready = window.login.password.hasFocus() or window.login.isVisible()
        print(f"PAINTED {time.time():.6f} {ready}", flush=True)
        qt_app.quit()

    QTimer.singleShot(0, painted)
    qt_app.exec()


def child_fill(rows: int) -> None:
    """Run in a separate process so that the fill's memory does not count as the app's."""
    from agent_app import app as app_mod
    from agent_app import paths
    from agent_app.services import businesses, visits
    from agent_app.services.actor import Actor
    from agent_app.storage import engine as engine_mod
    from agent_app.storage.uow import SqlUnitOfWork
    from devtools import seed  # the one seeder's bulk fill

    shell = app_mod.build_shell()
    unlocked = shell.keystore.create_first_account(
        "PLG-0123", "Siti Aminah", "PLG", "agent", PASSWORD
    )
    engine = engine_mod.open_engine(paths.database_path(), unlocked.key)
    seconds = seed.fill(engine, rows, random.Random(20261121))
    print(f"fill: {rows:,} businesses + {rows:,} enrollments in {seconds:.1f} s")
    actor = Actor("PLG-0123", "Siti Aminah", "PLG")
    busy = businesses.register_business(
        SqlUnitOfWork(engine),
        actor,
        {"name": "Pempek Bench Dua Puluh", "owner_name": "Candy", "sector": "kuliner"},
    )
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    for n in range(20):
        visits.record_visit(
            SqlUnitOfWork(engine),
            actor,
            busy.id,
            {
                "visited_at": (now - dt.timedelta(days=n)).isoformat(),
                "outcome": "follow_up",
                "notes": f"Kunjungan ke-{n + 1}",
                "next_follow_up": (now.date() + dt.timedelta(days=3)).isoformat(),
            },
        )
    engine.dispose()


def measure_startup(home: Path, runs: int = 5) -> float:
    times = []
    env = {**os.environ, "AGENT_APP_HOME": str(home)}
    for _ in range(runs):
        start = time.time()
        out = subprocess.run(
            [sys.executable, __file__, "--child-startup"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        line = next(x for x in out.splitlines() if x.startswith("PAINTED"))
        times.append(float(line.split()[1]) - start)
    return statistics.median(times)


class _Waiter:
    """Waits for a condition the way the app's event loop waits: asleep until the next event
    (a busy loop here would hold the GIL and slow the database thread down)."""

    def __init__(self, qt_app: Any) -> None:
        self.qt_app = qt_app

    def __call__(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        from PySide6.QtCore import QEventLoop

        deadline = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError
            self.qt_app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def _log_in(shell: Any, wait_for: _Waiter) -> Any:
    """The password check, the login window, the warm-up while the password is typed, and
    the login up to Beranda filled; returns the window."""
    from agent_app.security import accounts, slots
    from agent_app.ui import ops
    from agent_app.ui.window import MainWindow

    # the derivation alone (the app's cost): an unlock here would load what the app loads
    # only after the log-in's derivation (cryptography), and spoil the memory steps below
    params, salt = slots.kdf_params(accounts.KdfParams()), os.urandom(16)
    start = time.perf_counter()
    slots.derive(PASSWORD, salt, params)
    kdf = time.perf_counter() - start
    print(f"password check (argon2id key derivation): {kdf * 1000:.0f} ms")

    window = MainWindow(shell)
    window.resize(1366, 820)
    window.show()
    wait_for(lambda: window.login.isVisible())
    memory("login window shown")
    # the person types their password: meanwhile the warm-up imports run
    start = time.perf_counter()
    wait_for(lambda: "agent_app.services.dashboard" in sys.modules and ops.hub().running == 0)
    print(f"warm-up while the password is typed: {(time.perf_counter() - start) * 1000:.0f} ms")
    memory("after the warm-up")
    window.login.password.setText(PASSWORD)
    start, cpu = time.perf_counter(), time.process_time()
    window.login.submit()
    wait_for(
        lambda: (
            window.workspace is not None and window.workspace.pages["dashboard"].summary is not None
        )
    )
    window.repaint()
    filled = time.perf_counter() - start
    wait_for(lambda: ops.hub().running == 0)  # the status bar's reads too
    window.repaint()
    login, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"log in -> Beranda's figures shown and painted: {filled * 1000:.0f} ms")
    print(
        f"log in -> workspace with Beranda filled (incl. key derivation and opening the "
        f"database): {login * 1000:.0f} ms (process CPU, every thread: {cpu * 1000:.0f} ms)"
    )
    memory("logged in, Beranda filled")
    return window


class _PaintCounter:
    """Counts the paint events a widget receives (an event filter on it)."""

    def __init__(self, widget: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        paint = QEvent.Type.Paint
        counter = self

        class Filter(QObject):
            def eventFilter(self, _watched: Any, event: Any) -> bool:
                if event.type() == paint:
                    counter.count += 1
                return False

        self.count = 0
        self.filter = Filter(widget)
        widget.installEventFilter(self.filter)


def _search(window: Any, wait_for: _Waiter) -> Any:
    """The business list, then search as you type; returns the Businesses page."""
    from PySide6.QtTest import QTest

    from agent_app.ui import ops

    page = window.workspace.show_page("businesses")
    listing = page.list_page
    wait_for(lambda: listing.model.rowCount() > 0 and ops.hub().running == 0)
    print(f"business list: {listing.model.rowCount():,} rows")
    memory("business list shown")
    listing.table.repaint()
    # The list as the person sees it: the app's own paint of the list's viewport after the
    # model took the keystroke's rows (a paint the bench forced as well would be a second one
    # the app never does, and the app may already have painted while the bench waited).
    paints = _PaintCounter(listing.table.viewport())

    def shown(action: Callable[[], None]) -> None:
        """Runs `action` and waits until the list took new rows and painted them."""
        seen: list[int] = []

        def took() -> None:
            seen.append(paints.count)

        listing.model.loaded.connect(took)
        action()
        wait_for(lambda: bool(seen) and paints.count > seen[0])
        listing.model.loaded.disconnect(took)  # only this one: the app's own slots stay

    search_times, count_times = [], []
    for word in ("pempek", "songket cek", "kopi yuk s", "warung", "siti am"):
        if listing.search.text():  # the cleared list shown (and painted) before the first key
            shown(listing.search.clear)
        wait_for(lambda: not listing.debounce.isActive() and ops.hub().running == 0)
        listing.search.setFocus()
        for char in word:
            start = time.perf_counter()
            shown(lambda c=char: QTest.keyClick(listing.search, c))
            search_times.append((time.perf_counter() - start) * 1000)
            wait_for(lambda: not getattr(listing.model, "counting", False))
            count_times.append((time.perf_counter() - start) * 1000)
            if TYPING_GAP_MS:
                QTest.qWait(TYPING_GAP_MS)
    print(
        f"search keystroke -> list updated and repainted: median "
        f"{statistics.median(search_times):.1f} ms, p95 "
        f"{sorted(search_times)[int(len(search_times) * 0.95)]:.1f} ms "
        f"over {len(search_times)} keystrokes"
    )
    print(
        f"search keystroke -> its count shown too: median {statistics.median(count_times):.1f}"
        f" ms, p95 {sorted(count_times)[int(len(count_times) * 0.95)]:.1f} ms"
    )
    memory("after the searches")
    return page


def _open_business(page: Any, wait_for: _Waiter) -> None:
    """Enter in the search box opens the business with 20 visits."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from agent_app.ui import ops

    listing = page.list_page
    open_times = []
    for _ in range(10):
        page.show_list()
        listing.search.setText("Pempek Bench Dua Puluh")
        wait_for(
            lambda: (
                listing.model.rowCount() == 1
                and not listing.debounce.isActive()
                and ops.hub().running == 0
            )
        )
        start = time.perf_counter()
        QTest.keyClick(listing.search, Qt.Key.Key_Return)
        wait_for(
            lambda: (
                page.stack.currentWidget() is page.detail_page
                and page.detail_page.visits.rowCount() == 20
            )
        )
        page.detail_page.repaint()
        open_times.append((time.perf_counter() - start) * 1000)
    print(f"open a business with 20 visits: median {statistics.median(open_times):.1f} ms")
    memory("after opening businesses")


def _auto_sync_cycle(window: Any, wait_for: _Waiter) -> None:
    from agent_app.ui import ops

    # what the app does 10 s after login: one quiet cycle (without stored tokens, or with
    # no server answering, it ends in a failure the status bar shows)
    outcome: list[str] = []
    auto = window.auto_sync
    auto.controller.finished.connect(lambda *_: outcome.append("done"))
    auto.controller.failed.connect(
        lambda exc, _i: outcome.append(getattr(exc, "code", "") or type(exc).__name__)
    )
    start = time.perf_counter()
    auto.tick()
    wait_for(lambda: bool(outcome) and ops.hub().running == 0)
    print(f"automatic sync cycle: {(time.perf_counter() - start) * 1000:.0f} ms ({outcome[0]})")
    memory("after an automatic sync cycle")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child-startup", action="store_true")
    parser.add_argument("--child-fill", type=int)
    parser.add_argument(
        "--server-url", default="", help="a server address in the settings (loads the sync client)"
    )
    parser.add_argument("--home", type=Path, help="reuse (or keep) a filled AGENT_APP_HOME")
    parser.add_argument(
        "--cache-kib", type=int, help="override the storage's SQLite page cache per connection"
    )
    parser.add_argument(
        "--memory", action="store_true", help="print the resident memory at each step"
    )
    parser.add_argument(
        "--typing-gap-ms", type=int, default=0, help="a pause between search keystrokes"
    )
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    global TRACE, TYPING_GAP_MS
    TRACE, TYPING_GAP_MS = args.memory, args.typing_gap_ms
    if args.child_startup:
        child_startup()
        return
    if args.child_fill:
        child_fill(args.child_fill)
        return

    home = args.home or Path(tempfile.mkdtemp(prefix="bench-ui-"))
    os.environ["AGENT_APP_HOME"] = str(home)
    if not (home / "data" / "perisai.db").exists():
        subprocess.run([sys.executable, __file__, "--child-fill", str(args.rows)], check=True)
    else:
        print(f"reusing the database in {home}")

    from agent_app import app as app_mod

    if args.cache_kib:
        from agent_app.storage import engine as engine_mod

        engine_mod.CACHE_KIB = args.cache_kib
    # the app imports storage (SQLAlchemy, SQLCipher) only once its login window is shown: so
    # does the bench, whose memory steps are the app's
    shell = app_mod.build_shell()
    shell.settings.server_url = args.server_url
    memory("the shell built")
    print(f"server address: {args.server_url or '(none: offline)'}")
    startup = measure_startup(home)
    print(
        f"start-up to the login window (process launch -> painted), median of 5: "
        f"{startup * 1000:.0f} ms"
    )

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from agent_app.ui import application, collector

    qt_app = QApplication(sys.argv[:1])
    application.prepare(qt_app, "id")
    tick = QTimer()  # wakes the waits below now and then
    tick.start(20)
    memory("Qt application")
    # The app's garbage collection: on the UI thread only, from a timer (ui/collector.py).
    garbage = collector.MainThreadCollector(qt_app)
    garbage.start()

    wait_for = _Waiter(qt_app)
    window = _log_in(shell, wait_for)
    from agent_app.storage import engine as engine_mod

    print(f"SQLite page cache per connection: {engine_mod.CACHE_KIB:,} KiB")
    page = _search(window, wait_for)
    _open_business(page, wait_for)
    if args.server_url:
        _auto_sync_cycle(window, wait_for)
    if TRACE:
        heavy = ("alembic", "pydantic", "requests", "cryptography", "numpy", "pyqtgraph", "lokal")
        print(f"  [memory] loaded: {', '.join(m for m in heavy if m in sys.modules)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (maxrss): {peak:.0f} MB")
    window.close()
    shell.close()


if __name__ == "__main__":
    main()
