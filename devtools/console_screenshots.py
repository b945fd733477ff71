"""Screenshots of every page of the branch console at 1366x768, in Bahasa Indonesia and English:
`python -m devtools.console_screenshots [--lang en] [--out docs/screenshots]`.

The real server in its own process on a loopback port, over a new SQLite database filled by
`seed-demo` (the Sumsel Marketing booth with 100 UMKM, the branch target of 1,441 employers, all
people synthetic), and the real headless chromium of the browser tests (devtools/browser.py).
Indonesian pages go to `<out>/console-<page>.png`, English ones to `<out>/en/console-<page>.png`.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from devtools import browser as browsers
from sync.server import config, db, migrate
from sync.server.admin import consent_texts, demo_prospects, review
from sync.server.admin import demo as demo_seed
from sync.server.prospects import uploads

REPO = Path(__file__).resolve().parents[1]
#: (file name, path under /console/, what to do on the page before the shot)
PAGES = (
    ("review", "review", None),
    ("review-detail", "review", "open-first"),
    ("review-employer", "review", "open-employer"),
    ("review-employer-workers", "review", "open-employer-workers"),
    ("coverage", "coverage", None),
    ("targets", "targets", None),
    ("assignments", "assignments", None),
    ("prospects", "prospects", None),
    ("prospect-upload", "prospects/uploads/{upload}", None),
    ("prospect-list", "prospects", "open-list"),
    ("duplicates", "duplicates", None),
    ("people", "people", None),
    ("audit", "audit", None),
    ("exports", "exports", None),
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(home: Path, url: str, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERISAI_")}
    env.update({"DATABASE_URL": url, "PERISAI_SERVER_HOME": str(home), "PYTHONPATH": str(REPO)})
    command = [sys.executable, "-m", "sync.server", "serve", "--no-migrate"]
    log = (home / "server.log").open("ab")
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the server did not start; see {home / 'server.log'}")


def _sign_in(driver: WebDriver, base: str, code: str, password: str, lang: str) -> None:
    driver.get(f"{base}/console/sign-in?lang={lang}")
    driver.find_element(By.ID, "f-agent_code").send_keys(code)
    with browsers.navigates(driver):
        driver.find_element(By.ID, "f-password").send_keys(password, Keys.ENTER)


def _shoot(
    driver: WebDriver,
    base: str,
    out: Path,
    lang: str,
    supervisor: tuple[str, str],
    upload: str,
) -> list[Path]:
    folder = out if lang == "id" else out / "en"
    folder.mkdir(parents=True, exist_ok=True)
    driver.delete_all_cookies()
    driver.get(f"{base}/console/sign-in?lang={lang}")
    made = [folder / "console-sign-in.png"]
    driver.save_screenshot(str(made[-1]))
    _sign_in(driver, base, *supervisor, lang)
    for name, path, action in PAGES:
        driver.get(f"{base}/console/{path.format(upload=upload)}")
        if action == "open-list":
            with browsers.navigates(driver):
                driver.find_element(By.CSS_SELECTOR, "table.prospect-lists tbody a").click()
        elif action == "open-first":
            with browsers.navigates(driver):
                driver.find_element(By.CSS_SELECTOR, "table.data tbody a").click()
        elif action and action.startswith("open-employer"):
            # The registration of 200 workers (its queue line says so in either language).
            big = f"//tr[.//span[contains(., ': {demo_seed.BIG_EMPLOYER_WORKERS}')]]//a"
            with browsers.navigates(driver):
                driver.find_element(By.XPATH, big).click()
            if action.endswith("workers"):
                workers = driver.find_element(By.ID, "workers")
                driver.execute_script("arguments[0].scrollIntoView()", workers)
        made.append(folder / f"console-{name}.png")
        driver.save_screenshot(str(made[-1]))
    # The same queue on a phone (390x844 CSS pixels): the tables become one card per line.
    driver.set_window_size(390, 844)
    driver.get(f"{base}/console/review")
    made.append(folder / "console-review-phone.png")
    driver.save_screenshot(str(made[-1]))
    driver.set_window_size(1366, 768)
    return made


def _shoot_consent(
    driver: WebDriver, base: str, out: Path, lang: str, admin: tuple[str, str]
) -> Path:
    """The consent texts page as an admin sees it: a new version typed and previewed."""
    folder = out if lang == "id" else out / "en"
    driver.delete_all_cookies()
    _sign_in(driver, base, *admin, lang)
    driver.get(f"{base}/console/consent")
    for field, typed in (
        ("f-version", "2026.2"),
        ("f-effective_from", "01022027"),
        ("f-text_id", CONSENT_ID.replace("2026.1", "2026.2")),
    ):
        element = driver.find_element(By.ID, field)
        element.clear()  # the console keeps typed text across pages (another language's run)
        element.send_keys(typed)
    with browsers.navigates(driver):
        driver.find_element(By.CSS_SELECTOR, 'button[value="preview"]').click()
    path = folder / "console-consent.png"
    preview = driver.find_element(By.CSS_SELECTOR, ".consent-preview")
    driver.execute_script("arguments[0].scrollIntoView()", preview)
    driver.save_screenshot(str(path))
    return path


def _next_list(engine: Any, seeded: demo_seed.Demo) -> str:
    """A second list from the partner, uploaded and waiting for its mapping and preview."""
    who = review.Reviewer(demo_seed.ACCOUNTS[0][0], demo_seed.BRANCH[0])
    rng = random.Random(7)
    booth = [{"name": f"Pempek Cek Molek {n}", "phone": f"+62812000{n:05d}",
              "region_code": "16.71.03"} for n in range(6)]  # fmt: skip
    content = demo_prospects.list_csv(rng, booth)
    return uploads.save(engine, who, demo_seed.BRANCH[0], "hipmi-sumsel-2.csv", content)


CONSENT_ID = (
    "Saya telah mendengar penjelasan petugas dan setuju BPJS Ketenagakerjaan menyimpan data "
    "saya pada formulir ini untuk pendaftaran dan pelayanan peserta (naskah 2026.1).\n"
    "Saya berhak melihat, memperbaiki, atau meminta penghapusan data saya."
)
CONSENT_EN = (
    "I have heard the agent's explanation and agree that BPJS Ketenagakerjaan keeps my data "
    "on this form to enroll and serve me (text 2026.1).\n"
    "I may see, correct or ask to delete my data."
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("id", "en", "both"), default="both")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    why = browsers.missing()
    if why:
        raise SystemExit(why)
    with tempfile.TemporaryDirectory(prefix="perisai-console-shots-") as folder:
        home = Path(folder)
        url = f"sqlite:///{home / 'server.sqlite3'}"
        settings = config.Settings(database_url=url)
        engine = db.make_engine(settings)
        migrate.upgrade(engine)
        seeded = demo_seed.seed_demo(engine, settings)
        consent_texts.publish(engine, "2026.1", {"id": CONSENT_ID, "en": CONSENT_EN}, "2026-01-01")
        upload = _next_list(engine, seeded)
        engine.dispose()
        code = next(code for code, _, role in demo_seed.ACCOUNTS if role == "supervisor")
        port = _free_port()
        server = _serve(home, url, port)
        driver = browsers.start()
        try:
            languages = ("id", "en") if args.lang == "both" else (args.lang,)
            for lang in languages:
                for path in _shoot(
                    driver,
                    f"http://127.0.0.1:{port}",
                    args.out,
                    lang,
                    (code, seeded.passwords[code]),
                    upload,
                ):
                    print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
                admin = next(code for code, _, role in demo_seed.ACCOUNTS if role == "admin")
                print(
                    _shoot_consent(
                        driver,
                        f"http://127.0.0.1:{port}",
                        args.out,
                        lang,
                        (admin, seeded.passwords[admin]),
                    )
                )
        finally:
            driver.quit()
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
