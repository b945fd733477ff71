"""The console's read-then-write transactions under a write committed just before their first
write (race_probe.py, SQLite only): the session (read, then its last-seen time written) and the
audited "show NIK" (the enrollment read, then the trail row written) hold the write lock from
their first statement, so the page is never a 500 "database is locked"."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from race_probe import WriteRace, sqlite_copy
from srv_support import World, enrollment_fields, op


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path) -> str:
    return sqlite_copy(tmp_path, sqlite_template)


def test_a_page_and_a_shown_nik_write_under_the_lock(world: World, console: Any) -> None:
    a1 = world.standard()[0]
    entity_id = str(uuid.uuid4())
    fields = enrollment_fields(1)
    assert a1.push_one(op("enrollment", "create", entity_id, fields))["status"] == "applied"
    s1 = console("S1")
    with WriteRace(world.engine) as page:
        assert s1.get("/console/review").status_code == 200
    with WriteRace(world.engine) as shown:
        answer = s1.post(f"/console/review/{entity_id}/reveal-nik")
    assert answer.status_code == 200 and fields["nik"] in answer.text
    for race in (page, shown):
        assert race.refused >= 1 and race.slipped_in == 0, vars(race)
