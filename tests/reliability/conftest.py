"""Fixtures of the reliability tests: real server processes behind a fault-injecting proxy,
laptops on the app's encrypted database, and the session-wide log scan (logscan.py)."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import logscan
import pytest
from faultproxy import FaultProxy
from support import Laptop, ServerProc, make_template, prepare_database

try:  # the laptops are the app's SQLCipher database: without it there is nothing to test
    import sqlcipher3  # noqa: F401
except ImportError:
    collect_ignore_glob = ["test_*.py"]


def pytest_configure(config: pytest.Config) -> None:
    logscan.install(config)


@pytest.fixture(scope="session")
def server_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("template") / "server.sqlite3")


@pytest.fixture(scope="session")
def shared_server(
    tmp_path_factory: pytest.TempPathFactory, server_template: Path
) -> Iterator[ServerProc]:
    """One server for the scenarios that do not restart it (fresh entity ids keep them apart)."""
    server = ServerProc(tmp_path_factory.mktemp("shared-server"), server_template).start()
    yield server
    server.stop()


@pytest.fixture
def make_server(
    tmp_path_factory: pytest.TempPathFactory, server_template: Path
) -> Iterator[Callable[..., ServerProc]]:
    """Starts a server of its own (settings as keyword arguments: access_token_seconds=2)."""
    made: list[ServerProc] = []

    def make(**settings: Any) -> ServerProc:
        server = ServerProc(tmp_path_factory.mktemp("server"), server_template, **settings)
        made.append(server)
        return server.start()

    yield make
    for server in made:
        server.stop()


@pytest.fixture
def make_proxy() -> Iterator[Callable[..., FaultProxy]]:
    made: list[FaultProxy] = []

    def make(server: ServerProc, **options: Any) -> FaultProxy:
        made.append(FaultProxy(server.port, **options))
        return made[-1]

    yield make
    for proxy in made:
        proxy.heal()
        proxy.close()


_laptops = itertools.count(1)


@pytest.fixture
def make_laptop(tmp_path: Path) -> Iterator[Callable[..., Laptop]]:
    made: list[Laptop] = []

    def make(agent_code: str, url: str, **options: Any) -> Laptop:
        laptop = Laptop(tmp_path / f"laptop-{next(_laptops)}.db", agent_code, url, **options)
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.close()


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL not set: PostgreSQL variants not run")
    return url


@pytest.fixture
def make_pg_server(
    tmp_path_factory: pytest.TempPathFactory, pg_admin_url: str
) -> Iterator[Callable[..., ServerProc]]:
    """Starts a server on a new scratch PostgreSQL database (dropped afterwards)."""
    import sqlalchemy as sa

    made: list[tuple[ServerProc, str]] = []
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")

    def make(**settings: Any) -> ServerProc:
        name = f"perisai_rel_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = sa.engine.make_url(pg_admin_url).set(database=name)
        rendered = url.render_as_string(hide_password=False)
        prepare_database(rendered)
        server = ServerProc(
            tmp_path_factory.mktemp("pg-server"), None, database_url=rendered, **settings
        )
        made.append((server, name))
        return server.start()

    yield make
    for server, name in made:
        server.stop()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()
