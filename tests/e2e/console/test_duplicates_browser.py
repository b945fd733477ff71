"""The suspected duplicates page in a real browser (headless chromium) against the real server
process: a laptop registers one business twice (the same phone) with a visit on each, the
supervisor merges the pair in the browser, keeping the first, and the page shows the record
kept with both records' visits."""

from __future__ import annotations

import uuid
from typing import Any

from browsing import navigates, sign_in, text_of
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from agent_app.services import businesses, visits


def test_the_supervisor_merges_a_pair_and_sees_both_visits(
    browser: WebDriver, server: Any, make_laptop: Any
) -> None:
    laptop = make_laptop("AG002")
    phone = f"+62813{uuid.uuid4().int % 10**8:08d}"  # no other test's business has it
    name = f"Warung Kembar {uuid.uuid4().hex[:6]}"
    first = laptop.call(businesses.register_business, {"name": name, "phone": phone})
    second = laptop.call(businesses.register_business, {"name": f"{name} Dua", "phone": phone})
    for shop in (first, second):
        laptop.call(visits.record_visit, shop.id, {"notes": "Tertarik"})
    assert laptop.sync().applied >= 4

    sign_in(browser, server.base_url, "SV001", "/console/duplicates")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Dugaan duplikat"
    # The server judges a push's businesses just after its answer: the pair may come a moment
    # later (the page is reloaded until it does, for at most 10 s).
    pair = WebDriverWait(browser, 10).until(lambda b: _pair(b, f"{name} Dua") or b.refresh())
    assert "Nomor HP sama" in pair.text and phone not in pair.text  # the phone masked
    pair.find_element(By.CSS_SELECTOR, f"input[value='{first.id}']").click()
    with navigates(browser):
        pair.find_element(By.CSS_SELECTOR, "button.primary").click()
        browser.switch_to.alert.accept()  # "Gabungkan kedua data ini?"
    assert f"Digabungkan: {name} disimpan" in text_of(browser, "p.notice")
    assert text_of(browser, "section.merged h2") == f"Data yang disimpan: {name}"
    assert text_of(browser, "table.kept td.visits") == "2"
    assert f"{name} Dua" not in text_of(browser, "main")


def _pair(browser: WebDriver, name: str) -> WebElement | None:
    """The listed pair that shows `name`, if any."""
    return next(
        (
            section
            for section in browser.find_elements(By.CSS_SELECTOR, "section.duplicate-pair")
            if name in section.text
        ),
        None,
    )
