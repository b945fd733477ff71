"""Issue 11 item 9: every file and print dialog the app shows speaks Bahasa Indonesia when it
is chosen. Qt ships no Indonesian for its own dialogs: `resources/i18n/qt_extra_id.ts` has
their words, and under Indonesian the app shows Qt's own file dialog instead of the system's
(English on most laptops). Each dialog is opened as the app opens it, and every visible text
of it (labels, buttons, groups, tabs, lists, column headers, its title) is checked against
the English words it used to show."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QWidget,
)

from agent_app.ui import i18n, printing
from agent_app.ui.pages.sync import bundle_paths
from agent_app.ui.window import MainWindow

ROOT = Path(__file__).resolve().parents[3]

ENGLISH = {
    "look in",
    "files of type",
    "file name",
    "cancel",
    "save",
    "open",
    "back",
    "forward",
    "parent directory",
    "create new folder",
    "list view",
    "detail view",
    "name",
    "size",
    "type",
    "kind",
    "date modified",
    "folder",
    "drive",
    "computer",
    "printer",
    "properties",
    "printer properties",
    "output file",
    "location",
    "local file",
    "write pdf file",
    "print to file (pdf)",
    "print",
    "options >>",
    "options <<",
    "copies",
    "collate",
    "reverse",
    "pages",
    "pages from",
    "print all",
    "print range",
    "current page",
    "selection",
    "options",
    "output settings",
    "color mode",
    "color",
    "grayscale",
    "double sided printing",
    "off",
    "page",
    "job options",
    "advanced",
    "paper",
    "page size",
    "width",
    "height",
    "orientation",
    "portrait",
    "landscape",
    "margins",
    "page layout",
    "pages per sheet",
    "page order",
    "millimeters (mm)",
    "custom",
    "all pages",
    "even pages",
    "odd pages",
    "job",
    "job control",
    "print immediately",
}


def visible_texts(dialog: QWidget) -> list[str]:
    """Every text a person sees in `dialog`."""
    found = [dialog.windowTitle()]
    for w in [dialog, *dialog.findChildren(QWidget)]:
        if not w.isVisibleTo(dialog) and w is not dialog:
            continue
        if isinstance(w, QLabel):
            found.append(w.text())
        elif isinstance(w, QAbstractButton):
            found += [w.text(), w.toolTip()]
        elif isinstance(w, QGroupBox):
            found.append(w.title())
        elif isinstance(w, QComboBox):
            found += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QTabWidget):
            found += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QHeaderView) and w.model() is not None:
            model = w.model()
            count = (
                model.columnCount()
                if w.orientation() == Qt.Orientation.Horizontal
                else model.rowCount()
            )
            found += [str(model.headerData(i, w.orientation()) or "") for i in range(count)]
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            model, root = w.model(), w.rootIndex()
            found += [
                str(model.index(r, 0, root).data() or "") for r in range(model.rowCount(root))
            ]
    return [t for t in found if t]


def english_in(texts: list[str]) -> list[str]:
    def plain(text: str) -> str:
        return text.replace("&", "").strip().rstrip(":").strip().lower()

    return [t for t in texts if plain(t) in ENGLISH]


def when_shown(done: list[str], act: Callable[[QDialog], None]) -> None:
    """Runs `act` on the next modal dialog (opened by the call that follows), then closes it
    and notes its class in `done`."""

    def handle() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(20, handle)
            return
        try:
            act(dialog)
        finally:
            done.append(dialog.metaObject().className())
            dialog.reject()

    QTimer.singleShot(0, handle)


@pytest.fixture
def window(logged_in: MainWindow, qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("agent_app.ui.folders.documents_dir", lambda: tmp_path)
    (tmp_path / "bukti-pendaftaran-lama.pdf").write_bytes(b"%PDF-1.4\n")
    assert i18n.install(qapp, "id") == "id"
    return logged_in


def check_file_dialog(english: dict[str, list[str]], name: str) -> Callable[[QDialog], None]:
    def act(dialog: QDialog) -> None:
        from PySide6.QtWidgets import QFileDialog

        assert isinstance(dialog, QFileDialog)
        assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog) or (
            QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
        )
        dialog.setViewMode(QFileDialog.ViewMode.Detail)  # its column headers too
        QApplication.processEvents()
        english[name] = english_in(visible_texts(dialog))
        if name == "save PDF" and os.environ.get("PERISAI_SCREENSHOTS"):
            dialog.resize(900, 520)
            QApplication.processEvents()
            dialog.grab().save(str(ROOT / "docs" / "screenshots" / "save_dialog_id.png"), "PNG")

    return act


def test_file_dialogs_speak_indonesian(window: MainWindow):
    english: dict[str, list[str]] = {}
    shown: list[str] = []
    when_shown(shown, check_file_dialog(english, "save PDF"))
    assert printing._ask_pdf_path(window, "bukti-pendaftaran-1234abcd.pdf") is None
    reports = window.workspace.show_page("reports")
    when_shown(shown, check_file_dialog(english, "export"))
    assert reports._ask_path(reports.export_request()) is None
    sync = window.workspace.show_page("sync")
    when_shown(shown, check_file_dialog(english, "export bundle"))
    assert bundle_paths.ask_export_path(sync) == ""
    when_shown(shown, check_file_dialog(english, "open bundle"))
    assert bundle_paths.ask_bundle_path(sync) == ""
    assert shown == ["QFileDialog"] * 4
    assert english == {"save PDF": [], "export": [], "export bundle": [], "open bundle": []}


def test_print_dialog_and_its_properties_speak_indonesian(window: MainWindow):
    english: dict[str, list[str]] = {}

    def properties(dialog: QDialog) -> None:
        english["properties"] = english_in(visible_texts(dialog))

    def act(dialog: QDialog) -> None:
        english["print"] = english_in(visible_texts(dialog))
        buttons = {b.objectName(): b for b in dialog.findChildren(QPushButton)}
        options = [b for b in dialog.findChildren(QPushButton) if ">>" in b.text()]
        assert options, [b.text() for b in buttons.values()]
        options[0].click()  # the options: copies, pages, colour, both sides
        QApplication.processEvents()
        english["options"] = english_in(visible_texts(dialog))
        when_shown(opened, properties)
        buttons["properties"].click()

    opened: list[str] = []
    shown: list[str] = []
    when_shown(shown, act)
    assert not printing.print_html(window, "<p>Bukti</p>", None, "Bukti pendaftaran")
    assert shown and opened == ["QPrintPropertiesDialog"]
    assert english == {"print": [], "options": [], "properties": []}


def test_qt_own_file_dialog_only_where_the_system_one_would_not_speak_indonesian(qapp: Any):
    attribute = Qt.ApplicationAttribute.AA_DontUseNativeDialogs
    try:
        i18n.install(qapp, "id")
        assert QCoreApplication.testAttribute(attribute) is not i18n.system_speaks("id")
        i18n.install(qapp, "en")
        assert not QCoreApplication.testAttribute(attribute)
    finally:
        i18n.install(qapp, "id")
