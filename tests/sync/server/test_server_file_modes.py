"""The server's own files are its owner's only: the home folder 0o700, the SQLite database
(every enrollment, the token secret, the bundle private key) and its -wal/-shm 0o600, also
when they exist already with wider modes (then tightened, and logged). SQLite only: on
PostgreSQL the server writes no file of its own."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from sync.server import __main__ as server_cli
from sync.server import config, db

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask of a service account: new files world-readable unless we say not."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_default_home_and_database_are_created_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_umask: None
) -> None:
    home = tmp_path / "srv" / "home"
    monkeypatch.setenv("PERISAI_SERVER_HOME", str(home))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert server_cli.main(["create-branch", "PLG", "--name", "Palembang"]) == 0
    engine = db.make_engine(config.Settings())
    try:
        with engine.connect() as conn:  # WAL open: -wal and -shm exist
            assert conn.execute(sa.text("SELECT count(*) FROM server_meta")).scalar_one() >= 3
            files = sorted(p.name for p in home.iterdir())
            assert "server.sqlite3-wal" in files and "server.sqlite3-shm" in files
            assert _mode(home) == 0o700
            assert {name: _mode(home / name) for name in files} == dict.fromkeys(files, 0o600)
    finally:
        engine.dispose()


def test_existing_files_with_wider_modes_are_tightened_and_logged(
    tmp_path: Path, open_umask: None, caplog: pytest.LogCaptureFixture
) -> None:
    database = tmp_path / "server.sqlite3"
    engine = db.make_engine(config.Settings(database_url=f"sqlite:///{database}"))
    with engine.connect() as conn:
        conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
        conn.commit()
        for path in tmp_path.iterdir():  # as an older server left them
            path.chmod(0o644)
        with caplog.at_level(logging.WARNING, logger="server"):
            db.make_engine(config.Settings(database_url=f"sqlite:///{database}")).dispose()
        assert {p.name: _mode(p) for p in tmp_path.iterdir()} == {
            "server.sqlite3": 0o600,
            "server.sqlite3-wal": 0o600,
            "server.sqlite3-shm": 0o600,
        }
    engine.dispose()
    tightened = [r.getMessage() for r in caplog.records if "tightened" in r.getMessage()]
    assert len(tightened) == 3 and all("from mode 644 to 600" in t for t in tightened)


@pytest.mark.expect_warning_log(r"^server: tightened .* to 700$")
def test_an_existing_home_with_a_wider_mode_is_tightened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_umask: None
) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    monkeypatch.setenv("PERISAI_SERVER_HOME", str(home))
    assert config.server_home() == home
    assert _mode(home) == 0o700
