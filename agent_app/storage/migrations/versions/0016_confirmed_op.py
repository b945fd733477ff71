"""The fields the server confirmed of a record, by reference to its create (issue 15, "the
laptop's push, fifth pass").

A create the server applied as sent made its record keep a copy of the op's fields
(`confirmed_fields`, about 800 bytes an enrollment): every settled record's row doubled, its
pages split and were encrypted again at the settling's commit. `confirmed_op` names that create
in the outbox instead (its fields are frozen once sent); `confirmed_fields` stays NULL until a
later answer, a pull, a merge or the outbox's retention writes the fields themselves
(`agent_app.storage.confirmed`).

An existing home keeps its copies: the new column is NULL everywhere, and a NULL
`confirmed_op` means what the records meant before (their `confirmed_fields`, or nothing yet).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("enrollments", "employer_registrations")


def upgrade() -> None:
    for table in _TABLES:
        op.add_column(table, sa.Column("confirmed_op", sa.Integer(), nullable=True))


def downgrade() -> None:
    # The references become the copies they stand for, then the column goes.
    for table in _TABLES:
        op.execute(
            f"UPDATE {table} SET confirmed_fields = (SELECT fields FROM outbox"
            f" WHERE outbox.op_seq = {table}.confirmed_op) WHERE confirmed_op IS NOT NULL"
        )
        op.execute(f"ALTER TABLE {table} DROP COLUMN confirmed_op")
