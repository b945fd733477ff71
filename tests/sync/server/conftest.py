"""Fixtures of the central server's tests.

`database_url` is parametrized: every test that uses it runs on SQLite and on a real
PostgreSQL server (the latter only with TEST_DATABASE_URL; otherwise skipped with a reason).
Each PostgreSQL session works in its own scratch database, emptied before each test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import clock
from helpers.databases import scratch_database
from srv_support import World, cheap_settings

from sync.server import config, db, migrate

REPO = Path(__file__).resolve().parents[3]
_TABLES = (
    "participant_check",
    "login_failure",
    "rate_count",
    "ledger",
    "active_nik",
    "record",
    "refresh_token",
    "device_agent",
    "device",
    "agent",
    "branch",
    "audit_event",
    "admin_audit",
    "attachment_ref",
    "attachment_blob",
    # Issue 18 (migration 0014): the last three have no foreign key for CASCADE to follow.
    "prospect_list_item",
    "prospect_list",
    "prospect_source",
    "prospect_upload",
    "business_duplicate",
    "business_merge",
    "duplicate_check",  # migration 0015
)


@pytest.fixture(scope="session")
def pg_scratch_url(pg_admin_url: str) -> Iterator[str]:
    """A scratch database for this test session, migrated once."""
    with scratch_database(pg_admin_url, "perisai_srv") as url:
        engine = db.make_engine(config.Settings(database_url=url))
        migrate.upgrade(engine)
        engine.dispose()
        yield url


def reset_pg(url: str) -> None:
    engine = db.make_engine(config.Settings(database_url=url))
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {', '.join(_TABLES)} CASCADE")
        conn.exec_driver_sql("UPDATE seq_counter SET value = 0")
        conn.exec_driver_sql("UPDATE server_meta SET value = '0' WHERE key = 'cursor_horizon'")
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "server.sqlite3"
    engine = db.make_engine(config.Settings(database_url=f"sqlite:///{path}"))
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "server.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_scratch_url")
    reset_pg(url)
    return url


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    created = World(cheap_settings(database_url))
    yield created
    created.close()


@pytest.fixture
def make_world(database_url: str) -> Iterator[Any]:
    """Builds a World with changed settings (same database)."""
    made: list[World] = []

    def build(**changes: Any) -> World:
        made.append(World(cheap_settings(database_url, **changes)))
        return made[-1]

    yield build
    for item in made:
        item.close()


@pytest.fixture
def rate_window() -> Iterator[None]:
    """The test starts at the beginning of a rate-limit window (`clock.window_start`): its
    counts all fall in one window, so a limit it expects to reach is reached."""
    with clock.window_start(60):  # config.Settings.rate_window_seconds
        yield
