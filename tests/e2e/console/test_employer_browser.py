"""Issue 17's proof, end to end: an agent registers a pempek seller as an employer in the
laptop's form (the real `EmployerForm` over the app's services and encrypted database); the
server's check flags a worker who is already a participant (another laptop enrolled her) on
her line before anything is sent; the agent corrects the line and submits; the laptop syncs
with the real server process; a supervisor accepts the registration in the console (headless
chromium) with the employer number; the laptop's next sync brings the decision back and the
form shows it, NPP included, and no longer offers a submit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from browsing import navigates, sign_in, text_of
from helpers.enrollments import enrollment_fields
from helpers.niks import fresh_nik
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from agent_app.services import enrollments
from agent_app.ui import i18n, messages
from agent_app.ui.backend import ServicesBackend
from agent_app.ui.context import Context
from agent_app.ui.pages.employers import EmployerForm
from tests.agent_app.ui.fakes import FakeSettings

WAGES = ("2500000", "3000000", "3600000")


@pytest.fixture
def shown(qapp: Any) -> Iterator[list[Any]]:
    """The app in Indonesian; a message box it would show is collected instead."""
    i18n.install(qapp, "id")
    found: list[Any] = []
    messages.set_sink(lambda _parent, message: found.append(message))
    yield found
    messages.set_sink(None)


def _form(qtbot: Any, laptop: Any) -> tuple[EmployerForm, ServicesBackend]:
    backend = ServicesBackend(laptop.uow, laptop.actor, lambda: laptop.url)
    shell = SimpleNamespace(
        settings=FakeSettings(server_url=laptop.url), keystore=None, log_location=""
    )
    ctx = Context(shell, backend, laptop.actor, today=lambda: dt.date(2026, 12, 1))
    form = EmployerForm(ctx)
    form._ctx_keepalive = ctx  # type: ignore[attr-defined]
    qtbot.addWidget(form)
    form.show()
    return form, backend


def _open(qtbot: Any, form: EmployerForm, business: Any) -> None:
    form.open_for(business)
    qtbot.waitUntil(lambda: form.business is not None and form.owner_name.text() != "")


def test_an_employer_registered_in_the_form_is_accepted_in_the_console_and_the_laptop_learns_it(
    qtbot: Any, browser: WebDriver, server: Any, make_laptop: Any, shown: list[Any]
) -> None:
    # Another agent enrolled a worker as a BPU participant: the server knows her NIK.
    other = make_laptop("AG002")
    taken = fresh_nik()
    draft = other.call(enrollments.save_draft, enrollment_fields(taken))
    other.call(enrollments.submit, draft.id)
    assert other.sync().applied == 1

    laptop = make_laptop("AG001")
    form, backend = _form(qtbot, laptop)
    business = backend.register_business(
        {
            "name": "Pempek Cek Molek E2E",
            "owner_name": "Ibu Sari",
            "phone": "081234567890",
            "sector": "kuliner",
        },
        None,
    )
    _open(qtbot, form, business)
    form.size_class.setCurrentIndex(form.size_class.findData("mikro"))
    form.owner_nik.setText(fresh_nik())
    niks = [fresh_nik(), taken, fresh_nik()]
    for i, (nik, wage) in enumerate(zip(niks, WAGES, strict=True)):
        row = form.table.add_line()
        form.workers.set_cell(row, "nik", nik)
        form.workers.set_cell(row, "full_name", f"Pekerja E2E {i + 1}")
        form.workers.set_cell(row, "start_date", "01/11/2026")
        form.workers.set_cell(row, "monthly_wage", wage)
    form.consent.setChecked(True)

    # The server's check flags the participant on her line; nothing is submitted.
    qtbot.waitUntil(lambda: form.problems() == [])  # the consent's text has loaded
    form.submit()
    qtbot.waitUntil(lambda: bool(form.workers.problems(1).get("nik")), timeout=15_000)
    assert form.registration_id is None
    assert laptop.status().pending_ops == 1  # only the business waits to go
    form.workers.set_cell(1, "nik", fresh_nik())
    form.submit()
    qtbot.waitUntil(lambda: form.registration_id is not None, timeout=15_000)
    assert "Diajukan" in form.status_banner.text()
    registration_id = str(form.registration_id)

    report = laptop.sync()
    assert (report.applied, report.rejected) == (2, 0), report

    sign_in(browser, server.base_url, "SV001", f"/console/review/{registration_id}")
    assert text_of(browser, "h1 .kind") == "Pemberi kerja"
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.workers tbody tr")) == 3
    assert niks[0] not in browser.page_source  # the NIKs are masked
    browser.find_element(By.ID, "f-npp").send_keys("16001234")
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, 'form[action$="/accept"] button').click()
    assert "Pendaftaran pemberi kerja diterima" in text_of(browser, "p.notice")

    assert laptop.sync().pulled >= 1
    _open(qtbot, form, backend.business_detail(str(business.id)).business)
    qtbot.waitUntil(lambda: "16001234" in form.status_banner.text(), timeout=15_000)
    assert "Diterima" in form.status_banner.text()
    assert not form.submit_button.isVisible()  # an accepted registration is frozen
    assert shown == []
