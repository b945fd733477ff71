"""The coverage page in a real browser (headless chromium, 1366x768) against the real server
process: a branch target set with the command line shows in the table and the chart (an SVG
the Content-Security-Policy lets through: its bars are drawn with attributes), the page fits
the screen's width, and the filter works from the keyboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from browsing import navigates, sign_in
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver


def test_coverage_shows_the_branch_target_as_table_and_chart_and_filters_by_keyboard(
    browser: WebDriver, server: Any
) -> None:
    today = dt.date.today()
    server.cli(
        "set-target", "--scope", "branch", "--scope-id", "PLG", "--metric", "employers",
        "--goal", "1441", "--period-start", str(today.replace(day=1)),
        "--period-end", str(today + dt.timedelta(days=40)), check=True,
    )  # fmt: skip
    sign_in(browser, server.base_url, "SV001", "/console/coverage")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Capaian"
    cells = [
        [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        for row in browser.find_elements(By.CSS_SELECTOR, "table.coverage tbody tr")
    ]
    assert any(row[1] == "Pemberi kerja diterima" and row[3] == "1.441" for row in cells), cells
    chart = browser.find_element(By.CSS_SELECTOR, "figure.coverage-chart svg")
    assert chart.size["width"] > 600 and chart.size["height"] > 20
    assert browser.find_elements(By.CSS_SELECTOR, "figure.coverage-chart svg rect")
    fits = browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth;"
    )
    assert fits
    # The filter by keyboard: choose the agent with the keys, then Enter on the button.
    browser.find_element(By.ID, "f-agent").send_keys("Agen AG001")
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, "form.filters button").send_keys(Keys.ENTER)
    assert "agent=AG001" in browser.current_url
    assert "1.441" not in browser.find_element(By.TAG_NAME, "main").text
