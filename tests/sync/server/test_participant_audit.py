"""The participant check (`/v1/participants/check`) is audited: who asked about which NIK and
when, the NIK kept only as a keyed hash; `check-log` answers "who checked this NIK"."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from srv_support import World, enrollment_fields, op

from sync.server import __main__ as server_cli
from sync.server import admin, db, meta


def test_each_check_is_recorded_with_who_asked_and_a_keyed_hash_of_the_nik(world: World) -> None:
    a1, _, _ = world.standard()
    world.branch("MDN", "Medan", "12.71")
    world.agent("M1", branch="MDN")
    stranger = world.login("M1")
    fields = enrollment_fields(7)
    assert a1.push_one(op("enrollment", "create", None, fields))["status"] == "applied"
    other_nik = enrollment_fields(8)["nik"]
    assert stranger.check_nik(fields["nik"]).json()["enrolled"] is True
    assert stranger.check_nik(other_nik).json()["enrolled"] is False
    assert a1.check_nik(fields["nik"]).status_code == 200
    assert a1.check_nik("12345").status_code == 400  # not a NIK: nothing to record
    table = db.table(db.ParticipantCheck)
    with world.engine.connect() as conn:
        rows = conn.execute(sa.select(table).order_by(table.c.id)).all()
        values = meta.read(conn)
    assert [(r.agent_code, r.device_id, r.enrolled) for r in rows] == [
        ("M1", stranger.device_id, True),
        ("M1", stranger.device_id, False),
        ("A1", a1.device_id, True),
    ]
    assert rows[0].nik_hash == rows[2].nik_hash == meta.nik_hash(values, fields["nik"])
    assert rows[0].nik_hash != hashlib.sha256(fields["nik"].encode()).hexdigest()  # keyed
    stored = " ".join(str(value) for row in rows for value in row)
    assert fields["nik"] not in stored and other_nik not in stored
    # The office asks who checked this NIK, and who a given agent checked.
    lines = admin.check_log(world.engine, nik=fields["nik"])
    assert [line.split()[2] for line in lines] == ["A1", "M1"]
    assert all(fields["nik"] not in line for line in lines)
    assert len(admin.check_log(world.engine, agent_code="M1")) == 2


def test_check_log_command(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a1, _, _ = world.standard()
    nik = enrollment_fields(9)["nik"]
    a1.check_nik(nik)
    monkeypatch.setenv("DATABASE_URL", world.settings.database_url)
    assert server_cli.main(["check-log", "--nik", nik]) == 0
    out = capsys.readouterr().out
    assert " A1 " in out and "not enrolled" in out and nik not in out
    assert server_cli.main(["check-log", "--nik", "123"]) == 2
    assert "16 digits" in capsys.readouterr().err
