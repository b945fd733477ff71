"""The window over the real composition root: key slots, SQLCipher database, services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from agent_app import app, paths
from agent_app.security import keyslots
from agent_app.settings import Settings
from agent_app.ui.window import MainWindow

from . import fakes


@pytest.fixture
def real_shell(_home: Path) -> Any:
    shell = app.AppShell(
        Settings.load(paths.settings_path()),
        keyslots.KeyStore(
            paths.keystore_path(),
            kdf=keyslots.KdfParams(time_cost=1, memory_cost_kib=8, parallelism=1),
        ),
        str(paths.log_dir()),
    )
    yield shell
    shell.close()


def test_first_run_business_and_visit_on_real_database(
    qtbot: Any, real_shell: app.AppShell, shown_messages: list[Any]
):
    window = MainWindow(real_shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    page = window.first_run
    for edit, text in (
        (page.agent_code, "PLG-001"),
        (page.name, "Siti Aminah"),
        (page.branch, "PLG"),
        (page.password, "rahasia123"),
        (page.repeat, "rahasia123"),
    ):
        qtbot.keyClicks(edit, text)
    qtbot.keyClick(page.repeat, Qt.Key.Key_Return)
    assert window.workspace is not None, shown_messages
    assert paths.database_path().exists()
    businesses = window.workspace.show_page("businesses")
    businesses.list_page.new_button.click()
    dialog = businesses.dialog
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Pempek Candy")
    qtbot.keyClicks(dialog.owner, "Candy Wijaya")
    qtbot.keyClicks(dialog.phone, "081277889900")
    dialog.sector.setCurrentIndex(dialog.sector.findData("kuliner"))
    dialog.region.set_code("16.71.05")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert businesses.dialog is None, shown_messages
    assert businesses.detail_page.title.text() == "Pempek Candy"
    assert businesses.detail_page.fields["sync_state"].text() == "Menunggu"
    qtbot.mouseClick(businesses.detail_page.visit_button, Qt.MouseButton.LeftButton)
    visit = businesses.dialog
    qtbot.addWidget(visit)
    visit.outcome.setCurrentIndex(visit.outcome.findData("interested"))
    visit.visit_date.setDate(visit.visit_date.date().addDays(-1))  # recorded a day late
    qtbot.keyClicks(visit.notes, "Minta brosur JHT")
    qtbot.mouseClick(visit.save_button, Qt.MouseButton.LeftButton)
    assert businesses.dialog is None, shown_messages
    assert businesses.detail_page.visits.rowCount() == 1
    import datetime as dt

    from agent_app.ui import i18n

    yesterday = i18n.date(dt.date.today() - dt.timedelta(days=1))
    visits = businesses.detail_page.visits
    assert visits.data(visits.index(0, 0)).startswith(yesterday)
    qtbot.keyClick(businesses.detail_page, Qt.Key.Key_Escape)
    listing = businesses.list_page
    qtbot.keyClicks(listing.search, "candy")
    qtbot.waitUntil(lambda: listing.model.rowCount() == 1)
    assert listing.model.data(listing.model.index(0, 3)) == "Sudah dihubungi"
    window.refresh_status()
    assert window.pending_label.text() not in ("", "Menunggu: 0")
    # the same business typed again (its phone in another form): shown before saving, used
    listing.new_button.click()
    again = businesses.dialog
    qtbot.addWidget(again)
    qtbot.keyClicks(again.name, "Candy Pempek")
    qtbot.keyClicks(again.phone, "+62 812-7788-9900")
    qtbot.keyClick(again.name, Qt.Key.Key_Return)
    assert again.candidates.list.item(0).text().splitlines()[1].endswith("Nomor HP sama")
    qtbot.mouseClick(again.candidates.use_button, Qt.MouseButton.LeftButton)
    assert businesses.dialog is None and businesses.detail_page.title.text() == "Pempek Candy"
    qtbot.keyClick(businesses.detail_page, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: listing.model.rowCount() == 1)  # still one: nothing new
    assert not shown_messages


def test_enrollment_submit_and_receipt_on_real_database(
    qtbot: Any, real_shell: app.AppShell, shown_messages: list[Any], tmp_path: Path
):
    unlocked = real_shell.keystore.create_first_account(
        "PLG-001", "Siti Aminah", "PLG", "agent", "rahasia123"
    )
    window = MainWindow(real_shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.login.password, "rahasia123")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    assert window.workspace is not None and unlocked is not None
    page = window.workspace.show_page("enrollments")
    form = page.form
    qtbot.keyClicks(form.nik, "1671055203850001")
    qtbot.keyClicks(form.full_name, "Rina Marlina")
    qtbot.keyClicks(form.phone, "081234567890")
    form.occupation.setCurrentIndex(form.occupation.findData("pedagang"))
    form.region.set_code("16.71.05")
    form.consent.setChecked(True)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert form.message.text().startswith("Diajukan: Rina Marlina"), form.message.text()
    assert form.last_submitted
    target = tmp_path / "bukti.pdf"
    form.save_receipt(target)
    assert target.exists() and target.read_bytes().startswith(b"%PDF")
    # the same NIK again: caught on this laptop before anything is written
    qtbot.keyClicks(form.nik, "1671055203850001")
    qtbot.waitUntil(lambda: form.duplicate is not None)
    assert "sudah terdaftar" in form.nik_status.text()
    assert [m.kind for m in shown_messages] == ["info"]


def test_every_page_over_the_demo_database(
    qtbot: Any, real_shell: app.AppShell, shown_messages: list[Any]
):

    from agent_app.domain import clock
    from devtools import seed as demo

    today = clock.today()  # the demo branch's day (WIB: it never logged in to a server)
    unlocked = real_shell.keystore.create_first_account(*demo.AGENT, demo.PASSWORD)
    real_shell.connect(unlocked)
    demo.seed(real_shell._engine, today, businesses_count=30)
    real_shell.settings.current_event_id = demo.EVENT_ID
    window = MainWindow(real_shell, today=lambda: today)
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.login.password, demo.PASSWORD)
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    workspace = window.workspace
    assert workspace is not None
    dashboard = workspace.pages["dashboard"]
    assert dashboard.event_title.text() == "Acara saat ini: Sumsel Marketing"
    assert dashboard.targets_grid.count() == 12  # four targets
    businesses = workspace.show_page("businesses")
    assert businesses.list_page.model.rowCount() == 30
    businesses.list_page.table.selectRow(0)
    qtbot.keyClick(businesses.list_page.table, Qt.Key.Key_Return)
    assert businesses.stack.currentWidget() is businesses.detail_page
    followups = workspace.show_page("followups")
    assert followups.model.rowCount() > 0
    enrollments = workspace.show_page("enrollments")
    # two sent back by the supervisor, and one in conflict with the server (the demo's)
    assert enrollments.corrections.rowCount() == 3
    assert enrollments.drafts.rowCount() == 2
    assert enrollments.mine.rowCount() > 30  # Siti's, all statuses
    assert "Perlu perbaikan" in {
        enrollments.mine.data(enrollments.mine.index(r, 2))
        for r in range(enrollments.mine.rowCount())
    }
    enrollments.open_correction(0)
    assert enrollments.form.correction_banner.isVisible()
    sync = workspace.show_page("sync")
    assert sync.pending.text() not in ("", "0")
    workspace.show_page("settings")
    workspace.show_page("reports")
    assert not shown_messages, shown_messages


def test_switch_user_on_real_database_keeps_the_form_as_the_first_persons_draft(
    qtbot: Any, real_shell: app.AppShell, shown_messages: list[Any]
):
    """Siti's half-typed enrollment becomes her draft in the encrypted database; Budi, next
    at the laptop, neither sees it in the form nor among his drafts; Siti gets it back."""
    window = MainWindow(real_shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    page = window.first_run
    for edit, text in (
        (page.agent_code, "PLG-001"),
        (page.name, "Siti Aminah"),
        (page.branch, "PLG"),
        (page.password, "rahasia123"),
        (page.repeat, "rahasia123"),
    ):
        qtbot.keyClicks(edit, text)
    qtbot.keyClick(page.repeat, Qt.Key.Key_Return)
    assert window.workspace is not None, shown_messages
    real_shell.keystore.add_account(
        window.unlocked, "PLG-002", "Budi Santoso", "PLG", "agent", "budi12345"
    )
    form = window.workspace.show_page("enrollments").form
    qtbot.keyClicks(form.nik, "1671055203850001")
    qtbot.keyClicks(form.full_name, "Rina Marlina")

    def log_in(code: str, password: str) -> Any:
        login = window.login
        login.account.setCurrentIndex(login.account.findData(code))
        qtbot.keyClicks(login.password, password)
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
        assert not window.locked, shown_messages
        return window.workspace.show_page("enrollments")

    window.switch_action.trigger()
    budi = log_in("PLG-002", "budi12345")
    assert budi.form.full_name.text() == "" and budi.form.nik.text() == ""
    assert budi.drafts.rowCount() == 0
    assert budi.mine.rowCount() == 0
    window.switch_action.trigger()
    siti = log_in("PLG-001", "rahasia123")
    assert siti.form.full_name.text() == "Rina Marlina"
    assert siti.form.nik.text() == "1671055203850001"
    assert siti.drafts.rowCount() == 1
    assert not shown_messages
