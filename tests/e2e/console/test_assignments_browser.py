"""The assignments page in a real browser (headless chromium) against the real server process:
the supervisor assigns a laptop's business to its agent in the browser, the laptop pulls it and
marks it done, and the page's "done" list shows it after the laptop's next sync."""

from __future__ import annotations

import datetime as dt
from typing import Any

from browsing import navigates, sign_in, text_of
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from agent_app.domain import clock
from agent_app.services import assignments, businesses


def test_assigned_in_the_browser_done_on_the_laptop(
    browser: WebDriver, server: Any, make_laptop: Any
) -> None:
    laptop = make_laptop("AG003")
    shop = laptop.call(businesses.register_business, {"name": "Toko Tugas Peramban"})
    assert laptop.sync().applied >= 1
    sign_in(browser, server.base_url, "SV001", "/console/assignments")
    assert "/console/assignments" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == "Penugasan"
    Select(browser.find_element(By.ID, "f-business_id")).select_by_value(shop.id)
    Select(browser.find_element(By.ID, "f-agent_code")).select_by_value("AG003")
    Select(browser.find_element(By.ID, "f-kind")).select_by_value("enroll")
    due = clock.today("Asia/Jakarta") + dt.timedelta(days=1)
    field = browser.find_element(By.ID, "f-due_on")
    browser.execute_script("arguments[0].value = arguments[1];", field, due.isoformat())
    browser.find_element(By.ID, "f-note").send_keys("Daftarkan dua pekerja")
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, "form.assign-form button.primary").click()
    assert "Ditugaskan kepada AG003: Toko Tugas Peramban." in text_of(browser, "p.notice")

    laptop.sync()
    [pulled] = [a for a in laptop.call(assignments.open_assignments) if a.business_id == shop.id]
    assert (pulled.kind, pulled.due_on, pulled.note) == ("enroll", due, "Daftarkan dua pekerja")
    laptop.call(assignments.mark_done, pulled.id)
    assert laptop.sync().applied >= 1

    browser.get(f"{server.base_url}/console/assignments?status=done&agent=AG003")
    table = browser.find_element(By.CSS_SELECTOR, "table.assignments")
    assert "Toko Tugas Peramban" in table.text and "Selesai" in table.text
