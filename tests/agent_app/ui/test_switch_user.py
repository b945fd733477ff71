"""A shared booth laptop: after "Ganti pengguna", "Keluar", or another person unlocking a
locked window, nothing of the last person stays reachable (receipt actions, forms, search
text, detail pages, dialogs, lists, the clipboard), and their unfinished forms come back to
them, and only to them, at their next login."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from agent_app.ui.window import MainWindow

from . import fakes
from .conftest import all_widgets
from .enrollment_form import NIK, fill

SUBMITTED_NAME = "Rina Marlina"
TYPED_NAME = "Dewi Sartika Pekerja"
TYPED_NIK = "1671054101900002"
SEARCH = "Songket Ibu 00101"
NEW_BUSINESS = "Pempek Cek Ani Baru"


def log_in(qtbot: Any, window: MainWindow, code: str, password: str) -> None:
    login = window.login
    login.account.setCurrentIndex(login.account.findData(code))
    login.password.clear()
    qtbot.keyClicks(login.password, password)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert not window.locked
    assert window.ctx is not None and window.ctx.account.agent_code == code


def everything_shown(window: MainWindow) -> str:
    """Every text any widget of the window holds: labels, fields, buttons, table cells."""
    texts: list[str] = []
    for widget in all_widgets(window):
        if isinstance(widget, QLineEdit) and not isinstance(
            widget.parent(), (QAbstractSpinBox, QComboBox)
        ):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, (QLabel, QPushButton)):
            texts.append(widget.text())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for row in range(min(model.rowCount(QModelIndex()), 50)):
                for column in range(20):
                    index = model.index(row, column)
                    if index.isValid():
                        texts.append(str(index.data() or ""))
    return "\n".join(texts)


def leave_work_behind(qtbot: Any, window: MainWindow) -> dict[str, Any]:
    """Agent A submits an enrollment (its receipt actions show), starts another, searches the
    businesses, opens one, starts a new business, and copies the worker's name."""
    page = window.workspace.show_page("enrollments")
    form = page.form
    fill(qtbot, form, NIK, SUBMITTED_NAME)
    form.consent.setChecked(True)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert form.print_button.isVisibleTo(form) and form.pdf_button.isVisibleTo(form)
    submitted_id = form.last_submitted
    assert submitted_id
    qtbot.keyClicks(form.nik, TYPED_NIK)
    qtbot.keyClicks(form.full_name, TYPED_NAME)
    form.full_name.selectAll()
    form.full_name.copy()
    assert QGuiApplication.clipboard().text() == TYPED_NAME
    businesses = window.workspace.show_page("businesses")
    listing = businesses.list_page
    qtbot.keyClicks(listing.search, SEARCH)
    qtbot.waitUntil(lambda: listing.model.rowCount() == 1)
    qtbot.keyClick(listing.search, Qt.Key.Key_Return)
    assert businesses.stack.currentWidget() is businesses.detail_page
    listing.new_button.click()
    dialog = businesses.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.name, NEW_BUSINESS)
    dialog.region.set_code("16.71.05")
    return {"workspace": window.workspace, "form": form, "submitted_id": submitted_id}


def assert_nothing_of_a_reachable(qtbot: Any, window: MainWindow, left: dict[str, Any]) -> None:
    old = left["workspace"]
    assert window.workspace is not old
    qtbot.waitUntil(lambda: not shiboken6.isValid(old))  # destroyed, not just hidden
    shown = everything_shown(window)
    for secret in (SUBMITTED_NAME, TYPED_NAME, TYPED_NIK, NIK, SEARCH, NEW_BUSINESS):
        assert secret not in shown
    assert not [d for d in window.findChildren(QDialog) if d.isVisible()]
    assert QGuiApplication.clipboard().text() == ""
    page = window.workspace.show_page("enrollments")
    form = page.form
    assert form.last_submitted is None
    assert not form.print_button.isVisibleTo(form)
    assert not form.pdf_button.isVisibleTo(form)
    assert form.full_name.text() == "" and form.nik.text() == ""
    assert page.drafts.rowCount() == 0  # A's draft is A's
    businesses = window.workspace.show_page("businesses")
    assert businesses.stack.currentWidget() is businesses.list_page
    assert businesses.list_page.search.text() == ""
    assert businesses.dialog is None


def add_budi(shell: fakes.FakeShell) -> None:
    shell.keystore.add_account(
        object(), "PLG-002", "Budi Santoso", "Palembang", "agent", "budi12345"
    )


def assert_a_gets_it_back(qtbot: Any, window: MainWindow, shell: fakes.FakeShell) -> None:
    page = window.workspace.pages["enrollments"]
    assert window.workspace.stack.currentWidget() in (page, window.workspace.pages["businesses"])
    assert page.form.full_name.text() == TYPED_NAME
    assert page.form.nik.text() == TYPED_NIK
    drafts = [e for e in shell.backend.enrollments.values() if e["status"] == "draft"]
    assert [(d["full_name"], d["agent_code"]) for d in drafts] == [(TYPED_NAME, "PLG-001")]
    dialog = window.workspace.pages["businesses"].dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.name.text() == NEW_BUSINESS
    assert dialog.region.code() == "16.71.05"


def test_switch_user_leaves_nothing_of_the_last_person(
    qtbot: Any,
    logged_in: MainWindow,
    shell: fakes.FakeShell,
    shown_messages: list[Any],
    immediate_ops: Any,
):
    add_budi(shell)
    left = leave_work_behind(qtbot, logged_in)
    logged_in.switch_action.trigger()
    assert logged_in.locked
    assert QGuiApplication.clipboard().text() == ""
    assert logged_in.user_label.text() == ""
    log_in(qtbot, logged_in, "PLG-002", "budi12345")
    assert_nothing_of_a_reachable(qtbot, logged_in, left)
    # Budi cannot print or save Siti's receipt from his form, even by calling it
    form = logged_in.workspace.pages["enrollments"].form
    ops_before = immediate_ops.count
    form.print_receipt()
    form.save_receipt()
    assert immediate_ops.count == ops_before  # no receipt was even read
    assert not [d for d in logged_in.findChildren(QDialog) if d.isVisible()]
    assert shown_messages == []

    logged_in.switch_action.trigger()
    log_in(qtbot, logged_in, "PLG-001", "rahasia123")
    assert_a_gets_it_back(qtbot, logged_in, shell)


def test_another_person_unlocking_a_locked_window_gets_a_new_session(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    add_budi(shell)
    left = leave_work_behind(qtbot, logged_in)
    logged_in.lock_action.trigger()  # Kunci: Siti steps away
    assert logged_in.locked
    assert QGuiApplication.clipboard().text() == ""
    log_in(qtbot, logged_in, "PLG-002", "budi12345")  # Budi picks his own account
    assert_nothing_of_a_reachable(qtbot, logged_in, left)
    logged_in.logout_action.trigger()
    log_in(qtbot, logged_in, "PLG-001", "rahasia123")
    assert_a_gets_it_back(qtbot, logged_in, shell)


def test_log_out_keeps_the_form_as_the_persons_draft(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    left = leave_work_behind(qtbot, logged_in)
    logged_in.logout_action.trigger()
    assert logged_in.locked and logged_in.workspace is None
    assert QGuiApplication.clipboard().text() == ""
    qtbot.waitUntil(lambda: not shiboken6.isValid(left["workspace"]))
    log_in(qtbot, logged_in, "PLG-001", "rahasia123")
    assert_a_gets_it_back(qtbot, logged_in, shell)


def test_lock_and_unlock_by_the_same_person_keeps_the_session(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    left = leave_work_behind(qtbot, logged_in)
    logged_in.lock_action.trigger()
    assert not [d for d in logged_in.findChildren(QDialog) if d.isVisible()]
    log_in(qtbot, logged_in, "PLG-001", "rahasia123")
    assert logged_in.workspace is left["workspace"]
    form = left["form"]
    assert form.full_name.text() == TYPED_NAME
    assert form.print_button.isVisibleTo(form)
    dialog = logged_in.workspace.pages["businesses"].dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.name.text() == NEW_BUSINESS
    assert not [e for e in shell.backend.enrollments.values() if e["status"] == "draft"]


def test_clipboard_of_another_program_is_left_alone(qtbot: Any, logged_in: MainWindow):
    window: QWidget = logged_in
    window.clearFocus()
    logged_in.clipboard_guard._ours.clear()  # nothing copied in this app
    QGuiApplication.clipboard().setText("copied in another program")
    logged_in.clipboard_guard._ours.clear()
    logged_in.lock_action.trigger()
    assert QGuiApplication.clipboard().text() == "copied in another program"
    QGuiApplication.clipboard().clear()
