"""Fixtures of the console's real-browser tests: headless chromium (devtools/browser.py)
against the suite's live server process. CI installs chromium and chromium-driver; a machine
without them fails these tests with the command that installs them (never a silent skip)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium import webdriver

from devtools import browser as browsers


@pytest.fixture(scope="module")
def chromium() -> Iterator[webdriver.Chrome]:
    why = browsers.missing()
    if why:
        pytest.fail(why)
    driver = browsers.start()
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium: webdriver.Chrome, server: Any) -> Iterator[webdriver.Chrome]:
    """The module's browser, signed out and on a blank page at the start of each test."""
    chromium.get(f"{server.base_url}/console/sign-in")
    chromium.delete_all_cookies()
    chromium.execute_script("window.sessionStorage.clear()")  # another test's typed drafts
    yield chromium
    chromium.delete_all_cookies()
