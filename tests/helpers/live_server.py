"""The live central server of the laptop-side tests (tests/sync, tests/e2e, tests/agent_app/ui):
the real server in its own process, once per session, as a pytest plugin (tests/conftest.py
loads it).

`server` is `python -m sync.server serve` on a loopback port, on a temporary SQLite database
prepared with the server's own CLI (`migrate`, `create-branch`, `create-agent`). Its limits are
small (`max_ops_per_batch` 50, `max_body_bytes` 64 KiB) so that the engine's batching is
exercised against the server's real answers. Nothing of our server is mocked.
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import servers

#: The password of every agent made at start-up.
PASSWORD = "kata-sandi-yang-panjang-1"
MAX_OPS_PER_BATCH = 50
MAX_BODY_BYTES = 64 * 1024

#: Agents made at start-up: (code, branch, role). Each test that logs in wrong uses its own.
AGENTS = (
    ("AG001", "PLG", "agent"),
    ("AG002", "PLG", "agent"),
    ("AG003", "PLG", "agent"),
    ("AG900", "JKT", "agent"),
    ("SV001", "PLG", "supervisor"),
    ("LOCK01", "PLG", "agent"),
    ("LOCK02", "PLG", "agent"),
)


class LiveServer(servers.ServerProcess):
    """The live server; its `database` is the SQLite file, and `cli()` fails the test when an
    administration command fails unless told `check=False`."""

    def __init__(self, home: Path, extra_env: dict[str, str] | None = None) -> None:
        self.database = home / "server.sqlite3"
        env = servers.server_env(
            f"sqlite:///{self.database}",
            home,
            password=PASSWORD,
            max_ops_per_batch=MAX_OPS_PER_BATCH,
            max_body_bytes=MAX_BODY_BYTES,
            sqlite_synchronous="NORMAL",
        )
        super().__init__(
            {**env, **(extra_env or {})}, home / "server.log", serve_args=["--no-migrate"]
        )

    def cli(
        self, *args: str, stdin: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return super().cli(*args, stdin=stdin, check=check)

    def prepare(self) -> None:
        """Migrates the database and makes the branches and agents of AGENTS (the CLI's
        commands, in one process)."""
        branches = sorted({branch for _, branch, _ in AGENTS})
        self.cli_all(
            [
                ["migrate"],
                *(["create-branch", code, "--name", f"Cabang {code}"] for code in branches),
                *(
                    [
                        "create-agent",
                        code,
                        "--name",
                        f"Agen {code}",
                        "--branch",
                        branch,
                        "--role",
                        role,
                    ]
                    for code, branch, role in AGENTS
                ),
            ]
        )


@contextlib.contextmanager
def running_server(home: Path, extra_env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    """The live server on a fresh SQLite database in `home`, with the branches and agents of
    AGENTS; `extra_env` adds or overrides server settings."""
    server = LiveServer(home, extra_env)
    server.prepare()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The live server, once per session (tests use fresh records, so they share it)."""
    with running_server(tmp_path_factory.mktemp("sync-server")) as started:
        yield started
