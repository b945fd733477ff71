"""Starts the real app on a fresh demo database and saves a screenshot of every page.

    python -m devtools.screenshots [--out docs/screenshots] [--lang id]
    python -m devtools.screenshots --lang en       (into docs/screenshots/en)

Without a display it re-runs itself under `xvfb-run` (a real X server, real windows). The demo
data (devtools/seed.py) goes into a temporary AGENT_APP_HOME, so your own data is never
touched. The app is driven as a person would: log in, open each page, fill the enrollment
form, open the dialogs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from devtools import sample_photos, seed

ROOT = Path(__file__).resolve().parents[1]
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
        "devtools.screenshots",
        *argv,
    ]
    return subprocess.call(command, env=env)


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None, help="docs/screenshots (en: its en/ folder)")
    parser.add_argument("--lang", default="id", choices=["id", "en"])
    parser.add_argument(
        "--only", default=None, choices=["duplicates"], help="one step of the tour (and login)"
    )
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
        return _run(Path(args.out), args.lang, args.only)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _run(out: Path, lang: str, only: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from agent_app import app as app_mod
    from agent_app.domain import clock
    from agent_app.ui import application

    out.mkdir(parents=True, exist_ok=True)
    today = clock.today()  # the demo branch's day (WIB: it never logged in to a server)
    shell = app_mod.build_shell()
    shell.settings.language = lang
    shell.settings.current_event_id = seed.EVENT_ID
    shell.settings.server_url = "https://perisai.bpjsketenagakerjaan.example"
    shell.settings.save()
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    application.prepare(qt_app, lang)  # type: ignore[arg-type]
    _first_run(qt_app, shell, today, out)
    unlocked = shell.keystore.create_first_account(*seed.AGENT, seed.PASSWORD)
    shell.keystore.add_account(unlocked, *seed.SECOND_AGENT, seed.PASSWORD)
    shell.connect(unlocked)
    print("seeding the demo database…")
    seed.seed(shell._engine, today)
    shots = _Shots(qt_app, shell, today, out)
    shots.login()
    from devtools import duplicate_screenshots

    if only == "duplicates":
        duplicate_screenshots.candidates(shots)
        shell.close()
        return 0
    shots.businesses()
    duplicate_screenshots.candidates(shots)
    from devtools import employer_screenshots

    employer_screenshots.employer(shots, _busiest_business(shell))
    shots.enrollments()
    shots.booth()
    shots.other_pages()
    shots.sync()
    shots.switch_user()
    shell.close()
    return 0


def _first_run(qt_app: Any, shell: Any, today: dt.date, out: Path) -> None:
    """The first-run page, filled in (the demo's agent), before any account exists."""
    from agent_app.ui.window import MainWindow

    first = MainWindow(shell, today=lambda: today)
    first.resize(*SIZE)
    first.move(0, 0)
    first.show()
    _settle_plain(qt_app)
    first_page = first.first_run
    first_page.agent_code.setText(seed.AGENT[0])
    first_page.name.setText(seed.AGENT[1])
    first_page.branch.setText("Palembang")
    first_page.password.setText(seed.PASSWORD)
    first_page.repeat.setText(seed.PASSWORD)
    first_page.server_url.setText(shell.settings.server_url)
    _settle_plain(qt_app)
    first.grab().save(str(out / "00-akun-pertama.png"))
    print("saved", out / "00-akun-pertama.png")
    first.close()
    first.deleteLater()


class _Shots:
    """The app's window over the demo database, driven as a person would, page by page."""

    def __init__(self, qt_app: Any, shell: Any, today: dt.date, out: Path) -> None:
        from agent_app.ui.window import MainWindow

        self.qt_app = qt_app
        self.shell = shell
        self.out = out
        self.window = MainWindow(shell, today=lambda: today)
        self.window.resize(*SIZE)
        self.window.move(0, 0)
        self.window.show()

    def settle(self, ms: int = 400) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        from agent_app.ui import ops

        deadline = time.monotonic() + 20
        while ops.hub().running and time.monotonic() < deadline:
            self.qt_app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        while ops.hub().running and time.monotonic() < deadline:
            self.qt_app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    def shot(self, name: str, widget: Any = None) -> None:
        from PySide6.QtWidgets import QApplication

        self.settle()
        window = self.window
        if widget is None or widget is window:
            image = window.grab()
        else:
            screen = QApplication.primaryScreen()
            frame = window.frameGeometry()
            image = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
        path = self.out / f"{name}.png"
        image.save(str(path))
        print("saved", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    @property
    def workspace(self) -> Any:
        workspace = self.window.workspace
        assert workspace is not None
        return workspace

    def login(self) -> None:
        window = self.window
        self.settle()
        window.login.password.setText("••••••••")
        window.login.password.clear()
        window.login.password.setFocus()
        self.shot("01-login")
        window.login.password.setText(seed.PASSWORD)
        window.login.submit()
        self.settle(800)
        self.shot("02-beranda")

    def businesses(self) -> None:
        page: Any = self.workspace.show_page("businesses")
        self.settle(600)
        self.shot("03-usaha-daftar")
        page.list_page.search.setText("pempek")
        self.settle(600)
        self.shot("04-usaha-cari")
        page.list_page.search.clear()
        self.settle()
        page.open_business(_busiest_business(self.shell))
        self.settle(600)
        self.shot("05-usaha-detail")
        page.record_visit(page.detail_page.business)
        dialog = page.dialog
        dialog.outcome.setCurrentIndex(dialog.outcome.findData("follow_up"))
        dialog.reason.setText("Menunggu pemilik pulang dari pasar")
        dialog.notes.setPlainText("Tertarik JKK + JKM untuk 3 pekerja; minta datang Sabtu.")
        self.shot("06-catat-kunjungan", dialog)
        dialog.discard()  # filled by this script: Batal would ask first
        page.edit_business(page.detail_page.business)
        page.dialog.storefront.keep_bytes(sample_photos.shop_front("Pempek Cek Molek"))
        self.settle()
        self.shot("07-ubah-usaha", page.dialog)
        page.dialog.discard()
        page.show_list()
        self.business = page.detail_page.business

    def enrollments(self) -> None:
        from PySide6.QtCore import QDate

        enroll: Any = self.workspace.show_page("enrollments")
        form = enroll.form
        form.nik.setText(
            seed.synthetic_nik(random.Random(3), dt.date(1988, 4, 17), True, "16.71.05")
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
        self.shot("08-pendaftaran-formulir")
        form.photos.ktp.keep_bytes(sample_photos.identity_card(form.nik.text(), "Yuliana Safitri"))
        self.settle()
        scroll = form.photos.parentWidget()
        while scroll is not None and not hasattr(scroll, "ensureWidgetVisible"):
            scroll = scroll.parentWidget()
        scroll.ensureWidgetVisible(form.photos)  # the form scrolled down to its photos
        self.shot("08b-pendaftaran-foto")
        self.consent(form)
        form.birth_date.setDate(QDate(1988, 4, 18))
        form.override_reason.setText("Tanggal di akta kelahiran 18 April; KTP salah cetak")
        form.nik.setFocus()  # back to the top of the form
        self.shot("09-pendaftaran-tanggal-lahir-beda")
        form.clear()
        enroll.tabs.setCurrentIndex(1)
        self.shot("10-pendaftaran-perlu-perbaikan")
        enroll.tabs.setCurrentIndex(0)

    def consent(self, form: Any) -> None:
        """The consent box with a signature drawn on its pad (issue 14 item 6)."""
        from PySide6.QtCore import QPoint, Qt
        from PySide6.QtTest import QTest

        box, pad = form.consent_box, form.consent_box.pad
        form.side_scroll.ensureWidgetVisible(pad)
        self.settle()
        left = Qt.MouseButton.LeftButton
        for start, points in (
            ((24, 90), [(40, 50), (56, 96), (70, 44), (88, 98), (104, 60)]),
            ((120, 80), [(140, 70), (160, 84), (190, 62), (220, 80), (250, 76)]),
        ):
            QTest.mousePress(pad, left, Qt.KeyboardModifier.NoModifier, QPoint(*start))
            for point in points:
                QTest.mouseMove(pad, QPoint(*point))
            QTest.mouseRelease(pad, left, Qt.KeyboardModifier.NoModifier, QPoint(*points[-1]))
        self.shot("08b-pendaftaran-persetujuan")
        box.clear_signature()
        form.side_scroll.verticalScrollBar().setValue(0)

    def booth(self) -> None:
        """Booth mode (issue 11 item 11): the booth bar, the workers of one business."""
        settings = self.shell.settings
        settings.booth_mode = True
        enroll: Any = self.workspace.show_page("enrollments")
        enroll.start_for_business(self.business)
        form = enroll.form
        form.keep_region.setChecked(True)
        form.nik.setText(
            seed.synthetic_nik(random.Random(5), dt.date(1992, 8, 5), False, "16.71.05")
        )
        form.full_name.setText("Ahmad Fauzi")
        form.phone.setFocus()
        self.shot("10b-mode-booth")
        form.clear()
        settings.booth_mode = False
        self.workspace.show_page("enrollments")

    def other_pages(self) -> None:
        self.workspace.show_page("followups")
        self.shot("11-tindak-lanjut")
        reports: Any = self.workspace.show_page("reports")
        refresh = getattr(reports, "refresh", None)
        if callable(refresh):
            refresh()
        self.shot("12-laporan")

    def sync(self) -> None:
        from agent_app.storage import store as store_mod

        window = self.window
        sync_page: Any = self.workspace.show_page("sync")
        self.settle()
        sync_page.problems_table.resizeRowsToContents()
        # the laptop's clock 62 minutes fast, as a sync would have measured it (issue 11 item 14)
        laptop = store_mod.LocalStore(self.shell._engine)
        laptop.record_clock_offset(-62 * 60.0)
        window.refresh_status()
        sync_page.refresh()
        self.shot("13-sinkronisasi")
        laptop.record_clock_offset(0.0)
        window.refresh_status()
        for row in range(sync_page.problems.rowCount()):
            if sync_page.problems.record(row).resolvable:
                sync_page.problems_table.selectRow(row)
                sync_page.compare()
                self.shot("13b-sinkronisasi-konflik", sync_page.dialog)
                sync_page.dialog.reject()
                break

    def switch_user(self) -> None:
        self.workspace.show_page("settings")
        self.shot("14-pengaturan")
        self.workspace.show_page("dashboard")
        self.window.lock("switch")
        self.shot("15-ganti-pengguna")
        self.window.close()


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
