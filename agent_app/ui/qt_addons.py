"""The two modules the app takes from PySide6-Addons (docs/dependencies.md): QtMultimedia for
the camera, QtPositioning for the place of a visit. Each is imported on first use, never at
start-up; their probing of optional system services (pipewire, VA-API, geoclue) is not
logged as a warning: the features say plainly when they are unavailable."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLoggingCategory

QUIET = "\n".join(
    [
        *(f"qt.multimedia.{name}=false" for name in ("symbolsresolver", "ffmpeg", "plugin")),
        "qt.positioning.geoclue2=false",
    ]
)


def multimedia() -> Any:
    """PySide6.QtMultimedia (ImportError where Addons is missing)."""
    QLoggingCategory.setFilterRules(QUIET)
    from PySide6 import QtMultimedia

    return QtMultimedia


def positioning() -> Any:
    """PySide6.QtPositioning (ImportError where Addons is missing)."""
    QLoggingCategory.setFilterRules(QUIET)
    from PySide6 import QtPositioning

    return QtPositioning
