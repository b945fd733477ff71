"""Erasure at the worker's request (UU PDP 27/2022): `erase-enrollment` leaves no copy of the
person's data on the server and tells every laptop (on SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers.niks import nik_birth_date
from srv_support import World, enrollment_fields, op

from sync.server import admin, db


def _everything(world: World) -> str:
    """Every row of the tables that could hold a person's data, as one string."""
    dumped = []
    with world.engine.connect() as conn:
        for model in (db.Record, db.ActiveNik, db.Ledger):
            dumped += [str(tuple(row)) for row in conn.execute(sa.select(db.table(model)))]
    return "\n".join(dumped)


def test_an_erased_enrollment_leaves_no_copy_and_reaches_the_laptops(world: World) -> None:
    a1, a2, supervisor = world.standard()
    enr = str(uuid.uuid4())
    fields = enrollment_fields(31)
    nik, name = fields["nik"], fields["full_name"]
    assert a1.push_one(op("enrollment", "create", enr, fields))["status"] == "applied"
    assert supervisor.push_one(
        op("enrollment", "update", enr, {"phone": "+6281399990000"}, base_version=1)
    )["status"] == ("applied")
    # The agent edits the phone on the old base: a conflict whose stored answer shows the
    # agent the server's whole record (`current`), NIK and name included.
    late = op("enrollment", "update", enr, {"phone": "+6281377770000"}, base_version=1)
    answer = a1.push_one(late)
    assert answer["status"] == "conflict" and answer["current"]["nik"] == nik
    _, cursor = a1.pull_all()
    assert nik in _everything(world)

    said = admin.erase_enrollment(world.engine, enr)
    assert "erased enrollment" in said and "1 stored answer(s) cleared" in said
    everything = _everything(world)
    assert nik not in everything and name not in everything
    # Every laptop that may see it pulls the tombstone (and drops its own copy).
    changes, _ = a1.pull_all(cursor=cursor)
    [tombstone] = [c for c in changes if c["entity_id"] == enr]
    assert tombstone["deleted"] is True and tombstone["fields"] == {}
    assert tombstone["version"] == 3
    # The conflict's replay repeats its verdict, without the erased copy.
    replay = a1.push_one(late)
    assert replay["status"] == "conflict" and replay.get("current") is None
    # The NIK is free: the worker may enroll again later.
    again = a2.push_one(op("enrollment", "create", str(uuid.uuid4()), enrollment_fields(31)))
    assert again["status"] == "applied"
    # Erasing twice changes nothing.
    assert "already erased" in admin.erase_enrollment(world.engine, enr)
    # The erasure is on record (who, when, which enrollment), without the person's data.
    [latest] = admin.trail(world.engine, limit=1)
    assert f"erase-enrollment {enr}" in latest
    assert nik not in "\n".join(admin.trail(world.engine, limit=100))


def test_erasure_refuses_what_is_not_an_enrollment(world: World) -> None:
    a1, _, _ = world.standard()
    business = str(uuid.uuid4())
    a1.push_one(op("business", "create", business, {"name": "Pempek Cek Molek"}))
    for target, message in (
        ("not-a-uuid", "must be a UUID"),
        (str(uuid.uuid4()), "no enrollment"),
        (business, "no enrollment"),
    ):
        with pytest.raises(admin.AdminError, match=message):
            admin.erase_enrollment(world.engine, target)


def _every_table_as_text(world: World) -> str:
    """Every row of every table, as text (PostgreSQL: each row cast to text by the server)."""
    dumped: list[str] = []
    with world.engine.connect() as conn:
        for name in sa.inspect(conn).get_table_names():
            if conn.dialect.name == "postgresql":
                query = f'SELECT t::text FROM "{name}" AS t'
                dumped += [row[0] for row in conn.exec_driver_sql(query)]
            else:
                dumped += [
                    str(tuple(row)) for row in conn.exec_driver_sql(f'SELECT * FROM "{name}"')
                ]
    return "\n".join(dumped)


def _sqlite_bytes(world: World) -> bytes:
    """The raw bytes of the SQLite database file and its write-ahead log."""
    path = Path(world.engine.url.database or "")
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.mark.parametrize("before_0008", [False, True], ids=["ledger_names_record", "legacy_rows"])
def test_erasure_removes_every_copy_even_after_a_nik_correction(
    world: World, before_0008: bool
) -> None:
    """The NIK was corrected after a conflict: the stored conflict answer held the record
    under its earlier NIK, and the earlier NIK's guard and the record's earlier versions lie
    in the database's free pages. Afterwards neither the tables (PostgreSQL, by query) nor
    the SQLite file and its WAL (byte scan) hold the name or either NIK. Ledger rows written
    before migration 0008 name no record; they are found too."""
    a1, _, supervisor = world.standard()
    enr = str(uuid.uuid4())
    fields = enrollment_fields(37, full_name="Rahmawati Erasable")
    first_nik, name = fields["nik"], fields["full_name"]
    assert a1.push_one(op("enrollment", "create", enr, fields))["status"] == "applied"
    assert (
        supervisor.push_one(
            op("enrollment", "update", enr, {"phone": "+6281399990000"}, base_version=1)
        )["status"]
        == "applied"
    )
    late = op("enrollment", "update", enr, {"phone": "+6281377770000"}, base_version=1)
    answer = a1.push_one(late)
    assert answer["status"] == "conflict" and answer["current"]["nik"] == first_nik
    if before_0008:
        with world.engine.begin() as conn:
            conn.execute(db.table(db.Ledger).update().values(entity_id=None))
    corrected = enrollment_fields(38)["nik"]
    fix = op(
        "enrollment",
        "update",
        enr,
        {"nik": corrected, "birth_date": nik_birth_date(corrected), "gender": "F"},
        base_version=2,
    )
    assert a1.push_one(fix)["status"] == "applied"
    assert first_nik in _every_table_as_text(world)

    admin.erase_enrollment(world.engine, enr)

    everything = _every_table_as_text(world)
    for secret in (first_nik, corrected, name):
        assert secret not in everything
    if world.engine.dialect.name == "sqlite":
        raw = _sqlite_bytes(world)
        for secret in (first_nik, corrected, name):
            assert secret.encode() not in raw, secret
    # The stored verdicts stand, without the copy.
    replay = a1.push_one(late)
    assert replay["status"] == "conflict" and replay.get("current") is None
    assert a1.push_one(fix)["status"] == "duplicate"
