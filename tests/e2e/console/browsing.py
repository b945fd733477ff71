"""What the console's browser tests share. Every action that loads another page goes through
`navigates` (devtools/browser.py), which waits until the old page is gone: a plain wait for an
element both pages have can read the old page's (a race CI hit)."""

from __future__ import annotations

from e2e_support import PASSWORD
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from devtools.browser import navigates

__all__ = ["navigates", "sign_in", "text_of"]


def text_of(browser: WebDriver, selector: str) -> str:
    """The text of the page's element matching the CSS `selector`."""
    return str(browser.find_element(By.CSS_SELECTOR, selector).text)


def sign_in(
    browser: WebDriver,
    base_url: str,
    code: str,
    next_path: str = "",
    password: str = PASSWORD,
) -> None:
    browser.get(f"{base_url}/console/sign-in" + (f"?next={next_path}" if next_path else ""))
    browser.find_element(By.ID, "f-agent_code").send_keys(code)
    with navigates(browser):
        browser.find_element(By.ID, "f-password").send_keys(password, Keys.ENTER)
    assert "/console/sign-in" not in browser.current_url, text_of(browser, "main")
