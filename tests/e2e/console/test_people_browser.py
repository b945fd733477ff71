"""The agents and devices page in a real browser (headless chromium) against the real server
process: a supervisor resets a colleague's password and reads the one-time code; the colleague
signs in with it, is taken to the password page, chooses a password (a mismatch is explained
beside the field) and reaches the console."""

from __future__ import annotations

import uuid
from typing import Any

from browsing import navigates, sign_in, text_of
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver


def test_a_reset_in_the_browser_and_the_first_sign_in_with_the_code(
    browser: WebDriver, server: Any
) -> None:
    colleague = f"SVR-{uuid.uuid4().hex[:6]}"
    server.cli(
        "create-agent", colleague, "--name", "Supervisor Baru", "--branch", "PLG",
        "--role", "supervisor",
    )  # fmt: skip
    sign_in(browser, server.base_url, "SV001")
    browser.get(f"{server.base_url}/console/people")
    row = browser.find_element(By.ID, f"agent-{colleague}")
    with navigates(browser):
        row.find_element(By.CSS_SELECTOR, 'form[action$="/reset-password"] button').click()
    code = text_of(browser, "#one-time-code")
    assert len(code) == 10 and "Berikan kode ini langsung" in browser.page_source
    browser.delete_all_cookies()

    sign_in(browser, server.base_url, colleague, password=code)
    assert browser.current_url.endswith("/console/password")
    browser.find_element(By.ID, "f-password").send_keys(code)
    browser.find_element(By.ID, "f-new_password").send_keys("pilihan-saya-1")
    with navigates(browser):
        browser.find_element(By.ID, "f-repeat").send_keys("pilihan-saya-2", Keys.ENTER)
    assert "tidak sama" in text_of(browser, "#error-repeat")
    browser.find_element(By.ID, "f-password").send_keys(code)
    browser.find_element(By.ID, "f-new_password").send_keys("pilihan-saya-1")
    with navigates(browser):
        browser.find_element(By.ID, "f-repeat").send_keys("pilihan-saya-1", Keys.ENTER)
    assert "Kata sandi baru Anda sudah disimpan" in text_of(browser, "p.notice")
    assert "/console/review" in browser.current_url
