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


@pytest.fixture(autouse=True)
def _no_published_rate_tables_left() -> Iterator[None]:
    """A test whose laptop pulled a published contribution table (or whose server installed
    one) must not change the quotes of the tests after it: the tables in force are process
    state (`contributions.install_tables`)."""
    yield
    import sys

    from agent_app.domain import contributions

    contributions.install_tables([])
    server_rates = sys.modules.get("sync.server.rates")
    if server_rates is not None:
        server_rates.forget()
