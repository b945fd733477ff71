"""What the routes share (the settings, the database, the gates, the secrets read once) and
the dependencies that hand it to them: the server's state and the authenticated caller."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from packaging.version import Version
from sqlalchemy.engine import Engine

from sync import protocol
from sync.server import accounts, config, meta, throttle
from sync.server.api.errors import ApiError
from sync.server.api.push_gate import PushGate
from sync.server.attachments.store import BlobStore, FileStore

log = logging.getLogger("server")
bearer = HTTPBearer(auto_error=False, description="The access token from /v1/auth/login.")


@dataclass
class ServerState:
    """One app's shared state (`app.state.server`)."""

    settings: config.Settings
    engine: Engine
    push_gate: PushGate
    hash_gate: throttle.HashGate
    oldest_served: Version
    _secrets: dict[str, bytes] = field(default_factory=dict)
    _blobs: list[BlobStore] = field(default_factory=list)

    @classmethod
    def build(cls, settings: config.Settings, engine: Engine) -> ServerState:
        return cls(
            settings,
            engine,
            PushGate(settings.max_concurrent_pushes, settings.push_queue_seconds),
            throttle.HashGate(settings.max_concurrent_logins, settings.login_queue_seconds),
            Version(settings.min_app_version),
        )

    def blobs(self) -> BlobStore:
        """The attachments' blob store (made at first use: the home is not touched before)."""
        if not self._blobs:
            self._blobs.append(FileStore(self.settings.attachments_root()))
        return self._blobs[0]

    def retry_after(self) -> dict[str, str]:
        return {"Retry-After": str(self.settings.retry_after_seconds)}

    def token_secret(self, conn: sa.Connection) -> bytes:
        if "s" not in self._secrets:
            self._secrets["s"] = meta.token_secret(meta.read(conn))
        return self._secrets["s"]

    def nik_key(self, conn: sa.Connection) -> dict[str, str]:
        if "nik" not in self._secrets:
            self._secrets["nik"] = meta.read(conn)["nik_audit_key"].encode()
        return {"nik_audit_key": self._secrets["nik"].decode()}


def server_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.server
    return state


def principal(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),  # noqa: B008
) -> accounts.Principal:
    """The caller named by the request's access token (401 otherwise)."""
    server = server_state(request)
    header = f"Bearer {credentials.credentials}" if credentials else None
    with server.engine.connect() as conn:
        who = accounts.authenticate(conn, server.token_secret(conn), header)
    request.state.agent_code = who.agent_code  # for the access log
    return who


def client_address(request: Request) -> str:
    """The caller's address (behind a proxy, what uvicorn's --proxy-headers made of it)."""
    return request.client.host if request.client else "-"


def check_app_version(request: Request, server: ServerState) -> None:
    """426 for an app below min_app_version (by its User-Agent)."""
    version = protocol.app_version_of(request.headers.get("user-agent"))
    oldest_served = server.oldest_served
    if version is not None and version < oldest_served:
        log.warning("push refused: app %s is below min_app_version %s", version, oldest_served)
        raise ApiError(
            426,
            protocol.APP_TOO_OLD,
            f"This server serves Perisai Agent {oldest_served} or newer; this app is "
            f"{version}. Update the app.",
        )


def server_time() -> str:
    return dt.datetime.now(dt.UTC).isoformat()
