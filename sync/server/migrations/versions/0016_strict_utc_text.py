"""`perisai_utc_text` (migration 0011) declared STRICT on PostgreSQL (issue 15): the generated
column `occurred_at` calls it for every record written, and all but the visits have no
`visited_at`. Called on a NULL, the PL/pgSQL function entered its body and its EXCEPTION block,
which opens a subtransaction per call; STRICT answers NULL without calling it, which is what the
body answered (`NULL::timestamptz` is NULL). Same values: no column is recomputed. 100,000
records: 1.4-1.6 s of PostgreSQL CPU as it was, 0.49-0.64 s STRICT (docs/benchmarks.md, "Issue 15:
the server's push, again"). Nothing on SQLite.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER FUNCTION perisai_utc_text(text) STRICT")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER FUNCTION perisai_utc_text(text) CALLED ON NULL INPUT")
