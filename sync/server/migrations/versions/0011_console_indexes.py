"""What the branch console reads through indexes: the review queue and the coverage.

`record` gets three columns the database computes from `fields` (generated columns: STORED on
PostgreSQL, VIRTUAL on SQLite, where only the indexes keep their values; no code writes them):
`status` (an enrollment's review status, a business's status), `event_id`, and `occurred_at`
(a visit's `visited_at` as its UTC text `YYYY-MM-DD HH:MM:SS`; on PostgreSQL through the
function `perisai_utc_text`, IMMUTABLE because every stamp carries its offset, and NULL for
text it cannot read, so no row is ever refused for it). Before them the queue scanned every
record's JSON for its status, and the coverage parsed the JSON of every record it counted
(7 microseconds a row: 0.7 s for 100,000 enrollments).

Indexes: `ix_record_queue` (branch_code, entity, status, created_at, entity_id): the queue's
page in its order; `ix_record_branch_entity_created` (branch_code, entity, created_at,
owner_code, event_id, status, deleted): enrollments, businesses and employers of a period by
branch, agent or event, from the index alone; `ix_record_branch_entity_occurred`
(branch_code, entity, occurred_at, owner_code, event_id, deleted): the visits likewise.

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

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION perisai_utc_text(stamp text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN to_char(stamp::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS');
EXCEPTION WHEN others THEN
    RETURN NULL;
END;
$$
"""


def _columns(dialect: str) -> list[tuple[str, int, str]]:
    if dialect == "sqlite":
        status = "json_extract(fields, '$.status')"
        event = "json_extract(fields, '$.event_id')"
        occurred = "datetime(json_extract(fields, '$.visited_at'))"
    else:
        status, event = "(fields ->> 'status')", "(fields ->> 'event_id')"
        occurred = "perisai_utc_text((fields ->> 'visited_at'))"
    return [("status", 24, status), ("event_id", 64, event), ("occurred_at", 19, occurred)]


INDEXES = {
    "ix_record_queue": ["branch_code", "entity", "status", "created_at", "entity_id"],
    "ix_record_branch_entity_created": [
        "branch_code",
        "entity",
        "created_at",
        "owner_code",
        "event_id",
        "status",
        "deleted",
    ],
    "ix_record_branch_entity_occurred": [
        "branch_code",
        "entity",
        "occurred_at",
        "owner_code",
        "event_id",
        "deleted",
    ],
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
    for name, length, expression in _columns(dialect):
        op.add_column(
            "record", sa.Column(name, sa.String(length), sa.Computed(sa.text(expression)))
        )
    for index, columns in INDEXES.items():
        op.create_index(index, "record", columns)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for index in reversed(INDEXES):
        op.drop_index(index, table_name="record")
    for name, _, _ in reversed(_columns(dialect)):
        op.drop_column("record", name)
    if dialect == "postgresql":
        op.execute("DROP FUNCTION perisai_utc_text(text)")
