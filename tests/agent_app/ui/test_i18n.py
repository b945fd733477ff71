"""Every visible string goes through the message catalogue, and Bahasa Indonesia is complete.

The walk below visits every page and dialog with the Indonesian translator installed and
collects what a person can read (labels, buttons, tooltips, placeholders, combo items, tab
texts, table headers, actions...). A text that equals an English source string (or fills one
of its patterns) was left untranslated, unless it is the same word in both languages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QTableView,
    QTabWidget,
    QWidget,
)

from agent_app.domain import catalogue
from agent_app.ui import i18n
from agent_app.ui.pages import businesses
from agent_app.ui.window import MainWindow
from devtools import i18n_build, i18n_po

from . import fakes

#: Words that are the same in both languages.
SAME_IN_BOTH = {
    "Ctrl+F",
    "Data",
    "Format",
    "Excel (.xlsx)",
    "CSV (.csv)",
    "Online",
    "Offline",
    "NIK",
    "NIB",
    "Status",
    "Supervisor",
    "Email",
    "Server",
    "Booth",
    "Esc",
    "Enter",
    "Ctrl+S",
    "Ctrl+Enter",
    "Ctrl+P",
    "JKN",
    "NPWP",
    "08…",
    "Ctrl+{n}",
    "{name} ({code}) · {role}",
    "{metric} ({scope})",
    "{venue}, {start} – {end}",
    "Bahasa Indonesia",
    "English",
}


#: The navigation's entries, as the source code writes them.
NAV_ENGLISH = [
    "Dashboard",
    "Businesses (UMKM)",
    "Enrollments",
    "Follow-ups",
    "Reports",
    "Sync",
    "Settings",
]


def sources() -> set[str]:
    """The English source of every message of the catalogue (tr(), Text.of, keys.json)."""
    return {entry.source for entry in i18n_po.read(i18n_build.po_path("id"))}


def patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for source in sources() - SAME_IN_BOTH:
        if "{" in source:
            regex = re.escape(source)
            regex = re.sub(r"\\\{[a-z_]+\\\}", ".+", regex)
            found.append((source, re.compile(f"^{regex}$", re.S)))
    return found


def model_texts(model: QAbstractItemModel) -> list[str]:
    texts = []
    for column in range(model.columnCount()):
        texts.append(str(model.headerData(column, Qt.Orientation.Horizontal) or ""))
    return texts


def readable_texts(root: QWidget) -> list[str]:
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        texts.append(widget.toolTip())
        texts.append(widget.accessibleName())
        if isinstance(widget, QMainWindow | QWidget) and widget.isWindow():
            texts.append(widget.windowTitle())
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        if isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        if isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
        if isinstance(widget, QAbstractSpinBox):
            texts.append(widget.specialValueText())
            texts.append(getattr(widget, "suffix", lambda: "")())
        if isinstance(widget, QTabWidget):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
        if isinstance(widget, QListWidget):
            texts.extend(widget.item(i).text() for i in range(widget.count()))
            texts.extend(widget.item(i).toolTip() for i in range(widget.count()))
        if isinstance(widget, QTableView) and widget.model() is not None:
            texts.extend(model_texts(widget.model()))
        for action in widget.actions():
            texts.extend([action.text(), action.toolTip()])
    return [t.strip() for t in texts if t and t.strip()]


def untranslated(texts: list[str]) -> list[str]:
    english = sources() - SAME_IN_BOTH
    pats = patterns()
    bad = []
    for text in texts:
        if text in english:
            bad.append(text)
            continue
        for source, pattern in pats:
            if pattern.match(text):
                bad.append(f"{text!r} (from {source!r})")
    return sorted(set(bad))


def every_screen(qtbot: Any, window: MainWindow) -> list[QWidget]:
    """Opens every page and dialog; returns the top-level widgets to walk."""
    screens: list[QWidget] = [window]
    workspace = window.workspace
    for key in workspace.pages:
        workspace.show_page(key)
    page = workspace.pages["businesses"]
    page.list_page.apply_filter()
    first = page.list_page.model.business_id(0)
    page.open_business(first)
    page.record_visit(page.detail_page.business)
    screens.append(page.dialog)
    page.dialog.reject()
    page.edit_business(page.detail_page.business)
    screens.append(page.dialog)
    page.dialog.reject()
    page.register_employer(page.detail_page.business)  # the employer form, with a bad line
    line = page.employer_form.table.add_line()
    page.employer_form.workers.set_cell(line, "monthly_wage", "2.5jt")
    page.employer_form.table.go_to(line, "monthly_wage")
    page.employer_form.submit()
    new = businesses.BusinessDialog(window.ctx, None, window)
    qtbot.addWidget(new)
    screens.append(new)
    enrollments = workspace.pages["enrollments"]
    form = enrollments.form
    qtbot.keyClicks(form.nik, "1671055203850001")
    form.birth_date.setDate(form.birth_date.date().addDays(3))
    form.jht.setChecked(True)
    form.period.setCurrentIndex(3)
    form.submit()
    settings = workspace.pages["settings"]
    settings.show_about()  # the About box (version, server, licences)
    screens.append(settings.about)
    window.lock("switch")
    return screens


def test_every_visible_string_is_translated(qtbot: Any, logged_in: MainWindow):
    logged_in.ctx.set_event(fakes.EVENT.id)
    texts: list[str] = []
    for screen in every_screen(qtbot, logged_in):
        texts.extend(readable_texts(screen))
    texts.extend(readable_texts(logged_in.first_run))
    assert len(texts) > 300
    assert untranslated(texts) == []


def test_the_walk_catches_an_untranslated_string(qtbot: Any, logged_in: MainWindow):
    logged_in.workspace.pages["sync"].sync_button.setText("Sync now")
    assert untranslated(readable_texts(logged_in)) == ["Sync now"]


@pytest.mark.clock_free
def test_translation_file_is_complete_and_current(capsys: pytest.CaptureFixture[str]):
    """Every tr() string, Text.of message and keys.json name has Indonesian, and the .po
    (no missing or unused entry) and its compiled .mo are what a build would write."""
    assert i18n_build.build(check=True) == 0, capsys.readouterr().out
    messages = i18n_build.collect()
    assert len(messages.qt) > 300
    assert ("occupations", "Farmer") in messages.core
    extra_ts = i18n.i18n_dir() / "qt_extra_id.ts"
    assert i18n.qm_path("id").stat().st_mtime >= extra_ts.stat().st_mtime - 1


@pytest.mark.clock_free
def test_the_check_fails_on_a_missing_translation_or_a_stale_catalogue(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    messages = i18n_build.collect()
    messages.qt["Brand new words"] = {"SyncPage"}
    monkeypatch.setattr(i18n_build, "collect", lambda: messages)
    assert i18n_build.build(check=True) == 1
    out = capsys.readouterr().out
    assert "SyncPage: 'Brand new words'" in out
    assert "id.po is stale" in out


def test_the_catalogue_answers_qt_and_leaves_qt_own_words_to_qt(qapp: Any):
    i18n.install(qapp, "id")
    assert QCoreApplication.translate("SyncPage", "Sync") == "Sinkronisasi"
    assert QCoreApplication.translate("Labels", "Needs follow-up") == catalogue.translate(
        "Needs follow-up", "id"
    )
    assert QCoreApplication.translate("SyncPage", "Not in the catalogue") == (
        "Not in the catalogue"
    )
    # Qt's own words come from qt_extra_id.qm (and Qt's), not from the catalogue
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Batal"
    assert QCoreApplication.translate("QPlatformTheme", "Sync") == "Sync"
    i18n.install(qapp, "en")
    assert QCoreApplication.translate("SyncPage", "Sync") == "Sync"
    i18n.install(qapp, "id")


def test_a_page_in_indonesian_from_the_catalogue(logged_in: MainWindow):
    """The same window that speaks English in the next test speaks the catalogue's Indonesian."""
    nav = logged_in.workspace.nav
    shown = [nav.item(i).text() for i in range(nav.count())]
    assert shown == [catalogue.translate(english, "id") for english in NAV_ENGLISH]
    assert set(shown).isdisjoint(NAV_ENGLISH)
    assert shown[5] == "Sinkronisasi"


def test_english_is_the_source_language(qtbot: Any, qapp: Any, shell: fakes.FakeShell):
    i18n.install(qapp, "en")
    shell.keystore.create_first_account("PLG-001", "Siti", "Palembang", "agent", "rahasia123")
    window = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    qtbot.keyClicks(window.login.password, "rahasia123")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    nav = window.workspace.nav
    assert [nav.item(i).text() for i in range(nav.count())] == NAV_ENGLISH
    assert i18n.date(fakes.TODAY) == "24 Sep 2026"
    form = window.workspace.pages["enrollments"].form
    assert form.income.text() == "Rp1.000.000"  # rupiah the Indonesian way in English too
    assert form.quote_total.text() == "Rp8,400 per month".replace(",", ".")


@pytest.mark.parametrize(
    ("amount", "text"), [(16800, "Rp16.800"), (1_441_000, "Rp1.441.000"), (0, "Rp0")]
)
def test_rupiah(amount: int, text: str):
    assert i18n.rupiah(amount) == text


def test_indonesian_dates():
    import datetime as dt

    assert i18n.date(dt.date(2021, 9, 22)) == "22 Sep 2021"
    assert i18n.date(dt.date(2021, 10, 3)) == "3 Okt 2021"
    assert i18n.date(dt.date(2021, 8, 17)) == "17 Agu 2021"
    assert i18n.number(1441) == "1.441"


def test_counts_in_english_are_grouped_the_english_way_and_rupiah_stay_indonesian(qapp: Any):
    """An English reader reads 1.441 as one point four: counts take commas in English; the
    rupiah keep their Indonesian dots, as on the agency's forms."""
    try:
        i18n.install(qapp, "en")
        assert (i18n.number(1441), i18n.number(1_441_000), i18n.number(7)) == (
            "1,441",
            "1,441,000",
            "7",
        )
        assert i18n.rupiah(1_441_000) == "Rp1.441.000"
    finally:
        i18n.install(qapp, "id")
    assert i18n.number(1441) == "1.441"


def test_qt_own_words_are_indonesian(qtbot: Any):
    from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

    for widget in (QLineEdit(), QPlainTextEdit()):
        qtbot.addWidget(widget)
        menu = widget.createStandardContextMenu()
        texts = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
        assert texts == [
            "&Urungkan",
            "U&langi",
            "&Potong",
            "&Salin",
            "&Tempel",
            "Hapus",
            "Pilih semua",
        ]
        menu.deleteLater()


def test_phone_numbers_as_agents_dial_them():
    assert i18n.phone("+6281277889900") == "0812-7788-9900"
    assert i18n.phone("+62812345678") == "0812-3456-78"
    assert i18n.phone(None) == ""


def test_translations_of_a_retired_ts_file_can_be_taken_in(tmp_path: Path):
    """A branch written before the catalogue brings its new strings in perisai_id.ts."""
    ts = tmp_path / "perisai_id.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="id">'
        "<context><name>SyncPage</name>"
        "<message><source>Sync now</source><translation>Sinkronkan</translation></message>"
        "<message><source>Later</source><translation type='unfinished'></translation></message>"
        "<message><source>Kept</source><translation>Baru</translation></message>"
        "</context></TS>",
        encoding="utf-8",
    )
    entries = [
        i18n_po.Entry("Sync now"),
        i18n_po.Entry("Later"),
        i18n_po.Entry("Kept", "Lama"),
        i18n_po.Entry("Sync now", "", "keys"),
    ]
    assert i18n_build.import_ts(entries, ts) == 1
    assert [e.translation for e in entries] == ["Sinkronkan", "", "Lama", ""]
