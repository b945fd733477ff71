"""Shared fixtures. Every test gets its own app home folder (no real user data is touched),
Qt runs offscreen unless a test asks for a real display, and the whole session runs on the test
clock (tests/helpers/clock.py): a frozen instant, never the wall clock."""

from __future__ import annotations

import copy
import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: The suite's own plugins (tests/helpers): each module's hooks and fixtures apply everywhere.
pytest_plugins = ["helpers.logfail", "helpers.live_server", "helpers.databases"]


def pytest_configure(config: pytest.Config) -> None:
    from helpers import clock

    clock.start()
    # lokal-id loads at a process's first NIK or phone check (domain.identity, for the app's
    # log-in); here at once, or a test's first check counts its import (0.2-0.7 s) against
    # hypothesis's 200 ms deadline (test_storage_wire failed so)
    import lokal  # noqa: F401


def pytest_report_header(config: pytest.Config) -> str:
    import time

    from helpers import clock

    return f"test clock: {clock.frozen_instant().isoformat()} (TZ={time.tzname[0]})"


def pytest_unconfigure(config: pytest.Config) -> None:
    from helpers import clock

    clock.stop()


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "app-home"
    monkeypatch.setenv("AGENT_APP_HOME", str(home))
    yield home


@pytest.fixture
def rate_table() -> Callable[..., dict[str, Any]]:
    """Makes a publishable contribution table: the shipped one with JKM at `jkm` rupiah from
    `start` on (what the central office publishes when a regulation changes)."""

    def make(start: dt.date, jkm: int = 8_000, version: str = "2027.2") -> dict[str, Any]:
        from agent_app.domain import contributions

        table = copy.deepcopy(contributions._table())
        table["version"] = version
        table["rates"]["JKM"].append(
            {
                "effective_from": start.isoformat(),
                "kind": "flat",
                "amount": jkm,
                "regulation": "PP uji 1/2027",
            }
        )
        return table

    return make


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
