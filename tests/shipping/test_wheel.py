"""The built wheel works once installed: resources, the laptop's and the server's migrations
ship in it, and both commands run from a fresh venv, outside the checkout."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from helpers import clock

from agent_app import __version__
from agent_app.storage.engine import head_revision
from shipping.support import clean_env, make_venv, pip_into, run, scripts_dir, venv_python

pytestmark = [pytest.mark.slow, pytest.mark.clock_free]


def _clocked(venv: Path) -> list[str]:
    """The venv's Python on the test clock (tests/helpers/clocked.py), to run its scripts."""
    return [str(venv_python(venv)), str(clock.CLOCKED)]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed (--no-deps); its dependencies are this
    environment's (borrowed, offline)."""
    started = time.monotonic()
    venv = tmp_path_factory.mktemp("venv") / "wheel-venv"
    python = make_venv(venv, borrow_site_packages=True)
    pip_into(python, "install", "--no-deps", "--no-index", str(wheel))
    print(f"\nvenv + install: {time.monotonic() - started:.1f} s")
    return venv


def test_the_wheel_carries_resources_and_both_migration_trees(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "resources/__init__.py",
        "resources/keys.json",
        "resources/contributions.json",
        "resources/i18n/id.mo",
        "resources/i18n/qt_extra_id.qm",
        "resources/style/app.qss",
        "agent_app/storage/migrations/env.py",
        "agent_app/storage/migrations/script.py.mako",
        "agent_app/storage/migrations/versions/0001_initial.py",
        "sync/server/migrations/env.py",
        "sync/server/migrations/script.py.mako",
    ):
        assert name in names, name
    assert any(n.startswith("sync/server/migrations/versions/0001") for n in names)
    metadata = (
        zipfile.ZipFile(wheel).read(f"perisai_agent-{__version__}.dist-info/METADATA").decode()
    )
    assert "License-Expression: LicenseRef-Proprietary" in metadata
    entry_points = (
        zipfile.ZipFile(wheel)
        .read(f"perisai_agent-{__version__}.dist-info/entry_points.txt")
        .decode()
    )
    assert "[gui_scripts]\nperisai-agent-gui = agent_app.__main__:gui_main" in entry_points


def test_perisai_server_migrate_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    database = tmp_path / "server.sqlite3"
    done = run(
        [*_clocked(installed), str(scripts_dir(installed) / "perisai-server"), "migrate"],
        cwd=tmp_path,
        env=clean_env(DATABASE_URL=f"sqlite:///{database}"),
    )
    assert "revision 0016" in done.stdout, done.stdout
    assert database.is_file()


def test_perisai_agent_self_test_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = run(
        [*_clocked(installed), str(scripts_dir(installed) / "perisai-agent"), "--self-test"],
        cwd=tmp_path,
        env=clean_env(AGENT_APP_HOME=str(home)),
    )
    out = done.stdout
    site = str(installed)
    assert f"ok resources: resources in {site}" in out, out
    migrated = f"ok database: temporary encrypted database created, migrated to {head_revision()}"
    assert migrated in out, out
    assert "ok qt: receipt PDF rendered" in out
    assert "ok licences: " in out, out
    assert "self-test passed" in out
    # nothing left under the app's home but the self-test's own log (a windowed build shows it)
    assert sorted(p.relative_to(home).as_posix() for p in home.rglob("*") if p.is_file()) == [
        "logs/self-test.log"
    ]


def test_both_commands_answer_version(installed: Path, tmp_path: Path) -> None:
    for command in ("perisai-agent", "perisai-server"):
        done = run([str(scripts_dir(installed) / command), "--version"], cwd=tmp_path,
                   env=clean_env())  # fmt: skip
        assert done.stdout.strip() == f"{command} {__version__}"
    assert (scripts_dir(installed) / "perisai-agent-gui").is_file()
