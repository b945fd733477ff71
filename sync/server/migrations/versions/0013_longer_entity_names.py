"""Entity names up to 32 characters: `employer_registration` (issue 17, 21 characters) is a
record's entity, and the entity of the attachment references its record makes.

`record.entity` and `attachment_ref.entity` were VARCHAR(16). On PostgreSQL a VARCHAR is
widened in place (no table rewrite; the indexes stay valid). SQLite cannot alter a column's
type, and alembic's batch mode misreads the generated columns of 0011: each table is rebuilt
by SQLite's own procedure (its CREATE statement with the new type, the stored columns copied,
the old table dropped, the new one renamed, its indexes created again). SQLite never enforced
the length; the schema says 32 so that it matches the models. Nothing references either table.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLES = ("record", "attachment_ref")


def _sqlite_retype(table: str, before: str, after: str) -> None:
    conn = op.get_bind()
    create = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar_one()
    indexes = [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        )
    ]
    # table_xinfo's `hidden`: 0 for a stored column, 2 and 3 for generated ones.
    stored = [
        f'"{row[1]}"'
        for row in conn.exec_driver_sql(f'PRAGMA table_xinfo("{table}")')
        if row[6] == 0
    ]
    temporary = f"{table}_0013"
    retyped, found = re.subn(rf"\bentity {re.escape(before)}", f"entity {after}", create, count=1)
    renamed, named = re.subn(rf'^CREATE TABLE "?{table}"?', f'CREATE TABLE "{temporary}"', retyped)
    if not (found and named):
        raise RuntimeError(f"unexpected schema of {table}: {create}")
    columns = ", ".join(stored)
    conn.exec_driver_sql(renamed)
    conn.exec_driver_sql(f'INSERT INTO "{temporary}" ({columns}) SELECT {columns} FROM "{table}"')
    conn.exec_driver_sql(f'DROP TABLE "{table}"')
    conn.exec_driver_sql(f'ALTER TABLE "{temporary}" RENAME TO "{table}"')
    for statement in indexes:
        conn.exec_driver_sql(statement)


def _resize(before: int, after: int) -> None:
    for table in TABLES:
        if op.get_bind().dialect.name == "sqlite":
            _sqlite_retype(table, f"VARCHAR({before})", f"VARCHAR({after})")
            continue
        op.alter_column(
            table,
            "entity",
            existing_type=sa.String(before),
            type_=sa.String(after),
            existing_nullable=False,
        )


def upgrade() -> None:
    _resize(16, 32)


def downgrade() -> None:
    _resize(32, 16)
