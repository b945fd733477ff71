"""The central server installs and serves without Qt: a fresh venv gets only
requirements/server.txt (hash-pinned, from the package index) and the wheel, then
`perisai-server migrate` and `serve` run from it and answer /v1/health."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from helpers import clock

from shipping.support import REPO, clean_env, make_venv, pip_into, run, scripts_dir

pytestmark = [pytest.mark.slow, pytest.mark.clock_free]


def _time_machine_pin(tmp_path: Path) -> Path:
    """The test clock's one package (time-machine, no dependencies), pinned with its hashes
    as requirements/dev.txt has it, so the server's venv can run on the test clock."""
    text = (REPO / "requirements" / "dev.txt").read_text(encoding="utf-8")
    block = re.search(r"^time-machine==.*?(?=^\S)", text, re.M | re.S)
    assert block is not None
    path = tmp_path / "clock.txt"
    path.write_text(block.group(0))
    return path


@pytest.fixture(scope="module")
def server_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    started = time.monotonic()
    venv = tmp_path_factory.mktemp("server") / "venv"
    python = make_venv(venv, borrow_site_packages=False)
    lock = REPO / "requirements" / "server.txt"
    # One pip run for the lock and the clock's pin (both hash-checked); no byte-compiling of
    # every installed module (the probe, migrate and serve compile what they import): the
    # same packages, 3-4 s less.
    pip_into(
        python, "install", "--no-compile", "--require-hashes",
        "-r", str(lock), "-r", str(_time_machine_pin(venv.parent)),
    )  # fmt: skip
    pip_into(python, "install", "--no-compile", "--no-deps", str(wheel))
    # the wheel's own dependencies are all there: the server needs nothing outside its lock
    pip_into(python, "check")
    print(f"\nserver venv from requirements/server.txt: {time.monotonic() - started:.1f} s")
    return venv


def _python(venv: Path) -> str:
    return str(scripts_dir(venv) / "python")


def test_the_server_venv_has_no_qt_and_sync_server_imports_none(server_venv: Path) -> None:
    probe = (
        "import importlib.util, sys\n"
        "for name in ('PySide6', 'shiboken6', 'numpy', 'pyqtgraph', 'sqlcipher3'):\n"
        "    assert importlib.util.find_spec(name) is None, name\n"
        "import sync.server.app, sync.server.__main__\n"
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'numpy'))]\n"
        "print('no qt')\n"
    )
    done = run([_python(server_venv), "-c", probe], cwd=server_venv, env=clean_env())
    assert done.stdout.strip() == "no qt"


def test_migrate_and_serve_answer_health_without_qt(server_venv: Path, tmp_path: Path) -> None:
    env = clean_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'server.sqlite3'}",
        PERISAI_SERVER_HOME=str(tmp_path / "home"),
    )
    script = str(scripts_dir(server_venv) / "perisai-server")
    clocked = [_python(server_venv), str(clock.CLOCKED)]
    migrated = run([*clocked, script, "migrate"], cwd=tmp_path, env=env)
    assert "revision 0016" in migrated.stdout
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [*clocked, script, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-migrate"],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        answer = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert answer is not None, (tmp_path / "serve.log").read_text()
        assert answer.status_code == 200 and answer.json() == {"status": "ok"}
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
