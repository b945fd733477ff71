"""Where an offline bundle goes: the file dialogs asking where to write one ("Export for USB")
and which one to send ("Send a bundle file"). An empty path: the agent cancelled."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from agent_app.ui import folders


def ask_export_path(parent: QWidget) -> str:
    path, _ = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("SyncPage", "Export for USB"),
        folders.proposed("perisai-bundle.bundle"),
        QCoreApplication.translate("SyncPage", "Perisai bundle (*.bundle)"),
    )
    return path


def ask_bundle_path(parent: QWidget) -> str:
    path, _ = QFileDialog.getOpenFileName(
        parent,
        QCoreApplication.translate("SyncPage", "Send a bundle file"),
        str(folders.documents_dir()),
        QCoreApplication.translate("SyncPage", "Perisai bundle (*.bundle)"),
    )
    return path
