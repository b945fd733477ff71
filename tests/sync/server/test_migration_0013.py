"""Migration 0013 (entity names up to 32 characters) on an existing database, SQLite and
PostgreSQL: every record and attachment reference is kept, the generated columns of 0011 still
compute (the console's queue reads `status` through its index), and afterwards an
`employer_registration` (21 characters) is stored."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from sync.server import config, db, migrate


def _indexes(conn: sa.Connection, table: str) -> set[str]:
    return {index["name"] for index in sa.inspect(conn).get_indexes(table)}


def test_0013_keeps_rows_indexes_and_generated_columns(database_url: str) -> None:
    from srv_support import World, business_fields, cheap_settings, op

    engine = db.make_engine(config.Settings(database_url=database_url))
    record_id, sha = str(uuid.uuid4()), "ab" * 32
    try:
        migrate.downgrade(engine, "0012")
        with engine.begin() as conn:
            before = _indexes(conn, "record"), _indexes(conn, "attachment_ref")
            conn.execute(
                sa.text(
                    "INSERT INTO record (entity_id, entity, branch_code, owner_code, version, "
                    "deleted, fields, field_versions, server_seq, created_at, updated_at) "
                    "VALUES (:id, 'enrollment', 'PLG', 'A1', 1, false, :fields, '{}', 1, "
                    ":now, :now)"
                ),
                {"id": record_id, "fields": '{"status":"submitted"}', "now": db.utcnow()},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO attachment_ref (sha256, entity_id, entity) "
                    "VALUES (:sha, :id, 'enrollment')"
                ),
                {"sha": sha, "id": record_id},
            )
        migrate.upgrade(engine)
        records = db.table(db.Record)
        with engine.connect() as conn:
            row = conn.execute(sa.select(records).where(records.c.entity_id == record_id)).one()
            refs = conn.execute(
                sa.text("SELECT entity FROM attachment_ref WHERE entity_id = :id"),
                {"id": record_id},
            ).scalars()
            assert (row.entity, row.status, row.fields) == (
                "enrollment",
                "submitted",
                {"status": "submitted"},
            )
            assert list(refs) == ["enrollment"]
            assert (_indexes(conn, "record"), _indexes(conn, "attachment_ref")) == before
            assert "ix_record_queue" in before[0]
            columns = {c["name"]: c["type"] for c in sa.inspect(conn).get_columns("record")}
            assert columns["entity"].length == 32
    finally:
        engine.dispose()
    world = World(cheap_settings(database_url))
    try:
        world.branch()
        world.agent("A1")
        laptop = world.login("A1")
        biz = str(uuid.uuid4())
        assert laptop.push_one(op("business", "create", biz, business_fields()))["status"] == (
            "applied"
        )
        from employer_support import ENTITY, registration

        stored = laptop.push_one(op(ENTITY, "create", None, registration(biz)))
        assert stored["status"] == "applied"
    finally:
        world.close()
