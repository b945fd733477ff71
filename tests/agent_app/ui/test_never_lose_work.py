"""Never lose typed work (issue 11, items 1 and 2), on the real composition root: the form is
autosaved as the account's own encrypted draft and offered again after a crash; Esc closes
popups only; a failed submit leaves nothing behind and a second submit makes one record."""

from __future__ import annotations

import os
import select
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
from helpers import clock
from PySide6.QtCore import QDate, Qt

from agent_app import app, paths
from agent_app.security import keyslots
from agent_app.settings import Settings
from agent_app.storage import repositories
from agent_app.ui.context import Context
from agent_app.ui.window import MainWindow, Workspace

from . import fakes

NIK = "1671055203850001"  # synthetic: Palembang, Ilir Timur Satu; a woman born 12 Mar 1985
KDF = keyslots.KdfParams(time_cost=1, memory_cost_kib=8, parallelism=1)


def _shell() -> app.AppShell:
    return app.AppShell(
        Settings.load(paths.settings_path()),
        keyslots.KeyStore(paths.keystore_path(), kdf=KDF),
        str(paths.log_dir()),
    )


@pytest.fixture
def real_shell(_home: Path) -> Any:
    shell = _shell()
    yield shell
    shell.close()


def _window(qtbot: Any, shell: Any) -> MainWindow:
    window = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    return window


def _log_in(qtbot: Any, window: MainWindow, code: str, password: str) -> Any:
    login = window.login
    login.account.setCurrentIndex(login.account.findData(code))
    qtbot.keyClicks(login.password, password)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert window.workspace is not None and not window.locked
    return window.workspace.show_page("enrollments")


def _type_everything(qtbot: Any, form: Any) -> None:
    qtbot.keyClicks(form.nik, NIK)
    qtbot.keyClicks(form.full_name, "Rina Marlina")
    qtbot.keyClicks(form.birth_place, "Palembang")
    form.birth_date.setDate(QDate(1985, 3, 13))  # differs from the NIK: needs a reason
    qtbot.keyClicks(form.override_reason, "KTP salah cetak")
    form.gender.setCurrentIndex(form.gender.findData("F"))
    qtbot.keyClicks(form.phone, "0812 3456 7890")
    qtbot.keyClicks(form.email, "rina@example.com")
    qtbot.keyClicks(form.address, "Jl. Merdeka No. 10")
    form.region.set_code("16.71.05.1004")
    form.occupation.setCurrentIndex(form.occupation.findData("pengrajin"))
    form.income.setValue(2_500_000)
    form.jht.setChecked(True)
    form.period.setCurrentIndex(form.period.findData(3))
    form.consent.setChecked(True)


def _snapshot(form: Any) -> dict[str, Any]:
    return {
        "nik": form.nik.text(),
        "full_name": form.full_name.text(),
        "birth_place": form.birth_place.text(),
        "birth_date": form.birth_date.date(),
        "override_reason": form.override_reason.text(),
        "gender": form.gender.currentData(),
        "phone": form.phone.text(),
        "email": form.email.text(),
        "address": form.address.text(),
        "region": form.region.code(),
        "occupation": form.occupation.currentData(),
        "income": form.income.value(),
        "jht": form.jht.isChecked(),
        "period": form.period.currentData(),
        "consent": form.consent.isChecked(),
    }


def test_typed_form_survives_a_crash_for_its_account_only(
    qtbot: Any, real_shell: app.AppShell, shown_messages: list[Any]
):
    unlocked = real_shell.keystore.create_first_account(
        "PLG-001", "Siti Aminah", "PLG", "agent", "rahasia123"
    )
    real_shell.keystore.add_account(unlocked, "PLG-002", "Budi Santoso", "PLG", "agent", "budi1234")
    first = _window(qtbot, real_shell)
    form = _log_in(qtbot, first, "PLG-001", "rahasia123").form
    assert not form.resume_bar.isVisibleTo(form)
    _type_everything(qtbot, form)
    typed = _snapshot(form)
    assert form.autosave_timer.isActive() and form.autosave_timer.interval() <= 2000
    qtbot.waitUntil(lambda: not form.autosave_timer.isActive())  # debounced autosave ran

    # the laptop crashes: the window never closes (no closeEvent); the app starts again
    restarted = _shell()
    try:
        second = _window(qtbot, restarted)
        budi = _log_in(qtbot, second, "PLG-002", "budi1234").form
        assert not budi.resume_bar.isVisibleTo(budi)  # not Budi's work: not offered to him
        assert budi.nik.text() == ""
        second.log_out()
        siti = _log_in(qtbot, second, "PLG-001", "rahasia123").form
        assert siti.resume_bar.isVisibleTo(siti)
        assert "Rina Marlina" in siti.resume_label.text()
        qtbot.mouseClick(siti.resume_button, Qt.MouseButton.LeftButton)
        assert _snapshot(siti) == typed
        assert siti.birth_warning.isVisibleTo(siti)  # the override is kept with its reason
        assert not siti.resume_bar.isVisibleTo(siti)
        qtbot.keyClick(siti.full_name, Qt.Key.Key_Return)
        assert siti.message.text().startswith("Diajukan: Rina Marlina"), siti.message.text()
        second.log_out()
        again = _log_in(qtbot, second, "PLG-001", "rahasia123").form
        assert not again.resume_bar.isVisibleTo(again)  # submitted: nothing more to offer
        second.close()
    finally:
        first.hide()
        restarted.close()
    assert not shown_messages


def test_closing_the_window_saves_the_form(
    qtbot: Any, real_shell: app.AppShell, shown_messages: list[Any]
):
    real_shell.keystore.create_first_account("PLG-001", "Siti Aminah", "PLG", "agent", "rahasia123")
    window = _window(qtbot, real_shell)
    form = _log_in(qtbot, window, "PLG-001", "rahasia123").form
    qtbot.keyClicks(form.nik, NIK[:8])
    qtbot.keyClicks(form.full_name, "Rina")
    window.close()  # before the autosave's delay ran out
    window = _window(qtbot, real_shell)
    form = _log_in(qtbot, window, "PLG-001", "rahasia123").form
    assert form.resume_bar.isVisibleTo(form)
    form.resume()
    assert (form.nik.text(), form.full_name.text()) == (NIK[:8], "Rina")


@pytest.mark.expect_warning_log(r"^ui: bug$", r"^ui: message shown: crash$")
def test_a_failed_submit_leaves_nothing_and_the_second_makes_one_record(
    qtbot: Any,
    real_shell: app.AppShell,
    shown_messages: list[Any],
    monkeypatch: pytest.MonkeyPatch,
):
    real_shell.keystore.create_first_account("PLG-001", "Siti Aminah", "PLG", "agent", "rahasia123")
    window = _window(qtbot, real_shell)
    page = _log_in(qtbot, window, "PLG-001", "rahasia123")
    form = page.form
    _type_everything(qtbot, form)
    real_add = repositories.AuditRepository.add

    def failing_add(self: Any, actor: Any, action: str, *args: Any, **kwargs: Any) -> Any:
        if action == "enrollment.submit":
            raise OSError("disk failed")  # the last step of the submit
        return real_add(self, actor, action, *args, **kwargs)

    monkeypatch.setattr(repositories.AuditRepository, "add", failing_add)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert [m.kind for m in shown_messages] == ["crash"]
    backend = window.ctx.backend
    assert backend.drafts() == []  # no hidden draft
    assert backend.my_enrollments("", 10)[0] == 0
    assert form.nik.text() == NIK  # the typed form is still there to submit again
    monkeypatch.setattr(repositories.AuditRepository, "add", real_add)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert form.message.text().startswith("Diajukan: Rina Marlina"), form.message.text()
    total, rows = backend.my_enrollments(NIK, 10)
    assert total == 1 and rows[0].status == "submitted"


def test_a_submit_forgets_the_autosaved_form_in_the_same_call(
    qtbot: Any, real_shell: app.AppShell, shown_messages: list[Any]
):
    real_shell.keystore.create_first_account("PLG-001", "Siti Aminah", "PLG", "agent", "rahasia123")
    window = _window(qtbot, real_shell)
    form = _log_in(qtbot, window, "PLG-001", "rahasia123").form
    _type_everything(qtbot, form)
    form.save_now()  # the autosave of what is typed
    backend = window.ctx.backend
    assert backend.form_draft("enrollment") is not None
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert form.message.text().startswith("Diajukan: Rina Marlina"), form.message.text()
    assert backend.form_draft("enrollment") is None  # one transaction: submitted and forgotten
    assert not form.autosave_timer.isActive()
    window.close()
    window = _window(qtbot, real_shell)
    form = _log_in(qtbot, window, "PLG-001", "rahasia123").form
    assert not form.resume_bar.isVisibleTo(form)  # nothing offered again
    assert not shown_messages


def test_the_form_submits_with_one_call(qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell):
    qtbot.keyClick(logged_in, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    form = logged_in.workspace.pages["enrollments"].form
    _type_everything(qtbot, form)
    shell.backend.calls.clear()
    qtbot.keyClick(form.address, Qt.Key.Key_Return)
    assert [c for c in shell.backend.calls if c in ("submit_form", "save_draft", "submit")] == [
        "submit_form"
    ]


def test_esc_closes_the_region_list_only(qtbot: Any, logged_in: MainWindow, confirmations: Any):
    qtbot.keyClick(logged_in, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    form = logged_in.workspace.pages["enrollments"].form
    qtbot.keyClicks(form.nik, NIK)
    qtbot.keyClicks(form.full_name, "Rina Marlina")
    form.region.search.setFocus()
    qtbot.keyClicks(form.region.search, "plaju")
    assert form.region.results.isVisibleTo(form)
    qtbot.keyClick(form.region.search, Qt.Key.Key_Escape)
    assert not form.region.results.isVisibleTo(form)
    assert (form.nik.text(), form.full_name.text()) == (NIK, "Rina Marlina")
    assert confirmations == []
    qtbot.keyClick(form.region.search, Qt.Key.Key_Escape)  # now Esc is for the form: it asks
    assert len(confirmations) == 1
    assert form.full_name.text() == "Rina Marlina"  # answered "keep typing"


def _businesses(qtbot: Any, window: MainWindow) -> Any:
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    return window.workspace.pages["businesses"]


def test_new_business_form_survives_a_crash_and_esc_in_its_region_list(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, confirmations: Any
):
    page = _businesses(qtbot, logged_in)
    page.list_page.new_button.click()
    dialog = page.dialog
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Pempek Candy")
    qtbot.keyClicks(dialog.owner, "Candy Wijaya")
    qtbot.keyClicks(dialog.phone, "081277889900")
    dialog.sector.setCurrentIndex(dialog.sector.findData("kuliner"))
    dialog.workers.setValue(3)
    dialog.region.search.setFocus()
    qtbot.keyClicks(dialog.region.search, "plaju")
    assert dialog.region.results.isVisibleTo(dialog)
    qtbot.keyClick(dialog.region.search, Qt.Key.Key_Escape)  # closes the list only
    assert dialog.isVisible() and not dialog.region.results.isVisibleTo(dialog)
    assert confirmations == []
    dialog.region.set_code("16.71.05")
    assert dialog.autosave_timer.isActive() and dialog.autosave_timer.interval() <= 2000
    qtbot.waitUntil(lambda: not dialog.autosave_timer.isActive())
    typed = [dialog.name.text(), dialog.owner.text(), dialog.phone.text()]

    # crash: the window is dropped without closing; a new one starts for the same account
    logged_in.hide()
    window = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.login.password, "rahasia123")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    page = _businesses(qtbot, window)
    page.list_page.new_button.click()
    again = page.dialog
    qtbot.addWidget(again)
    assert again.restored.isVisibleTo(again)
    assert [again.name.text(), again.owner.text(), again.phone.text()] == typed
    assert again.sector.currentData() == "kuliner" and again.workers.value() == 3
    assert again.region.code() == "16.71.05"
    qtbot.keyClick(again.name, Qt.Key.Key_Return)  # saved: the draft is gone
    assert page.dialog is None
    assert shell.backend.form_drafts == {}


def test_another_account_is_not_given_the_form(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    page = _businesses(qtbot, logged_in)
    page.list_page.new_button.click()
    dialog = page.dialog
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Usaha Siti")
    form_page = logged_in.workspace.show_page("enrollments")
    qtbot.keyClicks(form_page.form.nik, NIK)
    logged_in.save_forms()
    assert set(shell.backend.form_drafts) == {
        ("PLG-001", "business:new"),
        ("PLG-001", "enrollment"),
    }
    # the next person's workspace over the same laptop database (as after a restart)
    shell.backend.actor = fakes.Account("PLG-002", "Budi Santoso", "Palembang")
    ctx = Context(shell, shell.backend, shell.backend.actor, today=lambda: fakes.TODAY)
    workspace = Workspace(ctx)
    qtbot.addWidget(workspace)
    budi = workspace.show_page("enrollments")
    assert not budi.form.resume_bar.isVisibleTo(budi.form)
    businesses = workspace.show_page("businesses")
    businesses.new_business()
    qtbot.addWidget(businesses.dialog)
    assert businesses.dialog.name.text() == ""
    assert not businesses.dialog.restored.isVisibleTo(businesses.dialog)


def test_a_lock_saves_the_form_and_the_visit_at_once(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, confirmations: Any
):
    form_page = logged_in.workspace.show_page("enrollments")
    qtbot.keyClicks(form_page.form.full_name, "Rina Marlina")
    page = _businesses(qtbot, logged_in)
    business = next(iter(shell.backend.businesses.values()))
    page.record_visit(business)
    visit = page.dialog
    qtbot.addWidget(visit)
    qtbot.keyClicks(visit.reason, "Menunggu suami")
    assert shell.backend.form_drafts == {}  # the autosave's delay has not run out
    logged_in.lock("locked")  # Kunci: nothing waits for the timer
    assert set(shell.backend.form_drafts) == {
        ("PLG-001", "enrollment"),
        ("PLG-001", f"visit:{business.id}"),
    }
    assert confirmations == []  # setting the form aside for the lock asks nothing
    page.record_visit(business)  # the visit form of the same business gives it back
    again = page.dialog
    qtbot.addWidget(again)
    assert again.reason.text() == "Menunggu suami"
    qtbot.keyClick(again.reason, Qt.Key.Key_Escape)
    assert len(confirmations) == 1 and again.isVisible()


#: A real app process: logs in, types the enrollment form, waits for the autosave, says so,
#: and keeps running until it is killed.
TYPIST = textwrap.dedent(
    """
    from PySide6.QtCore import QDate, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from agent_app import app, paths
    from agent_app.security import keyslots
    from agent_app.settings import Settings
    from agent_app.ui import i18n, ops
    from agent_app.ui.window import MainWindow

    qapp = QApplication([])
    i18n.install(qapp, "id")
    kdf = keyslots.KdfParams(time_cost=1, memory_cost_kib=8, parallelism=1)
    shell = app.AppShell(
        Settings.load(paths.settings_path()),
        keyslots.KeyStore(paths.keystore_path(), kdf=kdf),
        str(paths.log_dir()),
    )
    shell.keystore.create_first_account("PLG-001", "Siti Aminah", "PLG", "agent", "rahasia123")
    window = MainWindow(shell)
    window.show()
    while window.login.account.count() == 0:  # the accounts are read in the background
        qapp.processEvents()
    QTest.keyClicks(window.login.password, "rahasia123")
    QTest.keyClick(window.login.password, Qt.Key.Key_Return)
    while window.workspace is None:
        qapp.processEvents()
    form = window.workspace.show_page("enrollments").form
    QTest.keyClicks(form.nik, "1671055203850001")
    QTest.keyClicks(form.full_name, "Rina Marlina")
    QTest.keyClicks(form.phone, "0812 3456 7890")
    form.occupation.setCurrentIndex(form.occupation.findData("pengrajin"))
    form.jht.setChecked(True)
    while form.autosave_timer.isActive() or ops.hub().running:
        qapp.processEvents()
    print("typed", flush=True)
    qapp.exec()
    """
)


def test_a_killed_app_process_loses_nothing_typed(
    qtbot: Any, _home: Path, shown_messages: list[Any]
):
    env = {**os.environ, "AGENT_APP_HOME": str(_home), "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [*clock.python(), "-c", TYPIST],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        ready, _, _ = select.select([child.stdout], [], [], 120)  # typed and autosaved?
        line = child.stdout.readline() if ready else ""
    finally:
        child.kill()  # SIGKILL: no closeEvent, no clean-up of any kind
        _, errors = child.communicate(timeout=30)
    # Its stderr in the message: this failed a few times under heavy load, cause unknown.
    assert line.strip() == "typed", f"the app process did not get to type the form:\n{errors}"
    shell = _shell()
    try:
        window = _window(qtbot, shell)
        form = _log_in(qtbot, window, "PLG-001", "rahasia123").form
        assert form.resume_bar.isVisibleTo(form)
        form.resume()
        assert (form.nik.text(), form.full_name.text()) == (NIK, "Rina Marlina")
        assert form.phone.text() == "0812 3456 7890"
        assert form.occupation.currentData() == "pengrajin" and form.jht.isChecked()
        window.close()
    finally:
        shell.close()
    assert not shown_messages


def test_after_a_crash_the_usaha_page_offers_the_unfinished_visit_to_its_account_only(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, confirmations: Any
):
    page = _businesses(qtbot, logged_in)
    assert not page.resume_bar.isVisibleTo(page)  # nothing unfinished yet
    business = next(iter(shell.backend.businesses.values()))
    page.record_visit(business)
    visit = page.dialog
    qtbot.addWidget(visit)
    qtbot.keyClicks(visit.reason, "Pemilik ke pasar")
    qtbot.waitUntil(lambda: (shell.backend.actor.agent_code, f"visit:{business.id}")
                    in shell.backend.form_drafts)  # fmt: skip

    # crash: the window is dropped; a new one starts and the same person logs in
    logged_in.hide()
    window = MainWindow(shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.login.password, "rahasia123")
    qtbot.keyClick(window.login.password, Qt.Key.Key_Return)
    page = _businesses(qtbot, window)
    assert page.resume_bar.isVisibleTo(page)
    assert "Catatan kunjungan belum selesai" in page.resume_label.text()
    page.resume_button.click()
    again = page.dialog
    qtbot.addWidget(again)
    assert again.business.id == business.id
    assert again.reason.text() == "Pemilik ke pasar"
    assert not page.resume_bar.isVisibleTo(page)
    assert confirmations == []

    # another account of the same laptop is offered nothing of it
    shell.backend.actor = fakes.Account("PLG-002", "Budi Santoso", "Palembang")
    ctx = Context(shell, shell.backend, shell.backend.actor, today=lambda: fakes.TODAY)
    workspace = Workspace(ctx)
    qtbot.addWidget(workspace)
    budi = workspace.show_page("businesses")
    assert not budi.resume_bar.isVisibleTo(budi)
