"""The coverage page in a real browser (headless chromium, 1366x768) against the real server
process: a branch target set with the command line shows in the table and the chart (an SVG
the Content-Security-Policy lets through: its bars are drawn with attributes), the page fits
the screen's width, and the filter works from the keyboard; an employer registration an agent
pushed is reviewed in the browser (accept refused without the NPP, the message beside the
field; then accepted) and counts towards the employers target."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import requests
from browsing import navigates, sign_in, text_of
from e2e_support import PASSWORD
from helpers.niks import fresh_nik
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from agent_app.domain import consent_texts, employer_contributions

BUSINESS = "Pempek Cek Molek Browser"
#: The zone of branch PLG: its days are those the server counts a target's period in.
WIB = dt.timezone(dt.timedelta(hours=7))


def _employers_done(browser: WebDriver) -> str:
    for row in browser.find_elements(By.CSS_SELECTOR, "table.coverage tbody tr"):
        cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        if cells[1] == "Pemberi kerja diterima" and cells[3] == "1.441":
            return cells[4]
    raise AssertionError("no employers line")


def _push_registration(base_url: str) -> str:
    """A business and its employer registration (three workers), pushed as AG001's laptop
    would (the laptop's form is another part of issue 17)."""
    device = str(uuid.uuid4())
    login = requests.post(
        f"{base_url}/v1/auth/login",
        json={
            "agent_code": "AG001",
            "password": PASSWORD,
            "device_id": device,
            "device_name": "Laptop uji pemberi kerja",
        },
        timeout=30,
    )
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    now = dt.datetime.now(WIB)
    business, registration = str(uuid.uuid4()), str(uuid.uuid4())
    workers = [
        {
            "nik": fresh_nik(), "full_name": f"Pekerja Browser {i}", "birth_place": "Palembang",
            "birth_date": "1999-09-05", "gender": "F", "start_date": "2026-11-01",
            "monthly_wage": wage, "jkn": True, "wage_below_minimum_reason": None,
        }
        for i, wage in enumerate((2_500_000, 3_000_000, 3_600_000))
    ]  # fmt: skip
    total = employer_contributions.quote_employer(
        [w["monthly_wage"] for w in workers], "mikro", "I", ["JKK", "JKM"], now.date()
    ).total
    shipped = consent_texts.SHIPPED["id"]
    fields = {
        "business_id": business, "nib": None, "npwp": None, "owner_nik": fresh_nik(),
        "owner_name": "Ibu Sari", "owner_phone": "+6281234567890", "size_class": "mikro",
        "size_basis": "sales", "sector": "kuliner", "region_code": "16.71.03",
        "risk_group": "I", "risk_group_assigned": False, "start_date": str(now.date()),
        "programs": ["JKK", "JKM"], "workers": workers, "monthly_contribution": total,
        "status": "submitted",
        "consent": {
            "text_version": shipped.version, "text_sha256": shipped.sha256,
            "given_at": now.isoformat(), "method": "tick", "signature_sha256": None,
        },
    }  # fmt: skip
    place = {
        "name": BUSINESS, "owner_name": "Ibu Sari", "phone": "+6281234567890",
        "sector": "kuliner", "size_class": "mikro", "workers_count": 3,
        "address": "Jl. Merdeka 10", "region_code": "16.71.03", "status": "contacted",
    }  # fmt: skip
    ops = [
        {
            "op_id": str(uuid.uuid4()), "op_seq": seq, "entity": entity, "entity_id": entity_id,
            "kind": "create", "base_version": None, "fields": body,
            "recorded_at": now.isoformat(),
        }
        for seq, (entity, entity_id, body) in enumerate(
            (("business", business, place), ("employer_registration", registration, fields)), 1
        )
    ]  # fmt: skip
    body = {"protocol_version": 1, "device_id": device, "batch_id": str(uuid.uuid4()), "ops": ops}
    pushed = requests.post(f"{base_url}/v1/sync/push", json=body, headers=headers, timeout=30)
    assert [r["status"] for r in pushed.json()["results"]] == ["applied", "applied"], pushed.text
    return registration


def test_coverage_shows_the_branch_target_as_table_and_chart_and_filters_by_keyboard(
    browser: WebDriver, server: Any
) -> None:
    today = dt.datetime.now(WIB).date()  # the branch's day (PLG), not the machine's
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
    before = int(_employers_done(browser).replace(".", ""))
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
    # An agent's employer registration, reviewed here, counts once accepted.
    registration = _push_registration(server.base_url)
    # The queue narrowed to AG001's employer registrations: the server is shared with the other
    # browser tests, whose submitted enrollments (oldest first, 50 a page) may fill the first page.
    browser.get(f"{server.base_url}/console/review?kind=employer&agent=AG001")
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, f'a[href="/console/review/{registration}"]').click()
    assert text_of(browser, "h1 .kind") == "Pemberi kerja" and BUSINESS in text_of(browser, "h1")
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.workers tbody tr")) == 3
    # The browser itself asks for the NPP (a required field); one typed wrong is the server's.
    browser.find_element(By.ID, "f-npp").send_keys("#1")
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, 'form[action$="/accept"] button').click()
    assert "NPP" in text_of(browser, "#error-npp")
    assert browser.find_element(By.ID, "f-npp").get_attribute("aria-invalid") == "true"
    browser.find_element(By.ID, "f-npp").clear()
    browser.find_element(By.ID, "f-npp").send_keys("16001234")
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, 'form[action$="/accept"] button').click()
    assert "Pendaftaran pemberi kerja diterima" in text_of(browser, "p.notice")
    browser.get(f"{server.base_url}/console/coverage")
    assert int(_employers_done(browser).replace(".", "")) == before + 1
