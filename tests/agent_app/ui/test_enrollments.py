"""The enrollment form: NIK read-out, birth-date override, live quote, consent, draft, submit,
duplicate NIK, booth mode (ready for the next person), keyboard, corrections list."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from agent_app.ui.pages.enrollments import CONSENT_VERSION
from agent_app.ui.window import MainWindow

from . import fakes
from .enrollment_form import NIK, fill, open_page


def test_nik_shows_what_it_encodes_as_typed(qtbot: Any, logged_in: MainWindow):
    form = open_page(qtbot, logged_in).form
    assert form.nik.hasFocus(), QApplication.focusWidget()
    qtbot.keyClicks(form.nik, "167105")
    assert form.nik_status.text() == "6 dari 16 digit"
    qtbot.keyClicks(form.nik, "5203850001")
    assert form.nik_status.text() == (
        "Lahir 12 Mar 1985 · Perempuan · Ilir Timur Satu, Kota Palembang, Sumatera Selatan"
    )
    assert form.birth_date.date() == QDate(1985, 3, 12)
    assert form.gender.currentData() == "F"
    assert not form.birth_warning.isVisible()
    form.nik.clear()
    qtbot.keyClicks(form.nik, "1671055203850000")
    assert form.nik_status.text() == "Nomor urut NIK tidak boleh 0000."
    form.nik.clear()
    qtbot.keyClicks(form.nik, "9971055203850001")
    assert form.nik_status.text() == "Kode provinsi pada NIK tidak dikenal."


def test_live_quote_with_discount_and_jht(qtbot: Any, logged_in: MainWindow):
    form = open_page(qtbot, logged_in).form
    # 24 Sep 2026 is inside the PP 50/2025 window: JKK and JKM are halved
    assert form.quote_total.text() == "Rp8.400 per bulan"
    assert form.quote_discount.text().startswith("Diskon: Diskon 50% JKK dan JKM")
    assert "JKK: <s>Rp10.000</s> Rp5.000" in form.quote_lines.text()
    form.paid_by_state.setChecked(True)  # APBN/APBD: no discount
    assert form.quote_total.text() == "Rp16.800 per bulan"
    assert form.quote_discount.text() == ""
    form.paid_by_state.setChecked(False)
    form.jht.setFocus()
    qtbot.keyClick(form.jht, Qt.Key.Key_Space)
    assert "JHT: Rp20.000" in form.quote_lines.text()
    form.period.setCurrentIndex(form.period.findData(3))
    assert form.quote_period.text().startswith("Dibayar sekarang untuk 3 bulan: Rp")
    form.income.setValue(500_000)
    assert form.quote_total.text() == "-"
    assert form.quote_error.text() == "Penghasilan yang dilaporkan paling sedikit Rp1.000.000."


def test_birth_date_mismatch_needs_a_reason(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    form = open_page(qtbot, logged_in).form
    fill(qtbot, form)
    form.birth_date.setDate(QDate(1985, 3, 13))
    assert form.birth_warning.isVisible()
    assert form.birth_warning.text().startswith("Tanggal lahir berbeda")
    assert form.override_reason.isVisible()
    qtbot.mouseClick(form.consent, Qt.MouseButton.LeftButton)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert "tulis alasannya" in form.errors["birth_date_override_reason"].text()
    assert form.override_reason.hasFocus()  # the first field in error
    assert "submit_form" not in shell.backend.calls
    qtbot.keyClicks(form.override_reason, "KTP salah cetak, akta kelahiran 13 Maret")
    qtbot.keyClick(form.override_reason, Qt.Key.Key_Return)
    assert "submit_form" in shell.backend.calls
    saved = next(iter(shell.backend.enrollments.values()))
    assert saved["birth_date"] == "1985-03-13"
    assert saved["birth_date_override_reason"].startswith("KTP salah cetak")


def test_submit_by_enter_then_ready_for_next_person(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    logged_in.ctx.set_event(fakes.EVENT.id)
    form = open_page(qtbot, logged_in).form
    fill(qtbot, form)
    qtbot.keyClick(form.phone, Qt.Key.Key_Return)
    assert form.errors["consent"].text() == "Persetujuan pekerja diperlukan."
    assert form.errors["consent"].isVisibleTo(form)
    assert "submit_form" not in shell.backend.calls
    form.consent.setFocus()
    qtbot.keyClick(form.consent, Qt.Key.Key_Space)
    assert form.consent.isChecked()
    qtbot.keyClick(form.address, Qt.Key.Key_Return)
    assert "submit_form" in shell.backend.calls, form.message.text()
    saved = next(iter(shell.backend.enrollments.values()))
    assert saved["status"] == "submitted", form.message.text()
    assert saved["phone"] == "+6281234567890"
    assert saved["programs"] == ["JKK", "JKM"]
    assert saved["region_code"] == "16.71.05"
    assert saved["event_id"] == fakes.EVENT.id
    assert saved["consent"]["text_version"] == CONSENT_VERSION
    assert form.message.text().startswith("Diajukan: Rina Marlina, Rp")
    # booth mode: the form is empty and the NIK field waits for the next person
    assert form.nik.text() == "" and form.full_name.text() == ""
    assert not form.consent.isChecked()
    assert form.enrollment_id is None
    assert form.nik.hasFocus()


def test_duplicate_nik_is_caught_before_submit(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    shell.backend.enrollments["e1"] = {
        "id": "e1",
        "nik": NIK,
        "full_name": "Rina M",
        "status": "submitted",
    }
    form = open_page(qtbot, logged_in).form
    fill(qtbot, form)
    qtbot.waitUntil(lambda: form.duplicate is not None)
    assert form.nik_status.text() == ("NIK ini sudah terdaftar di laptop ini: Rina M (Diajukan).")
    form.consent.setChecked(True)
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    assert "submit_form" not in shell.backend.calls
    assert "sudah terdaftar" in form.errors["nik"].text()


def test_duplicate_found_at_submit_time(qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell):
    form = open_page(qtbot, logged_in).form
    fill(qtbot, form)
    form.consent.setChecked(True)
    form.dup_timer.stop()
    shell.backend.enrollments["e1"] = {
        "id": "e1",
        "nik": NIK,
        "full_name": "Rina M",
        "status": "accepted",
    }
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    assert list(shell.backend.enrollments) == ["e1"]  # refused whole: no hidden draft
    assert form.message.text() == "NIK ini sudah terdaftar di laptop ini: Rina M (Diterima)."


def test_draft_then_escape_clears(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, confirmations: Any
):
    form = open_page(qtbot, logged_in).form
    qtbot.keyClicks(form.nik, NIK[:10])
    qtbot.keyClicks(form.full_name, "Setengah Jalan")
    qtbot.keyClick(form.full_name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.message.text() == "Draf tersimpan."
    draft = shell.backend.enrollments[form.enrollment_id]
    assert draft["status"] == "draft" and draft["nik"] == NIK[:10]
    assert draft["birth_date"] is None  # not typed, not read from a NIK
    qtbot.keyClick(form.full_name, Qt.Key.Key_Escape)
    assert len(confirmations) == 1  # asked first; the answer "keep typing" keeps it all
    assert form.full_name.text() == "Setengah Jalan"
    confirmations.answer = True
    qtbot.keyClick(form.full_name, Qt.Key.Key_Escape)
    assert form.full_name.text() == "" and form.enrollment_id is None


def test_corrections_list_and_resubmit(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, qtmodeltester: Any
):
    shell.backend.enrollments["e9"] = {
        "id": "e9",
        "nik": NIK,
        "full_name": "Rina Marlna",
        "status": "needs_correction",
        "review_reason": "Nama tidak sesuai KTP",
        "birth_date": "1985-03-12",
        "gender": "F",
        "phone": "+6281234567890",
        "occupation": "penjual_makanan",
        "declared_income": 1_500_000,
        "programs": ["JKK", "JKM", "JHT"],
        "period_months": 3,
        "paid_by_state": False,
        "region_code": "16.71.05",
        "address": "Jl. Merdeka",
    }
    page = open_page(qtbot, logged_in)
    assert page.tabs.tabText(1) == "Perlu perbaikan (1)"
    qtmodeltester.check(page.corrections)
    assert page.corrections.data(page.corrections.index(0, 3)) == "Nama tidak sesuai KTP"
    page.tabs.setCurrentIndex(1)
    page.corrections_table.setFocus()
    page.corrections_table.setCurrentIndex(page.corrections.index(0, 0))
    qtbot.keyClick(page.corrections_table, Qt.Key.Key_Return)
    form = page.form
    assert page.tabs.currentWidget() is form
    assert form.correction_banner.text() == ("Dikembalikan untuk perbaikan: Nama tidak sesuai KTP")
    assert form.jht.isChecked() and form.period.currentData() == 3
    assert form.income.value() == 1_500_000
    form.full_name.selectAll()
    qtbot.keyClicks(form.full_name, "Rina Marlina")
    form.consent.setChecked(True)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    assert shell.backend.enrollments["e9"]["status"] == "submitted", form.message.text()
    assert shell.backend.enrollments["e9"]["full_name"] == "Rina Marlina"
    assert page.tabs.tabText(1) == "Perlu perbaikan (0)"


def test_enroll_a_worker_of_a_business(qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell):
    businesses = logged_in.workspace.show_page("businesses")
    business = next(iter(shell.backend.businesses.values()))
    businesses.open_business(business.id)
    qtbot.mouseClick(businesses.detail_page.enroll_button, Qt.MouseButton.LeftButton)
    page = logged_in.workspace.pages["enrollments"]
    assert logged_in.workspace.stack.currentWidget() is page
    form = page.form
    assert form.business_banner.text() == f"Pekerja dari: {business.name}"
    fill(qtbot, form)
    form.consent.setChecked(True)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    saved = next(iter(shell.backend.enrollments.values()))
    assert saved["business_id"] == business.id
    assert not form.business_banner.isVisible()  # cleared for the next person


def test_drafts_reopened_and_discarded(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, qtmodeltester: Any
):
    page = open_page(qtbot, logged_in)
    form = page.form
    qtbot.keyClicks(form.nik, NIK)
    qtbot.keyClicks(form.full_name, "Dewi Lestari")
    qtbot.keyClick(form.full_name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Escape)
    assert page.tabs.tabText(2) == "Draf (1)"
    qtmodeltester.check(page.drafts)
    page.tabs.setCurrentIndex(2)
    page.drafts_table.setFocus()
    page.drafts_table.setCurrentIndex(page.drafts.index(0, 0))
    qtbot.keyClick(page.drafts_table, Qt.Key.Key_Return)
    assert page.tabs.currentWidget() is form
    assert form.full_name.text() == "Dewi Lestari"
    assert form.nik_status.text().startswith("Lahir 12 Mar 1985")
    page.tabs.setCurrentIndex(2)
    page.drafts_table.selectRow(0)
    qtbot.mouseClick(page.discard_button, Qt.MouseButton.LeftButton)
    assert page.tabs.tabText(2) == "Draf (0)"
    assert shell.backend.enrollments == {}
    assert form.full_name.text() == ""


def test_enter_from_any_field_submits_once(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell
):
    form = open_page(qtbot, logged_in).form
    fill(qtbot, form)
    form.consent.setChecked(True)
    form.income.setFocus()
    qtbot.keyClick(form.income, Qt.Key.Key_Return)
    assert shell.backend.calls.count("submit_form") == 1
    fill(qtbot, form, nik="1671050101900002", name="Agus Pratama")
    form.consent.setChecked(True)
    qtbot.keyClick(form.phone, Qt.Key.Key_Enter)
    assert shell.backend.calls.count("submit_form") == 2


def test_region_prefilled_from_nik_and_phone_checked(qtbot: Any, logged_in: MainWindow):
    form = open_page(qtbot, logged_in).form
    qtbot.keyClicks(form.nik, NIK)
    assert form.region.code() == "16.71.05"
    qtbot.keyClicks(form.phone, "0211234567")
    form.phone.editingFinished.emit()  # leaving the field
    assert form.phone_status.isVisibleTo(form)
    assert form.phone_status.text().startswith("Nomor HP harus diawali 08")
    form.phone.clear()
    qtbot.keyClicks(form.phone, "081234567890")
    form.phone.editingFinished.emit()
    assert not form.phone_status.isVisibleTo(form)


def test_my_enrollments_with_status_and_search(
    qtbot: Any, logged_in: MainWindow, shell: fakes.FakeShell, qtmodeltester: Any
):
    page = open_page(qtbot, logged_in)
    form = page.form
    fill(qtbot, form)
    form.consent.setChecked(True)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    fill(qtbot, form, nik="1671050101900002", name="Agus Pratama")
    form.consent.setChecked(True)
    qtbot.keyClick(form.full_name, Qt.Key.Key_Return)
    qtmodeltester.check(page.mine)
    assert page.mine.rowCount() == 2
    assert page.mine_count.text() == "2 dari 2 pendaftaran"
    assert page.mine.data(page.mine.index(0, 2)) == "Diajukan"
    assert page.mine.data(page.mine.index(0, 3)).startswith("Rp")
    qtbot.keyClicks(page.mine_search, "agus")
    qtbot.waitUntil(lambda: page.mine.rowCount() == 1)
    assert page.mine.data(page.mine.index(0, 0)) == "Agus Pratama"
