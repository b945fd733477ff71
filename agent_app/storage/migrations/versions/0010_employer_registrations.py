"""Employer registrations (issue 17): a business registered as an employer (PU) with its
workers as JSON, and the index of its workers' NIKs for the local NIK check.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "employer_registrations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("business_id", sa.String(length=36), nullable=False),
        sa.Column("nib", sa.String(length=13), nullable=True),
        sa.Column("npwp", sa.String(length=20), nullable=True),
        sa.Column("owner_nik", sa.String(length=16), nullable=True),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("owner_phone", sa.String(length=20), nullable=False),
        sa.Column("size_class", sa.String(length=16), nullable=False),
        sa.Column("size_basis", sa.String(length=16), nullable=False),
        sa.Column("sector", sa.String(length=32), nullable=False),
        sa.Column("region_code", sa.String(length=16), nullable=True),
        sa.Column("risk_group", sa.String(length=4), nullable=False),
        sa.Column("risk_group_assigned", sa.Boolean(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("programs", sa.JSON(), nullable=False),
        sa.Column("workers", sa.JSON(), nullable=False),
        sa.Column("monthly_contribution", sa.Integer(), nullable=False),
        sa.Column("consent", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("review_reason_code", sa.String(length=32), nullable=True),
        sa.Column("npp", sa.String(length=40), nullable=True),
        sa.Column("agent_code", sa.String(length=32), nullable=True),
        sa.Column("recorded_at", sa.String(length=40), nullable=True),
        sa.Column("confirmed_fields", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("sync_state", sa.String(length=16), nullable=True),
        sa.Column("sync_error_code", sa.String(length=64), nullable=True),
        sa.Column("sync_error_message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer_registrations")),
    )
    op.create_index(
        op.f("ix_employer_registrations_business_id"),
        "employer_registrations",
        ["business_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_employer_registrations_status_recorded_at"),
        "employer_registrations",
        ["status", "recorded_at"],
        unique=False,
    )
    op.create_table(
        "employer_workers",
        sa.Column("registration_id", sa.String(length=36), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("nik", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("registration_id", "line", name=op.f("pk_employer_workers")),
    )
    op.create_index(op.f("ix_employer_workers_nik"), "employer_workers", ["nik"], unique=False)


def downgrade() -> None:
    # New tables only: dropped as they are (no batch mode, which would rebuild other tables
    # and lose their search triggers).
    op.drop_index(op.f("ix_employer_workers_nik"), table_name="employer_workers")
    op.drop_table("employer_workers")
    op.drop_index(
        op.f("ix_employer_registrations_status_recorded_at"), table_name="employer_registrations"
    )
    op.drop_index(
        op.f("ix_employer_registrations_business_id"), table_name="employer_registrations"
    )
    op.drop_table("employer_registrations")
