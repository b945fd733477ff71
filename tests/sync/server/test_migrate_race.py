"""Several `python -m sync.server migrate` at once on a fresh database (replicas of `serve`
starting together each migrate first): all succeed and the schema is at head. The racers are
released together by a file barrier once their imports are done (migrate_racer.py)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import clock
from helpers.servers import REPO
from srv_support import fresh_database

from sync.server import config, db, migrate

pytestmark = [pytest.mark.slow, pytest.mark.clock_free]
RACERS = 3
HEAD = "0016"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request, tmp_path, "perisai_race") as url:
        yield url


def test_migrations_started_together_all_succeed(fresh_url: str, tmp_path: Path) -> None:
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": fresh_url,
        "PERISAI_SERVER_HOME": str(tmp_path / "home"),
        "PYTHONPATH": str(REPO),
    }
    racer = str(Path(__file__).with_name("migrate_racer.py"))
    procs = [
        subprocess.Popen(
            [*clock.python(), racer, str(barrier), str(RACERS)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(RACERS)
    ]
    outputs = [proc.communicate(timeout=120)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * RACERS, outputs
    assert all(f"database at revision {HEAD}" in out for out in outputs), outputs
    engine = db.make_engine(config.Settings(database_url=fresh_url))
    try:
        assert migrate.current_revision(engine) == HEAD
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM seq_counter")).scalar_one() == 1
            keys = conn.execute(sa.text("SELECT key FROM server_meta")).scalars().all()
        assert len(keys) == len(set(keys))
    finally:
        engine.dispose()
