"""Partner prospect lists and one record per business (issue 18): `prospect_source`,
`prospect_upload`, `prospect_list`, `prospect_list_item`, `business_duplicate` and
`business_merge` (sync/server/prospects/tables.py says what each holds); and the indexes the
console's audit pages walk, newest first (`admin_audit` and `audit_event` by `at`, `id`), which
were missing: each page was a full sort of the trail.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "prospect_source",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("branch_code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("mapping", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_code"],
            ["branch.code"],
            name=op.f("fk_prospect_source_branch_code_branch"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prospect_source")),
        sa.UniqueConstraint("branch_code", "name", name=op.f("uq_prospect_source_branch_code")),
    )
    op.create_table(
        "prospect_upload",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("branch_code", sa.String(32), nullable=False),
        sa.Column("agent_code", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prospect_upload")),
    )
    op.create_index("ix_prospect_upload_created_at", "prospect_upload", ["created_at"])
    op.create_table(
        "prospect_list",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("branch_code", sa.String(32), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=True),
        sa.Column("imported_by", sa.String(64), nullable=False),
        sa.Column("imported_at", TZ, nullable=False),
        sa.Column("rows_created", sa.Integer(), nullable=False),
        sa.Column("rows_linked", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["prospect_source.id"],
            name=op.f("fk_prospect_list_source_id_prospect_source"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prospect_list")),
    )
    op.create_index("ix_prospect_list_source_id", "prospect_list", ["source_id"])
    op.create_index("ix_prospect_list_branch_code", "prospect_list", ["branch_code"])
    op.create_table(
        "prospect_list_item",
        sa.Column("list_id", sa.String(36), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.String(36), nullable=False),
        sa.Column("linked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["prospect_list.id"],
            name=op.f("fk_prospect_list_item_list_id_prospect_list"),
        ),
        sa.PrimaryKeyConstraint("list_id", "row_number", name=op.f("pk_prospect_list_item")),
    )
    op.create_index("ix_prospect_list_item_business_id", "prospect_list_item", ["business_id"])
    op.create_table(
        "business_duplicate",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("branch_code", sa.String(32), nullable=False),
        sa.Column("business_id", sa.String(36), nullable=False),
        sa.Column("candidate_id", sa.String(36), nullable=False),
        sa.Column("reason", sa.String(8), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("found_at", TZ, nullable=False),
        sa.Column("resolution", sa.String(16), nullable=True),
        sa.Column("resolved_by", sa.String(64), nullable=True),
        sa.Column("resolved_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_duplicate")),
        sa.UniqueConstraint(
            "business_id", "candidate_id", name=op.f("uq_business_duplicate_business_id")
        ),
    )
    op.create_index(
        "ix_business_duplicate_branch_open",
        "business_duplicate",
        ["branch_code", "resolution", "found_at"],
    )
    op.create_index("ix_business_duplicate_candidate_id", "business_duplicate", ["candidate_id"])
    op.create_table(
        "business_merge",
        sa.Column("loser_id", sa.String(36), nullable=False),
        sa.Column("survivor_id", sa.String(36), nullable=False),
        sa.Column("merged_by", sa.String(64), nullable=False),
        sa.Column("merged_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("loser_id", name=op.f("pk_business_merge")),
    )
    op.create_index("ix_business_merge_survivor_id", "business_merge", ["survivor_id"])
    op.create_index("ix_admin_audit_at_id", "admin_audit", ["at", "id"])
    op.create_index("ix_audit_event_at_id", "audit_event", ["at", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_at_id", table_name="audit_event")
    op.drop_index("ix_admin_audit_at_id", table_name="admin_audit")
    op.drop_index("ix_business_merge_survivor_id", table_name="business_merge")
    op.drop_table("business_merge")
    op.drop_index("ix_business_duplicate_candidate_id", table_name="business_duplicate")
    op.drop_index("ix_business_duplicate_branch_open", table_name="business_duplicate")
    op.drop_table("business_duplicate")
    op.drop_index("ix_prospect_list_item_business_id", table_name="prospect_list_item")
    op.drop_table("prospect_list_item")
    op.drop_index("ix_prospect_list_branch_code", table_name="prospect_list")
    op.drop_index("ix_prospect_list_source_id", table_name="prospect_list")
    op.drop_table("prospect_list")
    op.drop_index("ix_prospect_upload_created_at", table_name="prospect_upload")
    op.drop_table("prospect_upload")
    op.drop_table("prospect_source")
