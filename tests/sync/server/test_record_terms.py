"""A record's `status`, `event_id` and `occurred_at` (migration 0011's copies of its fields):
on PostgreSQL the push writes the first two itself (`bulk._term`) and migration 0017's trigger
computes them for every other writer; they must be exactly what `fields ->> 'name'` gives,
whatever the value, and the push's setting must not reach a later write of its transaction.
On SQLite they are generated columns (the same assertions hold)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from helpers.databases import scratch_database

from sync.server import bulk, config, db, migrate, push

NOW = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)
#: Values a record's `status` or `event_id` might hold, the awkward ones included.
VALUES: list[Any] = [
    "submitted",
    'é ✓ \u2028 "q" \\ \t',
    None,
    0,
    -12,
    1.5,
    True,
    False,
    [1, "a"],
    {"k": "é", "n": None},
    "",
]


def _rec(entity: str, fields: dict[str, Any]) -> push.Rec:
    return push.Rec(str(uuid.uuid4()), entity, "PLG", "A1", 1, False, fields, {}, 1, NOW, NOW)


def _terms(conn: sa.Connection, ids: list[str]) -> dict[str, tuple[Any, ...]]:
    r = db.table(db.Record).c
    rows = conn.execute(
        sa.select(r.entity_id, r.status, r.event_id, r.occurred_at).where(r.entity_id.in_(ids))
    )
    return {row.entity_id: tuple(row)[1:] for row in rows}


def _expected(conn: sa.Connection, ids: list[str]) -> dict[str, tuple[Any, ...]]:
    """What the database computes from each record's stored JSON, asked directly."""
    r = db.table(db.Record)
    if conn.dialect.name == "postgresql":
        terms = (
            "fields ->> 'status', fields ->> 'event_id', perisai_utc_text(fields ->> 'visited_at')"
        )
    else:
        terms = (  # the generated columns' TEXT affinity: numbers as their text
            "CAST(json_extract(fields, '$.status') AS TEXT), "
            "CAST(json_extract(fields, '$.event_id') AS TEXT), "
            "datetime(json_extract(fields, '$.visited_at'))"
        )
    rows = conn.execute(
        sa.select(r.c.entity_id, sa.text(terms)).select_from(r).where(r.c.entity_id.in_(ids))
    )
    return {row[0]: tuple(row)[1:] for row in rows}


def test_pushed_records_get_the_terms_the_database_would_compute(database_url: str) -> None:
    """Inserted and then updated by the push's bulk writes: every value of VALUES as status and
    as event_id, and a visit (whose `occurred_at` the trigger still computes)."""
    engine = db.make_engine(config.Settings(database_url=database_url))
    try:
        recs = [_rec("enrollment", {"status": v, "event_id": v, "nik": "x"}) for v in VALUES]
        recs.append(_rec("enrollment", {"nik": "no status or event"}))
        visit = {"visited_at": "2026-11-30T23:30:00+08:00", "event_id": "e1"}
        recs.append(_rec("visit", visit))
        ids = [r.entity_id for r in recs]
        with db.write_transaction(engine) as conn:
            bulk.insert_records(conn, recs)
        with engine.connect() as conn:
            got = _terms(conn, ids)
            assert got == _expected(conn, ids)
        assert got[recs[-1].entity_id] == (None, "e1", "2026-11-30 15:30:00")
        assert got[recs[0].entity_id] == ("submitted", "submitted", None)
        # Updated: each record takes the next record's values; the visit loses its time.
        for rec, value in zip(recs, [*VALUES[1:], VALUES[0]], strict=False):
            rec.fields = {"status": value, "event_id": value}
            rec.version += 1
        recs[-1].fields = {"event_id": "e2"}
        with db.write_transaction(engine) as conn:
            bulk.update_records(conn, recs)
        with engine.connect() as conn:
            got = _terms(conn, ids)
            assert got == _expected(conn, ids)
        assert got[recs[-1].entity_id] == (None, "e2", None)
        assert got[recs[0].entity_id][0] == VALUES[1]
    finally:
        engine.dispose()


def test_the_push_setting_ends_with_its_write(database_url: str) -> None:
    """A record written after the push's bulk write in the same transaction, by a writer that
    does not name the terms, still gets them computed (the setting was put back)."""
    engine = db.make_engine(config.Settings(database_url=database_url))
    try:
        pushed = _rec("enrollment", {"status": "submitted"})
        other = _rec("enrollment", {"status": "accepted", "event_id": "e9"})
        with db.write_transaction(engine) as conn:
            bulk.insert_records(conn, [pushed])
            row = bulk._record_row(other)
            del row["status"], row["event_id"]
            conn.execute(db.table(db.Record).insert(), row)
            assert _terms(conn, [other.entity_id]) == {other.entity_id: ("accepted", "e9", None)}
            bulk.update_records(conn, [pushed])
            conn.execute(
                db.table(db.Record)
                .update()
                .where(db.table(db.Record).c.entity_id == other.entity_id)
                .values(fields={"status": "returned"})
            )
        with engine.connect() as conn:
            assert _terms(conn, [other.entity_id]) == {other.entity_id: ("returned", None, None)}
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_0017_keeps_the_terms_and_goes_back_to_generated_columns(pg_admin_url: str) -> None:
    """Upgrading keeps every stored value and index (the columns become plain, kept by the
    trigger); downgrading makes them generated columns again, with the same values."""
    generated = (
        "SELECT column_name, is_generated FROM information_schema.columns "
        "WHERE table_name = 'record' AND column_name IN ('status', 'event_id', 'occurred_at')"
    )
    indexes = "SELECT indexname FROM pg_indexes WHERE tablename = 'record'"
    with scratch_database(pg_admin_url, "perisai_terms") as url:
        engine = db.make_engine(config.Settings(database_url=url))
        try:
            migrate.upgrade(engine, "0016")
            recs = [
                _rec("enrollment", {"status": "accepted", "event_id": "e1"}),
                _rec("visit", {"visited_at": "2026-12-01T07:30:00+07:00"}),
            ]
            ids = [r.entity_id for r in recs]
            with engine.begin() as conn:
                for rec in recs:
                    row = bulk._record_row(rec)
                    del row["status"], row["event_id"]
                    conn.execute(db.table(db.Record).insert(), row)
                before = _terms(conn, ids), set(conn.exec_driver_sql(indexes).scalars())
            assert before[0][ids[1]] == (None, None, "2026-12-01 00:30:00")
            migrate.upgrade(engine)
            with engine.connect() as conn:
                assert dict(conn.exec_driver_sql(generated).all()) == dict.fromkeys(
                    ("status", "event_id", "occurred_at"), "NEVER"
                )
                assert (_terms(conn, ids), set(conn.exec_driver_sql(indexes).scalars())) == before
            migrate.downgrade(engine, "0016")
            with engine.connect() as conn:
                assert set(dict(conn.exec_driver_sql(generated).all()).values()) == {"ALWAYS"}
                assert (_terms(conn, ids), set(conn.exec_driver_sql(indexes).scalars())) == before
        finally:
            engine.dispose()
