"""The agents and devices page in a real browser (headless chromium) against the real server
process: a supervisor resets a colleague's password and reads the one-time code; the colleague
signs in with it, is taken to the password page, chooses a password (a mismatch is explained
beside the field) and reaches the console."""

from __future__ import annotations

import uuid
from typing import Any

from e2e_support import PASSWORD
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def _wait(browser: WebDriver) -> WebDriverWait[WebDriver]:
    return WebDriverWait(browser, 15)


def _sign_in(browser: WebDriver, base_url: str, code: str, password: str) -> None:
    browser.get(f"{base_url}/console/sign-in")
    browser.find_element(By.ID, "f-agent_code").send_keys(code)
    browser.find_element(By.ID, "f-password").send_keys(password, Keys.ENTER)
    _wait(browser).until(lambda b: "/console/sign-in" not in b.current_url)


def test_a_reset_in_the_browser_and_the_first_sign_in_with_the_code(
    browser: WebDriver, server: Any
) -> None:
    colleague = f"SVR-{uuid.uuid4().hex[:6]}"
    server.cli(
        "create-agent", colleague, "--name", "Supervisor Baru", "--branch", "PLG",
        "--role", "supervisor",
    )  # fmt: skip
    _sign_in(browser, server.base_url, "SV001", PASSWORD)
    browser.get(f"{server.base_url}/console/people")
    row = browser.find_element(By.ID, f"agent-{colleague}")
    row.find_element(By.CSS_SELECTOR, 'form[action$="/reset-password"] button').click()
    shown = _wait(browser).until(
        expected_conditions.presence_of_element_located((By.ID, "one-time-code"))
    )
    code = shown.text
    assert len(code) == 10 and "Berikan kode ini langsung" in browser.page_source
    browser.delete_all_cookies()

    _sign_in(browser, server.base_url, colleague, code)
    assert browser.current_url.endswith("/console/password")
    browser.find_element(By.ID, "f-password").send_keys(code)
    browser.find_element(By.ID, "f-new_password").send_keys("pilihan-saya-1")
    browser.find_element(By.ID, "f-repeat").send_keys("pilihan-saya-2", Keys.ENTER)
    error = _wait(browser).until(
        expected_conditions.presence_of_element_located((By.ID, "error-repeat"))
    )
    assert "tidak sama" in error.text
    browser.find_element(By.ID, "f-password").send_keys(code)
    browser.find_element(By.ID, "f-new_password").send_keys("pilihan-saya-1")
    browser.find_element(By.ID, "f-repeat").send_keys("pilihan-saya-1", Keys.ENTER)
    notice = _wait(browser).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "p.notice"))
    )
    assert "Kata sandi baru Anda sudah disimpan" in notice.text
    assert "/console/review" in browser.current_url
