"""Fixtures for the laptop side of sync: the real central server in its own process.

`server` starts `python -m sync.server serve` once per session on a loopback port, on a
temporary SQLite database prepared with the server's own CLI (`migrate`, `create-branch`,
`create-agent`). Its limits are small (`max_ops_per_batch` 50, `max_body_bytes` 64 KiB) so that
the engine's batching is exercised against the server's real answers. Nothing of our server is
mocked; the fault injector of `fault_server.py` only stands in for a broken network or proxy.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from helpers import clock

# tests/e2e and tests/ui load this file by its path for the live server fixture; its
# neighbour must be importable for them too.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.append(str(Path(__file__).resolve().parent))

from sync_support import MAX_BODY_BYTES, MAX_OPS_PER_BATCH, PASSWORD, ROOT

from sync import client as sync_client

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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    base_url: str
    env: dict[str, str]
    database: Path
    log_path: Path

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Runs an administration command of the server on the same database."""
        result = subprocess.run(
            [*clock.python(), "-m", "sync.server", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"server CLI {args[0]} failed: {result.stderr[-2000:]}")
        return result


def _server_env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PERISAI_")}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{home / 'server.sqlite3'}",
            "PERISAI_SERVER_HOME": str(home),
            "PERISAI_PASSWORD": PASSWORD,
            "PERISAI_MAX_OPS_PER_BATCH": str(MAX_OPS_PER_BATCH),
            "PERISAI_MAX_BODY_BYTES": str(MAX_BODY_BYTES),
            "PERISAI_ARGON2_TIME_COST": "1",
            "PERISAI_ARGON2_MEMORY_KIB": "1024",
            "PERISAI_ARGON2_PARALLELISM": "1",
            "PERISAI_SQLITE_SYNCHRONOUS": "NORMAL",
            # One loopback address serves the whole session: rate limits out of the way.
            "PERISAI_LOGIN_RATE_PER_CLIENT": "100000",
            "PERISAI_LOGIN_RATE_PER_AGENT": "100000",
            "PERISAI_CHECK_RATE_PER_CLIENT": "100000",
            "PERISAI_CHECK_RATE_PER_AGENT": "100000",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


@contextlib.contextmanager
def running_server(home: Path, extra_env: dict[str, str] | None = None) -> Iterator[ServerProcess]:
    """The real server in its own process on a fresh SQLite database in `home`, with the
    branches and agents of AGENTS; `extra_env` adds or overrides server settings."""
    env = {**_server_env(home), **(extra_env or {})}
    port = free_port()
    proc_info = ServerProcess(
        f"http://127.0.0.1:{port}", env, home / "server.sqlite3", home / "server.log"
    )
    proc_info.cli("migrate")
    for code in sorted({branch for _, branch, _ in AGENTS}):
        proc_info.cli("create-branch", code, "--name", f"Cabang {code}")
    for code, branch, role in AGENTS:
        proc_info.cli(
            "create-agent", code, "--name", f"Agen {code}", "--branch", branch, "--role", role
        )
    with proc_info.log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [
                *clock.python(),
                "-m",
                "sync.server",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-migrate",
            ],
            env=env,
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise AssertionError(
                        "the server exited: " + proc_info.log_path.read_text()[-3000:]
                    )
                try:
                    if requests.get(proc_info.base_url + "/v1/health", timeout=1).ok:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError("the server did not start within 60 s")
                time.sleep(0.1)
            yield proc_info
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with running_server(tmp_path_factory.mktemp("sync-server")) as started:
        yield started


_device_names = itertools.count(1)


@pytest.fixture
def make_client(server: ServerProcess) -> Callable[..., sync_client.SyncClient]:
    """Makes a `SyncClient` for a new device (retries short, so failures stay quick)."""

    def make(
        agent_code: str | None = "AG001", device_id: str | None = None, **kwargs: object
    ) -> sync_client.SyncClient:
        options: dict[str, object] = {"max_retries": 2, "backoff_base": 0.05, "backoff_cap": 0.2}
        options.update(kwargs)
        client = sync_client.SyncClient(
            server.base_url,
            device_id or str(uuid.uuid4()),
            f"Laptop uji {next(_device_names)}",
            **options,  # type: ignore[arg-type]
        )
        if agent_code is not None:
            client.login(agent_code, PASSWORD)
        return client

    return make
