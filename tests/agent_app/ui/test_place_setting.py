"""The setting that turns the recording of the place off: on by default, saved from the
Settings page, read back from the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agent_app.settings import Settings
from agent_app.ui.window import MainWindow


def test_the_place_setting_is_on_by_default_and_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert Settings.load(path).record_place is True
    settings = Settings.load(path)
    settings.record_place = False
    settings.save()
    assert json.loads(path.read_text())["record_place"] is False
    assert Settings.load(path).record_place is False
    path.write_text(json.dumps({"version": 1, "record_place": "yes"}))
    assert Settings.load(path).record_place is True  # junk: the default


def test_the_settings_page_turns_the_place_off(qtbot: Any, logged_in: MainWindow) -> None:
    page: Any = logged_in.workspace.show_page("settings")  # type: ignore[union-attr]
    assert page.record_place.isChecked()
    assert page.record_place.text() == "Catat lokasi kunjungan dan usaha baru"
    page.record_place.setChecked(False)
    page.save()
    assert logged_in.shell.settings.record_place is False
