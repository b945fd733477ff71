"""Opening a database that is already at the newest migration never imports Alembic (it costs
about 11 MB of the app's memory); a new or older database is still migrated by Alembic."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import textwrap

import pytest
from alembic.script import ScriptDirectory

from agent_app.storage import engine as storage_engine

pytestmark = pytest.mark.clock_free


def test_head_revision_read_from_the_scripts_is_alembics_head():
    script = ScriptDirectory.from_config(storage_engine.alembic_config())
    assert storage_engine.head_revision() == script.get_current_head()


def run(code: str, tmp_path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DB": str(tmp_path / "app.db"), "KEY": KEY.hex()},
        check=True,
    )
    return result.stdout.strip()


KEY = secrets.token_bytes(32)

OPEN = """
    import os, sys
    from pathlib import Path
    from agent_app.storage import engine
    e = engine.open_engine(Path(os.environ["DB"]), bytes.fromhex(os.environ["KEY"]))
    with e.connect() as c:
        rev = c.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    print(rev, "alembic" in sys.modules)
"""


def test_a_new_database_is_migrated_then_reopened_without_alembic(tmp_path):
    head = storage_engine.head_revision()
    assert run(OPEN, tmp_path) == f"{head} True"
    assert run(OPEN, tmp_path) == f"{head} False"


def test_an_older_database_is_migrated_up(tmp_path):
    run(OPEN, tmp_path)
    run(
        """
        import os
        from pathlib import Path
        from agent_app.storage import engine
        e = engine.open_engine(Path(os.environ["DB"]), bytes.fromhex(os.environ["KEY"]))
        with e.begin() as c:
            c.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
            c.exec_driver_sql("DROP TABLE sync_secrets")
            c.exec_driver_sql("DROP TABLE pull_cursors")
            c.exec_driver_sql("DROP TABLE form_drafts")
            c.exec_driver_sql("DROP TABLE assignments")
            c.exec_driver_sql("DROP TABLE attachments")
            c.exec_driver_sql("DROP TABLE consent_texts")
            c.exec_driver_sql("DROP TABLE employer_workers")
            c.exec_driver_sql("DROP TABLE employer_registrations")
            c.exec_driver_sql("DROP TABLE deferred_indexes")
            c.exec_driver_sql("DROP INDEX ix_enrollments_attention")
            c.exec_driver_sql("DROP INDEX ix_businesses_live_search")
            c.exec_driver_sql("DROP INDEX ix_businesses_not_live")
            c.exec_driver_sql("DROP INDEX ix_enrollments_live_search")
            c.exec_driver_sql("DROP INDEX ix_enrollments_live_name")
            c.exec_driver_sql(
                "CREATE INDEX ix_enrollments_live_full_name ON enrollments (full_name)"
                " WHERE deleted = 0"
            )
            for index in ("ix_businesses_nib", "ix_businesses_phone", "ix_businesses_region_code"):
                c.exec_driver_sql(f"DROP INDEX {index}")
            for table, columns in (
                ("businesses", ("accuracy_m", "attachments", "partner_source", "merged_into")),
                ("visits", ("latitude", "longitude", "accuracy_m", "attachments")),
                ("enrollments", ("attachments", "review_reason_code", "confirmed_op")),
            ):
                for column in columns:
                    c.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
            c.exec_driver_sql("DROP INDEX ix_audit_op_id")
            for column in ("seq", "prev_hash", "hash", "op_id"):
                c.exec_driver_sql(f"ALTER TABLE audit DROP COLUMN {column}")
            for column in ("audit_seq", "audit_hash"):
                c.exec_driver_sql(f"ALTER TABLE sync_state DROP COLUMN {column}")
            c.exec_driver_sql("ALTER TABLE branches DROP COLUMN time_zone")
        """,
        tmp_path,
    )
    assert run(OPEN, tmp_path) == f"{storage_engine.head_revision()} True"
