"""Both commands answer `--version` (from this checkout; test_wheel.py runs the installed
scripts), and the windowed entry point is the same app."""

from __future__ import annotations

import subprocess

import pytest
from helpers import clock

from agent_app import __main__ as app_main
from agent_app import __version__
from shipping.support import REPO, clean_env

pytestmark = pytest.mark.clock_free


def _version(module: str) -> str:
    done = subprocess.run(
        [*clock.python(), "-m", module, "--version"],
        cwd=REPO, env=clean_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_both_commands_answer_version() -> None:
    assert _version("agent_app") == f"perisai-agent {__version__}"
    assert _version("sync.server") == f"perisai-server {__version__}"


def test_the_gui_entry_point_is_the_app() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["gui-scripts"] == {"perisai-agent-gui": "agent_app.__main__:gui_main"}
    assert project["scripts"]["perisai-agent"] == "agent_app.__main__:main"
    assert project["license"] == "LicenseRef-Proprietary"
    assert callable(app_main.gui_main)
