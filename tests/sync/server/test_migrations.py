"""The server's Alembic migrations: they build exactly the tables the code declares, and go
down and up again (batch mode, so SQLite can follow)."""

from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from helpers.databases import scratch_database

from sync.server import config, db, migrate


def test_migrations_match_the_models_and_round_trip(database_url: str) -> None:
    engine = db.make_engine(config.Settings(database_url=database_url))
    try:
        assert migrate.current_revision(engine) == "0016"
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, db.Base.metadata) == []
        migrate.downgrade(engine, "base")
        assert "record" not in sa.inspect(engine).get_table_names()
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT value FROM seq_counter")).scalar_one() == 0
    finally:
        engine.dispose()


def test_0005_gives_existing_devices_their_branch_and_keeps_revoked_ones_revoked(
    database_url: str,
) -> None:
    """Existing rows: a device takes the branch of the agent bound to it first; a device bound
    to nobody was revoked and stays so; no shared device key is carried to the agents."""
    engine = db.make_engine(config.Settings(database_url=database_url))
    try:
        migrate.downgrade(engine, "0003")
        with engine.begin() as conn:
            conn.execute(
                sa.text("INSERT INTO branch (code, name) VALUES ('PLG', 'P'), ('LLG', 'L')")
            )
            for code, branch in (("A1", "PLG"), ("B1", "LLG")):
                conn.execute(
                    sa.text(
                        "INSERT INTO agent (code, name, branch_code, role, password_hash,"
                        " failed_logins, active, created_at) VALUES (:c, 'x', :b, 'agent', 'h',"
                        " 0, true, CURRENT_TIMESTAMP)"
                    ),
                    {"c": code, "b": branch},
                )
            for device in ("d-bound", "d-revoked"):
                conn.execute(
                    sa.text(
                        "INSERT INTO device (device_id, name, public_key, created_at)"
                        " VALUES (:d, 'n', 'a2V5', CURRENT_TIMESTAMP)"
                    ),
                    {"d": device},
                )
            conn.execute(
                sa.text(
                    "INSERT INTO device_agent (device_id, agent_code, bound_at) VALUES"
                    " ('d-bound', 'A1', '2026-11-01 00:00:00'),"
                    " ('d-bound', 'B1', '2026-11-02 00:00:00')"
                )
            )
        migrate.upgrade(engine)
        with engine.connect() as conn:
            rows = {
                r.device_id: r
                for r in conn.execute(
                    sa.text("SELECT device_id, branch_code, revoked_at FROM device")
                )
            }
            keys = conn.execute(sa.text("SELECT public_key FROM device_agent")).scalars().all()
        assert rows["d-bound"].branch_code == "PLG" and rows["d-bound"].revoked_at is None
        assert rows["d-revoked"].revoked_at is not None
        assert keys == [None, None]
    finally:
        engine.dispose()


def test_0008_keeps_existing_rows_and_removes_stored_nuls(database_url: str) -> None:
    """An existing deployment upgrades cleanly: ledger rows written before 0008 get no
    entity_id (nothing says which record they were about; erasure matches them by NIK, or
    name and birth date), and a NUL stored before push refused it is removed from the
    record's text and from stored conflict answers, every other character kept; afterwards
    a push that touches that record works on PostgreSQL too."""
    import uuid

    from srv_support import World, business_fields, cheap_settings, op

    engine = db.make_engine(config.Settings(database_url=database_url))
    record_id, op_id = str(uuid.uuid4()), str(uuid.uuid4())
    try:
        migrate.downgrade(engine, "0003")
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO record (entity_id, entity, branch_code, owner_code, version, "
                    "deleted, fields, field_versions, server_seq, created_at, updated_at) "
                    "VALUES (:id, 'business', 'PLG', 'A1', 1, false, :fields, '{}', 1, "
                    ":now, :now)"
                ),
                {
                    "id": record_id,
                    "fields": '{"name":"Pempek\\u0000 Cek\\\\u0000 Molek \\u00e9\\n","status":'
                    '"prospect","registered_by":"A1"}',
                    "now": db.utcnow(),
                },
            )
            conn.execute(
                sa.text(
                    "INSERT INTO ledger (op_id, payload_hash, device_id, agent_code, status, "
                    "entity_version, server_seq, error, current, created_at) VALUES (:op, "
                    "'h', 'd', 'A1', 'conflict', 1, NULL, NULL, :current, :now)"
                ),
                {"op": op_id, "current": '{"name":"A\\u0000B"}', "now": db.utcnow()},
            )
        migrate.upgrade(engine)
        with engine.connect() as conn:
            fields = conn.execute(
                sa.select(db.table(db.Record).c.fields).where(
                    db.table(db.Record).c.entity_id == record_id
                )
            ).scalar_one()
            ledger = db.table(db.Ledger)
            stored = conn.execute(sa.select(ledger).where(ledger.c.op_id == op_id)).one()
        assert fields["name"] == "Pempek Cek\\u0000 Molek é\n"
        assert stored.current == {"name": "AB"} and stored.entity_id is None
    finally:
        engine.dispose()
    world = World(cheap_settings(database_url))
    try:
        world.branch()
        world.agent("A1")
        laptop = world.login("A1")
        update = op("business", "update", record_id, {"address": "Jl. Merdeka"}, base_version=1)
        assert laptop.push_one(update)["status"] == "applied"
        assert laptop.push_one(op("business", "create", None, business_fields()))["status"] == (
            "applied"
        )
    finally:
        world.close()


def test_branches_made_before_time_zones_keep_their_days_in_wib(database_url: str) -> None:
    """0004 gives existing branches WIB, the zone the server assumed for everyone before."""
    engine = db.make_engine(config.Settings(database_url=database_url))
    try:
        migrate.downgrade(engine, "0003")
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO branch (code, name) VALUES ('OLD', 'Lama')"))
        migrate.upgrade(engine)
        with engine.connect() as conn:
            zone = conn.execute(sa.text("SELECT time_zone FROM branch WHERE code = 'OLD'"))
            assert zone.scalar_one() == "Asia/Jakarta"
    finally:
        engine.dispose()


def test_upgrade_gives_existing_refresh_tokens_their_device_family(database_url: str) -> None:
    """Before 0006 a reused token revoked every token of its agent on its device: that is the
    family an existing token gets, so an upgraded server keeps revoking what it did."""
    engine = db.make_engine(config.Settings(database_url=database_url))
    try:
        migrate.downgrade(engine, "0003")
        now = db.utcnow()
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO branch (code, name) VALUES ('PLG', 'Palembang')"))
            conn.execute(
                sa.text(
                    "INSERT INTO agent (code, name, branch_code, role, password_hash, "
                    "failed_logins, active, created_at) VALUES ('A1', 'Agen', 'PLG', 'agent', "
                    "'x', 0, true, :now)"
                ),
                {"now": now},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO device (device_id, name, created_at) VALUES ('d1', 'L', :now)"
                ),
                {"now": now},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO refresh_token (token_hash, agent_code, device_id, expires_at) "
                    "VALUES ('h1', 'A1', 'd1', :now)"
                ),
                {"now": now},
            )
        migrate.upgrade(engine)
        with engine.connect() as conn:
            row = conn.execute(sa.text("SELECT family_id, successor FROM refresh_token")).one()
            audit_key = conn.execute(
                sa.text("SELECT value FROM server_meta WHERE key = 'nik_audit_key'")
            ).scalar_one()
        assert row.family_id == "A1:d1" and row.successor is None
        assert len(base64.b64decode(audit_key)) == 32
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_0016_utc_text_is_strict_and_answers_as_before(pg_admin_url: str) -> None:
    """STRICT skips the PL/pgSQL body (and its EXCEPTION block's subtransaction) for the
    records without a `visited_at`; every answer is what the body gave."""
    asked = "SELECT proisstrict FROM pg_proc WHERE proname = 'perisai_utc_text'"
    answers = (
        "SELECT perisai_utc_text(NULL), perisai_utc_text('bukan tanggal'),"
        " perisai_utc_text('2026-12-01T07:30:00+07:00')"
    )
    with scratch_database(pg_admin_url, "perisai_strict") as url:
        engine = db.make_engine(config.Settings(database_url=url))
        try:
            migrate.upgrade(engine)
            with engine.connect() as conn:
                assert conn.execute(sa.text(asked)).scalar() is True
                values = tuple(conn.execute(sa.text(answers)).one())
            assert values == (None, None, "2026-12-01 00:30:00")
            migrate.downgrade(engine, "0015")
            with engine.connect() as conn:
                assert conn.execute(sa.text(asked)).scalar() is False
                assert tuple(conn.execute(sa.text(answers)).one()) == values
        finally:
            engine.dispose()
