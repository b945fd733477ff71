"""The one way to the data files in `resources/` that ship with the app (and with the server).

`resources/` is a package (`resources/__init__.py`) that setuptools ships as package data in the
wheel, so everything here reads through `importlib.resources`: from a clone, an editable
install and an installed wheel alike. Two overrides come first:

- `PERISAI_RESOURCES` names another folder (tests);
- a PyInstaller build (`sys._MEIPASS`) keeps the folder beside its unpacked files
  (`build.spec` copies it there as `resources/`).

Qt needs real file paths (`QTranslator.load`); `path()` gives one, extracting the file for
the life of the process when the package is not on the file system (a zipped install).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import sys
from functools import cache
from importlib import resources as _importlib_resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

#: The package holding the data files (the repository's top-level `resources/` folder).
PACKAGE = "resources"

_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def root() -> Traversable:
    """The resources folder, as a Traversable (a plain `Path` except in a zipped install)."""
    override = os.environ.get("PERISAI_RESOURCES")
    if override:
        return Path(override)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return _importlib_resources.files(PACKAGE)


def resources_dir() -> Path:
    """The resources folder on the file system (for messages and tools that write there)."""
    folder = root()
    if isinstance(folder, Path):
        return folder
    return Path(str(folder))


def path(*parts: str) -> Path:
    """A file-system path of `resources/<parts...>` (a file), for APIs that need one."""
    item = root().joinpath(*parts)
    if isinstance(item, Path):
        return item
    return _extracted.enter_context(_importlib_resources.as_file(item))


def read_text(*parts: str) -> str:
    return root().joinpath(*parts).read_text(encoding="utf-8")


def read_bytes(*parts: str) -> bytes:
    return root().joinpath(*parts).read_bytes()


@cache
def load_json(name: str) -> Any:
    """Reads `resources/<name>` once; the result must be treated as read-only."""
    return json.loads(read_text(name))
