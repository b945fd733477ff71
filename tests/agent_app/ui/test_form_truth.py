"""The enrollment form tells the truth (issue 11, items 15, 7, 6): digits are never dropped and
unlikely values need a confirmation; what the NIK encodes and what the form says never silently
disagree; every error shows under its own field, by its label, in the person's language."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from agent_app.domain import validation
from agent_app.ui import i18n
from agent_app.ui.window import MainWindow

from . import fakes

WOMAN = "1671055203850001"  # synthetic: 16.71.05, a woman born 12 Mar 1985
MAN = "1671031203850002"  # synthetic: 16.71.03, a man born 12 Mar 1985
MAN_1990 = "1671030101900003"  # synthetic: 16.71.03, a man born 1 Jan 1990
CHILD = "1671055203150001"  # synthetic: a girl born 12 Mar 2015 (11 years old in 2026)


def open_form(qtbot: Any, window: MainWindow) -> Any:
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    return window.workspace.pages["enrollments"].form


def fill(qtbot: Any, form: Any, nik: str = WOMAN) -> None:
    qtbot.keyClicks(form.nik, nik)
    qtbot.keyClicks(form.full_name, "Rina Marlina")
    qtbot.keyClicks(form.phone, "0812 3456 7890")
    form.occupation.setCurrentIndex(form.occupation.findData("penjual_makanan"))
    form.consent.setChecked(True)


def retype(qtbot: Any, edit: Any, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


# -- 15: plausibility, and no digit dropped --------------------------------------------------


def test_income_digits_are_never_dropped(qtbot: Any, logged_in: MainWindow):
    form = open_form(qtbot, logged_in)
    retype(qtbot, form.income, "9999999999")
    assert form.income.value() == 9_999_999_999  # all ten digits, none dropped
    assert not form.errors["declared_income"].isVisibleTo(form)
    qtbot.keyClicks(form.income, "9")
    assert form.income.value() == 99_999_999_999
    assert form.income.digits() == "9" * 11
    assert form.errors["declared_income"].isVisibleTo(form)  # refused visibly
    form.nik.setFocus()  # leaving the field keeps every digit, written the Indonesian way
    assert form.income.text() == "Rp99.999.999.999"


def test_an_unlikely_income_needs_a_confirmation(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, confirmations: Any
):
    form = open_form(qtbot, logged_in)
    fill(qtbot, form)
    retype(qtbot, form.income, "999999999")
    assert form.income.value() == 999_999_999
    assert form.income_warning.isVisibleTo(form)
    assert "Rp999.999.999 per bulan" in form.income_warning.text()
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert len(confirmations) == 1 and "Rp999.999.999" in confirmations[0].text
    assert "submit_form" not in shell.backend.calls  # "check again": nothing sent
    assert form.income.hasFocus()
    confirmations.answer = True
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    [saved] = shell.backend.enrollments.values()
    assert saved["status"] == "submitted" and saved["declared_income"] == 999_999_999


def test_an_unlikely_age_needs_a_confirmation(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, confirmations: Any
):
    form = open_form(qtbot, logged_in)
    fill(qtbot, form, nik=CHILD)
    assert form.age_warning.isVisibleTo(form)
    assert form.age_warning.text() == "Usia 11 tahun: periksa lagi tanggal lahirnya."
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert len(confirmations) == 1
    assert "submit_form" not in shell.backend.calls


# -- 7: the NIK and the form never silently disagree ----------------------------------------


def test_a_corrected_nik_updates_what_it_filled(qtbot: Any, logged_in: MainWindow):
    form = open_form(qtbot, logged_in)
    qtbot.keyClicks(form.nik, WOMAN)
    assert form.gender.currentData() == "F" and form.region.code() == "16.71.05"
    retype(qtbot, form.nik, MAN_1990)  # the typo corrected: a man's NIK
    assert form.gender.currentData() == "M"
    assert form.birth_date.date() == QDate(1990, 1, 1)
    assert form.region.code() == "16.71.03"
    assert not form.gender_warning.isVisibleTo(form)
    assert not form.birth_warning.isVisibleTo(form)


def test_a_hand_chosen_value_that_disagrees_is_warned(qtbot: Any, logged_in: MainWindow):
    form = open_form(qtbot, logged_in)
    qtbot.keyClicks(form.nik, MAN)
    assert form.gender.currentData() == "M"
    form.gender.setCurrentIndex(form.gender.findData("F"))  # chosen by hand
    assert form.gender_warning.isVisibleTo(form)
    assert "laki-laki" in form.gender_warning.text()
    retype(qtbot, form.nik, MAN_1990)
    assert form.gender.currentData() == "F"  # the person's choice stays...
    assert form.gender_warning.isVisibleTo(form)  # ...and still disagrees, visibly
    form.region.set_code("16.71.05")  # an address elsewhere: allowed, but said
    assert form.region_note.isVisibleTo(form)
    retype(qtbot, form.nik, WOMAN)
    assert form.region.code() == "16.71.05"
    assert not form.gender_warning.isVisibleTo(form)
    assert not form.region_note.isVisibleTo(form)


# -- 6: errors under their fields -----------------------------------------------------------


def test_errors_show_under_their_fields_and_focus_the_first(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    form = open_form(qtbot, logged_in)
    qtbot.keyClicks(form.full_name, "Rina Marlina")
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    shown = {name: label.text() for name, label in form.errors.items() if label.isVisibleTo(form)}
    assert shown == {
        "nik": "NIK tidak valid.",
        "birth_date": "Isi tanggal lahir.",
        "gender": "Pilih jenis kelamin.",
        "phone": "Isi nomor HP.",
        "occupation": "Pilih pekerjaan.",
        "consent": "Persetujuan pekerja diperlukan.",
    }
    assert form.nik.hasFocus()
    assert form.message.text() == "Periksa isian yang ditandai merah."
    qtbot.keyClicks(form.phone, "0211234567")  # a landline
    qtbot.keyClick(form.phone, Qt.Key.Key_Return)
    assert form.errors["phone"].text().startswith("Nomor HP harus diawali 08")
    assert "submit_form" not in shell.backend.calls


def test_errors_in_english_by_label(qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell):
    i18n.install(QApplication.instance(), "en")
    form = open_form(qtbot, logged_in)
    fill(qtbot, form)
    shell.backend.fail_next = fakes.ValidationFailed(
        [
            validation.Problem("full_name", "too_long", "Terlalu panjang.", "Too long."),
            validation.Problem("event_id", "unknown", "Acara tidak dikenal.", "Unknown event."),
        ]
    )
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert form.errors["full_name"].text() == "Too long."
    assert form.full_name.hasFocus()
    assert "full_name" not in form.message.text() and "event_id" not in form.message.text()
    assert "Unknown event." in form.message.text()
    assert form.message.text().startswith("Check the fields marked in red.")


def test_a_nik_with_a_digit_too_many_is_kept_and_marked(qtbot: Any, logged_in: MainWindow):
    form = open_form(qtbot, logged_in)
    pasted = "1671 0552 0385 0001 2345 6789 0"  # 25 digits, 31 characters pasted
    form.nik.setFocus()
    form.nik.insert(pasted)
    assert form.nik.text() == pasted  # nothing cut off silently
    assert form.nik_status.objectName() == "error" and form.nik_status.text()
    assert form.nik_info is None


def test_business_form_errors_show_under_their_fields(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    qtbot.keyClick(logged_in, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = logged_in.workspace.pages["businesses"]
    page.new_business()
    dialog = page.dialog
    qtbot.addWidget(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClicks(dialog.phone, "0211234567")  # a landline
    qtbot.keyClick(dialog.phone, Qt.Key.Key_Return)
    assert dialog.errors["phone"].isVisibleTo(dialog)
    assert dialog.errors["phone"].text().startswith("Nomor HP harus diawali 08")
    assert dialog.phone.hasFocus()
    retype(qtbot, dialog.phone, "081277889900")
    qtbot.keyClick(dialog.phone, Qt.Key.Key_Return)
    shown = {k: v.text() for k, v in dialog.errors.items() if v.isVisibleTo(dialog)}
    assert shown == {"name": "Wajib diisi."}
    assert dialog.name.hasFocus()  # the first field in error
    assert "name" not in dialog.error.text()
    assert "register_business" not in shell.backend.calls


def test_number_of_workers_keeps_every_digit(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    qtbot.keyClick(logged_in, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = logged_in.workspace.pages["businesses"]
    page.new_business()
    dialog = page.dialog
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Pempek Candy")
    qtbot.keyClicks(dialog.workers, "1500000")  # the spin box (up to 100.000) dropped digits
    assert dialog.workers.value() == 1_500_000
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.errors["workers_count"].isVisibleTo(dialog)  # refused visibly
    assert dialog.workers.value() == 1_500_000
    assert "register_business" not in shell.backend.calls
