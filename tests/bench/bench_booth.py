"""Benchmark of the booth day (issue 11, item 12): 20 workers in a row through the real window.

Run:  .venv/bin/python tests/bench/bench_booth.py [--workers 20]

A fresh home (temporary folder) with the real key store, SQLCipher database, services and
threaded Op runner, headless (QT_QPA_PLATFORM=offscreen). Booth mode is on, the event of the
day is chosen on the booth bar (pulled events, offline) and the workers come from one
business. Each worker is driven by keys sent with QTest to the widget with the focus
(tests/helpers/booth.py): NIK, Tab, name, Tab, mobile number, Tab, the first letters of the
occupation, Tab, Space (consent), Enter (submit), Ctrl+P and Enter on the real print dialog,
which prints to a PDF in the temporary folder (no real printer). Every key is counted; the
person's data (NIK, name, number, occupation letters) apart from the rest.

Prints `booth workers=20 keys_per_worker=... non_data_keys_per_worker=...
seconds_per_worker_at_2.5_keys_s=... lost=0 duplicates=0` (goal: non-data keys <= 8): `lost`
are workers typed whose enrollment is not in the database, `duplicates` NIKs stored twice,
and the seconds are the keys per worker at 2.5 keys a second (a person's pace, not the
machine's).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSWORD = "bench-password"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-booth-") as tmp:
        os.environ["AGENT_APP_HOME"] = str(Path(tmp) / "home")
        run(args.workers, Path(tmp))


def run(workers: int, tmp: Path) -> None:
    from helpers import booth
    from PySide6.QtWidgets import QApplication

    from agent_app import app as app_mod
    from agent_app.ui import application
    from agent_app.ui.window import MainWindow

    shell = app_mod.build_shell()
    qt_app = QApplication(sys.argv[:1])
    application.prepare(qt_app, "id")
    shell.keystore.create_first_account("PLG-001", "Siti Aminah", "PLG", "agent", PASSWORD)
    shell.settings.booth_mode = True
    window = MainWindow(shell)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    booth.wait_until(lambda: window.login.account.count() > 0)  # read from the key store
    window.login.password.setText(PASSWORD)
    window.login.password.setFocus()
    window.login.submit()
    booth.wait_until(lambda: window.workspace is not None, rounds=12_000)
    form = _booth_ready(window)
    backend = window.ctx.backend

    keys = booth.Keyboard()
    people = [booth.worker(i) for i in range(workers)]
    for i, person in enumerate(people):
        booth.enroll(keys, form, person, "pedagang", tmp / f"bukti-{i:02d}.pdf")
    booth.wait_until(lambda: len(keys.printed) == workers)

    _total, rows = backend.my_enrollments("", 1000)
    stored = [str(getattr(r, "nik", "")) for r in rows]
    typed = {p["nik"] for p in people}
    lost = len(typed - set(stored))
    duplicates = len(stored) - len(set(stored))
    per_worker = (keys.data + keys.other) / workers
    non_data = keys.other / workers
    print(
        f"booth workers={workers} keys_per_worker={per_worker:.1f} "
        f"non_data_keys_per_worker={non_data:.1f} "
        f"seconds_per_worker_at_2.5_keys_s={per_worker / 2.5:.1f} "
        f"lost={lost} duplicates={duplicates}",
        flush=True,
    )
    window.close()


def _booth_ready(window: Any) -> Any:
    """What a pull brings (today's booth event), the event chosen in the form, and the form
    opened for one business's workers; returns the enrollment form, the NIK field focused."""
    from helpers import booth

    from agent_app.domain import records

    ctx = window.ctx
    backend = ctx.backend
    today = ctx.today()
    uow = backend.uow_factory()
    with uow:  # what a pull writes
        uow.events.upsert(
            records.Event(
                id="0b6c4d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e",
                name="Booth Pasar 16 Ilir",
                branch="PLG",
                starts_on=today - dt.timedelta(days=1),
                ends_on=today + dt.timedelta(days=1),
                venue="Pasar 16 Ilir",
            ),
            version=1,
        )
        uow.commit()
    ctx.reload_events()
    page = window.workspace.show_page("enrollments")
    form = page.form
    booth.wait_until(lambda: form.booth_event.count() > 1)
    form.booth_event.setCurrentIndex(1)
    form.booth_event.activated.emit(1)
    business = backend.register_business(
        {
            "name": "Pempek Candy",
            "owner_name": "Candy Wijaya",
            "phone": "081277889900",
            "sector": "kuliner",
            "region_code": "16.71.05",
        },
        None,
    )
    page.start_for_business(business)
    window.activateWindow()
    booth.wait_until(form.nik.hasFocus)
    return form


if __name__ == "__main__":
    main()
