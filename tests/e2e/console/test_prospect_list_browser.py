"""An imported prospect list's page in a real browser (headless chromium) against the real server
process: the supervisor filters a district, gives its businesses to an agent, reads the notice,
and the partner's CSV downloads with the session's cookie."""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests
from browsing import navigates, sign_in, text_of
from helpers.prospect_lists import ILIR_BARAT_DUA, SEBERANG_ULU_DUA, imported_list, prospect
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from agent_app.domain import clock
from sync.server import config, db


def test_a_district_is_assigned_in_the_browser_and_the_export_downloads(
    browser: WebDriver, server: Any
) -> None:
    engine = db.make_engine(config.Settings(database_url=f"sqlite:///{server.database}"))
    try:
        names = [("Pempek Peramban", SEBERANG_ULU_DUA), ("Kopi Peramban", SEBERANG_ULU_DUA)]
        names.append(("Songket Peramban", ILIR_BARAT_DUA))
        list_id, _ = imported_list(
            engine, [prospect(n, d) for n, d in names], source="Asosiasi Peramban"
        )
    finally:
        engine.dispose()
    path = f"/console/prospects/{list_id}"
    sign_in(browser, server.base_url, "SV001", path)
    assert text_of(browser, "h1") == "Daftar calon: Asosiasi Peramban"

    Select(browser.find_element(By.ID, "f-district")).select_by_value(SEBERANG_ULU_DUA)
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    assert text_of(browser, "#matching") == "2 dari 3 usaha sesuai saringan."
    table = text_of(browser, "table.prospects")
    assert "Kopi Peramban" in table and "Songket Peramban" not in table

    Select(browser.find_element(By.ID, "f-agent_code")).select_by_value("AG002")
    due = clock.today("Asia/Jakarta") + dt.timedelta(days=1)
    field = browser.find_element(By.ID, "f-due_on")
    browser.execute_script("arguments[0].value = arguments[1];", field, due.isoformat())
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, "form.assign-many button.primary").click()
    notice = "2 ditugaskan kepada AG002, 0 sudah ditugaskan sebelumnya."
    assert text_of(browser, "p.notice") == notice
    assert f"district={SEBERANG_ULU_DUA}" in browser.current_url  # the filter kept

    link = browser.find_element(By.ID, "export-csv").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    answer = requests.get(str(link), cookies=cookies, timeout=10)
    assert answer.status_code == 200, answer.text
    lines = answer.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Nomor baris di daftar Anda,Nama usaha,Kecamatan,Status")
    assert lines[1:] == [
        "2,Pempek Peramban,Seberang Ulu Dua,belum dikunjungi,,",
        "3,Kopi Peramban,Seberang Ulu Dua,belum dikunjungi,,",
        "4,Songket Peramban,Ilir Barat Dua,belum dikunjungi,,",
    ]
    assert requests.get(str(link), timeout=10, allow_redirects=False).status_code == 303
