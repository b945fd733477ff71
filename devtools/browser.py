"""A real browser for the console's tests and screenshots: Debian's chromium, headless, driven
by selenium through Debian's chromedriver (their versions match by construction; FACTS.md).
The driver's path is given: Selenium Manager would try to download one, and nothing but the
package registries can be reached. The window is 1366x768, the common laptop screen."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def missing() -> str | None:
    """Why no browser can start here (None when both programs are installed)."""
    for program in (CHROMIUM, CHROMEDRIVER):
        if not Path(program).exists() and shutil.which(Path(program).name) is None:
            return f"{program} is not installed (apt-get install chromium chromium-driver)"
    return None


def start(lang: str = "id", width: int = 1366, height: int = 768) -> webdriver.Chrome:
    options = Options()
    options.binary_location = shutil.which("chromium") or CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
        f"--lang={lang}",
        "--force-device-scale-factor=1",
        "--hide-scrollbars",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": lang})
    service = Service(shutil.which("chromedriver") or CHROMEDRIVER)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    return driver


def _gone(element: WebElement) -> bool:
    """Whether `element`'s document is gone. Chromedriver says so as a stale element, or, when
    the page is being replaced as it asks, as "Node with given id does not belong to the
    document" (an unknown error; seen failing a console test 2 times in 4)."""
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise
    return False


def wait(driver: WebDriver, seconds: float = 15) -> WebDriverWait[WebDriver]:
    return WebDriverWait(driver, seconds)


@contextmanager
def navigates(driver: WebDriver) -> Iterator[None]:
    """Around an action that loads another page (a click on a link or a form's button, Enter
    in a field): returns once the page it started on is gone and the next one has loaded.

    A click returns before the browser leaves the page, so a wait for an element both pages
    have (an `h1`, a notice) can find the old one and read it after it is gone
    (StaleElementReferenceException, seen on CI); waiting for the old document to go first
    closes that race."""
    before = driver.find_element(By.TAG_NAME, "html")
    yield
    wait(driver).until(lambda _: _gone(before))
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
