"""The administration CLI (`python -m sync.server ...`), run as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from helpers import clock
from helpers.servers import CHEAP_ENV, REPO


def _cli(
    home: Path, *args: str, stdin: str | None = None, password: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **CHEAP_ENV, "PERISAI_SERVER_HOME": str(home), "PYTHONPATH": str(REPO)}
    env.pop("DATABASE_URL", None)
    env.pop("PERISAI_PASSWORD", None)
    if password is not None:
        env["PERISAI_PASSWORD"] = password
    return subprocess.run(
        [*clock.python(), "-m", "sync.server", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_real_cli_process(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = _cli(home, "migrate")
    assert done.returncode == 0 and "revision 0016" in done.stdout
    assert _cli(home, "create-branch", "PLG", "--name", "Palembang").returncode == 0
    from_stdin = _cli(
        home,
        "create-agent",
        "S1",
        "--name",
        "Supervisor",
        "--branch",
        "PLG",
        "--role",
        "supervisor",
        stdin="rahasia-456\n",
    )
    assert from_stdin.returncode == 0 and "created supervisor S1" in from_stdin.stdout
    again = _cli(home, "create-branch", "PLG", "--name", "Palembang")
    assert again.returncode == 2 and "already exists" in again.stderr


class _InProcess:
    """Runs `sync.server.__main__.main` in this process (the same code, without the start-up
    cost of a new interpreter for each command)."""

    def __init__(
        self, home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        for name, value in {**CHEAP_ENV, "PERISAI_SERVER_HOME": str(home)}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("DATABASE_URL", raising=False)
        monkeypatch.delenv("PERISAI_PASSWORD", raising=False)
        monkeypatch.setenv("PERISAI_OPERATOR", "petugas-uji")

    def __call__(
        self, *args: str, stdin: str | None = None, password: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        import io

        from sync.server.__main__ import main

        if password is None:
            self.monkeypatch.delenv("PERISAI_PASSWORD", raising=False)
        else:
            self.monkeypatch.setenv("PERISAI_PASSWORD", password)
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        try:
            code = main(list(args))
        except SystemExit as error:  # argparse refusing an argument
            code = int(error.code or 0)
        out = self.capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, out.out, out.err)


def test_administration_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    run = _InProcess(home, monkeypatch, capsys)

    def _cli(
        _: Path, *args: str, stdin: str | None = None, password: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return run(*args, stdin=stdin, password=password)

    done = _cli(home, "migrate")
    assert done.returncode == 0 and "revision 0016" in done.stdout
    assert (home / "server.sqlite3").exists()
    done = _cli(home, "create-branch", "PLG", "--name", "Palembang", "--region", "16.71")
    assert done.returncode == 0 and "created branch PLG" in done.stdout
    again = _cli(home, "create-branch", "PLG", "--name", "Palembang")
    assert again.returncode != 0 and "already exists" in again.stderr
    bad_region = _cli(home, "create-branch", "X", "--name", "X", "--region", "sixteen")
    assert bad_region.returncode != 0 and "--region" in bad_region.stderr
    agent = _cli(
        home,
        "create-agent",
        "A1",
        "--name",
        "Agen Satu",
        "--branch",
        "PLG",
        "--role",
        "agent",
        password="rahasia-123",
    )
    assert agent.returncode == 0 and "created agent A1" in agent.stdout
    from_stdin = _cli(
        home,
        "create-agent",
        "S1",
        "--name",
        "Supervisor",
        "--branch",
        "PLG",
        "--role",
        "supervisor",
        stdin="rahasia-456\n",
    )
    assert from_stdin.returncode == 0, from_stdin.stderr
    no_branch = _cli(
        home,
        "create-agent",
        "A9",
        "--name",
        "X",
        "--branch",
        "NOPE",
        "--role",
        "agent",
        password="rahasia-123",
    )
    assert no_branch.returncode != 0 and "no branch NOPE" in no_branch.stderr
    short = _cli(
        home,
        "create-agent",
        "A8",
        "--name",
        "X",
        "--branch",
        "PLG",
        "--role",
        "agent",
        password="abc",
    )
    assert short.returncode != 0 and "at least 8" in short.stderr
    bad_role = _cli(
        home,
        "create-agent",
        "A7",
        "--name",
        "X",
        "--branch",
        "PLG",
        "--role",
        "boss",
        password="rahasia-123",
    )
    assert bad_role.returncode != 0 and "role" in bad_role.stderr
    event = _cli(
        home,
        "create-event",
        "--name",
        "Sumsel Marketing",
        "--venue",
        "Palembang Indah Mall",
        "--branch",
        "PLG",
        "--starts-on",
        "2021-09-22",
        "--ends-on",
        "2021-10-03",
    )
    assert event.returncode == 0 and "created event" in event.stdout
    event_id = event.stdout.split()[2]
    bad_dates = _cli(
        home,
        "create-event",
        "--name",
        "X",
        "--branch",
        "PLG",
        "--starts-on",
        "2021-10-03",
        "--ends-on",
        "2021-09-22",
    )
    assert bad_dates.returncode != 0 and "before" in bad_dates.stderr
    target = _cli(
        home,
        "set-target",
        "--scope",
        "event",
        "--scope-id",
        event_id,
        "--metric",
        "employers",
        "--goal",
        "1441",
        "--period-start",
        "2021-09-22",
        "--period-end",
        "2021-10-03",
    )
    assert target.returncode == 0 and "version 1" in target.stdout
    target = _cli(
        home,
        "set-target",
        "--scope",
        "event",
        "--scope-id",
        event_id,
        "--metric",
        "employers",
        "--goal",
        "1500",
        "--period-start",
        "2021-09-22",
        "--period-end",
        "2021-10-03",
    )
    assert target.returncode == 0 and "version 2" in target.stdout
    no_agent = _cli(
        home,
        "set-target",
        "--scope",
        "agent",
        "--scope-id",
        "ZZ",
        "--metric",
        "visits",
        "--goal",
        "5",
        "--period-start",
        "2021-09-22",
        "--period-end",
        "2021-10-03",
    )
    assert no_agent.returncode != 0 and "no agent ZZ" in no_agent.stderr
    assert _cli(home, "unlock-agent", "A1").returncode == 0
    assert "disabled agent A1" in _cli(home, "disable-agent", "A1").stdout
    assert "enabled agent A1" in _cli(home, "enable-agent", "A1").stdout
    assert _cli(home, "disable-agent", "NOBODY").returncode == 2
    assert "must be a UUID" in _cli(home, "revoke-device", "laptop-1").stderr
    assert "must be a UUID" in _cli(home, "reset-device", "laptop-1").stderr
    unknown_device = str(uuid.uuid4())
    assert "no device" in _cli(home, "reset-device", unknown_device).stderr
    assert _cli(home, "compact", "--older-than-days", "30").returncode == 0
    # Every command that changed something is in the administration trail, with who ran it;
    # the refused ones (no agent NOBODY, a bad device id) are not.
    trail = _cli(home, "admin-log", "--limit", "100").stdout.splitlines()
    actions = [line.split()[3] for line in trail]
    assert actions[:4] == ["compact", "enable-agent", "disable-agent", "unlock-agent"]
    assert {"create-branch", "create-agent", "create-event", "set-target"} <= set(actions)
    assert all(line.split()[2] == "petugas-uji" for line in trail)
    assert "PLG" in " ".join(trail) and "rahasia-123" not in " ".join(trail)


def test_unreachable_database_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _InProcess(tmp_path, monkeypatch, capsys)
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:1/none")
    done = run("migrate")
    assert done.returncode == 1
    assert "the database cannot be used" in done.stderr and "secret" not in done.stderr


def test_branch_time_zone_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _InProcess(tmp_path / "home", monkeypatch, capsys)
    made = run("create-branch", "MKS", "--name", "Makassar", "--time-zone", "Asia/Makassar")
    assert made.returncode == 0 and "Asia/Makassar" in made.stdout
    wib = run("create-branch", "PLG", "--name", "Palembang")
    assert wib.returncode == 0 and "Asia/Jakarta" in wib.stdout
    wrong = run("create-branch", "SG", "--name", "Singapura", "--time-zone", "Asia/Singapore")
    assert wrong.returncode == 2 and "Asia/Jayapura" in wrong.stderr
    moved = run("set-branch-time-zone", "MKS", "Asia/Jayapura")
    assert moved.returncode == 0 and "Asia/Jayapura (was Asia/Makassar)" in moved.stdout
    missing = run("set-branch-time-zone", "NOPE", "Asia/Jayapura")
    assert missing.returncode != 0 and "no branch NOPE" in missing.stderr
    trail = run("admin-log")
    assert "set-branch-time-zone" in trail.stdout and "petugas-uji" in trail.stdout


def test_reset_password_prints_a_one_time_code_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = _InProcess(tmp_path / "home", monkeypatch, capsys)
    run("create-branch", "PLG", "--name", "Palembang")
    run("create-agent", "A1", "--name", "Agen", "--branch", "PLG", "--role", "agent",
        password="rahasia-123")  # fmt: skip
    done = run("reset-password", "A1")
    assert done.returncode == 0, done.stderr
    code = done.stdout.split("one-time code for A1: ")[1].split()[0]
    assert len(code) == 10 and "next sign-in" in done.stdout
    assert run("reset-password", "NOBODY").returncode == 2
    listed = run("list-agents", "--branch", "PLG").stdout
    assert "A1  agent  active, one-time code" in listed and code not in listed
    assert run("list-devices").stdout.strip() == "no devices"
    trail = run("admin-log").stdout
    assert "reset-password" in trail and code not in trail
