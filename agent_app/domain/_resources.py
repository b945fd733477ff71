"""Locates the data files in `resources/` that ship with the app (and with the server).

`PERISAI_RESOURCES` overrides the folder (tests, packaged builds); a PyInstaller build keeps
the folder beside the executable's unpacked files.
"""

from __future__ import annotations

import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any


def resources_dir() -> Path:
    override = os.environ.get("PERISAI_RESOURCES")
    if override:
        return Path(override)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


@cache
def load_json(name: str) -> Any:
    """Reads `resources/<name>` once; the result must be treated as read-only."""
    with (resources_dir() / name).open(encoding="utf-8") as fh:
        return json.load(fh)
