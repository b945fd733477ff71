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
