"""Access and refresh tokens: issued at a login, traded in at a refresh (rotation, the grace
window, a family revoked on a reuse), and revoked by administrators."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync import bundle
from sync.server import branches, config, db, meta, security
from sync.server.accounts.principal import AuthError

log = logging.getLogger("server")


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _agent_json(conn: Connection, agent: Any) -> dict[str, str]:
    return {
        "code": agent.code,
        "name": agent.name,
        "branch": agent.branch_code,
        "role": agent.role,
        "time_zone": branches.time_zone(conn, agent.branch_code),
    }


def issue(
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


def refresh(engine: Engine, settings: config.Settings, token: str) -> dict[str, Any]:
    with db.write_transaction(engine) as conn:
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
    if row is None or as_utc(row.expires_at) <= now:  # type: ignore[operator]
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
    answer = issue(conn, settings, agent, row.device_id, row.family_id)
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
    used_at = as_utc(row.used_at)
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
