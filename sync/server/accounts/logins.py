"""Login: the rate limits, the password check (throttled, the same work for unknown codes)
and the device's binding, then a fresh token family."""

from __future__ import annotations

import logging
import uuid
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sync import protocol
from sync.server import config, db, security, throttle
from sync.server.accounts.devices import bind_device, device_key
from sync.server.accounts.principal import AuthError
from sync.server.accounts.tokens import issue

log = logging.getLogger("server")

_DUMMY_HASH: dict[tuple[int, int, int], str] = {}


def _dummy_hash(settings: config.Settings) -> str:
    key = (settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = security.hash_password(settings, "not a password of anyone")
    return _DUMMY_HASH[key]


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
    public_key = device_key(request.device_public_key)
    agent = verify_password(
        engine, settings, request.agent_code, request.password, client[:64], gate
    )
    if agent.must_change_password:
        raise AuthError(
            403,
            "password_change_required",
            "This is a one-time code: choose a new password (POST /v1/auth/change-password).",
        )
    now = db.utcnow()
    device_id = str(request.device_id)
    with db.write_transaction(engine) as conn:
        bind_device(conn, agent, device_id, request.device_name, public_key, now)
        return issue(conn, settings, agent, device_id, uuid.uuid4().hex)


def verify_password(
    engine: Engine,
    settings: config.Settings,
    code: str,
    password: str,
    client: str = "-",
    gate: throttle.HashGate | None = None,
) -> Any:
    """The active agent whose code and password these are (its row), under the login's rate
    limits, lockout and bound on password checks at once; AuthError otherwise (401, 429, 503).
    The API's login and the console's sign-in both come through here."""
    client = client[:64]
    _check_rates(engine, settings, code, client)
    with (gate or throttle.HashGate(1, 0)).enter() as admitted:
        if not admitted:
            log.warning("login: password checks all busy; one from %s told to retry", client)
            raise AuthError(
                503,
                "busy",
                "The server is busy; retry later.",
                retry_after=settings.retry_after_seconds,
            )
        agent, known = _check_password(engine, settings, code, password, client)
    if agent is None:
        _wrong_password(engine, settings, code, client, known)
    return agent


def _check_rates(engine: Engine, settings: config.Settings, code: str, client: str) -> None:
    """429 `rate_limited` past the logins allowed per client address and per agent code."""
    for scope, subject, limit in (
        ("login-client", client, settings.login_rate_per_client),
        ("login-agent", code, settings.login_rate_per_agent),
    ):
        wait = throttle.hit(engine, settings, scope, subject, limit)
        if wait:
            log.warning("login: rate limit (%s) reached from %s", scope, client)
            raise AuthError(429, "rate_limited", "Too many login requests; retry later.", wait)


def _check_password(
    engine: Engine, settings: config.Settings, code: str, password: str, client: str
) -> tuple[Any, bool]:
    """The agent whose password this is (its row; None for a wrong password) and whether the
    code names an active agent; AuthError 429 `account_locked` after too many wrong ones
    from this address."""
    agents = db.table(db.Agent)
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
        ok = security.verify_password(settings, agent.password_hash, password)
    else:
        security.verify_password(settings, _dummy_hash(settings), password)
        ok = False
    if not ok:
        return None, known
    # Taken back before the next check is let in, so right passwords never pile up
    # counts (at most the checks at once are counted and not yet taken back).
    with db.write_transaction(engine) as conn:
        throttle.release_attempt(conn, settings, code, client)
    return agent, known


def _wrong_password(
    engine: Engine, settings: config.Settings, code: str, client: str, known: bool
) -> NoReturn:
    """Logs a wrong password (and a lockout it starts) and refuses the login (401)."""
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
