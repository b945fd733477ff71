"""Settings declared once with defaults, saved atomically, upgraded by version; paths follow
AGENT_APP_HOME."""

from __future__ import annotations

import json

import pytest

from agent_app import paths
from agent_app.settings import SETTINGS_VERSION, Settings


def test_paths_live_under_agent_app_home(app_home):
    assert paths.database_path().parent == app_home / "data"
    assert paths.settings_path().parent == app_home / "config"
    assert paths.log_dir() == app_home / "logs"
    assert paths.log_dir().is_dir()


def test_defaults_when_missing_and_round_trip(tmp_path):
    path = tmp_path / "settings.json"
    settings = Settings.load(path)
    assert settings.language == "id"
    assert settings.idle_lock_minutes == 10
    settings.language = "en"
    settings.server_url = "https://perisai.example"
    settings.save()
    again = Settings.load(path)
    assert again.language == "en"
    assert again.server_url == "https://perisai.example"
    assert json.loads(path.read_text())["version"] == SETTINGS_VERSION


@pytest.mark.expect_warning_log(r"settings file unreadable, using defaults")
def test_broken_file_gives_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert Settings.load(path).language == "id"


def test_bad_values_are_coerced_and_unknown_keys_kept(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"version": 1, "language": "fr", "idle_lock_minutes": -3, "future": 1})
    )
    settings = Settings.load(path)
    assert settings.language == "id"
    assert settings.idle_lock_minutes == 10
    settings.save()
    assert json.loads(path.read_text())["future"] == 1


def test_version_0_files_are_upgraded(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"locale": "en_US"}))
    assert Settings.load(path).language == "en"


def test_the_window_place_round_trips_and_junk_is_dropped(tmp_path):
    path = tmp_path / "settings.json"
    settings = Settings.load(path)
    assert settings.window_geometry is None and settings.window_maximized is False
    settings.window_geometry = [40, 30, 1280, 690]
    settings.window_maximized = True
    settings.save()
    again = Settings.load(path)
    assert again.window_geometry == [40, 30, 1280, 690] and again.window_maximized is True
    for junk in ([1, 2, 3], [0, 0, -5, 100], ["a", 0, 10, 10], [0, 0, True, 10], "0,0,10,10"):
        path.write_text(json.dumps({"version": SETTINGS_VERSION, "window_geometry": junk}))
        assert Settings.load(path).window_geometry is None, junk
