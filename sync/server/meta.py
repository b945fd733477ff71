"""The server's own values kept in the database (`server_meta`), so every process shares them:
the epoch of its data (for cursors), the token secret, the bundle key, the cursor horizon and
the key of the NIK hashes in the participant-check audit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy.engine import Connection

from sync.server import db


def read(conn: Connection) -> dict[str, str]:
    table = db.table(db.ServerMeta)
    return {row.key: row.value for row in conn.execute(sa.select(table))}


def write(conn: Connection, key: str, value: str) -> None:
    table = db.table(db.ServerMeta)
    done = conn.execute(table.update().where(table.c.key == key).values(value=value))
    if done.rowcount == 0:
        conn.execute(table.insert().values(key=key, value=value))


def token_secret(values: dict[str, str]) -> bytes:
    return base64.b64decode(values["token_secret"])


def bundle_key(values: dict[str, str]) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(base64.b64decode(values["bundle_private_key"]))


def nik_hash(values: dict[str, str], nik: str) -> str:
    """The keyed hash (HMAC-SHA256 under `nik_audit_key`) that stands for a NIK in the
    participant-check audit."""
    key = base64.b64decode(values["nik_audit_key"])
    return hmac.new(key, nik.encode("ascii"), hashlib.sha256).hexdigest()
