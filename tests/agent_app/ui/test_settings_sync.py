"""Settings (booth mode: the current event; idle lock; language; another account) and Sync."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from agent_app.ui.window import MainWindow

from . import fakes


def open_settings(qtbot: Any, window: MainWindow) -> Any:
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    return window.workspace.pages["settings"]


def test_pick_current_event_for_booth(qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell):
    page = open_settings(qtbot, logged_in)
    assert page.event_combo.hasFocus()
    texts = [page.event_combo.itemText(i) for i in range(page.event_combo.count())]
    assert texts == [
        "(tanpa acara)",
        "Sumsel Marketing · Palembang Indah Mall (22 Sep 2026 – 3 Okt 2026)",
    ]
    page.event_combo.setCurrentIndex(1)
    page.idle.setValue(5)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert shell.settings.current_event_id == fakes.EVENT.id
    assert shell.settings.idle_lock_minutes == 5
    assert shell.settings.saved >= 1
    assert page.note.text() == "Tersimpan."
    assert logged_in.event_label.text() == "Acara: Sumsel Marketing"
    assert logged_in.idle.timer.interval() == 5 * 60_000
    # new records are tagged with the event
    businesses = logged_in.workspace.show_page("businesses")
    businesses.list_page.new_button.click()
    dialog = businesses.dialog
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Kopi Booth")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    created = [b for b in shell.backend.businesses.values() if b.name == "Kopi Booth"]
    assert created[0].event_id == fakes.EVENT.id


def test_settings_show_the_branch_s_time_zone(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    shell.backend.zone = "Asia/Makassar"  # what the server said at login
    page = open_settings(qtbot, logged_in)
    assert page.time_zone.text().startswith("WITA (Asia/Makassar): tanggal, iuran, target")


def test_language_change_applies_at_next_start(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    page = open_settings(qtbot, logged_in)
    page.language.setCurrentIndex(page.language.findData("en"))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert shell.settings.language == "en"
    assert "saat aplikasi dibuka lagi" in page.note.text()


def test_add_account_then_switch_to_it(qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell):
    page = open_settings(qtbot, logged_in)
    qtbot.keyClicks(page.new_code, "PLG-002")
    qtbot.keyClicks(page.new_name, "Budi Santoso")
    qtbot.keyClicks(page.new_branch, "Palembang")
    qtbot.keyClicks(page.new_password, "pendek")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert "paling sedikit 8" in page.account_note.text()
    qtbot.keyClicks(page.new_password, "12345")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.account_note.text() == "Akun ditambahkan."
    assert len(shell.keystore.accounts()) == 2
    logged_in.switch_action.trigger()
    assert logged_in.login.account.count() == 2


def test_the_new_account_form_is_closed_to_who_may_not_add_accounts(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    """An agent sees why the form is closed before typing a whole account that the key
    store would refuse (it checks again when adding)."""
    shell.keystore.may_add = False
    page = open_settings(qtbot, logged_in)
    qtbot.waitUntil(lambda: not page.add_button.isEnabled())
    assert not page.new_code.isEnabled() and not page.new_password.isEnabled()
    assert "dikonfirmasi server" in page.account_note.text()
    shell.keystore.may_add = True
    page.activate()
    qtbot.waitUntil(page.add_button.isEnabled)
    assert page.new_code.isEnabled() and page.account_note.text() == ""


def test_sync_page_shows_pending_and_syncs(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    shell.backend.ops = 7
    qtbot.keyClick(logged_in, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    page = logged_in.workspace.pages["sync"]
    assert page.pending.text() == "7"
    assert page.state.text() == "Offline"
    assert page.last.text() == "Tidak pernah"
    assert page.server.text() == "Server belum diatur (lihat Pengaturan)"
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert page.result.text() == "Sinkronisasi selesai: 3 terkirim, 1 diterima."
    assert page.pending.text() == "0"
    assert logged_in.pending_label.text() == "Menunggu: 0"


@pytest.mark.expect_warning_log(r"^ui: message shown: error$")
def test_sync_failure_is_explained(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, shown_messages: list[Any]
):
    from agent_app import errors
    from agent_app.domain.messages import Text

    page = logged_in.workspace.show_page("sync")
    shell.backend.fail_next = errors.KnownError(
        Text("Server tidak dapat dihubungi.", "The server cannot be reached."), "network"
    )
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert page.result.text() == "Sinkronisasi gagal."
    assert shown_messages[-1].text == "Server tidak dapat dihubungi."
    assert page.sync_button.isEnabled()


def test_log_in_to_server_when_not_connected(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    shell.backend.needs_login = True
    page = logged_in.workspace.show_page("sync")
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert page.connect_box.isVisibleTo(page)
    assert "belum masuk ke server" in page.result.text()
    qtbot.keyClicks(page.password, "rahasia123")
    qtbot.keyClick(page.password, Qt.Key.Key_Return)
    assert not page.connect_box.isVisibleTo(page)
    assert page.result.text().startswith("Sinkronisasi selesai")


def test_a_laptop_not_logged_in_to_the_server_asks_for_the_password_at_once(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    """Before any sync has been tried: the page says so and offers the password field."""
    shell.backend.needs_login = True
    shell.backend.server_url = "https://perisai.example"
    page = logged_in.workspace.show_page("sync")
    qtbot.waitUntil(lambda: page.connect_box.isVisibleTo(page))
    assert "belum masuk ke server" in page.result.text()
    assert shell.backend.calls.count("sync_now") == 0
    # With no server set there is nothing to log in to: the box stays hidden.
    shell.backend.server_url = ""
    page.connect_box.setVisible(False)
    page.refresh()
    qtbot.wait(50)
    assert not page.connect_box.isVisibleTo(page)


def test_conflict_listed_and_settled(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, qtmodeltester: Any
):
    from agent_app.domain.messages import Text
    from agent_app.services import sync as sync_service

    shell.backend.problems = [
        sync_service.SyncProblem(
            op_id="op-1",
            entity="business",
            entity_id="b1",
            kind="update",
            status="conflict",
            code="field_changed",
            field="phone",
            server_message="phone changed",
            resolvable=True,
            problem=Text("Nomor HP diubah orang lain.", "Someone else changed the phone."),
            advice=Text(
                "Nomor HP diubah orang lain. Pilih data yang dipakai.",
                "Someone else changed the phone. Choose which to keep.",
            ),
        )
    ]
    page = logged_in.workspace.show_page("sync")
    qtmodeltester.check(page.problems)
    assert page.problems_title.text() == "Ditolak atau konflik (1)"
    assert page.problems.data(page.problems.index(0, 1)) == "Konflik"
    assert not page.compare_button.isEnabled()
    page.problems_table.selectRow(0)
    assert page.compare_button.isEnabled()
    qtbot.mouseClick(page.compare_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.dialog.keep_mine, Qt.MouseButton.LeftButton)
    assert "resolve:op-1:mine" in shell.backend.calls
    assert page.problems.rowCount() == 0


def test_booth_mode_opens_on_the_enrollment_form(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    page = open_settings(qtbot, logged_in)
    page.booth.setChecked(True)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert shell.settings.booth_mode
    logged_in.switch_action.trigger()
    qtbot.keyClicks(logged_in.login.password, "rahasia123")
    qtbot.keyClick(logged_in.login.password, Qt.Key.Key_Return)
    enrollments = logged_in.workspace.pages["enrollments"]
    assert logged_in.workspace.stack.currentWidget() is enrollments
    assert logged_in.workspace.nav.currentItem().text() == "Pendaftaran"


def test_background_sync_runs_quietly(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, shown_messages: list[Any]
):
    auto = logged_in.auto_sync
    auto.tick()
    assert "sync_now" not in shell.backend.calls  # no server set: nothing to do
    shell.settings.server_url = "https://perisai.example.id"
    shell.backend.ops = 4
    auto.tick()
    assert "sync_now" in shell.backend.calls
    assert logged_in.pending_label.text() == "Menunggu: 0"
    from agent_app import errors
    from agent_app.domain.messages import Text

    shell.backend.fail_next = errors.KnownError(Text("Offline.", "Offline."), "network")
    auto.tick()
    assert not shown_messages  # offline at a mall is normal: no message box
    assert not auto.running


def test_plain_http_to_another_computer_is_refused_next_to_the_field(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, qapp: Any
):
    page = open_settings(qtbot, logged_in)
    saved_before = shell.settings.saved
    qtbot.keyClicks(page.server_url, "http://perisai.example.id")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.server_error.isVisibleTo(page)
    assert page.server_error.text().startswith("Alamat server memakai http:// tanpa enkripsi")
    assert "https://" in page.server_error.text()
    assert shell.settings.server_url == "" and shell.settings.saved == saved_before
    assert page.server_url.text() == "http://perisai.example.id"  # kept, to be corrected
    from agent_app.ui import i18n

    i18n.install(qapp, "en")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.server_error.text().startswith("The server address uses http:// without")
    i18n.install(qapp, "id")
    for good in ("http://127.0.0.1:8765", "https://perisai.example.id"):
        page.server_url.setText(good)
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
        assert not page.server_error.isVisibleTo(page)
        assert shell.settings.server_url == good


def test_first_run_refuses_plain_http_to_another_computer(qtbot: Any, shell: fakes.FakeShell):
    from agent_app.ui import login

    page = login.FirstRunPage(shell)
    qtbot.addWidget(page)
    qtbot.keyClicks(page.agent_code, "PLG-001")
    qtbot.keyClicks(page.name, "Siti Aminah")
    qtbot.keyClicks(page.branch, "Palembang")
    qtbot.keyClicks(page.password, "rahasia123")
    qtbot.keyClicks(page.repeat, "rahasia123")
    qtbot.keyClicks(page.server_url, "http://192.168.1.20:8765")
    page.create_button.click()
    assert page.error.text().startswith("Alamat server memakai http:// tanpa enkripsi")
    assert not shell.keystore.has_accounts()
    assert shell.settings.server_url == ""


def test_a_hand_edited_http_address_sends_nothing(tmp_path: Any):
    """The settings file edited by hand: the backend refuses before any request is made."""
    import pytest

    from agent_app import errors
    from agent_app.ui.backend import ServicesBackend

    def no_database() -> Any:
        raise AssertionError("nothing may be read or sent")

    backend = ServicesBackend(no_database, object(), lambda: "http://perisai.example.id")
    for call in (
        lambda: backend.sync_now(password="rahasia123"),
        lambda: backend.check_participant("1671055203850001"),
        lambda: backend.upload_bundle(str(tmp_path / "b.perisai")),
    ):
        with pytest.raises(errors.KnownError) as refused:
            call()
        assert refused.value.code == "insecure_server"
