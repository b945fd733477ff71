"""The employer registration form (issue 17 item 2), driven as a person would: opened from a
business, its data prefilled, worker lines typed with the keyboard, the live quote (the
worked example of DOMAIN.md), the checks beside each line, the draft that survives Esc and a
new window, the submit and the registration's status, and the owner's BPU enrollment."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from agent_app.services.sync.participants import ParticipantCheck
from agent_app.ui import i18n
from agent_app.ui.pages.employers import EmployerForm
from agent_app.ui.pages.employers.workers import COLUMN, parse_wage
from tests.helpers.niks import synthetic_nik

from .fakes.employers import where

BUSINESS_ID = "00000000-0000-0000-0000-000000000001"  # the fakes' first: kuliner, Palembang
WAGES = ("2500000", "3000000", "3600000")


def open_form(qtbot: Any, window: Any, size: str = "mikro") -> EmployerForm:
    backend = window.shell.backend
    business = backend.businesses[BUSINESS_ID]
    backend.businesses[BUSINESS_ID] = dataclasses.replace(business, size_class=size)
    page = window.workspace.show_page("businesses")
    page.open_business(BUSINESS_ID)
    qtbot.mouseClick(page.detail_page.employer_button, Qt.MouseButton.LeftButton)
    form = page.employer_form
    assert page.stack.currentWidget() is form
    return form


def add_workers(form: EmployerForm, wages: tuple[str, ...] = WAGES) -> None:
    """The owner's NIK (no NPWP) and one line per wage."""
    form.owner_nik.setText(synthetic_nik(90))
    model = form.workers
    for i, wage in enumerate(wages):
        row = form.table.add_line()
        model.set_cell(row, "nik", synthetic_nik(i))
        model.set_cell(row, "full_name", f"Pekerja {i}")
        model.set_cell(row, "start_date", "01/09/2026")
        model.set_cell(row, "monthly_wage", wage)


@pytest.fixture
def window(logged_in: Any) -> Any:
    return logged_in


def test_opens_prefilled_from_the_business(qtbot: Any, window: Any) -> None:
    form = open_form(qtbot, window)
    assert form.owner_name.text() == "Pemilik 0"
    assert form.owner_phone.text() == "0812-0000-000"
    assert form.size_class.currentData() == "mikro"
    assert form.sector.currentData() == "kuliner"
    assert form.risk_group.currentData() == "I"  # proposed from the sector
    assert not form.risk_assigned.isChecked()
    # the size's minimum is ticked and locked; JP waits for JHT
    assert form.program_boxes["JKK"].isChecked() and not form.program_boxes["JKK"].isEnabled()
    assert form.program_boxes["JKM"].isChecked() and not form.program_boxes["JKM"].isEnabled()
    assert form.program_boxes["JHT"].isEnabled() and not form.program_boxes["JHT"].isChecked()
    assert not form.program_boxes["JP"].isEnabled()
    assert "Tambahkan" in form.quote_panel.error.text() or form.quote_panel.quote is None


def test_the_worked_example_quotes_live(qtbot: Any, window: Any) -> None:
    form = open_form(qtbot, window)
    add_workers(form)
    quote = form.quote_panel.quote
    assert quote is not None
    assert (quote.employer_total, quote.worker_total, quote.total) == (49_140, 0, 49_140)
    assert form.quote_panel.employer_total.text() == "Rp49.140"
    assert "15 Okt 2026" in form.quote_panel.due.text()
    contribution = form.workers.index(0, COLUMN["contribution"]).data()
    assert contribution == "Rp13.500 + Rp0"
    form.program_boxes["JHT"].click()
    assert form.program_boxes["JP"].isEnabled()
    form.program_boxes["JP"].click()
    quote = form.quote_panel.quote
    assert quote is not None and quote.total == 840_840
    assert (quote.employer_total, quote.worker_total) == (567_840, 273_000)
    # JKP shows for information only for workers in JKN
    assert form.quote_panel.jkp.text() == ""
    form.workers.set_cell(0, "jkn", True)
    assert "JKP" in form.quote_panel.jkp.text()
    assert "untuk 1 pekerja" in form.quote_panel.jkp.text()
    form.workers.set_cell(1, "jkn", True)
    form.workers.set_cell(1, "birth_date", "01/01/1970")  # 56: too old for JKP
    assert "untuk 1 pekerja" in form.quote_panel.jkp.text()
    assert form.quote_panel.quote.total == 840_840  # never added to the bill
    # unticking JHT drops JP with it
    form.program_boxes["JHT"].click()
    assert not form.program_boxes["JP"].isChecked()
    assert form.quote_panel.quote.total == 49_140


def test_size_locks_its_minimum(qtbot: Any, window: Any) -> None:
    form = open_form(qtbot, window, size="kecil")
    assert form.program_boxes["JHT"].isChecked() and not form.program_boxes["JHT"].isEnabled()
    form.size_class.setCurrentIndex(form.size_class.findData("menengah"))
    assert all(box.isChecked() and not box.isEnabled() for box in form.program_boxes.values())


def test_a_wage_with_stray_characters_is_refused_beside_it(qtbot: Any, window: Any) -> None:
    assert parse_wage("Rp2.500.000") == 2_500_000
    assert parse_wage("2.500.000,50") is None  # never 250000050
    assert parse_wage("25OO000") is None  # never 25000
    form = open_form(qtbot, window)
    add_workers(form, ("2500000", "3.000.0x0"))
    problems = form.workers.problems(1)
    assert problems["monthly_wage"] == "Ketik upah dengan angka saja, mis. 2500000."
    assert form.workers.index(1, COLUMN["monthly_wage"]).data() == "3.000.0x0"  # as typed
    assert form.workers.index(1, COLUMN["notes"]).data() == problems["monthly_wage"]
    assert form.quote_panel.quote is None
    assert form.quote_panel.error.text()
    form.table.go_to(1, "monthly_wage")
    assert "Upah per bulan" in form.cell_problem.text()


def test_a_wage_below_the_minimum_asks_a_reason_for_medium_only(qtbot: Any, window: Any) -> None:
    form = open_form(qtbot, window)
    add_workers(form, ("2500000",))
    assert "wage_below_minimum_reason" not in form.workers.problems(0)  # micro: exempt
    form.size_class.setCurrentIndex(form.size_class.findData("menengah"))
    reason = form.workers.problems(0)["wage_below_minimum_reason"]
    assert "UMK Palembang 2026" in reason and "Rp4.192.837" in reason
    form.workers.set_cell(0, "wage_below_minimum_reason", "Pekerja paruh waktu")
    assert "wage_below_minimum_reason" not in form.workers.problems(0)


def test_no_risk_group_blocks_the_quote_plainly(qtbot: Any, window: Any) -> None:
    form = open_form(qtbot, window)
    add_workers(form)
    form.sector.setCurrentIndex(form.sector.findData("jasa"))
    assert form.risk_group.currentData() is None
    assert form.quote_panel.quote is None
    assert "kelompok risiko" in form.quote_panel.error.text().lower()
    form.risk_group.setCurrentIndex(form.risk_group.findData("II"))
    assert form.risk_assigned.isChecked()
    assert form.quote_panel.quote is not None


def test_the_nik_is_checked_like_a_bpu_nik(qtbot: Any, window: Any) -> None:
    form = open_form(qtbot, window)
    row = form.table.add_line()
    form.workers.set_cell(row, "nik", "16710")
    assert form.workers.problems(row)["nik"] == "5 dari 16 digit"
    nik = synthetic_nik(7, female=True)
    form.workers.set_cell(row, "nik", nik)
    assert "nik" not in form.workers.problems(row)
    # the birth date and gender it encodes are filled in
    assert form.workers.lines[row]["gender"] == "F"
    assert form.workers.index(row, COLUMN["birth_date"]).data() == "1 Jan 1980"
    tip = form.workers.index(row, COLUMN["nik"]).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Lahir 1 Jan 1980")
    # a gender or birth date apart from the NIK is said beside the line, never blocking
    form.workers.set_cell(row, "gender", "M")
    form.workers.set_cell(row, "birth_date", "02/01/1980")
    notes = form.workers.index(row, COLUMN["notes"]).data()
    assert "NIK ini milik seorang perempuan" in notes
    assert len(form.workers.warnings(row)) == 2  # the gender and the birth date
    assert form.workers.problems(row) == {}
    form.workers.set_cell(row, "nik", "9971050101800001")
    assert form.workers.problems(row)["nik"]  # an unknown province


def test_keyboard_enter_adds_a_line_and_ctrl_delete_removes_it(qtbot: Any, window: Any) -> None:
    form = open_form(qtbot, window)
    form.table.setFocus()
    qtbot.keyClick(form.table, Qt.Key.Key_Return)
    assert form.workers.rowCount() == 1
    assert form.table.currentIndex().column() == COLUMN["nik"]
    nik = synthetic_nik(1)
    qtbot.keyClick(form.table, nik[0])  # typing starts editing the cell
    editor = QApplication.focusWidget()
    assert editor is not form.table
    qtbot.keyClicks(editor, nik[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # commits the cell, and the next line starts
    qtbot.waitUntil(lambda: form.workers.rowCount() == 2)
    assert form.workers.lines[0]["nik"] == synthetic_nik(1)
    assert form.table.currentIndex().row() == 1
    qtbot.keyClick(form.table, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert form.workers.rowCount() == 1


def test_no_worker_is_refused_with_a_message(qtbot: Any, window: Any) -> None:
    form = open_form(qtbot, window)
    form.consent.setChecked(True)
    form.submit()
    assert form.errors["workers"].text() == "Tambahkan sekurang-kurangnya satu pekerja."
    assert window.shell.backend.submitted_fields == []


def test_a_nik_active_on_this_laptop_is_flagged_before_submit(qtbot: Any, window: Any) -> None:
    backend = window.shell.backend
    backend.active_niks[synthetic_nik(1)] = where("pendaftaran BPU")
    form = open_form(qtbot, window)
    add_workers(form)
    form.conflict_timer.timeout.emit()  # the pause after typing
    assert backend.conflict_asks[-1] == [synthetic_nik(i) for i in range(3)]
    assert form.workers.problems(1)["nik"] == "Sudah terdaftar: pendaftaran BPU."
    assert "nik" not in form.workers.problems(0)


def test_the_servers_check_stops_the_submit(qtbot: Any, window: Any) -> None:
    backend = window.shell.backend
    window.ctx.settings.server_url = "https://example.invalid"
    backend.server_niks[synthetic_nik(2)] = ParticipantCheck("enrolled", branch="Palembang")
    form = open_form(qtbot, window)
    add_workers(form)
    form.consent.setChecked(True)
    form.submit()
    assert backend.submitted_fields == []
    assert "Palembang" in form.workers.problems(2)["nik"]
    assert form.table.currentIndex().row() == 2


def test_submit_then_its_status(qtbot: Any, window: Any) -> None:
    backend = window.shell.backend
    form = open_form(qtbot, window)
    add_workers(form)
    form.consent.setChecked(True)
    form.submit()
    assert len(backend.registrations) == 1
    (record,) = backend.registrations.values()
    sent = backend.submitted_fields[-1]
    assert "monthly_contribution" not in sent
    assert [w["monthly_wage"] for w in sent["workers"]] == [2_500_000, 3_000_000, 3_600_000]
    assert sent["workers"][0]["birth_date"] == "1980-01-01"
    assert record["monthly_contribution"] == 49_140
    assert "Diajukan" in form.status_banner.text()
    assert not form.business_box.isEnabled() and not form.submit_button.isVisible()
    assert form.print_button.isVisible()
    assert window.shell.backend.form_draft(form.draft_key()) is None
    # the branch sends it back: editable again, with the reason
    record.update(status="needs_correction", review_reason="Upah pekerja 2 tidak sesuai")
    form.open_for(backend.businesses[BUSINESS_ID])
    assert "Upah pekerja 2 tidak sesuai" in form.status_banner.text()
    assert form.business_box.isEnabled() and form.submit_button.isVisible()
    assert form.workers.rowCount() == 3
    record.update(status="accepted", npp="NPP-16-000123")
    form.open_for(backend.businesses[BUSINESS_ID])
    assert "NPP-16-000123" in form.status_banner.text()


def test_problems_come_back_beside_the_line(qtbot: Any, window: Any) -> None:
    form = open_form(qtbot, window)
    add_workers(form)
    form.consent.setChecked(True)
    window.shell.backend.active_niks[synthetic_nik(1)] = where("x")  # only the service knows
    form.submit()
    assert form.workers.problems(1)["nik"] == "NIK sudah aktif."
    assert form.table.currentIndex().row() == 1
    assert "ditandai merah" in form.message.text()


def test_the_draft_survives_esc_and_a_new_window(qtbot: Any, window: Any) -> None:
    backend = window.shell.backend
    form = open_form(qtbot, window)
    add_workers(form, ("2500000", "3.000.0x0"))
    form.npwp.setText("0123456789012345")
    qtbot.keyClick(form.table, Qt.Key.Key_Escape)
    page = window.workspace.pages["businesses"]
    assert page.stack.currentWidget() is page.detail_page
    draft = backend.form_draft(f"employer:{BUSINESS_ID}")
    assert draft is not None
    # a crash: a fresh form of the same account gets every cell back, as typed
    again = EmployerForm(window.ctx)
    qtbot.addWidget(again)
    again.open_for(backend.businesses[BUSINESS_ID])
    assert again.workers.rowCount() == 2
    assert again.workers.lines[1]["monthly_wage"] == "3.000.0x0"
    assert again.npwp.text() == "0123456789012345"
    assert again.restored.isVisible() or again.restored.text()
    # the Usaha page offers it after a restart
    assert any(d["form"] == f"employer:{BUSINESS_ID}" for d in backend.unfinished_business_forms())


def test_a_switch_of_user_saves_the_draft(qtbot: Any, window: Any) -> None:
    backend = window.shell.backend
    form = open_form(qtbot, window)
    add_workers(form)
    form.autosave_timer.stop()
    window.lock("switch")  # the next person: this one's session ends
    assert window.workspace is None
    state = backend.form_draft(f"employer:{BUSINESS_ID}")["state"]
    assert [line["monthly_wage"] for line in state["lines"]] == list(WAGES)


def test_autosaved_within_seconds_of_a_change(qtbot: Any, window: Any) -> None:
    """What a crash leaves: the draft the autosave wrote (AUTOSAVE_MS after the change)."""
    backend = window.shell.backend
    form = open_form(qtbot, window)
    assert not form.autosave_timer.isActive()  # opening is not a change
    add_workers(form, ("2500000",))
    assert form.autosave_timer.isActive() and form.autosave_timer.interval() <= 2000
    qtbot.waitUntil(lambda: backend.form_draft(f"employer:{BUSINESS_ID}") is not None, timeout=3000)
    state = backend.form_draft(f"employer:{BUSINESS_ID}")["state"]
    assert state["lines"][0]["nik"] == synthetic_nik(0)


def test_enroll_the_owner_as_bpu(qtbot: Any, window: Any) -> None:
    form = open_form(qtbot, window)
    form.owner_nik.setText(synthetic_nik(40))
    qtbot.mouseClick(form.owner_button, Qt.MouseButton.LeftButton)
    page = window.workspace.pages["enrollments"]
    assert window.workspace.stack.currentWidget() is page
    assert page.form.nik.text() == synthetic_nik(40)
    assert page.form.full_name.text() == "Pemilik 0"
    assert page.form.business is not None


def test_in_english(qtbot: Any, window: Any, qapp: Any) -> None:
    i18n.install(qapp, "en")
    form = open_form(qtbot, window)
    add_workers(form, ("2500000", "3.000.0x0"))
    assert form.workers.problems(1)["monthly_wage"] == "Type the wage in digits only, e.g. 2500000."
    assert form.workers.headerData(6, Qt.Orientation.Horizontal, 0) == "Monthly wage"
    form.workers.set_cell(1, "monthly_wage", "3000000")
    assert "Due by 15 Oct 2026" in form.quote_panel.due.text()
    form.submit()
    assert form.errors["consent"].text() == "The owner's consent is needed."


def test_summary_printing_is_audited(qtbot: Any, window: Any, tmp_path: Any) -> None:
    backend = window.shell.backend
    form = open_form(qtbot, window)
    add_workers(form)
    form.consent.setChecked(True)
    form.submit()
    target = tmp_path / "ringkasan.pdf"
    form.save_summary(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert backend.summaries_printed == [(form.registration_id, "pdf")]


def test_the_usaha_page_offers_an_unfinished_registration(qtbot: Any, window: Any) -> None:
    backend = window.shell.backend
    form = open_form(qtbot, window)
    add_workers(form, ("2500000", "3.000.0x0"))
    form.save_now()
    page = window.workspace.pages["businesses"]
    page.show_list()
    page.offer_resume()  # as after a restart
    assert page.resume_bar.isVisibleTo(page)
    assert page.resume_label.text().startswith("Pendaftaran pemberi kerja belum selesai")
    page.resume()
    assert page.stack.currentWidget() is page.employer_form
    assert [line["monthly_wage"] for line in form.workers.lines] == ["2500000", "3.000.0x0"]
    assert backend.form_draft(f"employer:{BUSINESS_ID}") is not None


def test_tab_goes_field_by_field_into_the_table(qtbot: Any, window: Any) -> None:
    form = open_form(qtbot, window)
    form.owner_nik.setFocus()
    seen = []
    for _ in range(6):
        seen.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert seen[:5] == [form.owner_nik, form.owner_name, form.owner_phone, form.nib, form.npwp]
    form.program_boxes["JHT"].setFocus()  # JP is locked without JHT: Tab passes it by
    qtbot.keyClick(form.program_boxes["JHT"], Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.table
