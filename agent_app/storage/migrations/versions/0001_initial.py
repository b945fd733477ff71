"""Initial schema of the local database: tables of storage.tables plus FTS5 search.

Revision ID: 0001
Revises:
Create Date: 2026-11-21

The FTS5 tables are external-content trigram indexes over businesses (name, owner) and
enrollments (full name, NIK), keyed by the tables' integer `pk`, kept in step by triggers.
A later batch migration that rebuilds `businesses` or `enrollments` must recreate the triggers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _search_ddl(table: str, columns: tuple[str, ...]) -> list[str]:
    fts = f"{table}_fts"
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
        "content_rowid='pk', tokenize='trigram remove_diacritics 1')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.pk, {new}); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.pk, {old}); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.pk, {old}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.pk, {new}); END",
    ]


SEARCH = {"businesses": ("name", "owner_name"), "enrollments": ("full_name", "nik")}


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("branch", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_agents")),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=True),
        sa.Column("entity_id", sa.String(length=36), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "branches",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_branches")),
    )
    op.create_table(
        "businesses",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(collation="NOCASE"), nullable=False),
        sa.Column("owner_name", sa.String(collation="NOCASE"), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("sector", sa.String(length=32), nullable=True),
        sa.Column("size_class", sa.String(length=16), nullable=True),
        sa.Column("workers_count", sa.Integer(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("region_code", sa.String(length=16), nullable=True),
        sa.Column("nib", sa.String(length=13), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=True),
        sa.Column("registered_by", sa.String(length=32), nullable=True),
        sa.Column("last_visit_at", sa.String(length=40), nullable=True),
        sa.Column("last_outcome", sa.String(length=16), nullable=True),
        sa.Column("next_follow_up", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("sync_state", sa.String(length=16), nullable=True),
        sa.Column("sync_error_code", sa.String(length=64), nullable=True),
        sa.Column("sync_error_message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_businesses")),
        sa.UniqueConstraint("id", name=op.f("uq_businesses_id")),
    )
    with op.batch_alter_table("businesses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_businesses_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_businesses_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            "ix_businesses_live_name", ["name"], unique=False, sqlite_where=sa.text("deleted = 0")
        )
        batch_op.create_index(
            "ix_businesses_follow_up",
            ["next_follow_up", "name"],
            unique=False,
            sqlite_where=sa.text("deleted = 0 AND status NOT IN ('enrolled', 'declined')"),
        )
        batch_op.create_index(batch_op.f("ix_businesses_sector"), ["sector"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_businesses_status_name"), ["status", "name"], unique=False
        )

    op.create_table(
        "enrollments",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("nik", sa.String(length=16), nullable=False),
        sa.Column("full_name", sa.String(collation="NOCASE"), nullable=False),
        sa.Column("birth_place", sa.String(length=100), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("gender", sa.String(length=1), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("region_code", sa.String(length=16), nullable=True),
        sa.Column("occupation", sa.String(length=32), nullable=True),
        sa.Column("declared_income", sa.Integer(), nullable=True),
        sa.Column("programs", sa.JSON(), nullable=False),
        sa.Column("period_months", sa.Integer(), nullable=False),
        sa.Column("paid_by_state", sa.Boolean(), nullable=False),
        sa.Column("monthly_contribution", sa.Integer(), nullable=True),
        sa.Column("consent", sa.JSON(), nullable=True),
        sa.Column("business_id", sa.String(length=36), nullable=True),
        sa.Column("event_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("membership_number", sa.String(length=40), nullable=True),
        sa.Column("agent_code", sa.String(length=32), nullable=True),
        sa.Column("birth_date_override_reason", sa.Text(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.Column("submitted_at", sa.String(length=40), nullable=True),
        sa.Column("confirmed_fields", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("sync_state", sa.String(length=16), nullable=True),
        sa.Column("sync_error_code", sa.String(length=64), nullable=True),
        sa.Column("sync_error_message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_enrollments")),
        sa.UniqueConstraint("id", name=op.f("uq_enrollments_id")),
    )
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enrollments_business_id"), ["business_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_enrollments_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            "ix_enrollments_live_full_name",
            ["full_name"],
            unique=False,
            sqlite_where=sa.text("deleted = 0"),
        )
        batch_op.create_index(
            batch_op.f("ix_enrollments_nik_status"), ["nik", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_enrollments_status_full_name"), ["status", "full_name"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_enrollments_submitted_at"), ["submitted_at"], unique=False
        )

    op.create_table(
        "events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=False),
        sa.Column("branch", sa.String(length=32), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_table(
        "outbox",
        sa.Column("op_seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("op_seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("op_id", name=op.f("uq_outbox_op_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_entity_id_status"), ["entity_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_status_op_seq"), ["status", "op_seq"], unique=False
        )

    op.create_table(
        "rate_tables",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("table", sa.JSON(), nullable=False),
        sa.Column("pulled_version", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_tables")),
    )
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("last_success_at", sa.String(length=40), nullable=True),
        sa.Column("clock_offset_seconds", sa.Float(), nullable=True),
        sa.Column("server_url", sa.Text(), nullable=True),
        sa.Column("last_op_seq", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "targets",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("scope_id", sa.String(length=64), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("goal", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targets")),
    )
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_targets_scope_scope_id"), ["scope", "scope_id"], unique=False
        )

    op.create_table(
        "visits",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("business_id", sa.String(length=36), nullable=False),
        sa.Column("visited_at", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("next_follow_up", sa.Date(), nullable=True),
        sa.Column("event_id", sa.String(length=36), nullable=True),
        sa.Column("agent_code", sa.String(length=32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("sync_state", sa.String(length=16), nullable=True),
        sa.Column("sync_error_code", sa.String(length=64), nullable=True),
        sa.Column("sync_error_message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"], ["businesses.id"], name=op.f("fk_visits_business_id_businesses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_visits_business_id_visited_at"),
            ["business_id", "visited_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_visits_visited_at"), ["visited_at"], unique=False)

    for table, columns in SEARCH.items():
        for statement in _search_ddl(table, columns):
            op.execute(statement)


def downgrade() -> None:
    for table in SEARCH:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {table}_fts")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visits_visited_at"))
        batch_op.drop_index(batch_op.f("ix_visits_business_id_visited_at"))

    op.drop_table("visits")
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_targets_scope_scope_id"))

    op.drop_table("targets")
    op.drop_table("sync_state")
    op.drop_table("rate_tables")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_status_op_seq"))
        batch_op.drop_index(batch_op.f("ix_outbox_entity_id_status"))

    op.drop_table("outbox")
    op.drop_table("events")
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrollments_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_enrollments_status_full_name"))
        batch_op.drop_index(batch_op.f("ix_enrollments_nik_status"))
        batch_op.drop_index("ix_enrollments_live_full_name")
        batch_op.drop_index(batch_op.f("ix_enrollments_event_id"))
        batch_op.drop_index(batch_op.f("ix_enrollments_business_id"))

    op.drop_table("enrollments")
    with op.batch_alter_table("businesses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_businesses_status_name"))
        batch_op.drop_index(batch_op.f("ix_businesses_sector"))
        batch_op.drop_index("ix_businesses_follow_up")
        batch_op.drop_index("ix_businesses_live_name")
        batch_op.drop_index(batch_op.f("ix_businesses_event_id"))
        batch_op.drop_index(batch_op.f("ix_businesses_created_at"))

    op.drop_table("businesses")
    op.drop_table("branches")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entity_id"))
        batch_op.drop_index(batch_op.f("ix_audit_at"))

    op.drop_table("audit")
    op.drop_table("agents")
