"""A record's `status`, `event_id` and `occurred_at` kept by a trigger on PostgreSQL, and written
by the push (issue 15).

Migration 0011 made them generated columns of the `json` column `fields`: PostgreSQL parsed each
record's JSON three times to write a row (`->>` on `json` runs the whole parser each time),
about a third of the backend's CPU for a COPY of 500 pushed enrollments. Here they become plain
columns (`DROP EXPRESSION` keeps every stored value; the indexes stay) that a `BEFORE INSERT OR
UPDATE` trigger computes with the same expressions, so every writer that does not name them
(the admin commands, the console, the imports) gets what it got before. A push writes them
itself (`sync/server/bulk.py`, as `->>` gives them) with the transaction-local setting
`perisai.record_terms` = `written`, and the trigger is then skipped, except for a record whose
JSON names `visited_at` (a visit: its `occurred_at` stays the database's conversion). SQLite
keeps its generated columns (its JSON functions run in process, and cheaply): nothing there.
Downgrading drops the trigger and makes them generated columns again, with their indexes.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

#: The columns and their expressions (migration 0011's, PostgreSQL).
COLUMNS = (
    ("status", 24, "(fields ->> 'status')"),
    ("event_id", 64, "(fields ->> 'event_id')"),
    ("occurred_at", 19, "perisai_utc_text((fields ->> 'visited_at'))"),
)
#: Migration 0011's indexes on them, rebuilt when going down.
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

FUNCTION = """
CREATE FUNCTION perisai_record_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.status := NEW.fields ->> 'status';
    NEW.event_id := NEW.fields ->> 'event_id';
    NEW.occurred_at := perisai_utc_text(NEW.fields ->> 'visited_at');
    RETURN NEW;
END;
$$
"""
# The WHEN clause is evaluated without calling PL/pgSQL: a pushed enrollment costs a look-up of
# the setting and a substring search of its JSON text (json is stored as its text).
TRIGGER = """
CREATE TRIGGER record_terms BEFORE INSERT OR UPDATE ON record FOR EACH ROW
WHEN (current_setting('perisai.record_terms', true) IS DISTINCT FROM 'written'
      OR strpos(NEW.fields::text, '"visited_at"') > 0)
EXECUTE FUNCTION perisai_record_terms()
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _, _ in COLUMNS:
        op.execute(f"ALTER TABLE record ALTER COLUMN {name} DROP EXPRESSION")
    op.execute(FUNCTION)
    op.execute(TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER record_terms ON record")
    op.execute("DROP FUNCTION perisai_record_terms()")
    for index in reversed(INDEXES):
        op.drop_index(index, table_name="record")
    for name, _, _ in reversed(COLUMNS):
        op.drop_column("record", name)
    for name, length, expression in COLUMNS:
        op.add_column(
            "record", sa.Column(name, sa.String(length), sa.Computed(sa.text(expression)))
        )
    for index, columns in INDEXES.items():
        op.create_index(index, "record", columns)
