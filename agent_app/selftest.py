"""`perisai-agent --self-test`: a smoke test of an installed build, without a window.

It checks what a broken build would lose first: the resources (keys, contribution tables,
translations), the key store (argon2id, AES-GCM), the encrypted database (SQLCipher) and its
Alembic migrations, Qt (an offscreen receipt PDF) and the app icon. All but its log happens in a
temporary folder that is removed afterwards; the person's own data is never opened. It prints
one line per step and exits 0, or 1 naming the step that failed.

The same lines go to `self-test.log` in the app's log folder (`paths.log_dir()`: on Windows
`%LOCALAPPDATA%\\perisai-agent\\Logs`, on Linux `~/.local/state/perisai-agent/log`, under
`AGENT_APP_HOME` its `logs/`), replaced at each run, because the Windows build is a windowed
program: it has no console to print to, so the log and the exit status are its report. The
first and last lines printed name the log file.
"""

from __future__ import annotations

import datetime as dt
import logging
import platform
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from agent_app import APP_NAME, __version__

#: The quote every build must give: JKK 1% of Rp1.000.000 + JKM Rp6.800, outside any discount.
EXPECTED_MINIMUM_PACKAGE = 16_800


def _resources() -> str:
    from agent_app.domain import _resources, contributions, keys

    folder = _resources.resources_dir()
    messages = _resources.path("i18n", "id.mo")  # the message catalogue (Bahasa Indonesia)
    if not messages.is_file():
        raise FileNotFoundError(f"translation missing: {messages}")
    _resources.read_text("style", "app.qss")  # FileNotFoundError when the build lost it
    quote = contributions.quote(1_000_000, ["JKK", "JKM"], 1, dt.date(2027, 1, 4))
    if quote.monthly_total != EXPECTED_MINIMUM_PACKAGE:
        raise AssertionError(f"quote gave {quote.monthly_total}, not 16800")
    return (
        f"resources in {folder}: {len(keys.SECTORS)} sectors, {len(keys.OCCUPATIONS)} "
        f"occupations, contribution table {quote.table_version or '?'} (JKK+JKM = Rp16.800), "
        f"translation {messages.name}"
    )


def _database(folder: Path) -> str:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from agent_app.security import keyslots
    from agent_app.storage import engine as engine_mod
    from agent_app.storage import uow as uow_mod

    store = keyslots.KeyStore(folder / "keys.json")
    password = secrets.token_urlsafe(16)
    created = store.create_first_account("SELFTEST", "Self-test", "-", "supervisor", password)
    started = time.perf_counter()
    unlocked = store.unlock("SELFTEST", password)
    unlock_ms = (time.perf_counter() - started) * 1000
    if unlocked.key != created.key:
        raise AssertionError("the key slot gave back a different key")
    path = folder / "perisai.db"
    engine = engine_mod.open_engine(path, unlocked.key)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            tables = conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).scalar()
        head = ScriptDirectory.from_config(engine_mod.alembic_config()).get_current_head()
        if current != head:
            raise AssertionError(f"database at revision {current}, migrations head {head}")
        uow = uow_mod.SqlUnitOfWork(engine)
        with uow:
            uow.audit.add("SELFTEST", "selftest")
            uow.commit()
        with uow:
            entries = uow.audit.list()
        if not entries or entries[0].action != "selftest":
            raise AssertionError("the audit entry was not read back")
    finally:
        engine.dispose()
    if path.read_bytes()[:16] == b"SQLite format 3\x00":
        raise AssertionError("the database file is not encrypted")
    try:
        engine_mod.open_engine(path, secrets.token_bytes(32)).dispose()
    except engine_mod.WrongKey:
        pass
    else:
        raise AssertionError("a wrong key opened the database")
    return (
        f"temporary encrypted database created, migrated to {current} ({tables} tables), "
        f"written and read back; a wrong key is refused; key slot unlocked in {unlock_ms:.0f} ms"
    )


def _reports(folder: Path) -> str:
    from agent_app.reports import _format, exports
    from agent_app.services import receipts

    due = receipts.due_date(2026, 8)  # Saturday 15th, Monday 17th Independence Day
    if due != dt.date(2026, 8, 18):
        raise AssertionError(f"holiday calendar missing: August 2026 due date {due}")
    words = _format.words(16_800)
    if words != "Enam belas ribu delapan ratus rupiah":
        raise AssertionError(f"terbilang gave {words!r}")
    png = receipts.qr_png("selftest")
    path = folder / "selftest.xlsx"
    columns = exports.ENROLLMENT_COLUMNS[:2]
    exports.write_xlsx(path, "Selftest", columns, [["a", "2027-01-04"]], [("Laporan", "x")])
    return (
        f"holiday calendar (due date of Aug 2026: {due}), terbilang ({words}), "
        f"QR code ({len(png)} bytes PNG), XLSX writer ({path.stat().st_size} bytes)"
    )


#: The modules the window needs at start; importing them proves the build carries them (and
#: what they import: SQLAlchemy, SQLCipher...).
APP_MODULES = ("agent_app.app", "agent_app.ui.application", "agent_app.ui.window")


def _modules() -> str:
    import agent_app.app
    import agent_app.ui.application
    import agent_app.ui.window  # noqa: F401  (importing them is the check)

    loaded = sorted(n for n in sys.modules if n.startswith("agent_app."))
    return f"{len(loaded)} agent_app modules loaded, including {', '.join(APP_MODULES)}"


def _qt(folder: Path) -> str:
    from agent_app.ui import printing

    return printing.self_check(folder)


def _camera() -> str:
    from agent_app.ui import self_checks

    return self_checks.camera()


def _text() -> str:
    from agent_app.ui import self_checks

    return self_checks.text()


#: The sizes the window, taskbar and Start menu take from the icon.
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def _icon(folder: Path) -> str:
    """The window icon loads with every size (the .ico is shipped and Qt's ico plugin too)."""
    from agent_app.ui import application, printing

    printing.ensure_gui()
    sizes = sorted({s.width() for s in application.app_icon().availableSizes()})
    missing = sorted(set(ICON_SIZES) - set(sizes))
    if missing:
        raise AssertionError(f"the app icon lacks sizes {missing} (has {sizes})")
    return f"app icon with {len(sizes)} sizes, {sizes[0]} to {sizes[-1]} px"


def _licences() -> str:
    """The About box can list what the app bundles: the distributions' metadata is shipped
    (a PyInstaller build that forgot `copy_metadata` would show no licence at all)."""
    from packaging.utils import canonicalize_name

    from agent_app import licences

    found = licences.bundled()
    names = {canonicalize_name(item.name) for item in found}
    if "pyside6-essentials" not in names:
        raise AssertionError(
            f"the licences of the bundled packages are not readable ({len(found)} found)"
        )
    unknown = sum(1 for item in found if not item.licence)
    return f"{len(found)} bundled packages with their licences ({unknown} without a declared one)"


#: The checks, in order: a name and a function of the temporary folder returning what it did.
STEPS: list[tuple[str, Callable[[Path], str]]] = [
    ("resources", lambda _folder: _resources()),
    ("database", _database),
    ("reports", _reports),
    ("qt", _qt),
    ("icon", _icon),
    ("camera", lambda _folder: _camera()),
    ("text", lambda _folder: _text()),
    ("modules", lambda _folder: _modules()),
    ("licences", lambda _folder: _licences()),
]

LOG_NAME = "self-test.log"


def log_path() -> Path:
    from agent_app import paths

    return paths.log_dir() / LOG_NAME


def main(argv: list[str] | None = None) -> int:
    logging.getLogger().addHandler(logging.NullHandler())
    from agent_app import paths

    log_file = paths.private_file(log_path())
    with log_file.open("w", encoding="utf-8") as log:

        def report(line: str) -> None:
            log.write(line + "\n")
            log.flush()
            if sys.stdout is not None:  # a windowed build on Windows has none
                print(line, flush=True)

        frozen = "frozen" if getattr(sys, "frozen", False) else "from source"
        report(
            f"{APP_NAME} {__version__} self-test ({frozen}; Python {platform.python_version()}, "
            f"{platform.system()} {platform.machine()}); log: {log_file}"
        )
        with tempfile.TemporaryDirectory(prefix="perisai-selftest-") as tmp:
            for name, step in STEPS:
                try:
                    report(f"ok {name}: {step(Path(tmp))}")
                except Exception as error:  # report any failure, whatever it is
                    report(f"FAILED {name}: {type(error).__name__}: {error}")
                    report(f"self-test FAILED at {name} (exit status 1); log: {log_file}")
                    return 1
        report(f"self-test passed: temporary files removed (exit status 0); log: {log_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
