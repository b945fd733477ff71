"""One record per business (issue 18): a business's `partner_source` (the partner whose
prospect list it came from; server-set, pulled only), `merged_into` (local: the business a
merged one became on the server, so that what still names it finds the survivor), and the
indexes the duplicate check narrows its candidates with (the same NIB, phone, district).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("businesses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partner_source", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("merged_into", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_businesses_nib"), ["nib"], unique=False)
        batch_op.create_index(batch_op.f("ix_businesses_phone"), ["phone"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_businesses_region_code"), ["region_code"], unique=False
        )


def downgrade() -> None:
    # Not in batch mode: a batch drop would copy the table and lose its search triggers;
    # SQLite (3.35 and later) drops a plain column in place.
    op.drop_index(op.f("ix_businesses_region_code"), table_name="businesses")
    op.drop_index(op.f("ix_businesses_phone"), table_name="businesses")
    op.drop_index(op.f("ix_businesses_nib"), table_name="businesses")
    op.drop_column("businesses", "merged_into")
    op.drop_column("businesses", "partner_source")
