"""Targets and events in a real browser (headless chromium) against the real server process,
typed and confirmed by keyboard: a supervisor creates an event, a real laptop pulls it, the
supervisor ends it after the confirmation, and the laptop's next pull shows it ends today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from browsing import navigates, sign_in, text_of
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from agent_app.domain import clock
from agent_app.services import events


def _type_date(field: WebElement, day: dt.date) -> None:
    """Types a day into a date field (chromium's segments in the browser's locale order,
    en-US here: month, day, year)."""
    field.send_keys(day.strftime("%m%d%Y"))


def test_an_event_made_and_ended_by_keyboard_reaches_the_laptop(
    browser: WebDriver, server: Any, make_laptop: Any
) -> None:
    today = clock.today("Asia/Jakarta")
    laptop = make_laptop("AG003")
    sign_in(browser, server.base_url, "SV001", "/console/targets")
    browser.find_element(By.ID, "f-name").send_keys("Booth Keyboard Uji")
    browser.find_element(By.ID, "f-venue").send_keys("Pasar 16 Ilir")
    _type_date(browser.find_element(By.ID, "f-starts_on"), today - dt.timedelta(days=1))
    _type_date(browser.find_element(By.ID, "f-ends_on"), today + dt.timedelta(days=5))
    with navigates(browser):
        browser.find_element(By.ID, "f-ends_on").send_keys(Keys.ENTER)  # submits its form
    assert "Booth Keyboard Uji" in text_of(browser, "p.notice")
    laptop.sync()
    [event] = [e for e in events.list_events(laptop.uow()) if e.name == "Booth Keyboard Uji"]
    assert event.ends_on == today + dt.timedelta(days=5)
    # End it: the row's "End" link, then the confirmation's first button, by keyboard.
    link = browser.find_element(
        By.CSS_SELECTOR, f'a[href="/console/targets/events/{event.id}/end"]'
    )
    with navigates(browser):
        link.send_keys(Keys.ENTER)
    assert browser.current_url.endswith("/end")
    confirm = browser.find_element(By.CSS_SELECTOR, "form.confirm button.danger")
    with navigates(browser):
        confirm.send_keys(Keys.ENTER)
    assert text_of(browser, "p.notice") == "Acara berakhir hari ini."
    laptop.sync()
    [ended] = [e for e in events.list_events(laptop.uow()) if e.id == event.id]
    assert ended.ends_on == today
