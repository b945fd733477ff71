"""The reviewer sees the KTP photo in a real browser (headless chromium) against the real
server process: an agent uploads the photo and pushes the enrollment that references it; the
supervisor opens the enrollment and the <img> has loaded (the CSP lets the console's own
images through; a broken image has naturalWidth 0)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from typing import Any

import httpx
from browsing import navigates, sign_in
from helpers.live_server import PASSWORD
from helpers.niks import fresh_nik, nik_birth_date
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from agent_app.domain import contributions

WIB = dt.timezone(dt.timedelta(hours=7))


def _photo() -> bytes:
    image = Image.new("RGB", (120, 80), (200, 170, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _enroll_with_photo(base_url: str, agent: str, photo: bytes) -> str:
    digest = hashlib.sha256(photo).hexdigest()
    device = str(uuid.uuid4())
    with httpx.Client(base_url=base_url, timeout=30) as client:
        login = client.post(
            "/v1/auth/login",
            json={
                "agent_code": agent,
                "password": PASSWORD,
                "device_id": device,
                "device_name": "Laptop uji",
            },
        )
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        put = client.put(
            f"/v1/attachments/{digest}",
            content=photo,
            headers={**auth, "Content-Type": "image/jpeg"},
        )
        assert put.status_code in (200, 201), put.text
        now = dt.datetime.now(WIB).replace(microsecond=0)
        nik = fresh_nik()
        quote = contributions.quote(1_500_000, ["JKK", "JKM"], 1, now.date(), "pedagang")
        fields = {
            "nik": nik,
            "full_name": "Siti Foto",
            "birth_place": "Palembang",
            "birth_date": nik_birth_date(nik),
            "gender": "F",
            "phone": "+6281234567890",
            "email": None,
            "address": "Jl. Merdeka 10",
            "region_code": "16.71.03",
            "occupation": "pedagang",
            "declared_income": 1_500_000,
            "programs": ["JKK", "JKM"],
            "period_months": 1,
            "paid_by_state": False,
            "monthly_contribution": quote.monthly_total,
            "consent": {"text_version": "2026-01", "given_at": now.isoformat()},
            "attachments": [
                {
                    "kind": "ktp_photo",
                    "sha256": digest,
                    "media_type": "image/jpeg",
                    "size": len(photo),
                    "taken_at": now.isoformat(),
                }
            ],
        }
        entity_id = str(uuid.uuid4())
        body = {
            "protocol_version": 1,
            "device_id": device,
            "batch_id": str(uuid.uuid4()),
            "ops": [
                {
                    "op_id": str(uuid.uuid4()),
                    "op_seq": 1,
                    "entity": "enrollment",
                    "entity_id": entity_id,
                    "kind": "create",
                    "base_version": None,
                    "fields": fields,
                    "recorded_at": now.isoformat(),
                }
            ],
        }
        pushed = client.post("/v1/sync/push", json=body, headers=auth)
        assert pushed.status_code == 200, pushed.text
        assert pushed.json()["results"][0]["status"] == "applied", pushed.text
    return entity_id


def test_the_reviewer_sees_the_ktp_photo(browser: WebDriver, server: Any) -> None:
    photo = _photo()
    entity_id = _enroll_with_photo(server.base_url, "AG002", photo)
    sign_in(browser, server.base_url, "SV001")
    with navigates(browser):
        browser.get(f"{server.base_url}/console/review/{entity_id}")
    image = browser.find_element(By.CSS_SELECTOR, ".evidence img")
    assert image.get_attribute("alt") == "Foto KTP"
    WebDriverWait(browser, 10).until(
        lambda _: browser.execute_script("return arguments[0].complete", image)
    )
    assert browser.execute_script("return arguments[0].naturalWidth", image) == 120
    link = browser.find_element(By.CSS_SELECTOR, ".evidence a").get_attribute("href")
    assert link == f"{server.base_url}/console/attachments/{hashlib.sha256(photo).hexdigest()}"
