"""Shared fixtures. Every test gets its own app home folder (no real user data is touched),
and Qt runs offscreen unless a test asks for a real display."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "app-home"
    monkeypatch.setenv("AGENT_APP_HOME", str(home))
    yield home
