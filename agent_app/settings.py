"""Typed settings, each declared once with its type and default (Picard's `options.py`).

Stored as JSON in the config folder. A settings file from an older version is upgraded by
versioned functions in `_UPGRADES`, like the database; unknown keys are kept untouched so a
newer version's settings survive a downgrade.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import tempfile
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from agent_app.domain.messages import Text

log = logging.getLogger("config")

SETTINGS_VERSION = 1


@dataclass
class Settings:
    language: str = "id"  # "id" (Bahasa Indonesia) or "en"
    idle_lock_minutes: int = 10  # 0 turns the idle lock off
    server_url: str = ""  # empty: work offline only
    current_event_id: str | None = None
    booth_mode: bool = False
    sync_interval_seconds: int = 300
    # A new visit or business records where it was made when the operating system offers a
    # position (issue 14, item 7); the agent may turn it off.
    record_place: bool = True
    # The main window on this laptop when it was last closed: [x, y, width, height] of its
    # client area in logical pixels (None: never closed yet; reopened there only if that
    # fits a screen), and whether it was maximised.
    window_geometry: list[int] | None = None
    window_maximized: bool = False
    path: Path | None = field(default=None, repr=False, compare=False)
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path) -> Settings:
        """Reads the settings file; a missing or unreadable file gives the defaults."""
        data: dict[str, Any] = {}
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(data, dict):
                    raise ValueError("not an object")
            except (OSError, ValueError):
                log.warning("settings file unreadable, using defaults")
                data = {}
        data = _upgrade(data)
        known = {f.name for f in fields(cls)} - {"path", "extra"}
        settings = cls(**{k: v for k, v in data.items() if k in known})
        settings.extra = {k: v for k, v in data.items() if k not in known and k != "version"}
        settings.path = path
        settings._coerce()
        return settings

    def _coerce(self) -> None:
        if self.language not in ("id", "en"):
            self.language = "id"
        if not isinstance(self.idle_lock_minutes, int) or self.idle_lock_minutes < 0:
            self.idle_lock_minutes = Settings.idle_lock_minutes
        if not isinstance(self.sync_interval_seconds, int) or self.sync_interval_seconds < 30:
            self.sync_interval_seconds = Settings.sync_interval_seconds
        geometry = self.window_geometry
        if geometry is not None and not (
            isinstance(geometry, list)
            and len(geometry) == 4
            and all(isinstance(n, int) and not isinstance(n, bool) for n in geometry)
            and geometry[2] > 0
            and geometry[3] > 0
        ):
            self.window_geometry = None
        self.window_maximized = self.window_maximized is True
        self.record_place = self.record_place is not False

    def save(self) -> None:
        """Writes atomically (temp file, fsync, rename): a crash never leaves half a file."""
        if self.path is None:
            raise ValueError("settings have no path")
        data = {k: v for k, v in asdict(self).items() if k not in ("path", "extra")}
        data = {**self.extra, **data, "version": SETTINGS_VERSION}
        atomic_write(self.path, json.dumps(data, indent=2, ensure_ascii=False))


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _upgrade_0_to_1(data: dict[str, Any]) -> dict[str, Any]:
    # Version 0 (no "version" key) called the language "locale" ("id_ID" / "en_US").
    locale = data.pop("locale", None)
    if isinstance(locale, str) and "language" not in data:
        data["language"] = locale[:2]
    return data


_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _upgrade_0_to_1}


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    version = data.get("version", 0) if isinstance(data.get("version", 0), int) else 0
    while version < SETTINGS_VERSION:
        data = _UPGRADES[version](data)
        version += 1
    data["version"] = version
    return data


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def server_url_problem(url: str) -> Text | None:
    """Why the laptop must not use `url` as its server address, or None (empty: offline).

    Plain http is refused except on this computer (loopback: development and tests): the
    sync sends passwords, tokens and workers' NIKs, and an event's Wi-Fi is shared with
    strangers. There is no "use it anyway": a server worth syncing with has a certificate.
    """
    url = url.strip()
    if not url:
        return None
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        host, parts = "", urllib.parse.urlsplit("")
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return Text.of(
            "The server address is not recognised. Write it in full, "
            "e.g. https://perisai.example.id"
        )
    if scheme == "http" and not _loopback(host):
        return Text.of(
            "The server address uses http:// without encryption: anyone "
            "on the same network could read passwords, tokens and "
            "personal data. Use an https:// address."
        )
    return None
