"""Field evidence (issue 14): photos and signatures inside the encrypted database, the
published consent texts, the records' `attachments`, and the place of a visit (a business
already had latitude and longitude; both now keep the position's accuracy).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("taken_at", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("uploaded_at", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachments")),
    )
    op.create_table(
        "consent_texts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("pulled_version", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_texts")),
    )
    with op.batch_alter_table("consent_texts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_texts_language_effective_from"),
            ["language", "effective_from"],
            unique=False,
        )
    with op.batch_alter_table("businesses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accuracy_m", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("attachments", sa.JSON(), nullable=True))
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("accuracy_m", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("attachments", sa.JSON(), nullable=True))
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachments", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("review_reason_code", sa.String(length=32), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later): batch mode would rebuild
    # `businesses` and `enrollments`, losing their search triggers (0001) and failing on the
    # foreign keys that point at them.
    for table, columns in (
        ("enrollments", ("review_reason_code", "attachments")),
        ("visits", ("attachments", "accuracy_m", "longitude", "latitude")),
        ("businesses", ("attachments", "accuracy_m")),
    ):
        for column in columns:
            op.drop_column(table, column)
    with op.batch_alter_table("consent_texts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_texts_language_effective_from"))
    op.drop_table("consent_texts")
    op.drop_table("attachments")
