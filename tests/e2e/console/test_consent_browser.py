"""Consent texts in a real browser (headless chromium) against the real server process: an
admin types a text with two lines, previews exactly what will be published and its hash (the
browser sends the textarea's lines with CR LF; the server keeps LF, and the hash shown is of
what it keeps), publishes it, and a real laptop pulls and shows exactly those words."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from browsing import navigates, sign_in, text_of
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from agent_app.domain import clock
from agent_app.services import consent

WORDS = "Saya setuju data saya dipakai.\nBaris kedua dari naskah uji peramban."


def test_an_admin_previews_and_publishes_a_text_a_laptop_shows(
    browser: WebDriver, server: Any, make_laptop: Any
) -> None:
    admin = f"ADM{uuid.uuid4().hex[:5]}"
    server.cli("create-agent", admin, "--name", "Admin Uji", "--branch", "PLG", "--role", "admin")
    today = clock.today("Asia/Jakarta")
    version = f"b-{uuid.uuid4().hex[:8]}"
    sign_in(browser, server.base_url, admin, "/console/consent")
    browser.find_element(By.ID, "f-version").send_keys(version)
    browser.find_element(By.ID, "f-effective_from").send_keys(today.strftime("%m%d%Y"))
    browser.find_element(By.ID, "f-text_id").send_keys(WORDS)
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, 'button[value="preview"]').click()
    sha = hashlib.sha256(WORDS.encode()).hexdigest()
    assert text_of(browser, ".consent-preview code.hash") == sha
    assert text_of(browser, ".consent-preview pre.consent-text") == WORDS
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, 'button[value="publish"]').click()
    assert version in text_of(browser, "p.notice")
    assert sha in text_of(browser, "table.consent-texts")

    laptop = make_laptop("AG003")
    laptop.sync()
    shown = consent.current_text(laptop.uow(), "id", today + dt.timedelta(days=0))
    assert (shown.version, shown.text, shown.sha256) == (version, WORDS, sha)
