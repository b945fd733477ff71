"""`--self-test` reports where a windowed build (Windows: no console) can show it: the exit
status and a log file in the app's log folder naming each check, the failed one included."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_app import paths, selftest


def _ok(_folder: Path) -> str:
    return "fine"


def _broken(_folder: Path) -> str:
    raise FileNotFoundError("translation missing: perisai_id.qm")


def test_a_failing_check_exits_1_and_the_log_names_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], app_home: Path
) -> None:
    ran: list[str] = []

    def after(_folder: Path) -> str:
        ran.append("after")
        return "never"

    monkeypatch.setattr(
        selftest, "STEPS", [("resources", _ok), ("database", _broken), ("qt", after)]
    )
    assert selftest.main() == 1
    log = paths.log_dir() / "self-test.log"
    assert log == app_home / "logs" / "self-test.log"
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[1:] == [
        "ok resources: fine",
        "FAILED database: FileNotFoundError: translation missing: perisai_id.qm",
        f"self-test FAILED at database (exit status 1); log: {log}",
    ]
    assert ran == []
    assert capsys.readouterr().out.splitlines() == lines  # a console gets the same lines
    assert lines[0].endswith(f"log: {log}")


@pytest.mark.expect_warning_log(r"tightened self-test\.log from mode 644")
def test_a_passing_run_exits_0_and_replaces_the_last_log(
    monkeypatch: pytest.MonkeyPatch, app_home: Path
) -> None:
    log = paths.log_dir() / "self-test.log"
    log.write_text("FAILED database: from an earlier run\n", encoding="utf-8")
    monkeypatch.setattr(selftest, "STEPS", [("resources", _ok), ("qt", _ok)])
    assert selftest.main() == 0
    text = log.read_text(encoding="utf-8")
    assert "FAILED" not in text
    assert text.splitlines()[1:] == [
        "ok resources: fine",
        "ok qt: fine",
        f"self-test passed: temporary files removed (exit status 0); log: {log}",
    ]


def test_a_windowed_build_without_stdout_still_writes_the_log(
    monkeypatch: pytest.MonkeyPatch, app_home: Path
) -> None:
    monkeypatch.setattr("sys.stdout", None)  # PyInstaller's console=False on Windows
    monkeypatch.setattr(selftest, "STEPS", [("resources", _broken)])
    assert selftest.main() == 1
    assert "FAILED resources" in (paths.log_dir() / "self-test.log").read_text(encoding="utf-8")


def test_the_command_exits_1_naming_the_broken_check_in_its_log(tmp_path: Path) -> None:
    """`python -m agent_app --self-test` as a process, on a build whose resources are gone."""
    import os
    import subprocess

    from helpers import clock

    home, empty = tmp_path / "home", tmp_path / "no-resources"
    empty.mkdir()
    env = {**os.environ, "AGENT_APP_HOME": str(home), "PERISAI_RESOURCES": str(empty)}
    ran = subprocess.run(
        [*clock.python(), "-m", "agent_app", "--self-test"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ran.returncode == 1, ran.stdout + ran.stderr
    log = home / "logs" / "self-test.log"
    text = log.read_text(encoding="utf-8")
    assert text == ran.stdout
    assert "FAILED resources: FileNotFoundError" in text
    assert text.splitlines()[-1] == f"self-test FAILED at resources (exit status 1); log: {log}"


def test_the_text_check_sorts_and_names_zones_in_indonesian() -> None:
    """The step that proves a build kept ICU's Indonesian data (build.spec ships only English's
    and Indonesian's): an accent sorts with its letter, and the zones have Indonesian names."""
    import sys

    line = selftest._text()
    assert line.startswith("collation (") and ", time zones (" in line
    if sys.platform.startswith("linux"):  # ICU; on Windows and macOS Qt asks the system
        assert line.startswith("collation (Ábaco, apel, ayam, Zebra)")
        assert line.endswith("time zones (Waktu Indonesia Barat, Waktu Indonesia Tengah)")
    assert {"camera", "text"} <= {name for name, _step in selftest.STEPS}
