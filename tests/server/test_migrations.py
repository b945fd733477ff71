"""The server's Alembic migrations: they build exactly the tables the code declares, and go
down and up again (batch mode, so SQLite can follow)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from sync.server import config, db, migrate


def test_migrations_match_the_models_and_round_trip(database_url: str) -> None:
    engine = db.make_engine(config.Settings(database_url=database_url))
    try:
        assert migrate.current_revision(engine) == "0004"
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
