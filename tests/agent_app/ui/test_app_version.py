"""The app against servers that announce other app versions (SYNC_PROTOCOL.md 1.1), each a
real server process: one whose minimum is above this app refuses to sync with it (said on the
Sync page and in the status bar, in Indonesian and English, nothing sent), one with a newer
release gives a quiet notice. And the About box: version, server, licences, both languages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.live_server import PASSWORD, running_server
from PySide6.QtCore import Qt

pytest.importorskip("sqlcipher3")

from agent_app import APP_NAME, __version__, licences
from agent_app.ui import i18n
from agent_app.ui.about import AboutDialog
from agent_app.ui.backend import SyncOverview

from .live_laptop import Laptop

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def old_app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A server that serves the app from 99.0 on: this app is too old for it."""
    env = {"PERISAI_MIN_APP_VERSION": "99.0", "PERISAI_LATEST_APP_VERSION": "99.1"}
    with running_server(tmp_path_factory.mktemp("old-app"), env) as server:
        yield server


@pytest.fixture(scope="module")
def newer_app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A server that serves this app but knows a newer release."""
    env = {"PERISAI_LATEST_APP_VERSION": "99.1"}
    with running_server(tmp_path_factory.mktemp("newer-app"), env) as server:
        yield server


def _log_in_and_sync(qtbot: Any, page: Any) -> None:
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    assert page.connect_box.isVisibleTo(page), page.result.text()
    qtbot.keyClicks(page.password, PASSWORD)
    qtbot.keyClick(page.password, Qt.Key.Key_Return)


@pytest.mark.expect_warning_log(r"^ui: message shown: error$")
def test_an_app_below_the_server_minimum_is_told_and_sends_nothing(
    qtbot: Any, qapp: Any, tmp_path: Path, old_app_server: Any, shown_messages: list[Any]
) -> None:
    laptop = Laptop(tmp_path / "laptop.db", "AG001", old_app_server.base_url)
    try:
        laptop.register("Pempek Versi Lama")
        page = laptop.page(qtbot)
        _log_in_and_sync(qtbot, page)
        assert page.result.text().startswith(
            "Versi Perisai Agent di laptop ini terlalu lama untuk server: sinkronisasi ditolak."
        ), page.result.text()
        assert [m.text for m in shown_messages] == [page.result.text()]
        assert page.pending.text() == "1"  # nothing was sent: the engine stopped at config
        log = old_app_server.log_path.read_text(encoding="utf-8", errors="replace")
        assert "POST /v1/sync/push" not in log and "push refused" not in log
        assert page.app_notice.isVisibleTo(page)
        assert page.app_notice.text() == (
            f"Versi Perisai Agent ini ({__version__}) terlalu lama untuk server: sinkronisasi "
            "ditolak sampai aplikasi diperbarui. Minta pembaruan ke kantor cabang."
        )
        status = laptop.backend.sync_status()
        assert status.app_too_old

        i18n.install(qapp, "en")
        english = laptop.page(qtbot)
        assert english.app_notice.text().startswith(
            f"This version of Perisai Agent ({__version__}) is too old for the server"
        )
        qtbot.mouseClick(english.sync_button, Qt.MouseButton.LeftButton)
        assert english.result.text().startswith(
            "This version of Perisai Agent is too old for the server: sync is refused."
        ), english.result.text()
        assert english.pending.text() == "1"
    finally:
        laptop.engine.dispose()


def test_a_newer_release_gives_a_quiet_notice(
    qtbot: Any, tmp_path: Path, newer_app_server: Any, shown_messages: list[Any]
) -> None:
    laptop = Laptop(tmp_path / "laptop.db", "AG001", newer_app_server.base_url)
    try:
        laptop.register("Pempek Versi Baru")
        page = laptop.page(qtbot)
        assert not page.app_notice.isVisibleTo(page)
        _log_in_and_sync(qtbot, page)
        assert page.result.text().startswith("Sinkronisasi selesai: 1 terkirim"), page.result.text()
        assert not shown_messages
        page.refresh()
        assert page.app_notice.isVisibleTo(page)
        assert page.app_notice.text() == (
            f"Versi baru Perisai Agent tersedia (99.1; versi ini {__version__}). Minta "
            "pembaruan ke kantor cabang."
        )
        assert laptop.backend.sync_status().update_available == "99.1"
    finally:
        laptop.engine.dispose()


def test_the_status_bar_tells_too_old_and_update(qtbot: Any, qapp: Any, logged_in: Any) -> None:
    label = logged_in.app_label
    logged_in._show_sync(SyncOverview())
    assert not label.isVisibleTo(logged_in)
    logged_in._show_sync(SyncOverview(update_available="99.1"))
    assert label.isVisibleTo(logged_in) and label.text() == "Pembaruan tersedia: 99.1"
    logged_in._show_sync(SyncOverview(last_error="app_too_old", update_available="99.1"))
    assert label.text() == "Aplikasi terlalu lama: perbarui untuk sinkron"
    i18n.install(qapp, "en")
    logged_in._show_sync(SyncOverview(last_error="app_too_old"))
    assert logged_in.app_label.text() == "App too old: update it to sync"


def _about_rows(dialog: AboutDialog) -> dict[str, tuple[str, ...]]:
    return {row[0].lower().replace("_", "-"): row for row in dialog.rows()}


def test_the_about_box_in_both_languages(qtbot: Any, qapp: Any, logged_in: Any) -> None:
    settings_page = logged_in.workspace.show_page("settings")
    logged_in.ctx.settings.server_url = "https://perisai.example.id"
    qtbot.mouseClick(settings_page.about_button, Qt.MouseButton.LeftButton)
    about = settings_page.about
    qtbot.addWidget(about)
    assert about.windowTitle() == f"Tentang {APP_NAME}"
    assert about.version.text() == f"Versi {__version__}"
    assert about.server.text() == "Sinkron dengan: https://perisai.example.id"
    assert about.licences_title.text() == "Perangkat lunak yang disertakan, dan lisensinya"
    rows = _about_rows(about)
    qt = rows["pyside6-essentials"]
    assert "LGPL-3.0" in qt[2] and qt[1].startswith("6.")
    assert "sqlalchemy" in rows and rows["sqlalchemy"][2] == "MIT"
    assert rows["sqlcipher3"][2] == "tidak dinyatakan"  # its metadata names no licence
    assert "fastapi" not in rows and "pytest" not in rows  # the server's and the tests'
    assert not about.missing.isVisibleTo(about)

    i18n.install(qapp, "en")
    english = AboutDialog(None, bundled=[licences.Bundled("Example", "1.0", None)])
    qtbot.addWidget(english)
    assert english.windowTitle() == f"About {APP_NAME}"
    assert english.version.text() == f"Version {__version__}"
    assert english.server.text() == "No server set: everything stays on this laptop."
    assert english.rows() == [("Example", "1.0", "not declared")]
    empty = AboutDialog("https://perisai.example.id", bundled=[])
    qtbot.addWidget(empty)
    assert empty.missing.text() == "The list of bundled software is not available in this build."
    assert empty.server.text() == "Syncs with: https://perisai.example.id"


def test_licences_follow_the_app_extra_only() -> None:
    names = {b.name.lower().replace("_", "-") for b in licences.bundled()}
    assert {"pyside6-essentials", "shiboken6", "sqlalchemy", "requests", "openpyxl"} <= names
    assert not {"pyqtgraph", "numpy"} & names  # the Beranda's chart is QPainter (issue 15)
    assert {"pyside6-addons", "pillow"} <= names  # the camera, the place, the photos
    assert not {"fastapi", "uvicorn", "psycopg", "pytest", "perisai-agent"} & names
    # SQLAlchemy requires greenlet, but the build leaves it out: the About box must not list it
    assert "greenlet" not in names
    server = {b.name.lower() for b in licences.bundled(extras=("server",))}
    assert "fastapi" in server and "pyside6-essentials" not in server
