"""The first schema of the central server, and its secrets.

Creates every table and seeds `server_meta` with a fresh epoch (cursors from another database
are answered 410), the access-token signing secret and the X25519 key that opens offline
bundles; `seq_counter` starts at 0.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import base64
import os
import uuid

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
JSON = sa.JSON(none_as_null=True)


def upgrade() -> None:
    meta = op.create_table(
        "server_meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_server_meta")),
    )
    counter = op.create_table(
        "seq_counter",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seq_counter")),
    )
    op.create_table(
        "branch",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region_code", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_branch")),
    )
    op.create_table(
        "agent",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("branch_code", sa.String(32), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", TZ, nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_code"], ["branch.code"], name=op.f("fk_agent_branch_code_branch")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_agent")),
    )
    op.create_table(
        "device",
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("public_key", sa.String(100), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_device")),
    )
    op.create_table(
        "device_agent",
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("agent_code", sa.String(64), nullable=False),
        sa.Column("bound_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_code"], ["agent.code"], name=op.f("fk_device_agent_agent_code_agent")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.device_id"], name=op.f("fk_device_agent_device_id_device")
        ),
        sa.PrimaryKeyConstraint("device_id", "agent_code", name=op.f("pk_device_agent")),
    )
    op.create_table(
        "refresh_token",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("agent_code", sa.String(64), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("used_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_code"], ["agent.code"], name=op.f("fk_refresh_token_agent_code_agent")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.device_id"],
            name=op.f("fk_refresh_token_device_id_device"),
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_refresh_token")),
    )
    op.create_table(
        "record",
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("branch_code", sa.String(32), nullable=True),
        sa.Column("owner_code", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("field_versions", JSON, nullable=False),
        sa.Column("server_seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("entity_id", name=op.f("pk_record")),
    )
    op.create_index(op.f("ix_record_server_seq"), "record", ["server_seq"], unique=False)
    op.create_table(
        "active_nik",
        sa.Column("nik", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("branch_code", sa.String(32), nullable=False),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("nik", name=op.f("pk_active_nik")),
        sa.UniqueConstraint("entity_id", name=op.f("uq_active_nik_entity_id")),
    )
    op.create_table(
        "ledger",
        sa.Column("op_id", sa.String(36), nullable=False),
        sa.Column("payload_hash", sa.String(64), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("agent_code", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("entity_version", sa.Integer(), nullable=True),
        sa.Column("server_seq", sa.BigInteger(), nullable=True),
        sa.Column("error", JSON, nullable=True),
        sa.Column("current", JSON, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("op_id", name=op.f("pk_ledger")),
    )
    key = X25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    op.bulk_insert(
        meta,
        [
            {"key": "epoch", "value": uuid.uuid4().hex},
            {"key": "token_secret", "value": base64.b64encode(os.urandom(32)).decode()},
            {"key": "bundle_private_key", "value": base64.b64encode(key).decode()},
            {"key": "cursor_horizon", "value": "0"},
        ],
    )
    op.bulk_insert(counter, [{"id": 1, "value": 0}])


def downgrade() -> None:
    for table in (
        "ledger",
        "active_nik",
        "record",
        "refresh_token",
        "device_agent",
        "device",
        "agent",
        "branch",
        "seq_counter",
        "server_meta",
    ):
        op.drop_table(table)
