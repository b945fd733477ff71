"""Where the app keeps its files: data (database, key slots), configuration and logs.

platformdirs picks the usual folders of each system; `AGENT_APP_HOME` puts all of them under
one folder instead (tests, demos, a portable install on a USB stick). The folders are the
owner's only (0o700) and so are the files the app makes in them (0o600).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import platformdirs

from agent_app import APP_ID

log = logging.getLogger("app")


def _home() -> Path | None:
    value = os.environ.get("AGENT_APP_HOME")
    return Path(value) if value else None


def make_private(path: Path, mode: int) -> None:
    """Gives `path` (a folder 0o700, a file 0o600) no access for group or others, and logs
    when an existing one had more. Nothing to do where POSIX modes do not exist."""
    if os.name != "posix" or not path.exists():
        return
    current = path.stat().st_mode & 0o777
    if current & 0o077 == 0:
        return
    try:
        path.chmod(mode)
    except OSError as error:
        log.warning("cannot tighten %s (mode %o): %s", path.name, current, error.strerror)
        return
    log.warning("tightened %s from mode %o to %o", path.name, current, mode)


def private_file(path: Path) -> Path:
    """Creates `path` empty and 0o600 if it does not exist, else tightens it."""
    if os.name == "posix":
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    make_private(path, 0o600)
    return path


def tighten_all() -> None:
    """Tightens the app's folders and every file in them (the database and its -wal/-shm,
    key slots, settings, logs), as an older version or a copy may have left them."""
    for folder in (data_dir(), config_dir(), log_dir()):
        for item in folder.iterdir():
            make_private(item, 0o700 if item.is_dir() else 0o600)


def _ensure(path: Path) -> Path:
    """The folder, created (or tightened to) 0o700: it holds the database, the key slots,
    the settings or the logs of everyone who uses this laptop."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    make_private(path, 0o700)
    return path


def data_dir() -> Path:
    home = _home()
    return _ensure(home / "data" if home else Path(platformdirs.user_data_dir(APP_ID, False)))


def config_dir() -> Path:
    home = _home()
    return _ensure(home / "config" if home else Path(platformdirs.user_config_dir(APP_ID, False)))


def log_dir() -> Path:
    home = _home()
    return _ensure(home / "logs" if home else Path(platformdirs.user_log_dir(APP_ID, False)))


def database_path() -> Path:
    return data_dir() / "perisai.db"


def keystore_path() -> Path:
    return data_dir() / "keys.json"


def settings_path() -> Path:
    return config_dir() / "settings.json"
