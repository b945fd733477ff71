"""Starts the real app on a fresh demo database and saves a screenshot of every page.

    python -m agent_app.ui.screenshots [--out docs/screenshots] [--lang id]
    python -m agent_app.ui.screenshots --lang en       (into docs/screenshots/en)

Without a display it re-runs itself under `xvfb-run` (a real X server, real windows). The demo
data (agent_app/ui/demo.py) goes into a temporary AGENT_APP_HOME, so your own data is never
touched. The app is driven as a person would: log in, open each page, fill the enrollment
form, open the dialogs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
#: The common budget-laptop screen (issue 11): every page is shown as it fits there.
SIZE = (1366, 768)


def _under_xvfb(argv: list[str]) -> int:
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        print("No display and no xvfb-run: falling back to the offscreen platform.")
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return -1
    env = {**os.environ, "PERISAI_SCREENSHOTS_CHILD": "1"}
    env.pop("QT_QPA_PLATFORM", None)
    command = [
        xvfb,
        "-a",
        "-s",
        f"-screen 0 {SIZE[0]}x{SIZE[1]}x24",
        sys.executable,
        "-m",
        "agent_app.ui.screenshots",
        *argv,
    ]
    return subprocess.call(command, env=env)


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None, help="docs/screenshots (en: its en/ folder)")
    parser.add_argument("--lang", default="id", choices=["id", "en"])
    args = parser.parse_args(args_list)
    if args.out is None:
        folder = ROOT / "docs" / "screenshots"
        args.out = str(folder if args.lang == "id" else folder / args.lang)
    if (
        not os.environ.get("DISPLAY")
        and not os.environ.get("PERISAI_SCREENSHOTS_CHILD")
        and os.environ.get("QT_QPA_PLATFORM") != "offscreen"
    ):
        code = _under_xvfb(args_list)
        if code >= 0:
            return code
    home = tempfile.mkdtemp(prefix="perisai-demo-")
    os.environ["AGENT_APP_HOME"] = home
    try:
        return _run(Path(args.out), args.lang)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _run(out: Path, lang: str) -> int:
    from PySide6.QtCore import QDate, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from agent_app import app as app_mod
    from agent_app.domain import clock
    from agent_app.ui import application, demo, ops
    from agent_app.ui.window import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    today = clock.today()  # the demo branch's day (WIB: it never logged in to a server)
    shell = app_mod.build_shell()
    shell.settings.language = lang
    shell.settings.current_event_id = demo.EVENT_ID
    shell.settings.server_url = "https://perisai.bpjsketenagakerjaan.example"
    shell.settings.save()
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    application.prepare(qt_app, lang)  # type: ignore[arg-type]
    first = MainWindow(shell, today=lambda: today)
    first.resize(*SIZE)
    first.move(0, 0)
    first.show()
    _settle_plain(qt_app)
    first_page = first.first_run
    first_page.agent_code.setText(demo.AGENT[0])
    first_page.name.setText(demo.AGENT[1])
    first_page.branch.setText("Palembang")
    first_page.password.setText(demo.PASSWORD)
    first_page.repeat.setText(demo.PASSWORD)
    first_page.server_url.setText(shell.settings.server_url)
    _settle_plain(qt_app)
    first.grab().save(str(out / "00-akun-pertama.png"))
    print("saved", out / "00-akun-pertama.png")
    first.close()
    first.deleteLater()
    unlocked = shell.keystore.create_first_account(*demo.AGENT, demo.PASSWORD)
    shell.keystore.add_account(unlocked, *demo.SECOND_AGENT, demo.PASSWORD)
    shell.connect(unlocked)
    print("seeding the demo database…")
    demo.seed(shell._engine, today)

    window = MainWindow(shell, today=lambda: today)
    window.resize(*SIZE)
    window.move(0, 0)
    window.show()

    def settle(ms: int = 400) -> None:
        deadline = time.monotonic() + 20
        while ops.hub().running and time.monotonic() < deadline:
            qt_app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        while ops.hub().running and time.monotonic() < deadline:
            qt_app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    def shot(name: str, widget: QWidget | None = None) -> None:
        settle()
        if widget is None or widget is window:
            image = window.grab()
        else:
            screen = QApplication.primaryScreen()
            frame = window.frameGeometry()
            image = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
        path = out / f"{name}.png"
        image.save(str(path))
        print("saved", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    settle()
    window.login.password.setText("••••••••")
    window.login.password.clear()
    window.login.password.setFocus()
    shot("01-login")
    window.login.password.setText(demo.PASSWORD)
    window.login.submit()
    settle(800)
    workspace = window.workspace
    assert workspace is not None
    shot("02-beranda")

    page: Any = workspace.show_page("businesses")
    settle(600)
    shot("03-usaha-daftar")
    page.list_page.search.setText("pempek")
    settle(600)
    shot("04-usaha-cari")
    page.list_page.search.clear()
    settle()
    busy = _busiest_business(shell)
    page.open_business(busy)
    settle(600)
    shot("05-usaha-detail")
    page.record_visit(page.detail_page.business)
    dialog = page.dialog
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("follow_up"))
    dialog.reason.setText("Menunggu pemilik pulang dari pasar")
    dialog.notes.setPlainText("Tertarik JKK + JKM untuk 3 pekerja; minta datang Sabtu.")
    shot("06-catat-kunjungan", dialog)
    dialog.discard()  # filled by this script: Batal would ask first
    page.edit_business(page.detail_page.business)
    shot("07-ubah-usaha", page.dialog)
    page.dialog.discard()
    page.show_list()

    enroll: Any = workspace.show_page("enrollments")
    form = enroll.form
    form.nik.setText(
        demo.synthetic_nik(__import__("random").Random(3), dt.date(1988, 4, 17), True, "16.71.05")
    )
    form.full_name.setText("Yuliana Safitri")
    form.birth_place.setText("Palembang")
    form.phone.setText("0812 7300 4512")
    form.address.setText("Jl. Kapten Rivai Lr. Kenanga No. 12")
    form.region.set_code("16.71.05")
    combo = form.region.combos[3]
    combo.setCurrentIndex(min(2, combo.count() - 1))
    form.occupation.setCurrentIndex(form.occupation.findData("penjual_makanan"))
    form.income.setValue(2_000_000)
    form.jht.setChecked(True)
    form.period.setCurrentIndex(form.period.findData(3))
    form.consent.setChecked(True)
    shot("08-pendaftaran-formulir")
    form.birth_date.setDate(QDate(1988, 4, 18))
    form.override_reason.setText("Tanggal di akta kelahiran 18 April; KTP salah cetak")
    shot("09-pendaftaran-tanggal-lahir-beda")
    form.clear()
    enroll.tabs.setCurrentIndex(1)
    shot("10-pendaftaran-perlu-perbaikan")
    enroll.tabs.setCurrentIndex(0)
    # booth mode (issue 11 item 11): the booth bar, the workers of one business
    shell.settings.booth_mode = True
    workspace.show_page("enrollments")
    enroll.start_for_business(page.detail_page.business)
    form.keep_region.setChecked(True)
    form.nik.setText(
        demo.synthetic_nik(__import__("random").Random(5), dt.date(1992, 8, 5), False, "16.71.05")
    )
    form.full_name.setText("Ahmad Fauzi")
    form.phone.setFocus()
    shot("10b-mode-booth")
    form.clear()
    shell.settings.booth_mode = False
    workspace.show_page("enrollments")

    workspace.show_page("followups")
    shot("11-tindak-lanjut")
    reports: Any = workspace.show_page("reports")
    refresh = getattr(reports, "refresh", None)
    if callable(refresh):
        refresh()
    shot("12-laporan")
    sync_page: Any = workspace.show_page("sync")
    settle()
    sync_page.problems_table.resizeRowsToContents()
    # the laptop's clock 62 minutes fast, as a sync would have measured it (issue 11 item 14)
    from agent_app.storage import store as store_mod

    laptop = store_mod.LocalStore(shell._engine)
    laptop.record_clock_offset(-62 * 60.0)
    window.refresh_status()
    sync_page.refresh()
    shot("13-sinkronisasi")
    laptop.record_clock_offset(0.0)
    window.refresh_status()
    for row in range(sync_page.problems.rowCount()):
        if sync_page.problems.record(row).resolvable:
            sync_page.problems_table.selectRow(row)
            sync_page.compare()
            shot("13b-sinkronisasi-konflik", sync_page.dialog)
            sync_page.dialog.reject()
            break
    workspace.show_page("settings")
    shot("14-pengaturan")
    workspace.show_page("dashboard")
    window.lock("switch")
    shot("15-ganti-pengguna")
    window.close()
    shell.close()
    return 0


def _settle_plain(qt_app: Any, ms: int = 400) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _busiest_business(shell: Any) -> str:
    import sqlalchemy as sa

    from agent_app.storage import tables

    with shell._engine.connect() as conn:
        return str(
            conn.execute(
                sa.select(tables.Visit.business_id)
                .group_by(tables.Visit.business_id)
                .order_by(sa.func.count().desc())
                .limit(1)
            ).scalar_one()
        )


if __name__ == "__main__":
    sys.exit(main())
