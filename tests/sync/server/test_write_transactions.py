"""A transaction that may write begins with the write lock (db.write_transaction).

On SQLite (WAL) a deferred transaction that reads and then writes fails at once with "database
is locked" when another connection commits in between: the console's session page met it after
a push's duplicate drain. The source check keeps every transaction of `sync/server` on the
helper; the races (race_probe.py, SQLite only: PostgreSQL has no such upgrade) show paths that
read before they write holding the lock from their first statement.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from race_probe import WriteRace, sqlite_copy
from srv_support import World

from sync.server import admin
from tests.helpers.niks import synthetic_nik

SERVER = Path(__file__).resolve().parents[3] / "sync" / "server"
HELPER = SERVER / "engines.py"  # where write_transaction lives


def own_transactions(path: Path) -> list[str]:
    """`x.begin()`, `x.commit()` and `sqlite_begin=` in `path`: transactions not opened
    through `db.write_transaction` (reads use `engine.connect()`, savepoints `begin_nested`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("begin", "commit"):
            found.append(f"{path.name}:{node.lineno} .{node.func.attr}()")
        found += [
            f"{path.name}:{node.lineno} sqlite_begin"
            for keyword in node.keywords
            if keyword.arg == "sqlite_begin"
        ]
    return found


@pytest.mark.clock_free
def test_the_server_opens_its_write_transactions_only_through_the_helper() -> None:
    offenders = [
        hit
        for path in sorted(SERVER.rglob("*.py"))
        if path != HELPER
        for hit in own_transactions(path)
    ]
    assert offenders == []


@pytest.mark.clock_free
def test_the_source_check_sees_offenders(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text(
        "with engine.begin() as conn:\n    pass\n"
        "with engine.connect() as conn, conn.begin_nested():\n    conn.commit()\n"
        "conn = conn.execution_options(sqlite_begin='IMMEDIATE')\n"
    )
    assert sorted(hit.split()[-1] for hit in own_transactions(sample)) == [
        ".begin()",
        ".commit()",
        "sqlite_begin",
    ]


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path) -> str:
    return sqlite_copy(tmp_path, sqlite_template)


def raced(world: World, action: Any) -> WriteRace:
    """Runs `action` with a probe write before each of its transactions' first writes."""
    with WriteRace(world.engine) as race:
        action()
    assert race.refused >= 1 and race.slipped_in == 0, vars(race)
    return race


def test_a_participant_check_reads_the_guard_then_records_itself_under_the_lock(
    world: World,
) -> None:
    laptop = world.standard()[0]
    answer: list[Any] = []
    raced(world, lambda: answer.append(laptop.check_nik(synthetic_nik(1))))
    assert answer[0].status_code == 200, answer[0].text
    assert answer[0].json()["enrolled"] is False


def test_a_device_revocation_reads_the_device_then_writes_under_the_lock(world: World) -> None:
    laptop = world.standard()[0]
    said: list[str] = []
    raced(world, lambda: said.append(admin.revoke_device(world.engine, laptop.device_id)))
    assert said[0].startswith(f"revoked device {laptop.device_id}")
    assert (
        world.client.post(
            "/v1/auth/refresh", json={"refresh_token": laptop.refresh_token}
        ).status_code
        == 401
    )


def test_an_admin_change_reads_the_branch_then_writes_it_under_the_lock(world: World) -> None:
    world.branch()
    said: list[str] = []
    raced(
        world, lambda: said.append(admin.set_branch_time_zone(world.engine, "PLG", "Asia/Makassar"))
    )
    assert "Asia/Makassar" in said[0]
