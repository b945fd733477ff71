"""Who is calling: the check of every call's access token, and the errors of accounts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sync.server import db, security
from sync.server.push import Caller


class AuthError(Exception):
    def __init__(
        self, status: int, code: str, message: str, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Principal:
    """Who is calling: the agent and the device named by the access token."""

    agent_code: str
    name: str
    branch_code: str
    role: str
    device_id: str

    def caller(self) -> Caller:
        return Caller(self.agent_code, self.branch_code, self.role, self.device_id)


def authenticate(conn: Connection, secret: bytes, authorization: str | None) -> Principal:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise AuthError(401, "missing_token", "An access token is required.")
    try:
        claims = security.read_access_token(secret, authorization[7:].strip())
    except security.TokenError as error:
        raise AuthError(401, error.code, error.message) from error
    agents = db.table(db.Agent)
    bindings = db.table(db.DeviceAgent)
    row = conn.execute(
        sa.select(
            agents.c.code,
            agents.c.name,
            agents.c.branch_code,
            agents.c.role,
            agents.c.active,
            agents.c.must_change_password,
        )
        .join(bindings, bindings.c.agent_code == agents.c.code)
        .where(agents.c.code == claims.agent_code, bindings.c.device_id == claims.device_id)
    ).first()
    # A reset password (a one-time code pending) ends the access tokens at once, like a
    # disabled account.
    if row is None or not row.active or row.must_change_password:
        raise AuthError(401, "invalid_token", "The access token is no longer valid.")
    return Principal(row.code, row.name, row.branch_code, row.role, claims.device_id)


def agent_info(conn: Connection, agent_code: str) -> Any:
    agents = db.table(db.Agent)
    return conn.execute(sa.select(agents).where(agents.c.code == agent_code)).first()
