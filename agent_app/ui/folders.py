"""The folder the app proposes when it asks where to save a PDF, an export or a USB bundle:
the person's Documents folder as the system knows it.

`QStandardPaths.DocumentsLocation` follows the system's setting, so on Windows it is the
Documents folder OneDrive has moved (`C:\\Users\\x\\OneDrive\\Documents`), and on Linux the
XDG user folder (`~/Dokumen` on an Indonesian desktop); `~/Documents` is right on neither.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths


def documents_dir() -> Path:
    """The Documents folder, or the home folder where there is none."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(location) if location else None
    return folder if folder is not None and folder.is_dir() else Path.home()


def proposed(name: str) -> str:
    """The path a save dialog proposes for a file called `name`."""
    return str(documents_dir() / name)


def unused(path: Path) -> Path:
    """`path`, or the first of `name-2.ext`, `name-3.ext`... that does not exist yet: a file
    saved again (a receipt printed twice in a day) never overwrites the earlier one."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def proposed_new(name: str) -> str:
    """The path a save dialog proposes for a new file called `name` (or `name-2`...) in the
    Documents folder, never one that exists."""
    return str(unused(documents_dir() / name))
