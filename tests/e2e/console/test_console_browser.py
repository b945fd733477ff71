"""The branch console in a real browser (headless chromium) against the real server process:
sign in, a real laptop's enrollment sent back in the browser and its reason on the laptop's
next pull, a forged change refused, the branch wall by URL, an agent kept out, and the whole
review by keyboard alone."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from browsing import navigates, sign_in, text_of
from e2e_support import PASSWORD
from helpers.enrollments import enrollment_fields
from helpers.niks import fresh_nik
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from agent_app.services import enrollments


def submitted_enrollment(make_laptop: Any, agent: str = "AG003") -> tuple[Any, str, str]:
    laptop = make_laptop(agent)
    nik = fresh_nik()
    draft = laptop.call(enrollments.save_draft, enrollment_fields(nik))
    enrollment = laptop.call(enrollments.submit, draft.id)
    assert laptop.sync().applied == 1
    return laptop, enrollment.id, nik


@pytest.fixture(scope="module")
def other_branch_supervisor(server: Any) -> str:
    """A supervisor of branch JKT (the live server's other branch)."""
    server.cli(
        "create-agent", "SVJKT", "--name", "Supervisor JKT", "--branch", "JKT",
        "--role", "supervisor", check=False,
    )  # fmt: skip
    return "SVJKT"


def test_a_supervisor_sends_back_in_the_browser_and_the_laptop_reads_why(
    browser: WebDriver, server: Any, make_laptop: Any
) -> None:
    laptop, entity_id, nik = submitted_enrollment(make_laptop)
    sign_in(browser, server.base_url, "SV001")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Antrean pemeriksaan"
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, f'a[href="/console/review/{entity_id}"]').click()
    assert entity_id in browser.current_url
    assert nik not in browser.page_source
    Select(browser.find_element(By.ID, "f-reason")).select_by_value("incomplete")
    browser.find_element(By.ID, "f-note").send_keys("Alamat belum lengkap")
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, 'form[action$="/send-back"] button').click()
    assert "dikembalikan" in text_of(browser, "p.notice")
    assert laptop.sync().pulled >= 1
    [listed] = [e for e in laptop.call(enrollments.list_needing_correction) if e.id == entity_id]
    assert listed.review_reason == "Data belum lengkap. Alamat belum lengkap"


def test_a_change_without_its_csrf_token_is_refused(
    browser: WebDriver, server: Any, make_laptop: Any
) -> None:
    _laptop, entity_id, _nik = submitted_enrollment(make_laptop)
    sign_in(browser, server.base_url, "SV001", f"/console/review/{entity_id}")
    browser.execute_script(
        "document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove());"
    )
    browser.find_element(By.ID, "f-membership_number").send_keys("16071234567")
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, 'form[action$="/accept"] button').click()
    assert text_of(browser, "h1") == "Formulir ini sudah kedaluwarsa"
    browser.get(f"{server.base_url}/console/review/{entity_id}")
    assert "Menunggu pemeriksaan" in browser.find_element(By.CSS_SELECTOR, "p.status").text


def test_another_branchs_supervisor_gets_not_found_by_url(
    browser: WebDriver, server: Any, make_laptop: Any, other_branch_supervisor: str
) -> None:
    _laptop, entity_id, nik = submitted_enrollment(make_laptop)
    sign_in(browser, server.base_url, other_branch_supervisor)
    browser.get(f"{server.base_url}/console/review/{entity_id}")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Tidak ditemukan"
    assert nik[-4:] not in browser.page_source and "Siti Aminah" not in browser.page_source


def test_an_agent_cannot_sign_in(browser: WebDriver, server: Any) -> None:
    browser.get(f"{server.base_url}/console/sign-in")
    browser.find_element(By.ID, "f-agent_code").send_keys("AG001")
    with navigates(browser):
        browser.find_element(By.ID, "f-password").send_keys(PASSWORD, Keys.ENTER)
    assert "Agen memakai aplikasi Perisai Agent" in text_of(browser, "#error-agent_code")
    browser.get(f"{server.base_url}/console/review")
    assert "/console/sign-in" in browser.current_url


def _tab_to(browser: WebDriver, selector: str, limit: int = 80) -> None:
    """Presses Tab until the element matching `selector` has the focus."""
    target = browser.find_element(By.CSS_SELECTOR, selector)
    for _ in range(limit):
        if browser.switch_to.active_element == target:
            return
        browser.switch_to.active_element.send_keys(Keys.TAB)
    raise AssertionError(f"Tab never reached {selector}")


def test_the_whole_review_by_keyboard_alone(
    browser: WebDriver, server: Any, make_laptop: Any
) -> None:
    laptop, entity_id, _nik = submitted_enrollment(make_laptop)
    browser.get(f"{server.base_url}/console/sign-in?next=/console/review")
    active = browser.switch_to.active_element  # the code field has the focus on arrival
    assert active.get_attribute("id") == "f-agent_code"
    active.send_keys("SV001", Keys.TAB)
    with navigates(browser):
        browser.switch_to.active_element.send_keys(PASSWORD, Keys.ENTER)
    assert "/console/review" in browser.current_url
    _tab_to(browser, f'a[href="/console/review/{entity_id}"]')
    with navigates(browser):
        browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert entity_id in browser.current_url
    _tab_to(browser, "#f-membership_number")
    with navigates(browser):
        browser.switch_to.active_element.send_keys("16071234567", Keys.ENTER)
    assert "diterima" in text_of(browser, "p.notice")
    assert laptop.sync().pulled >= 1
    accepted = enrollments.get(laptop.uow(), entity_id)
    assert accepted.status == "accepted" and accepted.membership_number == "16071234567"


def test_a_note_typed_when_the_session_ended_is_still_there_after_signing_in_again(
    browser: WebDriver, server: Any, make_laptop: Any
) -> None:
    laptop, entity_id, _nik = submitted_enrollment(make_laptop)
    sign_in(browser, server.base_url, "SV001", f"/console/review/{entity_id}")
    Select(browser.find_element(By.ID, "f-reason")).select_by_value("other")
    browser.find_element(By.ID, "f-note").send_keys("Foto usaha belum ada")
    # The session ends (idle) while the note is on screen.
    engine = sa.create_engine(f"sqlite:///{server.database}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE console_session SET last_seen_at = '2000-01-01 00:00:00'"))
    engine.dispose()
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, 'form[action$="/send-back"] button').click()
    assert "/console/sign-in" in browser.current_url
    assert "tanpa aktivitas" in browser.page_source
    browser.find_element(By.ID, "f-agent_code").send_keys("SV001")
    with navigates(browser):
        browser.find_element(By.ID, "f-password").send_keys(PASSWORD, Keys.ENTER)
    assert entity_id in browser.current_url
    assert browser.find_element(By.ID, "f-note").get_attribute("value") == "Foto usaha belum ada"
    assert (
        Select(browser.find_element(By.ID, "f-reason")).first_selected_option.get_attribute("value")
        == "other"
    )
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, 'form[action$="/send-back"] button').click()
    assert "dikembalikan" in text_of(browser, "p.notice")
    kept = browser.execute_script("return Object.keys(window.sessionStorage).length")
    assert kept == 0
    assert laptop.sync().pulled >= 1
    assert enrollments.get(laptop.uow(), entity_id).review_reason.endswith("Foto usaha belum ada")
