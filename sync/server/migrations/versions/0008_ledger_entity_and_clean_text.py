"""The ledger names each op's record, and stored text loses its NUL characters.

`ledger.entity_id` lets an erasure find every stored answer about the erased enrollment,
whatever NIK the record had when the answer was given (a conflict's `current` holds the
record as it was then). Rows written before this migration have no entity_id (nothing
stored says which record they were about); erasure finds those by the record's NIK, or its
name and birth date.

Before push refused them (issue 10, item 6), a NUL (U+0000) could be stored in a record's
text; on PostgreSQL every later batch touching that record then failed. Such NULs are
removed from the stored fields and conflict answers; every other character is kept.

Revision ID: 0008
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


def _strip_nul(table: str, key: str, column: str) -> None:
    conn = op.get_bind()
    # The JSON text of a NUL is the escape \u0000 (a literal backslash before it would
    # also match: such rows are read and written back unchanged).
    rows = conn.execute(
        sa.text(
            f"SELECT {key}, CAST({column} AS TEXT) AS body FROM {table} "
            f"WHERE CAST({column} AS TEXT) LIKE :pattern"
        ),
        {"pattern": "%\\u0000%"},
    ).all()
    for row in rows:
        value = json.loads(row.body)
        cleaned = _without_nul(value)
        if cleaned != value:
            conn.execute(
                sa.text(f"UPDATE {table} SET {column} = :body WHERE {key} = :key"),
                {"body": json.dumps(cleaned, separators=(",", ":")), "key": row[0]},
            )


def upgrade() -> None:
    with op.batch_alter_table("ledger") as batch:
        batch.add_column(sa.Column("entity_id", sa.String(36), nullable=True))
        batch.create_index(batch.f("ix_ledger_entity_id"), ["entity_id"])
    _strip_nul("record", "entity_id", "fields")
    _strip_nul("ledger", "op_id", "current")


def downgrade() -> None:
    with op.batch_alter_table("ledger") as batch:
        batch.drop_index(batch.f("ix_ledger_entity_id"))
        batch.drop_column("entity_id")
