"""PostgreSQL for the tests that run the server on it (tests/sync/server, tests/reliability): the
administrator URL from TEST_DATABASE_URL, and scratch databases made and dropped around a test.
A pytest plugin (tests/conftest.py loads it): without TEST_DATABASE_URL, a test that needs
PostgreSQL is skipped with the reason."""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

PG_SKIP = "TEST_DATABASE_URL not set: PostgreSQL tests not run"


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """TEST_DATABASE_URL: a PostgreSQL user that may create databases."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip(PG_SKIP)
    return url


@contextlib.contextmanager
def scratch_database(admin_url: str, prefix: str) -> Iterator[str]:
    """A new empty database `prefix_<random>` on the server of `admin_url`, dropped (even with
    connections still open) when the block ends; yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin_engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop(admin_engine, name)
        admin_engine.dispose()


def _drop(admin_engine: sa.Engine, name: str) -> None:
    """Drops the scratch database. An autovacuum worker (a superuser's process, which our role
    may not terminate) may still be in it right after a test wrote much: wait for it."""
    for attempt in range(20):
        try:
            with admin_engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except sa.exc.ProgrammingError as error:
            if "pg_signal_backend" not in str(error) or attempt == 19:
                raise
            time.sleep(0.5)
