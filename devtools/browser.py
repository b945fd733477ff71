"""A real browser for the console's tests and screenshots: Debian's chromium, headless, driven
by selenium through Debian's chromedriver (their versions match by construction; FACTS.md).
The driver's path is given: Selenium Manager would try to download one, and nothing but the
package registries can be reached. The window is 1366x768, the common laptop screen."""

from __future__ import annotations

import shutil
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

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
