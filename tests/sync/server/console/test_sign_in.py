"""The console's doors: who may sign in, the session cookie, CSRF, idle timeout, security
headers, the language, and the open-redirect guard; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from conftest import Console
from srv_support import World

from sync.server import db
from sync.server.admin import review_queue

CSP_MUST = ("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "default-src 'none'")


def _people(world: World) -> None:
    world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("S2", "LLG", role="supervisor")
    world.agent("N1", "PLG", role="admin")


def test_a_supervisor_signs_in_and_gets_a_strict_httponly_session_cookie(world: World) -> None:
    _people(world)
    browser = Console(world)
    answer = browser.sign_in("S1")
    assert answer.status_code == 303 and answer.headers["location"] == "/console/review"
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("perisai_console=")
    )
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=strict" in lowered and "path=/console" in lowered
    assert "secure" not in lowered  # plain http (a TLS request gets Secure: next test)
    page = browser.get("/console/review")
    assert page.status_code == 200 and "Antrean pemeriksaan" in page.text
    with world.engine.connect() as conn:
        stored = conn.execute(sa.select(db.table(db.ConsoleSession))).all()
    value = cookie.split(";")[0].split("=", 1)[1]
    assert len(stored) == 1 and stored[0].token_hash != value  # only its hash is kept


def test_behind_tls_the_cookie_is_secure(world: World) -> None:
    _people(world)
    browser = Console(world)
    browser.client.base_url = browser.client.base_url.copy_with(scheme="https")
    answer = browser.sign_in("S1")
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("perisai_console=")
    )
    assert "secure" in cookie.lower()


def test_an_agent_cannot_sign_in_even_with_the_right_password(world: World) -> None:
    _people(world)
    browser = Console(world)
    answer = browser.sign_in("A1")
    assert answer.status_code == 403
    assert "Agen memakai aplikasi Perisai Agent" in answer.text or "laptop" in answer.text
    assert "perisai_console=" not in " ".join(answer.headers.get_list("set-cookie"))
    assert browser.client.get("/console/review").status_code == 303


@pytest.mark.expect_warning_log("login: wrong password")
def test_a_wrong_password_says_so_beside_the_field_and_keeps_the_code(world: World) -> None:
    _people(world)
    browser = Console(world)
    answer = browser.sign_in("S1", password="salah-sekali")
    assert answer.status_code == 401
    assert 'id="error-password"' in answer.text and "Kode atau kata sandi salah." in answer.text
    assert 'value="S1"' in answer.text
    english = Console(world).sign_in("S1", password="salah-sekali", lang="en")
    assert "Wrong code or password." in english.text


def test_a_sign_in_posted_from_elsewhere_is_refused(world: World) -> None:
    """Login CSRF: a form on another site cannot sign a browser in to someone's account."""
    _people(world)
    browser = Console(world)
    answer = browser.client.post(
        "/console/sign-in", data={"agent_code": "S1", "password": "rahasia-123"}
    )
    assert answer.status_code == 403
    assert "perisai_console=" not in " ".join(answer.headers.get_list("set-cookie"))


def test_pages_need_a_session_and_come_back_after_sign_in(world: World) -> None:
    _people(world)
    browser = Console(world)
    answer = browser.client.get("/console/review?status=accepted")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/console/sign-in?next=/console/review")


def test_a_change_without_the_csrf_token_is_refused_and_changes_nothing(world: World) -> None:
    _people(world)
    browser = Console(world)
    browser.sign_in("S1")
    refused = browser.post(
        "/console/language", {"lang": "en", "next": "/console/review"}, csrf=False
    )
    assert refused.status_code == 403 and "kedaluwarsa" in refused.text
    forged = browser.post(
        "/console/language", {"lang": "en", "csrf_token": "x" * 43, "next": "/console/review"}
    )
    assert forged.status_code == 403
    assert 'lang="id"' in browser.get("/console/review").text
    done = browser.post("/console/language", {"lang": "en", "next": "/console/review"})
    assert done.status_code == 303
    assert "Review queue" in browser.get("/console/review").text


def test_every_console_answer_carries_the_security_headers(world: World) -> None:
    _people(world)
    browser = Console(world)
    for answer in (
        browser.client.get("/console/sign-in"),
        browser.sign_in("S1"),
        browser.get("/console/review"),
        browser.get("/console/review/not-an-id"),
    ):
        csp = answer.headers["content-security-policy"]
        assert all(part in csp for part in CSP_MUST), csp
        assert "unsafe-inline" not in csp
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["cache-control"] == "no-store"
    page = browser.get("/console/review").text
    assert "<script>" not in page and "style=" not in page
    css = browser.client.get("/console/static/console.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]


def test_an_idle_session_ends_and_says_why(world: World) -> None:
    _people(world)
    browser = Console(world)
    browser.sign_in("S1")
    table = db.table(db.ConsoleSession)
    idle = db.utcnow() - dt.timedelta(minutes=world.settings.console_idle_minutes + 1)
    with world.engine.begin() as conn:
        conn.execute(table.update().values(last_seen_at=idle))
    answer = browser.client.get("/console/review")
    assert answer.status_code == 303 and "why=idle" in answer.headers["location"]
    page = browser.client.get(answer.headers["location"])
    assert "tanpa aktivitas" in page.text
    with world.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0


def test_a_disabled_account_loses_its_open_session(world: World) -> None:
    _people(world)
    browser = Console(world)
    browser.sign_in("S1")
    agents = db.table(db.Agent)
    with world.engine.begin() as conn:
        conn.execute(agents.update().where(agents.c.code == "S1").values(active=False))
    answer = browser.client.get("/console/review")
    assert answer.status_code == 303 and "why=gone" in answer.headers["location"]


def test_sign_out_ends_the_session(world: World) -> None:
    _people(world)
    browser = Console(world)
    browser.sign_in("S1")
    out = browser.post("/console/sign-out")
    assert out.status_code == 303 and "why=out" in out.headers["location"]
    assert browser.client.get("/console/review").status_code == 303
    with world.engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count()).select_from(db.table(db.ConsoleSession))
        ).scalar()
    assert count == 0


def test_sign_in_never_sends_anyone_to_another_site(world: World) -> None:
    _people(world)
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "/v1/admin"):
        browser = Console(world)
        page = browser.client.get("/console/sign-in", params={"next": target})
        token = page.text.split('name="sign_in_token" value="')[1].split('"')[0]
        answer = browser.client.post(
            "/console/sign-in",
            data={
                "agent_code": "S1",
                "password": "rahasia-123",
                "sign_in_token": token,
                "next": target,
            },
        )
        assert answer.headers["location"] == "/console/review", target


def test_a_one_time_password_leads_to_the_password_page_first(world: World) -> None:
    _people(world)
    agents = db.table(db.Agent)
    with world.engine.begin() as conn:
        conn.execute(agents.update().where(agents.c.code == "S1").values(must_change_password=True))
    browser = Console(world)
    answer = browser.sign_in("S1")
    assert answer.headers["location"] == "/console/password"
    review = browser.client.get("/console/review")
    assert review.status_code == 303 and review.headers["location"] == "/console/password"


@pytest.mark.expect_warning_log("unhandled RuntimeError")
def test_a_bug_shows_a_plain_page_in_the_persons_language_not_json(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _people(world)
    browser = Console(world)
    browser.sign_in("S1")

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(review_queue, "list_enrollments", broken)
    answer = browser.client.get("/console/review")
    assert answer.status_code == 500 and answer.headers["content-type"].startswith("text/html")
    assert "tidak ada yang berubah" in answer.text and "a bug" not in answer.text
    assert answer.headers["x-frame-options"] == "DENY"
    api = world.client.get("/v1/nowhere")
    assert api.headers["content-type"] == "application/json"


def test_a_form_posted_after_the_session_ended_comes_back_to_its_page(world: World) -> None:
    """The sign-in page sends the person back to the page the form was on (where the browser
    puts back what was typed), never to the POST address, and never to another site."""
    _people(world)
    browser = Console(world)
    browser.sign_in("S1")
    with world.engine.begin() as conn:
        conn.execute(db.table(db.ConsoleSession).delete())
    here = "http://testserver/console/review?status=accepted"
    answer = browser.client.post(
        "/console/review/accept", data={"csrf_token": browser.csrf}, headers={"referer": here}
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/sign-in?next=/console/review%3Fstatus%3Daccepted"
    elsewhere = browser.client.post(
        "/console/review/accept", data={}, headers={"referer": "https://evil.example/console/x"}
    )
    assert elsewhere.headers["location"] == "/console/sign-in?next=/console/review"


@pytest.mark.expect_warning_log("login: ")
def test_console_and_api_share_one_count_of_wrong_passwords(world: World) -> None:
    """Guessing in the console is no way around the API's lockout (and the other way round):
    both check passwords through `accounts.verify_password`, one count per code and address."""
    _people(world)
    browser = Console(world)
    for _ in range(world.settings.lockout_failures):
        assert browser.sign_in("S1", password="tebakan-salah").status_code == 401
    locked = browser.sign_in("S1")  # the right password, but this address must wait
    assert locked.status_code == 429 and "Terlalu banyak percobaan" in locked.text
    assert int(locked.headers["retry-after"]) > 0
    assert "perisai_console=" not in " ".join(locked.headers.get_list("set-cookie"))
    api = world.login_raw("S1")
    assert api.status_code == 429 and api.json()["error"]["code"] == "account_locked"
