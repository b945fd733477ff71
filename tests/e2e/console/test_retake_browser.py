"""Issue 14's proof, end to end: a photo taken on a real laptop is seen by the reviewer in the
console (headless chromium against the real server process); the reviewer sends the enrollment
back because the photo is blurry; the laptop learns why (`photo_unclear`), the agent retakes
it, and the reviewer then sees the new photo in place of the old one."""

from __future__ import annotations

import io
from typing import Any

from browsing import navigates, sign_in, text_of
from helpers.enrollments import enrollment_fields
from helpers.niks import fresh_nik
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from agent_app.domain import keys
from agent_app.services import attachments, enrollments
from agent_app.storage import wire

KTP = keys.AttachmentKind.KTP_PHOTO


def _photo(colour: tuple[int, int, int]) -> bytes:
    """A camera-sized JPEG (the service shrinks it to 1600 px on its long edge)."""
    out = io.BytesIO()
    Image.new("RGB", (2400, 1600), colour).save(out, "JPEG", quality=90)
    return out.getvalue()


def _shown_photos(browser: WebDriver) -> dict[str, int]:
    """The evidence images on the page: their sha256 (from the URL) and natural width (0 when
    the image did not load)."""
    found: dict[str, int] = {}
    for image in browser.find_elements(By.CSS_SELECTOR, ".evidence img"):
        sha256 = str(image.get_attribute("src")).rsplit("/", 1)[-1]
        found[sha256] = int(browser.execute_script("return arguments[0].naturalWidth;", image))
    return found


def test_a_blurry_ktp_photo_is_sent_back_retaken_and_the_reviewer_sees_the_new_one(
    browser: WebDriver, server: Any, make_laptop: Any
) -> None:
    laptop = make_laptop("AG003")
    blurry = laptop.call(attachments.add_photo, KTP, _photo((120, 120, 120)))
    fields = enrollment_fields(fresh_nik(), attachments=[wire.value_to_wire(blurry)])
    draft = laptop.call(enrollments.save_draft, fields)
    laptop.call(enrollments.submit, draft.id)
    assert laptop.sync().applied == 1  # the photo went first, then the enrollment

    sign_in(browser, server.base_url, "SV001", f"/console/review/{draft.id}")
    assert _shown_photos(browser) == {blurry.sha256: 1600}
    Select(browser.find_element(By.ID, "f-reason")).select_by_value("photo_unclear")
    browser.find_element(By.ID, "f-note").send_keys("Foto KTP buram")
    with navigates(browser):
        browser.find_element(By.CSS_SELECTOR, 'form[action$="/send-back"] button').click()
    assert "dikembalikan" in text_of(browser, "p.notice")

    assert laptop.sync().pulled >= 1
    sent_back = enrollments.get(laptop.uow(), draft.id)
    assert sent_back.status is keys.EnrollmentStatus.NEEDS_CORRECTION
    assert sent_back.review_reason_code == "photo_unclear"
    assert sent_back.review_reason is not None and "Foto KTP buram" in sent_back.review_reason

    sharp = laptop.call(attachments.add_photo, KTP, _photo((30, 90, 160)))
    retake = {"attachments": [wire.value_to_wire(sharp)]}
    laptop.call(enrollments.save_draft, retake, enrollment_id=draft.id)
    laptop.call(enrollments.submit, draft.id)
    report = laptop.sync()
    assert (report.applied, report.rejected, report.conflict) == (1, 0, 0)

    browser.get(f"{server.base_url}/console/review/{draft.id}")
    assert _shown_photos(browser) == {sharp.sha256: 1600}
    assert "Menunggu pemeriksaan" in text_of(browser, "p.status")
