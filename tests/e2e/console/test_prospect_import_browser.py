"""A partner's list imported in a real browser (headless chromium) against the real server
process: a CSV with Indonesian headers in Windows-1252, a formula cell and a landline; the
preview names each bad row's problem, the import's notice counts, the list shows its counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from browsing import navigates, sign_in, text_of
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

LIST = (
    "Nama Usaha;No. HP / WA;Alamat Usaha\r\n"
    "Kopi Café Peramban;0857-7700-1801;Jl. Merdeka 1\r\n"
    'Es Tebu Peramban;=HYPERLINK("http://contoh");Pasar 16\r\n'
    "Bakso Peramban;0711 354321;Jl. Sudirman 2\r\n"
)


def test_a_partner_list_imported_in_the_browser(
    browser: WebDriver, server: Any, tmp_path: Path
) -> None:
    path = tmp_path / "koperasi.csv"
    path.write_bytes(LIST.encode("cp1252"))
    sign_in(browser, server.base_url, "SV001", "/console/prospects")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Daftar calon"
    browser.find_element(By.ID, "f-source_name").send_keys("Koperasi Peramban")
    browser.find_element(By.ID, "f-file").send_keys(str(path))
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, "form.prospect-upload button.primary").click()

    counts = "1 baru, 0 ditautkan ke usaha yang sudah ada, 2 baris tidak diimpor."
    assert text_of(browser, "#upload-counts") == counts
    assert "Kopi Café Peramban" in text_of(browser, "table.prospect-preview")
    bad = text_of(browser, "ul.bad-rows")
    assert "Baris 3 (Es Tebu Peramban): Sel B3 berisi rumus; rumus tidak diimpor." in bad
    assert "Baris 4 (Bakso Peramban): Nomor HP 0711 354321 tidak benar." in bad
    assert "HYPERLINK" not in browser.page_source
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, "button[value=import]").click()

    assert text_of(browser, "p.notice") == (
        "Daftar diimpor: 1 baru, 0 ditautkan ke usaha yang sudah ada, 2 baris tidak diimpor."
    )
    row = browser.find_element(
        By.XPATH, "//table[contains(@class,'prospect-lists')]//tr[td[2]='Koperasi Peramban']"
    )
    assert [cell.text for cell in row.find_elements(By.TAG_NAME, "td")][2:] == [
        "koperasi.csv",
        "1",
        "0",
    ]
