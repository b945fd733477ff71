"""The deploy kit (deploy/): what can be checked without a container engine or systemd.

The compose file and the container build file are parsed and checked (services, health
checks, volume, non-root user, no Qt); the container's HEALTHCHECK command and the systemd
unit's ExecStart (its ${VARS} filled from the example environment file, pointed at a
temporary SQLite file and a free loopback port) are run for real against the real server;
`systemd-analyze verify` checks the unit where the machine has it.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from helpers import clock
from helpers.servers import CHEAP_ENV, REPO, free_port

pytestmark = [pytest.mark.slow, pytest.mark.clock_free]
DEPLOY = REPO / "deploy"
PROGRAM = "/opt/perisai/bin/perisai-server"


def _unit() -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "perisai-server.service", encoding="utf-8")
    return unit


def _env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def _healthcheck_command() -> list[str]:
    text = (DEPLOY / "Containerfile").read_text("utf-8")
    found = re.search(r"^\s*CMD (\[.*\])\s*$", text.split("HEALTHCHECK", 1)[1], re.M)
    assert found, "HEALTHCHECK CMD [...] not found"
    return list(json.loads(found.group(1)))


def test_compose_file_runs_the_server_beside_postgresql() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text("utf-8"))
    db, server = compose["services"]["db"], compose["services"]["server"]
    assert db["image"].split("/")[-1].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"] and "pgdata" in compose["volumes"]
    assert db["env_file"] == server["env_file"] == "perisai-server.env"
    assert (DEPLOY / "perisai-server.env.example").is_file()
    assert server["build"] == {"context": "..", "dockerfile": "deploy/Containerfile"}
    assert server["depends_on"]["db"]["condition"] == "service_healthy"
    assert "/v1/ready" in " ".join(server["healthcheck"]["test"])
    assert all(port.startswith("127.0.0.1:") for port in server["ports"])
    assert server["read_only"] is True and "no-new-privileges:true" in server["security_opt"]
    example = _env_file(DEPLOY / "perisai-server.env.example")
    assert example["DATABASE_URL"].startswith("postgresql+psycopg://perisai:")
    assert "@db:5432/" in example["DATABASE_URL"]


def test_container_build_file() -> None:
    text = (DEPLOY / "Containerfile").read_text("utf-8")
    stages = re.findall(r"^FROM (\S+)", text, re.M)
    assert stages and all(image == "python:3.11-slim" for image in stages)
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert re.search(r'pip install "\$\{wheel\}\[server\]"', text)  # the server extra only
    assert "pyside" not in text.lower() and "[dev]" not in text
    assert "/v1/ready" in " ".join(_healthcheck_command())
    assert re.search(r'^CMD \["perisai-server", "serve"', text, re.M)


def test_systemd_unit_starts_the_server_from_its_environment_file(tmp_path: Path) -> None:
    unit = _unit()
    service = unit["Service"]
    assert service["User"] not in ("root", "0") and service["Restart"] == "on-failure"
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    assert service["EnvironmentFile"] == "/etc/perisai/server.env"

    port = free_port()
    values = {
        **_env_file(DEPLOY / "perisai-server.env.example"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'server.sqlite3'}",
        "PERISAI_SERVER_HOME": str(tmp_path / "home"),
        "PERISAI_PORT": str(port),
        "PERISAI_WORKERS": "1",
    }
    # systemd's ${VAR}: the variable's whole value as one word.
    words = [
        re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], word)
        for word in shlex.split(service["ExecStart"])
    ]
    assert words[0] == PROGRAM and words[1:3] == ["serve", "--host"]
    command = [*clock.python(), "-m", "sync.server", *words[1:]]
    env = {**os.environ, **values, **CHEAP_ENV, "PYTHONPATH": str(REPO)}
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert status == 200, (tmp_path / "server.log").read_text("utf-8", "replace")
        # The container's HEALTHCHECK command, aimed at this server: ready.
        probe = [
            sys.executable if word == "python" else word.replace(":8765/", f":{port}/")
            for word in _healthcheck_command()
        ]
        assert subprocess.run(probe, capture_output=True, timeout=30).returncode == 0
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()
    # A clean stop on SIGTERM (systemctl stop): uvicorn shuts down, then re-raises the signal,
    # which systemd counts as a success.
    assert proc.returncode in (0, -15)
    assert "Traceback" not in (tmp_path / "server.log").read_text("utf-8", "replace")
    assert subprocess.run(probe, capture_output=True, timeout=30).returncode != 0

    analyze = shutil.which("systemd-analyze")
    if analyze:  # not on every CI machine: checked where it exists
        copy = tmp_path / "perisai-server.service"
        text = (DEPLOY / "perisai-server.service").read_text("utf-8")
        copy.write_text(text.replace(PROGRAM, shutil.which("true") or "/bin/true"), "utf-8")
        verified = subprocess.run(
            [analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60
        )
        assert verified.returncode == 0 and not verified.stderr.strip(), verified.stderr
