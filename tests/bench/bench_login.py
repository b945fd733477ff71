"""Where the log-in's memory and time go (issue 15: log-in <= 300 ms, peak memory <= 180 MB).

Run:  .venv/bin/python tests/bench/bench_login.py --home HOME [--imports] [--timeline]

`--imports` prints, in a fresh process and in the app's order, the resident memory
(`/proc/self/status` RssAnon/RssFile) and CPU each import adds up to the password: what the
password's key derivation (argon2id, 64 MiB) runs on top of. `--timeline` logs in to HOME (a
filled home made by `bench_ui.py --home`, password "bench-password") and prints when each step
of the log-in started and how long it took, on which thread, and the database connections open
afterwards. Linux only (/proc). The figures are in docs/benchmarks.md, "Issue 15: log-in and
memory, again" and "Issue 15: log-in, third pass".
"""

from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: The app's imports up to the password, in its order (start-up, then the warm-up).
IMPORTS = (
    "PySide6.QtWidgets",
    "agent_app.ui",
    "agent_app.app",
    "agent_app.ui.application",
    "agent_app.ui.window",
    "sqlalchemy",
    "sqlalchemy.orm",
    "agent_app.storage.engine",
    "agent_app.storage.uow",
    "agent_app.services.dashboard",
    "agent_app.ui.backend.services_backend",
    "agent_app.ui.pages.dashboard",
    "cryptography.hazmat.primitives.ciphers.aead",
    # after the derivation, at their first use:
    "sqlcipher3",
    "agent_app.services.sync",
    "lokal",
)


def _resident() -> tuple[float, float]:
    fields = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("RssAnon", "RssFile"):
                fields[key] = int(rest.split()[0]) / 1024
    return fields["RssAnon"], fields["RssFile"]


def imports() -> None:
    print("import: resident added (anonymous + files), CPU, modules")
    for name in IMPORTS:
        anon, files = _resident()
        cpu, before = time.process_time(), len(sys.modules)
        __import__(name)
        anon2, files2 = _resident()
        print(
            f"  {name}: +{anon2 - anon:.1f} + {files2 - files:.1f} MB, "
            f"{(time.process_time() - cpu) * 1000:.0f} ms, {len(sys.modules) - before} modules"
        )
    anon, files = _resident()
    print(f"  in all: {anon + files:.0f} MB resident")


EVENTS: list[tuple[float, float, float, str, str]] = []
START = [0.0]


def _timed(owner: Any, name: str) -> None:
    """Wraps owner.name to record (start since the submit, length, the thread's CPU in it,
    thread, name)."""
    inner = getattr(owner, name)

    @functools.wraps(inner)
    def timed(*args: Any, **kwargs: Any) -> Any:
        began, cpu = time.perf_counter(), time.thread_time()
        try:
            return inner(*args, **kwargs)
        finally:
            EVENTS.append(
                (
                    began - START[0],
                    time.perf_counter() - began,
                    time.thread_time() - cpu,
                    threading.current_thread().name[:10],
                    f"{getattr(owner, '__name__', owner)}.{name}",
                )
            )

    setattr(owner, name, timed)


def _wrap_steps() -> None:
    from agent_app import app as app_mod
    from agent_app.security import keyslots
    from agent_app.ui import window, workspace
    from agent_app.ui.backend import services_backend
    from agent_app.ui.pages import dashboard

    for owner, name in (
        (keyslots.KeyStore, "unlock"),
        (app_mod.AppShell, "connect"),
        (window.MainWindow, "_open"),
        (window.MainWindow, "_show_workspace"),
        (window.MainWindow, "_start_auto_sync"),
        (workspace.Workspace, "__init__"),
        (dashboard.DashboardPage, "show_summary"),
        (services_backend.ServicesBackend, "today"),
        (services_backend.ServicesBackend, "dashboard"),
        (services_backend.ServicesBackend, "sync_status"),
    ):
        if hasattr(owner, name):
            _timed(owner, name)


def timeline(home: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    os.environ["AGENT_APP_HOME"] = str(home)
    from agent_app import app as app_mod
    from agent_app.ui import application, ops
    from agent_app.ui.window import MainWindow

    shell = app_mod.build_shell()
    qt_app = QApplication(sys.argv[:1])
    application.prepare(qt_app, "id")
    tick = QTimer()
    tick.start(20)

    def wait_for(condition: Any) -> None:
        while not condition():
            qt_app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    window = MainWindow(shell)
    window.resize(1366, 820)
    window.show()
    wait_for(lambda: window.login.isVisible())
    wait_for(lambda: "agent_app.ui.pages.dashboard" in sys.modules and ops.hub().running == 0)
    _wrap_steps()
    window.login.password.setText("bench-password")
    START[0], cpu = time.perf_counter(), time.process_time()
    window.login.submit()
    wait_for(
        lambda: (
            window.workspace is not None
            and window.workspace.pages["dashboard"].summary is not None  # type: ignore[attr-defined]
            and ops.hub().running == 0
        )
    )
    window.repaint()
    wall, cpu = time.perf_counter() - START[0], time.process_time() - cpu
    print(f"log in -> Beranda filled: {wall * 1000:.0f} ms (process CPU {cpu * 1000:.0f} ms)")
    print("  start       wall       thread's CPU")
    for began, length, used, thread, name in sorted(EVENTS):
        print(
            f"  {began * 1000:7.1f} ms  +{length * 1000:6.1f} ms  ({used * 1000:6.1f} ms)  "
            f"{thread:10s} {name}"
        )
    print(f"database pool: {shell._engine.pool.status()}")
    files = subprocess.run(
        ["ls", "-l", f"/proc/{os.getpid()}/fd"], capture_output=True, text=True
    ).stdout
    print(f"open database files: {sum(x.endswith('perisai.db') for x in files.splitlines())}")
    window.close()
    shell.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a filled AGENT_APP_HOME (bench_ui.py --home)")
    parser.add_argument("--imports", action="store_true")
    parser.add_argument("--timeline", action="store_true")
    args = parser.parse_args()
    if args.imports:
        imports()
    elif args.timeline and args.home:
        timeline(args.home)
    else:
        parser.error("--imports, or --timeline with --home")


if __name__ == "__main__":
    main()
