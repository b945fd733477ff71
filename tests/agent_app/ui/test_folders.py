"""Where the save dialogs propose to put PDFs, exports and USB bundles: the Documents folder
as the system knows it (QStandardPaths), which OneDrive may have moved, never `~/Documents`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

from agent_app.ui import printing
from agent_app.ui.pages.sync import bundle_paths
from agent_app.ui.window import MainWindow


@pytest.fixture
def moved_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder whose Documents folder is somewhere else (as OneDrive does on Windows;
    here through the XDG user folders, which Qt reads on Linux)."""
    home = tmp_path / "user"
    moved = home / "OneDrive" / "Dokumen"
    moved.mkdir(parents=True)
    (home / "Documents").mkdir()
    config = home / ".config"
    config.mkdir()
    (config / "user-dirs.dirs").write_text(
        'XDG_DOCUMENTS_DIR="$HOME/OneDrive/Dokumen"\n', encoding="utf-8"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    documents = Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    )
    if sys.platform.startswith("linux"):
        assert documents == moved
    return documents


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folder or path each file dialog was opened on; every dialog is cancelled."""
    seen: list[str] = []

    def dialog(_parent: Any, _title: str, start: str, _filter: str = "") -> tuple[str, str]:
        seen.append(start)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(dialog))
    return seen


def test_save_dialogs_propose_the_documents_folder(
    logged_in: MainWindow, moved_documents: Path, asked: list[str]
) -> None:
    assert printing._ask_pdf_path(logged_in, "bukti-pendaftaran-1234abcd.pdf") is None
    reports = logged_in.workspace.show_page("reports")
    assert reports._ask_path(reports.export_request()) is None
    sync = logged_in.workspace.show_page("sync")
    assert bundle_paths.ask_export_path(sync) == ""
    assert bundle_paths.ask_bundle_path(sync) == ""

    receipt, export, bundle, bundle_folder = (Path(p) for p in asked)
    assert receipt == moved_documents / "bukti-pendaftaran-1234abcd.pdf"
    assert export.parent == moved_documents and export.suffix in (".xlsx", ".csv")
    assert bundle == moved_documents / "perisai-bundle.bundle"
    assert bundle_folder == moved_documents
