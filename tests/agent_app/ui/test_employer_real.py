"""The employer registration form over the real composition root (SQLCipher database, the
services of h-pulap): what the form sends is what `services.employers.submit` takes, the
status comes back, a worker NIK already enrolled here is flagged on its line before submit,
and printing the summary is audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from agent_app.storage import tables
from agent_app.ui.window import MainWindow
from tests.helpers.niks import synthetic_nik

from . import fakes
from .test_integration import real_shell  # noqa: F401  (the fixture)


def _first_run(qtbot: Any, window: MainWindow) -> None:
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


def _new_business(
    qtbot: Any,
    businesses: Any,
    name: str = "Pempek Candy",
    phone: str = "081277889900",
    region: str = "16.71.05",
) -> None:
    businesses.list_page.new_button.click()
    dialog = businesses.dialog
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, name)
    qtbot.keyClicks(dialog.owner, "Candy Wijaya")
    qtbot.keyClicks(dialog.phone, phone)
    dialog.sector.setCurrentIndex(dialog.sector.findData("kuliner"))
    dialog.region.set_code(region)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)


def test_employer_registration_on_the_real_database(
    qtbot: Any,
    real_shell: Any,  # noqa: F811  (the fixture)
    shown_messages: list[Any],
    tmp_path: Path,
) -> None:
    window = MainWindow(real_shell, today=lambda: fakes.TODAY)
    qtbot.addWidget(window)
    window.show()
    _first_run(qtbot, window)
    assert window.workspace is not None, shown_messages
    businesses = window.workspace.show_page("businesses")
    _new_business(qtbot, businesses)
    assert businesses.dialog is None, shown_messages
    businesses.detail_page.employer_button.click()
    form = businesses.employer_form
    assert form is not None and form.owner_name.text() == "Candy Wijaya"
    form.size_class.setCurrentIndex(form.size_class.findData("mikro"))
    form.owner_nik.setText(synthetic_nik(500))
    for i, wage in enumerate(("2500000", "3000000")):
        row = form.table.add_line()
        form.workers.set_cell(row, "nik", synthetic_nik(501 + i))
        form.workers.set_cell(row, "full_name", f"Pekerja {i}")
        form.workers.set_cell(row, "start_date", "01/09/2026")
        form.workers.set_cell(row, "monthly_wage", wage)
    form.consent.setChecked(True)
    form.submit()
    assert "Diajukan" in form.status_banner.text(), (form.message.text(), shown_messages)
    assert form.registration_id is not None
    # the same workers in a second business's registration are flagged before its submit
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    # (another business: the same one again would be offered as a likely duplicate, issue 18)
    _new_business(qtbot, businesses, "Songket Candy", "081277889911", "16.71.09")
    assert businesses.dialog is None, shown_messages
    businesses.detail_page.employer_button.click()
    form.owner_nik.setText(synthetic_nik(510))
    row = form.table.add_line()
    form.workers.set_cell(row, "nik", synthetic_nik(501))
    form.check_conflicts()
    assert "Pempek Candy" in form.workers.problems(row)["nik"]
    assert shown_messages == []
    _summary_is_audited(window, tmp_path)


def _summary_is_audited(window: MainWindow, tmp_path: Path) -> None:
    backend: Any = window.ctx.backend
    uow = backend.uow_factory()
    with uow:
        found = uow.session.execute(select(tables.EmployerRegistration.id)).scalars().all()
    assert len(found) == 1
    summary = backend.employer_summary(str(found[0]))
    assert summary.total == 13_500 + 16_200
    backend.record_employer_summary_printed(summary, "pdf")
    with uow:
        actions = uow.session.execute(select(tables.AuditEntry.action)).scalars().all()
    assert "report.employer_summary" in actions
