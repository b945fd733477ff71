"""The central server in its own process, for every test folder that needs a real one
(tests/sync/server, tests/sync, tests/e2e, tests/agent_app/ui, tests/reliability, the benchmarks).

`ServerProcess` is `python -m sync.server serve` on the test clock (tests/helpers/clock.py) on a
loopback port: started and waited for (`/v1/health`), stopped, killed and restarted on the same
port, with `cli()` running an administration command on the same database and settings.
`server_env()` is the environment it runs in: the test process's, without its `PERISAI_*`
settings, with cheap password hashing and the rate limits out of the way.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import requests

from helpers import clock

REPO = Path(__file__).resolve().parents[2]

#: Cheap password hashing, and rate limits out of the way: one loopback address serves a whole
#: session's laptops (tests/sync/server/test_auth.py tests the limits).
CHEAP_ENV = {
    "PERISAI_ARGON2_TIME_COST": "1",
    "PERISAI_ARGON2_MEMORY_KIB": "1024",
    "PERISAI_ARGON2_PARALLELISM": "1",
    "PERISAI_LOGIN_RATE_PER_CLIENT": "100000",
    "PERISAI_LOGIN_RATE_PER_AGENT": "100000",
    "PERISAI_CHECK_RATE_PER_CLIENT": "100000",
    "PERISAI_CHECK_RATE_PER_AGENT": "100000",
}


def free_port() -> int:
    """A loopback TCP port no one listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, home: Path, **settings: object) -> dict[str, str]:
    """The environment of a server on `database_url` with its home folder `home`; `settings`
    become `PERISAI_<NAME>` variables (`max_ops_per_batch=50`)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PERISAI_")}
    env.update(CHEAP_ENV)
    env.update(
        {
            "DATABASE_URL": database_url,
            "PERISAI_SERVER_HOME": str(home),
            "PYTHONPATH": str(REPO),
        }
    )
    for name, value in settings.items():
        env["PERISAI_" + name.upper()] = str(value)
    return env


#: The child of `ServerProcess.cli_all`: each command through the CLI's own `main`.
_CLI_ALL = """
import json, sys
from sync.server.__main__ import main
for argv in json.loads(sys.argv[1]):
    status = main(argv)
    if status:
        sys.exit(f"server CLI {argv[0]} failed with status {status}")
"""


class ServerProcess:
    """The real server in its own process (not started until `start()`)."""

    def __init__(
        self,
        env: Mapping[str, str],
        log_path: Path,
        *,
        serve_args: Sequence[str] = (),
        start_seconds: float = 60,
    ) -> None:
        self.env = dict(env)
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.serve_args = tuple(serve_args)
        self.start_seconds = start_seconds
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def base_url(self) -> str:
        return self.url

    def start(self) -> ServerProcess:
        """Starts the server and waits until it answers `/v1/health` (its output goes to
        `log_path`, appended across restarts)."""
        command = [*clock.python(), "-m", "sync.server", "serve", "--host", "127.0.0.1"]
        with self.log_path.open("ab") as log_file:
            self.proc = subprocess.Popen(
                [*command, "--port", str(self.port), *self.serve_args],
                env=self.env,
                cwd=REPO,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1
        self._wait(self.proc)
        return self

    def _wait(self, proc: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + self.start_seconds
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError("the server exited: " + self.log_tail())
            try:
                if requests.get(self.url + "/v1/health", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the server did not start within {self.start_seconds:g} s")

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush; what was committed is what stays."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def restart(self) -> None:
        self.kill()
        self.start()

    def cli(
        self, *args: str, stdin: str | None = None, check: bool = False
    ) -> subprocess.CompletedProcess[str]:
        """Runs `python -m sync.server ARGS` on the same database and settings; `check` fails
        the test when the command fails."""
        result = subprocess.run(
            [*clock.python(), "-m", "sync.server", *args],
            env=self.env,
            cwd=REPO,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"server CLI {args[0]} failed: {result.stderr[-2000:]}")
        return result

    def cli_all(self, commands: Sequence[Sequence[str]]) -> None:
        """Runs the server's CLI (`sync.server.__main__.main`) for each of `commands` in order,
        in ONE child process on the same database and settings (a Python start and the
        server's imports cost about 2 s each: preparing a server with ten commands took 20 s);
        fails the test at the first command that fails."""
        result = subprocess.run(
            [*clock.python(), "-c", _CLI_ALL, json.dumps([list(c) for c in commands])],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise AssertionError(f"server CLI failed: {result.stderr[-2000:]}")
