"""Login and refresh floods against the real server (`python -m sync.server serve`) over real
HTTP.

Forty logins at once: at most `lockout_failures` wrong passwords are checked whatever the
concurrency (the count lives in the database, and the server runs two worker processes), and
the password checks at once are bounded, so the server process stays small (argon2id takes
64 MiB per check with the production parameters used here). One refresh token traded in by
many at once gives them all the same successor: no fork.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from srv_support import PASSWORD, ServerProcess, cheap_settings, fresh_database

from sync.server import admin, config, db

pytestmark = [pytest.mark.slow, pytest.mark.clock_free]
N_LOGINS = 40
MIB = 1024 * 1024


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for one live server."""
    with fresh_database(request, tmp_path, "perisai_flood") as url:
        yield url


def _at_once(n: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """Runs `call(i)` for i in range(n) on n threads released together."""
    barrier = threading.Barrier(n)
    answers: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        answers[i] = call(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _login(url: str, password: str) -> httpx.Response:
    return httpx.post(
        f"{url}/v1/auth/login",
        json={
            "agent_code": "A1",
            "password": password,
            "device_id": str(uuid.uuid4()),
            "device_name": "uji",
        },
        timeout=120,
    )


def _start(
    url: str, home: Path, settings: config.Settings, env: dict[str, str], workers: int = 1
) -> ServerProcess:
    server = ServerProcess(url, home, workers=workers, env=env)
    engine = db.make_engine(settings)
    try:
        admin.create_branch(engine, "PLG", "Palembang", "16.71")
        admin.create_agent(engine, settings, "A1", "Agen", "PLG", "agent", PASSWORD)
    finally:
        engine.dispose()
    return server


def test_forty_guesses_at_once_get_at_most_five_passwords_checked(
    server_url: str, tmp_path: Path
) -> None:
    """The right password is among forty sent at once: no more than five wrong ones are
    checked (the rest wait), so a guesser cannot race the count."""
    # A password check slow enough (16 MiB, two passes) for attempts to overlap, and a
    # bound on checks at once above five: the database count alone must hold the line.
    slow = {"argon2_time_cost": 2, "argon2_memory_kib": 16384, "argon2_parallelism": 1}
    server = _start(
        server_url,
        tmp_path,
        cheap_settings(server_url, **slow),
        workers=2,
        env={
            **{f"PERISAI_{name.upper()}": str(value) for name, value in slow.items()},
            "PERISAI_LOGIN_RATE_PER_CLIENT": "0",
            "PERISAI_LOGIN_RATE_PER_AGENT": "0",
            "PERISAI_MAX_CONCURRENT_LOGINS": "20",
        },
    )
    try:
        answers = _at_once(
            N_LOGINS,
            lambda i: _login(server.url, PASSWORD if i == N_LOGINS // 2 else f"tebak-{i}-xx"),
        )
    finally:
        server.stop()
    statuses = [answer.status_code for answer in answers]
    # At most five wrong passwords are checked. The right one takes back its own count
    # (throttle.release_attempt), so when it arrives among the first five a fifth wrong one is
    # still checked after it: six checks, of which five wrong (seen in a loaded run).
    assert statuses.count(401) <= 5, statuses
    assert statuses.count(200) <= 1, statuses
    checked = statuses.count(401) + statuses.count(200)
    assert statuses.count(429) == N_LOGINS - checked, statuses
    for answer in answers:
        if answer.status_code == 429:
            assert answer.json()["error"]["code"] == "account_locked"
            assert int(answer.headers["Retry-After"]) > 0


def _peak_rss(pid: int) -> int:
    """The process's peak resident set size (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_flood_of_logins_keeps_the_server_small(server_url: str, tmp_path: Path) -> None:
    """Forty right-password logins at once with the production argon2id parameters (64 MiB
    each): the checks at once are bounded, so the process stays under 300 MB."""
    production = config.Settings()
    server = _start(
        server_url,
        tmp_path,
        config.Settings(database_url=server_url),
        env={
            "PERISAI_ARGON2_TIME_COST": str(production.argon2_time_cost),
            "PERISAI_ARGON2_MEMORY_KIB": str(production.argon2_memory_kib),
            "PERISAI_ARGON2_PARALLELISM": str(production.argon2_parallelism),
            "PERISAI_LOGIN_RATE_PER_CLIENT": "0",
            "PERISAI_LOGIN_RATE_PER_AGENT": "0",
            "PERISAI_LOGIN_QUEUE_SECONDS": "120",
        },
    )
    try:
        assert _login(server.url, PASSWORD).status_code == 200
        before = _peak_rss(server.proc.pid)
        answers = _at_once(N_LOGINS, lambda _: _login(server.url, PASSWORD))
        peak = _peak_rss(server.proc.pid)
    finally:
        server.stop()
    print(f"server peak RSS: {before / MIB:.0f} MiB before, {peak / MIB:.0f} MiB after")
    assert [answer.status_code for answer in answers] == [200] * N_LOGINS
    assert peak < 300 * 1000 * 1000


def test_one_refresh_token_traded_in_at_once_gives_everyone_the_same_pair(
    server_url: str, tmp_path: Path
) -> None:
    """Ten copies of one refresh token at once (threads of a laptop, or a thief racing it):
    one new pair, given to all ten, and a single token chain on the server."""
    settings = cheap_settings(server_url)
    server = _start(server_url, tmp_path, settings, env={}, workers=2)
    try:
        token = _login(server.url, PASSWORD).json()["refresh_token"]
        answers = _at_once(
            10,
            lambda _: httpx.post(
                f"{server.url}/v1/auth/refresh", json={"refresh_token": token}, timeout=60
            ),
        )
    finally:
        server.stop()
    assert [answer.status_code for answer in answers] == [200] * 10
    assert len({answer.json()["refresh_token"] for answer in answers}) == 1
    assert len({answer.json()["access_token"] for answer in answers}) == 1
    engine = db.make_engine(settings)
    try:
        with engine.connect() as conn:
            count = conn.execute(sa.text("SELECT count(*) FROM refresh_token")).scalar_one()
    finally:
        engine.dispose()
    assert count == 2  # the login's token and its one successor
