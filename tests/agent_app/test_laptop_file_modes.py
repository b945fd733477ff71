"""The laptop's folders are the owner's only (0o700) and so are its files (0o600): the
encrypted database and its -wal/-shm, the key slots, the settings and the logs, also when they
exist already with wider modes (then tightened, and logged)."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_app import app as app_mod
from agent_app import paths
from agent_app.settings import Settings, atomic_write
from agent_app.storage import engine as engine_mod

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask of a desktop account: new files world-readable unless we say not."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_folders_and_files_are_created_private(app_home: Path, open_umask: None) -> None:
    folders = [paths.data_dir(), paths.config_dir(), paths.log_dir()]
    assert [_mode(folder) for folder in folders] == [0o700] * 3
    engine = engine_mod.open_engine(paths.database_path(), secrets.token_bytes(32))
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master")
            database_files = sorted(paths.data_dir().glob("perisai.db*"))
            assert [p.name for p in database_files] == [
                "perisai.db",
                "perisai.db-shm",
                "perisai.db-wal",
            ]
            assert [_mode(p) for p in database_files] == [0o600] * 3
    finally:
        engine.dispose()
    atomic_write(paths.keystore_path(), "{}")
    settings = Settings.load(paths.settings_path())
    settings.save()
    assert _mode(paths.keystore_path()) == 0o600
    assert _mode(paths.settings_path()) == 0o600


def test_log_files_are_private_also_after_a_rotation(app_home: Path, open_umask: None) -> None:
    path = paths.log_dir() / "perisai-agent.log"
    handler = app_mod.PrivateRotatingFileHandler(path, maxBytes=200, backupCount=2)
    try:
        for n in range(60):
            handler.emit(logging.makeLogRecord({"msg": f"baris log nomor {n}", "levelno": 20}))
    finally:
        handler.close()
    logs = sorted(paths.log_dir().iterdir())
    assert len(logs) == 3  # the log and two rotated ones
    assert [_mode(p) for p in logs] == [0o600] * 3


def test_existing_wider_modes_are_tightened_and_logged(
    app_home: Path, open_umask: None, caplog: pytest.LogCaptureFixture
) -> None:
    """As an older version (or a copy from a USB stick) left them."""
    for name in ("data", "config", "logs"):
        (app_home / name).mkdir(mode=0o755, parents=True)
        (app_home / name).chmod(0o755)
    files = [
        app_home / "data" / "perisai.db",
        app_home / "data" / "keys.json",
        app_home / "config" / "settings.json",
        app_home / "logs" / "perisai-agent.log",
    ]
    for path in files:
        path.write_text("")
        path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="app"):
        paths.tighten_all()
    assert [_mode(app_home / name) for name in ("data", "config", "logs")] == [0o700] * 3
    assert [_mode(path) for path in files] == [0o600] * 4
    assert sum("tightened" in r.getMessage() for r in caplog.records) == 7
