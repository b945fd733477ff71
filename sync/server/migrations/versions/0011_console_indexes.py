"""Indexes for the branch console's reads: the review queue and the coverage.

- `ix_record_queue_<status>`: one partial index per review status (submitted, accepted,
  needs_correction) on (branch_code, created_at, entity_id) of live enrollments: the queue's
  first page reads its 51 rows in order instead of scanning every record for the JSON status.
  Each enrollment is in exactly one of them; the keys grow with time, so a push appends.
- `ix_record_branch_entity_created` on (branch_code, entity, created_at, owner_code, deleted):
  the coverage counts a branch's enrollments and businesses of a period, by agent, from the
  index alone.

The WHERE terms are written as `db.queue_terms` writes them in the queries (the key in the
SQL, never a bound value): SQLite uses a partial index only for the very same term.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

STATUSES = ("submitted", "accepted", "needs_correction")


def _status_sql(dialect: str) -> str:
    if dialect == "sqlite":
        return "json_extract(fields, '$.status')"
    return "(fields ->> 'status')"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    false = "0" if dialect == "sqlite" else "false"
    for status in STATUSES:
        where = sa.text(
            f"entity = 'enrollment' AND deleted = {false} AND {_status_sql(dialect)} = '{status}'"
        )
        op.create_index(
            f"ix_record_queue_{status}",
            "record",
            ["branch_code", "created_at", "entity_id"],
            sqlite_where=where,
            postgresql_where=where,
        )
    op.create_index(
        "ix_record_branch_entity_created",
        "record",
        ["branch_code", "entity", "created_at", "owner_code", "deleted"],
    )


def downgrade() -> None:
    op.drop_index("ix_record_branch_entity_created", table_name="record")
    for status in reversed(STATUSES):
        op.drop_index(f"ix_record_queue_{status}", table_name="record")
