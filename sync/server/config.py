"""Settings of the central server, each declared once with its type and default.

Values come from environment variables (`Settings.from_env`); tests build `Settings` directly.
`DATABASE_URL` picks the database: a SQLite file in the server's home folder by default
(`PERISAI_SERVER_HOME`, else the platformdirs user data folder), PostgreSQL in production.
The home folder is private to its owner (0o700) and so is the SQLite file (0o600): it holds
every enrollment, the token secret and the bundle private key.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import platformdirs
from packaging.version import InvalidVersion, Version

from agent_app.domain import keys
from sync import protocol

APP_NAME = "perisai-server"
log = logging.getLogger("server")


def make_private(path: Path, mode: int) -> None:
    """Gives `path` (a folder 0o700, a file 0o600) no access for group or others, and logs
    when an existing one had more. Nothing to do where POSIX modes do not exist."""
    if os.name != "posix" or not path.exists():
        return
    current = path.stat().st_mode & 0o777
    if current & 0o077 == 0:
        return
    try:
        path.chmod(mode)
    except OSError as error:
        log.warning("cannot tighten %s (mode %o): %s", path, current, error.strerror)
        return
    log.warning("tightened %s from mode %o to %o", path, current, mode)


def private_file(path: Path) -> None:
    """Creates `path` readable and writable by its owner only (0o600) if it does not exist,
    else tightens it: for the SQLite database, which then holds every record, the token
    secret and the bundle private key (SQLite gives its -wal and -shm files the mode of the
    database file)."""
    if os.name == "posix":
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    make_private(path, 0o600)


def server_home() -> Path:
    """The server's folder (0o700; tightened, and logged, if it exists with more)."""
    override = os.environ.get("PERISAI_SERVER_HOME")
    home = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    make_private(home, 0o700)
    return home


def default_database_url() -> str:
    return f"sqlite:///{server_home() / 'server.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    #: Cap on a request body after gzip decompression (also sent in /v1/sync/config).
    max_body_bytes: int = 16 * 1024 * 1024
    max_ops_per_batch: int = 1000
    access_token_seconds: int = 15 * 60
    refresh_token_days: int = 30
    #: A refresh token already traded in is accepted again for this long (the laptop may have
    #: lost the answer when the Wi-Fi dropped, and retries with the token it still holds). As
    #: long as an access token lives: a copy used in that window gains no more than the access
    #: token issued with it. Presented later, it revokes every refresh token of that agent on
    #: that device (a copy is in someone else's hands); 0 makes refresh tokens strictly
    #: single-use.
    refresh_grace_seconds: int = 15 * 60
    #: Wrong passwords in a row from one client address for one agent code that are checked
    #: at once; after them that address waits `lockout_minutes` before the next check, the
    #: wait doubling with each further wrong password up to `lockout_max_minutes` (429
    #: account_locked). Other addresses are not held up. Forgotten `lockout_forget_minutes`
    #: after the last wrong password or the end of the wait it caused, whichever is later.
    lockout_failures: int = 5
    lockout_minutes: int = 15
    lockout_max_minutes: int = 120
    lockout_forget_minutes: int = 15
    #: Password checks (argon2id, `argon2_memory_kib` each) at once in one process; more wait
    #: up to `login_queue_seconds` for a turn, then get 503 with Retry-After. This bounds the
    #: memory a flood of logins takes.
    max_concurrent_logins: int = 2
    login_queue_seconds: float = 10.0
    #: Rate limits: requests per `rate_window_seconds` per client address and per agent (0:
    #: no limit); past them 429 rate_limited with Retry-After. Counted in the database.
    rate_window_seconds: int = 60
    login_rate_per_client: int = 60
    login_rate_per_agent: int = 20
    check_rate_per_client: int = 240
    check_rate_per_agent: int = 60
    #: Pushes (and bundle uploads) applied at once by one process; more wait up to
    #: `push_queue_seconds` for a slot, then get 429 with Retry-After.
    max_concurrent_pushes: int = 8
    push_queue_seconds: float = 5.0
    retry_after_seconds: int = 2
    #: argon2id cost; the defaults are argon2-cffi's (RFC 9106 low-memory profile).
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    #: SQLite durability: FULL fsyncs the WAL at every commit.
    sqlite_synchronous: str = "FULL"
    #: Database connections each process keeps (and may open beyond, briefly): see
    #: docs/deploy.md for sizing them against the worker count and PostgreSQL's
    #: max_connections.
    db_pool_size: int = 10
    db_max_overflow: int = 20
    #: Who may read /metrics: with a token, a caller sending `Authorization: Bearer TOKEN`;
    #: empty, loopback clients only (docs/deploy.md).
    metrics_token: str = ""
    #: "json": one JSON object per line for each request (request id, method, route template,
    #: status, duration, agent code) and for every other server log line; "" or "text": the
    #: plain text lines (sync/server/observe.py).
    access_log: str = ""
    #: The oldest app version served (`/v1/sync/config` min_app_version): a push whose
    #: User-Agent names an older `perisai-agent/<version>` is refused (426 app_too_old).
    min_app_version: str = protocol.OLDEST_APP_VERSION
    #: The newest app release (`latest_app_version`): older apps show a quiet notice.
    latest_app_version: str = field(default_factory=protocol.installed_app_version)
    #: The branch console: a session ends after this many minutes without a request, and
    #: after `console_max_hours` whatever it does.
    console_idle_minutes: int = 30
    console_max_hours: int = 12
    #: The largest attachment `PUT /v1/attachments/{sha256}` takes (413 past it; also in
    #: /v1/sync/config). Its route's body cap is this, not `max_body_bytes`.
    max_attachment_bytes: int = keys.MAX_ATTACHMENT_BYTES
    #: What an offline bundle's body may carry in attachments (base64) on top of
    #: `max_body_bytes` of ops: about 180 photos of 300 KB by default.
    max_bundle_attachment_bytes: int = 64 * 1024 * 1024
    #: Where attachment blobs are kept (sync/server/attachments): "" is `<home>/attachments`.
    attachments_dir: str = ""
    #: Attachment uploads per `rate_window_seconds` per agent (0: no limit).
    upload_rate_per_agent: int = 600
    #: Offline bundles per `rate_window_seconds` per uploading account (0: no limit): each is
    #: decrypted and applied whole; the attachments it carries count as uploads of its agent.
    bundle_rate_per_agent: int = 30
    #: How often a running server deletes the attachments nobody has referenced for 7 days
    #: (sync/server/housekeeping.py); 0: never (cron runs `purge-attachments` instead).
    purge_attachments_every_hours: float = 6.0

    def __post_init__(self) -> None:
        for name in ("min_app_version", "latest_app_version"):
            if name == "latest_app_version" and self.latest_app_version == "unknown":
                continue  # not installed (a bare checkout): nothing newer is announced
            try:
                Version(getattr(self, name))
            except InvalidVersion as error:
                raise ValueError(
                    f"PERISAI_{name.upper()}: not a version: {getattr(self, name)!r}"
                ) from error

    def attachments_root(self) -> Path:
        """The blob store's folder (created 0o700 when first written)."""
        return Path(self.attachments_dir) if self.attachments_dir else server_home() / "attachments"

    def resolved_database_url(self) -> str:
        return self.database_url or default_database_url()

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        settings = cls(database_url=env.get("DATABASE_URL", ""))
        changes: dict[str, object] = {}
        for item in fields(cls):
            name = "PERISAI_" + item.name.upper()
            if name in env and item.name != "database_url":
                raw = env[name]
                kind = type(getattr(settings, item.name))
                try:
                    changes[item.name] = kind(raw)
                except ValueError as error:
                    raise ValueError(f"{name}: not a valid {kind.__name__}: {raw!r}") from error
        result = replace(settings, **changes)  # type: ignore[arg-type]
        if result.access_log not in ("", "text", "json"):
            raise ValueError(f"PERISAI_ACCESS_LOG: json or text, not {result.access_log!r}")
        return result
