"""Sync in the app (issue 5): the progress bar and "Sync now", the problems with the server's
message and what to do, the conflict dialog, each record's sync state, the NIK asked of the
server before a submit, auto-sync (online signal, timer and backoff), and the USB bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtNetwork import QNetworkInformation

from agent_app import errors
from agent_app.domain.messages import Text
from agent_app.services import sync as sync_service
from agent_app.ui.pages.sync import autosync, conflict_dialog
from agent_app.ui.window import MainWindow

from . import fakes
from .enrollment_form import fill, open_page
from .sync_problems import conflict

SERVER = "https://perisai.example.id"


def rejected() -> sync_service.SyncProblem:
    return sync_service.SyncProblem(
        op_id="op-3",
        entity="enrollment",
        entity_id="e3",
        kind="create",
        status="rejected",
        code="nik_already_enrolled",
        field="nik",
        server_message="nik already enrolled",
        problem=Text(
            "NIK ini sudah terdaftar sebagai peserta (cabang PLG, sejak 2026-05-02).",
            "This NIK is already enrolled (branch PLG, since 2026-05-02).",
        ),
        advice=Text(
            "Jangan daftarkan dua kali; periksa NIK dengan calon peserta.",
            "Do not enroll the person twice; check the NIK with them.",
        ),
        current={"branch": "PLG", "enrolled_on": "2026-05-02"},
        mine={"full_name": "Rina Marlina", "nik": "1671055203850001"},
    )


# -- the Sync page ---------------------------------------------------------------------------


def test_progress_bar_moves_and_sync_now_is_disabled_while_running(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    page = logged_in.workspace.show_page("sync")
    shell.backend.ops = 4
    shell.backend.progress_steps = [
        ("config", 0, None),
        ("push", 0, 4),
        ("push", 2, 4),
        ("push", 4, 4),
        ("pull", 1, None),
    ]
    seen: list[tuple[int, int, bool, bool, str]] = []
    page.controller.progress.connect(
        lambda *_a: seen.append(
            (
                page.progress.value(),
                page.progress.maximum(),
                page.sync_button.isEnabled(),
                page.progress.isVisibleTo(page),
                page.progress.format(),
            )
        )
    )
    assert not page.progress.isVisibleTo(page)
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert [s[:2] for s in seen[1:4]] == [(0, 4), (2, 4), (4, 4)]
    assert seen[2][4] == "Mengirim: 2 dari 4"
    assert seen[4][1] == 0  # pull: total unknown, a busy bar
    assert all(not enabled and visible for _v, _m, enabled, visible, _f in seen)
    assert page.sync_button.isEnabled() and not page.progress.isVisibleTo(page)
    assert page.result.text() == "Sinkronisasi selesai: 3 terkirim, 1 diterima."
    assert logged_in.online_label.text() == "Online"
    assert logged_in.pending_label.text() == "Menunggu: 0"


def test_one_cycle_at_a_time(qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell):
    page = logged_in.workspace.show_page("sync")
    controller = page.controller
    started: list[bool] = []

    def during(*_a: Any) -> None:
        started.append(controller.run())  # a click or the timer while one runs

    shell.backend.progress_steps = [("push", 1, 2)]
    controller.progress.connect(during)
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert started == [False]
    assert shell.backend.calls.count("sync_now") == 1


def test_problems_listed_with_server_message_and_what_to_do(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, qtmodeltester: Any
):
    shell.backend.problems = [rejected(), conflict()]
    page = logged_in.workspace.show_page("sync")
    qtmodeltester.check(page.problems)
    model = page.problems
    assert page.problems_title.text() == "Ditolak atau konflik (2)"
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["Data", "Status sinkronisasi", "Masalah", "Yang perlu dilakukan"]
    row0 = [model.data(model.index(0, c)) for c in range(4)]
    assert row0[0] == "Pendaftaran: Rina Marlina"
    assert row0[1] == "Ditolak"
    assert row0[2].startswith("NIK ini sudah terdaftar sebagai peserta (cabang PLG")
    assert row0[3].startswith("Jangan daftarkan dua kali")
    # The server's English stays out of the cells, available to support in the tooltip.
    assert all("nik already enrolled" not in cell for cell in row0)
    tooltip = model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole)
    assert "Pesan server: nik already enrolled (kode nik_already_enrolled)" in tooltip
    assert model.data(model.index(1, 0)) == "Usaha: Pempek Cek Ani"
    assert model.data(model.index(1, 1)) == "Konflik"
    page.problems_table.selectRow(0)
    assert not page.compare_button.isEnabled()  # a refusal is corrected, not chosen
    page.problems_table.selectRow(1)
    assert page.compare_button.isEnabled()


# -- the conflict dialog ---------------------------------------------------------------------


@pytest.mark.parametrize("choice", ["mine", "server"])
def test_conflict_dialog_side_by_side_and_choice(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, choice: str
):
    shell.backend.problems = [conflict()]
    page = logged_in.workspace.show_page("sync")
    page.problems_table.selectRow(0)
    qtbot.mouseClick(page.compare_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Konflik: Usaha: Pempek Cek Ani"
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(3)]
    assert headers == ["Isian", "Di laptop ini", "Di server"]
    rows = {dialog.values(r)[0]: dialog.values(r)[1:] for r in range(dialog.table.rowCount())}
    assert rows == {
        "Nama usaha": ("Pempek Cek Ani", "Pempek Cek Ani"),
        "Nomor HP": ("0812-7788-9900", "0813-1111-2222"),
    }
    assert dialog.changed == ["phone"]
    phone_row = [dialog.values(r)[0] for r in range(dialog.table.rowCount())].index("Nomor HP")
    name_row = 1 - phone_row
    assert dialog.table.item(phone_row, 1).font().bold()
    assert dialog.table.item(phone_row, 2).background().color() == conflict_dialog.HIGHLIGHT
    assert not dialog.table.item(name_row, 1).font().bold()
    assert "Bandingkan" in dialog.explain.text()
    button = dialog.keep_mine if choice == "mine" else dialog.take_server
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert f"resolve:op-7:{choice}" in shell.backend.calls
    assert not dialog.isVisible()
    assert page.problems.rowCount() == 0
    assert page.problems_title.text() == "Ditolak atau konflik (0)"
    expected = "akan dikirim" if choice == "mine" else "Data server sekarang ada"
    assert expected in page.result.text()


def test_accepted_enrollment_can_only_take_the_server_side(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    shell.backend.problems = [
        conflict(
            entity="enrollment",
            code="enrollment_accepted",
            mine={"full_name": "Rina Marlna"},
            current={"full_name": "Rina Marlina", "status": "accepted"},
        )
    ]
    page = logged_in.workspace.show_page("sync")
    page.problems_table.selectRow(0)
    page.compare()
    assert not page.dialog.keep_mine.isEnabled()
    assert page.dialog.take_server.isEnabled()
    qtbot.mouseClick(page.dialog.cancel, Qt.MouseButton.LeftButton)
    assert not any(c.startswith("resolve:") for c in shell.backend.calls)


# -- each record's state ---------------------------------------------------------------------


def test_business_list_and_detail_show_the_sync_state(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    rows = shell.backend._matching(fakes.BusinessFilter())
    shell.backend.sync_states = {
        rows[0].id: "pending",
        rows[1].id: "conflict",
        rows[2].id: "rejected",
    }
    page = logged_in.workspace.show_page("businesses")
    model = page.list_page.model
    qtbot.waitUntil(lambda: model.rowCount() > 3)
    column = model.COLUMNS.index("sync_state")
    assert model.headerData(column, Qt.Orientation.Horizontal) == "Status sinkronisasi"
    shown = [model.data(model.index(r, column)) for r in range(4)]
    assert shown == ["Menunggu", "Konflik", "Ditolak", "Tersinkron"]
    page.open_business(rows[1].id)
    assert page.detail_page.fields["sync_state"].text() == (
        "Konflik: lihat halaman Sinkronisasi untuk langkah selanjutnya"
    )
    assert "changed on the server" not in page.detail_page.fields["sync_state"].text()
    page.open_business(rows[3].id)
    assert page.detail_page.fields["sync_state"].text() == "Tersinkron"


def test_enrollment_list_shows_draft_pending_synced(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    base = {"nik": "1671055203850001", "full_name": "A", "status": "submitted"}
    shell.backend.enrollments = {
        "e1": {**base, "id": "e1", "full_name": "Ani", "status": "draft", "sync_state": None},
        "e2": {**base, "id": "e2", "full_name": "Budi", "sync_state": "pending"},
        "e3": {**base, "id": "e3", "full_name": "Citra", "sync_state": "synced"},
        "e4": {**base, "id": "e4", "full_name": "Dewi", "sync_state": "rejected"},
    }
    page = open_page(qtbot, logged_in)
    page.refresh()
    column = page.mine.columnCount() - 1
    assert page.mine.headerData(column, Qt.Orientation.Horizontal) == "Status sinkronisasi"
    shown = {
        page.mine.data(page.mine.index(r, 0)): page.mine.data(page.mine.index(r, column))
        for r in range(page.mine.rowCount())
    }
    assert shown == {"Ani": "Draf", "Budi": "Menunggu", "Citra": "Tersinkron", "Dewi": "Ditolak"}


def test_review_decisions_arrive_and_fill_needs_correction(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    shell.backend.enrollments["e5"] = {
        "id": "e5",
        "nik": "1671055203850001",
        "full_name": "Rina Marlna",
        "status": "submitted",
        "review_reason": "Nama tidak sesuai KTP",
        "_review_on_pull": "needs_correction",
    }
    page = open_page(qtbot, logged_in)
    assert page.tabs.tabText(1) == "Perlu perbaikan (0)"
    sync = logged_in.workspace.show_page("sync")
    qtbot.mouseClick(sync.sync_button, Qt.MouseButton.LeftButton)
    assert page.tabs.tabText(1) == "Perlu perbaikan (1)"
    assert page.corrections.data(page.corrections.index(0, 3)) == "Nama tidak sesuai KTP"


# -- the NIK asked of the server before a submit ---------------------------------------------


def test_enrolled_at_the_server_blocks_the_submit(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    import datetime as dt

    shell.settings.server_url = SERVER
    shell.backend.participant = sync_service.ParticipantCheck(
        "enrolled", branch="Lubuklinggau", enrolled_on=dt.date(2026, 5, 2)
    )
    form = open_page(qtbot, logged_in).form
    fill(qtbot, form)
    form.consent.setChecked(True)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert "check:1671055203850001" in shell.backend.calls
    assert "submit_form" not in shell.backend.calls
    text = form.message.text()
    assert "sudah terdaftar (cabang Lubuklinggau, sejak 2 Mei 2026)" in text, text
    assert "Tidak ada yang diajukan" in text
    assert form.nik.text() == "1671055203850001"  # the form stays, to check with the person
    assert form.submit_button.isEnabled()


@pytest.mark.parametrize(
    "answer",
    [
        sync_service.ParticipantCheck("unknown", reason="network"),
        sync_service.ParticipantCheck("not_enrolled"),
        errors.KnownError(Text("Offline.", "Offline."), "network"),
    ],
    ids=["offline", "not-enrolled", "error"],
)
def test_offline_or_unknown_submits(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, answer: Any
):
    shell.settings.server_url = SERVER
    shell.backend.participant = answer
    form = open_page(qtbot, logged_in).form
    fill(qtbot, form)
    form.consent.setChecked(True)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert "check:1671055203850001" in shell.backend.calls
    assert "submit_form" in shell.backend.calls
    assert form.message.text().startswith("Diajukan: Rina Marlina")


def test_no_server_no_question(qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell):
    form = open_page(qtbot, logged_in).form
    fill(qtbot, form)
    form.consent.setChecked(True)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert not any(c.startswith("check:") for c in shell.backend.calls)
    assert "submit_form" in shell.backend.calls


# -- auto-sync -------------------------------------------------------------------------------


class FakeNetwork(QObject):
    reachabilityChanged = Signal(object)


def make_auto(logged_in: MainWindow, network: Any = None) -> autosync.AutoSync:
    logged_in.auto_sync.stop()
    auto = autosync.AutoSync(logged_in.ctx, logged_in, network=network)
    return auto


def test_backoff_doubles_to_fifteen_minutes_and_resets_on_success(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, shown_messages: list[Any]
):
    shell.settings.server_url = SERVER
    auto = make_auto(logged_in)
    assert auto.next_delay_ms() == 300_000
    delays = []
    for _ in range(7):
        shell.backend.fail_next = sync_service.SyncFailed("network", "unreachable")
        auto.tick()
        delays.append(auto.timer.interval())
        assert auto.timer.isActive()
    assert [d // 1000 for d in delays] == [30, 60, 120, 240, 480, 900, 900]
    assert not shown_messages  # offline at a mall is normal: no message box
    assert logged_in.online_label.text() == "Offline"
    auto.tick()  # back online
    assert auto.failures == 0
    assert auto.timer.interval() == 300_000
    assert logged_in.pending_label.text() == "Menunggu: 0"
    assert shell.backend.calls.count("sync_now") == 8


def test_coming_online_syncs_at_once(qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell):
    shell.settings.server_url = SERVER
    network = FakeNetwork()
    auto = make_auto(logged_in, network)
    auto.failures = 5  # long backoff while offline
    network.reachabilityChanged.emit(QNetworkInformation.Reachability.Disconnected)
    assert "sync_now" not in shell.backend.calls
    network.reachabilityChanged.emit(QNetworkInformation.Reachability.Online)
    assert shell.backend.calls.count("sync_now") == 1
    assert auto.failures == 0
    network.reachabilityChanged.emit(QNetworkInformation.Reachability.Site)  # office LAN
    assert shell.backend.calls.count("sync_now") == 2
    auto.stop()  # the window closes: the signal no longer starts cycles
    network.reachabilityChanged.emit(QNetworkInformation.Reachability.Online)
    assert shell.backend.calls.count("sync_now") == 2
    assert not auto.timer.isActive()


def test_a_submit_asks_for_a_sync_soon(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(autosync, "AFTER_SUBMIT_MS", 50)
    shell.settings.server_url = SERVER
    auto = make_auto(logged_in)
    auto.start()
    assert auto.timer.remainingTime() > autosync.AFTER_SUBMIT_MS
    form = open_page(qtbot, logged_in).form
    fill(qtbot, form)
    form.consent.setChecked(True)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert "submit_form" in shell.backend.calls
    assert auto.timer.interval() == 50
    qtbot.waitUntil(lambda: "sync_now" in shell.backend.calls, timeout=5000)


def test_no_server_no_cycle_but_the_timer_keeps_going(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    auto = make_auto(logged_in)
    auto.tick()
    assert "sync_now" not in shell.backend.calls
    assert auto.timer.isActive()


def test_network_information_may_be_missing(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(QNetworkInformation, "instance", staticmethod(lambda: None))
    monkeypatch.setattr(
        QNetworkInformation, "loadBackendByFeatures", staticmethod(lambda *_a: False)
    )
    monkeypatch.setattr(QNetworkInformation, "loadDefaultBackend", staticmethod(lambda: False))
    assert autosync._network_information() is None


# -- offline bundles -------------------------------------------------------------------------


def test_export_for_usb(qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, tmp_path: Path):
    shell.backend.ops = 5
    page = logged_in.workspace.show_page("sync")
    target = tmp_path / "usb" / "perisai-PLG-001.bundle"
    page.ask_export_path = lambda: str(target)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert shell.backend.exported == [str(target)]
    assert page.result.text().startswith(f"5 perubahan ditulis ke {target}.")
    assert page.export_button.isEnabled()
    page.ask_export_path = lambda: ""  # cancelled
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert len(shell.backend.exported) == 1


@pytest.mark.expect_warning_log(r"^ui: message shown: error$")
def test_export_without_a_server_login_is_explained(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, shown_messages: list[Any]
):
    page = logged_in.workspace.show_page("sync")
    page.ask_export_path = lambda: "/tmp/x.bundle"
    shell.backend.fail_next = sync_service.SyncFailed("not_connected", "no_server_key")
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert page.result.text() == "Ekspor gagal."
    assert "belum masuk ke server" in shown_messages[-1].text


def test_upload_a_bundle_file(qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell):
    page = logged_in.workspace.show_page("sync")
    page.ask_bundle_path = lambda: "/media/usb/perisai-PLG-002.bundle"
    qtbot.mouseClick(page.upload_button, Qt.MouseButton.LeftButton)
    assert "upload:perisai-PLG-002.bundle" in shell.backend.calls
    assert page.result.text() == "Bundel terkirim: server menerima 1 dari 2 perubahan."


# -- real threads ----------------------------------------------------------------------------


def test_sync_runs_off_the_ui_thread_and_progress_comes_back_by_signal(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    import threading

    from agent_app.ui import ops

    page = logged_in.workspace.show_page("sync")
    runner = ops.ThreadRunner()
    ops.set_runner(runner)
    release = threading.Event()
    threads: dict[str, str] = {}
    plain_sync = shell.backend.sync_now

    def slow_sync(password: str | None = None, progress: Any = None) -> Any:
        threads["sync"] = threading.current_thread().name
        progress("push", 1, 2)
        assert release.wait(10)  # the window stays responsive meanwhile
        return plain_sync(password, progress)

    shell.backend.sync_now = slow_sync  # type: ignore[method-assign]
    seen: list[tuple[str, int]] = []
    page.controller.progress.connect(
        lambda *_a: seen.append((threading.current_thread().name, page.progress.value()))
    )
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert not page.sync_button.isEnabled()
    assert page.progress.isVisibleTo(page) and page.progress.value() == 1
    assert page.result.text() == "Menyinkronkan… Mengirim: 1"
    release.set()
    qtbot.waitUntil(lambda: page.sync_button.isEnabled(), timeout=10000)
    assert threads["sync"] != threading.main_thread().name
    assert {name for name, _v in seen} == {threading.main_thread().name}
    assert page.result.text() == "Sinkronisasi selesai: 3 terkirim, 1 diterima."
    qtbot.waitUntil(lambda: ops.hub().running == 0, timeout=10000)
    assert runner.wait(5000)


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_laptop_clock_more_than_five_minutes_off_is_shown_with_what_to_do(
    qtbot: Any, qapp: Any, logged_in: MainWindow, language: str
):
    """Issue 11 item 14: the offset the last sync measured is shown on the status bar and the
    Sync page past five minutes, with what to do, in the person's language; not within."""
    from agent_app.ui import i18n

    i18n.install(qapp, language)
    backend = logged_in.ctx.backend
    backend.clock_offset = 240.0  # four minutes: nothing to say
    logged_in.refresh_status()
    page = logged_in.workspace.show_page("sync")
    assert logged_in.clock_label.isHidden() and page.clock_warning.isHidden()
    backend.clock_offset = -62 * 60.0  # the laptop is 62 minutes ahead of the server
    logged_in.ctx.sync_changed.emit()
    qtbot.waitUntil(lambda: logged_in.clock_label.isVisible())
    assert page.clock_warning.isVisible()
    short, advice = logged_in.clock_label.text(), page.clock_warning.text()
    if language == "id":
        assert short == "Jam laptop 62 menit terlalu cepat"
        assert "Atur tanggal, jam dan zona waktu" in advice
    else:
        assert short == "Laptop clock 62 minutes fast"
        assert "Set the date, time and time zone" in advice
    assert logged_in.clock_label.toolTip() == advice
    backend.clock_offset = 3 * 3600.0 + 100  # three hours slow
    logged_in.ctx.sync_changed.emit()
    qtbot.waitUntil(lambda: "3" in logged_in.clock_label.text())
    assert logged_in.clock_label.text() == (
        "Jam laptop 3 jam terlambat" if language == "id" else "Laptop clock 3 hours slow"
    )
