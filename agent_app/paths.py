"""Where the app keeps its files: data (database, key slots), configuration and logs.

platformdirs picks the usual folders of each system; `AGENT_APP_HOME` puts all of them under
one folder instead (tests, demos, a portable install on a USB stick).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from agent_app import APP_ID


def _home() -> Path | None:
    value = os.environ.get("AGENT_APP_HOME")
    return Path(value) if value else None


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
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
