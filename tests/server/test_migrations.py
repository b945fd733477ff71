"""The server's Alembic migrations: they build exactly the tables the code declares, and go
down and up again (batch mode, so SQLite can follow)."""

from __future__ import annotations

import base64

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from sync.server import config, db, migrate


def test_migrations_match_the_models_and_round_trip(database_url: str) -> None:
    engine = db.make_engine(config.Settings(database_url=database_url))
    try:
        assert migrate.current_revision(engine) == "0006"
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
