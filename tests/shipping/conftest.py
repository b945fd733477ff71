"""The built wheel, once per session: `pip wheel --no-deps` of a copy of this checkout (build
isolation fetches setuptools from the package index)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from shipping.support import REPO, run


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built from a copy of the sources, so setuptools' build/ and egg-info stay out of the
    # checkout and no stale build/ folder hides a missing file.
    source = tmp_path_factory.mktemp("source")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("agent_app", "sync", "resources"):
        shutil.copytree(REPO / name, source / name, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)])
    (built,) = out.glob("perisai_agent-*.whl")
    return built
