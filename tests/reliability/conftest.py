"""Fixtures of the reliability tests: real server processes behind a fault-injecting proxy,
laptops on the app's encrypted database, and the session-wide log scan (logscan.py)."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import logscan
import pytest
import support
from faultproxy import FaultProxy
from helpers.databases import scratch_database
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


@pytest.fixture
def make_pg_server(
    tmp_path_factory: pytest.TempPathFactory, pg_admin_url: str
) -> Iterator[Callable[..., ServerProc]]:
    """Starts a server on a new scratch PostgreSQL database (dropped afterwards)."""
    with contextlib.ExitStack() as stack:

        def make(**settings: Any) -> ServerProc:
            url = stack.enter_context(scratch_database(pg_admin_url, "perisai_rel"))
            prepare_database(url)
            home = tmp_path_factory.mktemp("pg-server")
            server = ServerProc(home, None, database_url=url, **settings)
            stack.callback(server.stop)
            return server.start()

        yield make


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server_database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The database under `server` and `make_any_server`: SQLite, then PostgreSQL
    (TEST_DATABASE_URL, each server on its own scratch database; skipped without it), whose
    figures are named "(PostgreSQL)"."""
    if request.param == "postgres":
        request.getfixturevalue("pg_admin_url")
        monkeypatch.setattr(support, "SCENARIO_SUFFIX", " (PostgreSQL)")
    return str(request.param)


@pytest.fixture
def make_any_server(
    request: pytest.FixtureRequest, server_database: str
) -> Callable[..., ServerProc]:
    """`make_server` or `make_pg_server`, by `server_database`."""
    name = "make_server" if server_database == "sqlite" else "make_pg_server"
    make: Callable[..., ServerProc] = request.getfixturevalue(name)
    return make


@pytest.fixture
def server(request: pytest.FixtureRequest, server_database: str) -> ServerProc:
    """A running server on `server_database`: on SQLite the session's shared one, on
    PostgreSQL one of its own."""
    if server_database == "sqlite":
        shared: ServerProc = request.getfixturevalue("shared_server")
        return shared
    return request.getfixturevalue("make_any_server")()
