"""Accounts and devices: login, refresh, lockout and the check of every call's access token.

Login verifies the argon2id hash, binds the device to the agent (a booth laptop may be bound to
several agents of its branch: a device belongs to the branch of its first login, and a revoked
one binds nobody until `reset-device`), registers the agent's own Ed25519 bundle-signing key on
that device once when given, and issues an access token and a refresh token; each login starts
a token family. A refresh token is traded in once for a new pair of the same family
(rotation); traded in again within `refresh_grace_seconds` (an answer lost on the way back) it
gives the same pair again (kept sealed under a key only that token gives), and after that it
is taken as stolen: every refresh token of its family is revoked and the person logs in again.
Wrong passwords are counted in the database per agent code and client address, and logins are
rate-limited (throttle.py).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from agent_app.domain import clock
from sync import bundle, protocol
from sync.server import config, db, meta, security, throttle
from sync.server.push import Caller

log = logging.getLogger("server")


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


_DUMMY_HASH: dict[tuple[int, int, int], str] = {}


def _dummy_hash(settings: config.Settings) -> str:
    key = (settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = security.hash_password(settings, "not a password of anyone")
    return _DUMMY_HASH[key]


def _as_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _agent_json(conn: Connection, agent: Any) -> dict[str, str]:
    branches = db.table(db.Branch)
    zone = conn.execute(
        sa.select(branches.c.time_zone).where(branches.c.code == agent.branch_code)
    ).scalar()
    return {
        "code": agent.code,
        "name": agent.name,
        "branch": agent.branch_code,
        "role": agent.role,
        "time_zone": clock.zone_or_default(zone),
    }


def _issue(
    conn: Connection, settings: config.Settings, agent: Any, device_id: str, family_id: str
) -> dict[str, Any]:
    values = meta.read(conn)
    access = security.issue_access_token(
        meta.token_secret(values), agent.code, device_id, settings.access_token_seconds
    )
    refresh, refresh_hash = security.new_refresh_token()
    conn.execute(
        db.table(db.RefreshToken)
        .insert()
        .values(
            token_hash=refresh_hash,
            agent_code=agent.code,
            device_id=device_id,
            expires_at=db.utcnow() + dt.timedelta(days=settings.refresh_token_days),
            used_at=None,
            family_id=family_id,
            successor=None,
        )
    )
    return _answer(
        conn,
        values,
        agent,
        {
            "access_token": access,
            "refresh_token": refresh,
            "access_expires_at": int(time.time()) + settings.access_token_seconds,
        },
    )


def _answer(
    conn: Connection, values: dict[str, str], agent: Any, pair: dict[str, Any]
) -> dict[str, Any]:
    """The login/refresh answer for a token pair (`access_expires_at` in Unix seconds)."""
    return {
        "access_token": pair["access_token"],
        "refresh_token": pair["refresh_token"],
        "expires_in": max(0, int(pair["access_expires_at"]) - int(time.time())),
        "agent": _agent_json(conn, agent),
        "server_public_key": bundle.b64(bundle.raw_public(meta.bundle_key(values))),
    }


def _pair(answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "access_token": answer["access_token"],
        "refresh_token": answer["refresh_token"],
        "access_expires_at": int(time.time()) + int(answer["expires_in"]),
    }


def _device_key(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as error:
        raise AuthError(400, "invalid_request", "device_public_key is not base64.") from error
    if len(raw) != 32:
        raise AuthError(400, "invalid_request", "device_public_key must be 32 bytes (Ed25519).")
    return base64.b64encode(raw).decode("ascii")


def _unknown(agent_code: str, known: bool) -> str:
    """The agent code for a log line: a code typed that names nobody may be anything (a
    password typed in the wrong box), so it is not logged."""
    return agent_code if known else "(unknown code)"


def login(
    engine: Engine,
    settings: config.Settings,
    request: protocol.LoginRequest,
    client: str = "-",
    gate: throttle.HashGate | None = None,
) -> dict[str, Any]:
    """Checks the password and binds the device; throttled per (agent code, client address),
    known and unknown codes alike (same answers, same work: a dummy hash for nobody).

    Args:
        client: the caller's address (rate limits and the count of wrong passwords).
        gate: bounds the password checks at once in this process.
    """
    public_key = _device_key(request.device_public_key)
    client = client[:64]
    code = request.agent_code
    for scope, subject, limit in (
        ("login-client", client, settings.login_rate_per_client),
        ("login-agent", code, settings.login_rate_per_agent),
    ):
        wait = throttle.hit(engine, settings, scope, subject, limit)
        if wait:
            log.warning("login: rate limit (%s) reached from %s", scope, client)
            raise AuthError(429, "rate_limited", "Too many login requests; retry later.", wait)
    agents = db.table(db.Agent)
    with (gate or throttle.HashGate(1, 0)).enter() as admitted:
        if not admitted:
            log.warning("login: password checks all busy; one from %s told to retry", client)
            raise AuthError(
                503,
                "busy",
                "The server is busy; retry later.",
                retry_after=settings.retry_after_seconds,
            )
        with engine.connect() as conn:
            agent = conn.execute(sa.select(agents).where(agents.c.code == code)).first()
        known = agent is not None and agent.active
        wait = throttle.reserve_attempt(engine, settings, code, client)
        if wait:
            log.warning(
                "login: %s from %s refused: too many wrong passwords, %d s to wait",
                _unknown(code, known),
                client,
                wait,
            )
            raise AuthError(
                429,
                "account_locked",
                "Too many wrong passwords from here; wait before trying again.",
                retry_after=wait,
            )
        if agent is not None and agent.active:
            ok = security.verify_password(settings, agent.password_hash, request.password)
        else:
            security.verify_password(settings, _dummy_hash(settings), request.password)
            ok = False
        if ok:
            # Taken back before the next check is let in, so right passwords never pile up
            # counts (at most the checks at once are counted and not yet taken back).
            with engine.connect() as conn, conn.begin():
                throttle.release_attempt(conn, settings, code, client)
    if not ok:
        with engine.connect() as conn:
            failures = throttle.failures_of(conn, code, client)
        log.warning(
            "login: wrong password for %s from %s (%d in a row)",
            _unknown(code, known),
            client,
            failures,
        )
        waiting = throttle.wait_after(settings, failures)
        if waiting:
            log.warning(
                "login: %s locked out from %s for %d min",
                _unknown(code, known),
                client,
                int(waiting.total_seconds() // 60),
            )
        raise AuthError(401, "wrong_password", "Wrong agent code or password.")
    assert agent is not None
    now = db.utcnow()
    device_id = str(request.device_id)
    with engine.connect() as conn, conn.begin():
        _bind_device(conn, agent, device_id, request.device_name, public_key, now)
        return _issue(conn, settings, agent, device_id, uuid.uuid4().hex)


def _bind_device(
    conn: Connection,
    agent: Any,
    device_id: str,
    device_name: str,
    public_key: str | None,
    now: dt.datetime,
) -> None:
    """Binds the device to the agent at a login, or refuses (AuthError 403).

    A device belongs to the branch of its first login: a login from another branch with its
    id is refused, so nobody takes over a laptop by its id. A revoked device binds nobody until
    `reset-device`. The agent's bundle-signing key on the device is registered once; another
    key later is refused (only `reset-device` replaces it), so a login can never swap the key
    that genuine bundles are checked against.
    """
    devices = db.table(db.Device)
    bindings = db.table(db.DeviceAgent)

    def read() -> Any:
        return conn.execute(
            sa.select(devices.c.branch_code, devices.c.revoked_at).where(
                devices.c.device_id == device_id
            )
        ).first()

    # The first statement writes, so that on SQLite this transaction takes the write lock at
    # once, waiting its turn (busy_timeout), instead of failing to upgrade a read lock when
    # logins race (a refused login rolls the new name back).
    conn.execute(devices.update().where(devices.c.device_id == device_id).values(name=device_name))
    row = read()
    if row is None:
        _insert_once(
            conn,
            devices,
            {
                "device_id": device_id,
                "created_at": now,
                "name": device_name,
                "branch_code": agent.branch_code,
            },
        )
        row = read()  # a concurrent first login may have won: its branch decides
    elif row.branch_code is None and row.revoked_at is None:  # reset by an administrator
        conn.execute(
            devices.update()
            .where(devices.c.device_id == device_id, devices.c.branch_code.is_(None))
            .values(branch_code=agent.branch_code)
        )
        row = read()
    if row.revoked_at is not None:
        log.warning("login of %s refused: device %s is revoked", agent.code, device_id)
        raise AuthError(
            403,
            "device_revoked",
            "This laptop was revoked; an administrator must reset it (reset-device).",
        )
    if row.branch_code != agent.branch_code:
        log.warning(
            "login of %s (branch %s) refused: device %s belongs to branch %s",
            agent.code,
            agent.branch_code,
            device_id,
            row.branch_code,
        )
        raise AuthError(403, "device_other_branch", "This laptop belongs to another branch.")
    _insert_once(
        conn,
        bindings,
        {"device_id": device_id, "agent_code": agent.code, "bound_at": now, "public_key": None},
    )
    if public_key is None:
        return
    mine = (bindings.c.device_id == device_id, bindings.c.agent_code == agent.code)
    conn.execute(
        bindings.update()
        .where(*mine, bindings.c.public_key.is_(None))
        .values(public_key=public_key)
    )
    registered = conn.execute(sa.select(bindings.c.public_key).where(*mine)).scalar()
    if registered != public_key:
        log.warning(
            "login of %s refused: another signing key is registered for it on device %s",
            agent.code,
            device_id,
        )
        raise AuthError(
            403,
            "device_key_mismatch",
            "Another signing key is registered for this agent on this laptop; an "
            "administrator must reset it (reset-device).",
        )


def _insert_once(conn: Connection, table: sa.Table, row: dict[str, Any]) -> None:
    """Inserts a row unless its key exists (a concurrent login of the same device)."""
    try:
        with conn.begin_nested():
            conn.execute(table.insert().values(**row))
    except sa.exc.IntegrityError:
        pass


def refresh(engine: Engine, settings: config.Settings, token: str) -> dict[str, Any]:
    with engine.connect() as conn, conn.begin():
        answer = _refresh(conn, settings, token)
    # Refused after the transaction commits: a reuse past the grace window revokes for good.
    if answer is None:
        raise AuthError(401, "invalid_refresh_token", "The refresh token is not valid.")
    return answer


def _refresh(conn: Connection, settings: config.Settings, token: str) -> dict[str, Any] | None:
    """Trades `token` in: a fresh pair the first time (sealed into the spent token's row), the
    same pair again within the grace window, None (after revoking its family) later."""
    tokens = db.table(db.RefreshToken)
    agents = db.table(db.Agent)
    token_hash = security.refresh_token_hash(token)
    now = db.utcnow()
    # The conditional update is the guard: of two concurrent trades of one token, one spends
    # it here and the other (which waits for that row) finds it spent, and its successor.
    row = conn.execute(
        tokens.update()
        .where(tokens.c.token_hash == token_hash, tokens.c.used_at.is_(None))
        .values(used_at=now)
        .returning(
            tokens.c.agent_code,
            tokens.c.device_id,
            tokens.c.expires_at,
            tokens.c.family_id,
            tokens.c.successor,
        )
    ).first()
    if row is None:
        row = _traded_in_again(conn, settings, token_hash, now)
    if row is None or _as_utc(row.expires_at) <= now:  # type: ignore[operator]
        return None
    agent = conn.execute(sa.select(agents).where(agents.c.code == row.agent_code)).first()
    if agent is None or not agent.active:
        raise AuthError(401, "invalid_refresh_token", "The account is disabled.")
    bindings = db.table(db.DeviceAgent)
    bound = conn.execute(
        sa.select(bindings.c.device_id).where(
            bindings.c.device_id == row.device_id, bindings.c.agent_code == agent.code
        )
    ).first()
    if bound is None:
        raise AuthError(401, "invalid_refresh_token", "This device was revoked; log in again.")
    if row.successor is not None:
        pair = security.open_successor(token, row.successor)
        if pair is not None:
            return _answer(conn, meta.read(conn), agent, pair)
    # First trade (or a token spent before successors were kept): a new pair, sealed into
    # the spent token's row so that a replay gets this same pair.
    answer = _issue(conn, settings, agent, row.device_id, row.family_id)
    conn.execute(
        tokens.update()
        .where(tokens.c.token_hash == token_hash)
        .values(successor=security.seal_successor(token, _pair(answer)))
    )
    return answer


def _traded_in_again(
    conn: Connection, settings: config.Settings, token_hash: str, now: dt.datetime
) -> Any:
    """A refresh token presented after it was used: its row when within the grace window.

    Later than that, a copy of it is in other hands (or the laptop restored an old backup):
    every refresh token of its family (all that descend from the same login) expires now,
    spent ones too (so none is honoured within the grace window either); committed with the
    caller's transaction, which then refuses the call.
    """
    tokens = db.table(db.RefreshToken)
    row = conn.execute(
        sa.select(
            tokens.c.agent_code,
            tokens.c.device_id,
            tokens.c.expires_at,
            tokens.c.used_at,
            tokens.c.family_id,
            tokens.c.successor,
        ).where(tokens.c.token_hash == token_hash)
    ).first()
    if row is None or row.used_at is None:
        return None
    used_at = _as_utc(row.used_at)
    assert used_at is not None
    if now - used_at <= dt.timedelta(seconds=settings.refresh_grace_seconds):
        log.info("refresh token of %s traded in again within the grace window", row.agent_code)
        return row
    revoked = revoke_refresh_tokens(conn, tokens.c.family_id == row.family_id)
    log.warning(
        "spent refresh token of %s reused after the grace window: %d refresh token(s) of its "
        "family revoked",
        row.agent_code,
        revoked,
    )
    return None


def revoke_refresh_tokens(conn: Connection, *where: Any) -> int:
    """Makes the refresh tokens matching `where` expire now, spent ones too: a revoked token
    is refused even within the grace window. Answers how many had not expired yet."""
    tokens = db.table(db.RefreshToken)
    now = db.utcnow()
    return conn.execute(
        tokens.update()
        .where(*where, tokens.c.expires_at > now)
        .values(used_at=sa.func.coalesce(tokens.c.used_at, now), expires_at=now)
    ).rowcount


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
            agents.c.code, agents.c.name, agents.c.branch_code, agents.c.role, agents.c.active
        )
        .join(bindings, bindings.c.agent_code == agents.c.code)
        .where(agents.c.code == claims.agent_code, bindings.c.device_id == claims.device_id)
    ).first()
    if row is None or not row.active:
        raise AuthError(401, "invalid_token", "The access token is no longer valid.")
    return Principal(row.code, row.name, row.branch_code, row.role, claims.device_id)


def device_public_key(conn: Connection, device_id: str, agent_code: str) -> bytes | None:
    """The agent's own signing key registered on a device bound to it (not revoked), or
    None. A bundle is checked against the key of the agent whose ops it carries."""
    devices = db.table(db.Device)
    bindings = db.table(db.DeviceAgent)
    key = conn.execute(
        sa.select(bindings.c.public_key)
        .join(devices, bindings.c.device_id == devices.c.device_id)
        .where(
            bindings.c.device_id == device_id,
            bindings.c.agent_code == agent_code,
            devices.c.revoked_at.is_(None),
        )
    ).scalar()
    return base64.b64decode(key) if key else None


def agent_info(conn: Connection, agent_code: str) -> Any:
    agents = db.table(db.Agent)
    return conn.execute(sa.select(agents).where(agents.c.code == agent_code)).first()
