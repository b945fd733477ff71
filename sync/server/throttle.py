"""Login throttling and per-client / per-agent rate limits of the central server.

All counting lives in the database, so several server processes sharing one PostgreSQL count
together; the one in-memory guard is `HashGate`, a per-process bound on concurrent argon2id
checks (each takes `argon2_memory_kib` of memory: it guards this process's memory, nothing
else).

- Wrong passwords are counted per (agent code, client address), known and unknown codes
  alike. The first `lockout_failures` are checked at once; each further one must wait, first
  `lockout_minutes`, doubling up to `lockout_max_minutes`. A stranger's guesses thus slow down
  the stranger's own address, never the agent at another one. An attempt is counted (the row
  locked, the count raised) *before* its password is checked, so however many arrive at once
  no more than `lockout_failures` are checked before the wait applies. A right password takes
  back only its own count; the wrong ones are forgotten `lockout_forget_minutes` after the
  last of them (or after the wait they caused), or by `unlock-agent`.
- Rate limits: a fixed-window counter per key (`rate_window_seconds`), raised by one atomic
  upsert; past the limit the caller gets 429 `rate_limited` with `Retry-After`.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from sync.server import config, db

log = logging.getLogger("server")


class HashGate:
    """At most `limit` password checks at once in this process; others wait up to
    `wait_seconds`, then are told to come back (503 with Retry-After)."""

    def __init__(self, limit: int, wait_seconds: float) -> None:
        self.slots = threading.BoundedSemaphore(max(1, limit))
        self.wait_seconds = wait_seconds

    @contextmanager
    def enter(self) -> Iterator[bool]:
        acquired = self.slots.acquire(timeout=self.wait_seconds)
        try:
            yield acquired
        finally:
            if acquired:
                self.slots.release()


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def wait_after(settings: config.Settings, failures: int) -> dt.timedelta:
    """How long a client waits after its `failures`-th wrong password in a row."""
    if failures < settings.lockout_failures:
        return dt.timedelta(0)
    doublings = min(failures - settings.lockout_failures, 16)
    minutes = min(settings.lockout_minutes * 2**doublings, settings.lockout_max_minutes)
    return dt.timedelta(minutes=minutes)


def reserve_attempt(engine: Engine, settings: config.Settings, agent_code: str, client: str) -> int:
    """Counts a password attempt of `agent_code` from `client` before it is checked.

    Returns:
        0 when the password may be checked now, else the seconds to wait.
    """
    table = db.table(db.LoginFailure)
    key = (table.c.agent_code == agent_code, table.c.client == client)
    for _ in range(50):
        with db.write_transaction(engine) as conn:
            # Lock the row first (SQLite: take the write lock before reading; PostgreSQL:
            # lock the row), so concurrent attempts are counted one after the other; the
            # time is read once the lock is held.
            locked = conn.execute(
                table.update().where(*key).values(failures=table.c.failures)
            ).rowcount
            now = db.utcnow()
            if not locked:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            table.insert().values(
                                agent_code=agent_code,
                                client=client,
                                failures=1,
                                next_allowed_at=now + wait_after(settings, 1),
                                last_failure_at=now,
                            )
                        )
                except sa.exc.IntegrityError:
                    continue  # a concurrent first attempt made the row: count again
                # Forget the counts whose time is over (codes sprayed by a guesser, too).
                cutoff = now - dt.timedelta(minutes=settings.lockout_forget_minutes)
                conn.execute(
                    table.delete().where(
                        table.c.last_failure_at < cutoff, table.c.next_allowed_at < cutoff
                    )
                )
                return 0
            row = conn.execute(sa.select(table).where(*key)).one()
            failures = row.failures
            quiet_since = max(_as_utc(row.last_failure_at), _as_utc(row.next_allowed_at))
            if now - quiet_since > dt.timedelta(minutes=settings.lockout_forget_minutes):
                failures = 0
            elif failures >= settings.lockout_failures and _as_utc(row.next_allowed_at) > now:
                return max(1, math.ceil((_as_utc(row.next_allowed_at) - now).total_seconds()))
            failures += 1
            conn.execute(
                table.update()
                .where(*key)
                .values(
                    failures=failures,
                    next_allowed_at=now + wait_after(settings, failures),
                    last_failure_at=now,
                )
            )
            return 0
    return settings.retry_after_seconds


def failures_of(conn: Connection, agent_code: str, client: str) -> int:
    table = db.table(db.LoginFailure)
    value = conn.execute(
        sa.select(table.c.failures).where(
            table.c.agent_code == agent_code, table.c.client == client
        )
    ).scalar()
    return int(value or 0)


def release_attempt(
    conn: Connection, settings: config.Settings, agent_code: str, client: str
) -> None:
    """Takes back the count of an attempt whose password was right. Only its own: wrong
    passwords before it stay counted for their window, so a flood that holds the right
    password among its guesses still gets no more than `lockout_failures` wrong ones checked.
    """
    table = db.table(db.LoginFailure)
    key = (table.c.agent_code == agent_code, table.c.client == client)
    if not conn.execute(table.update().where(*key).values(failures=table.c.failures)).rowcount:
        return
    failures = conn.execute(sa.select(table.c.failures).where(*key)).scalar_one() - 1
    if failures <= 0:
        conn.execute(table.delete().where(*key))
        return
    values: dict[str, object] = {"failures": failures}
    if failures < settings.lockout_failures:
        values["next_allowed_at"] = db.utcnow()  # the wait this attempt set is undone
    conn.execute(table.update().where(*key).values(**values))


def forget_failures(conn: Connection, agent_code: str, client: str | None = None) -> None:
    """Clears the count of wrong passwords of `agent_code` (from `client`, or from all)."""
    table = db.table(db.LoginFailure)
    where = [table.c.agent_code == agent_code]
    if client is not None:
        where.append(table.c.client == client)
    conn.execute(table.delete().where(*where))


def _upsert(conn: Connection, key: str, expires_at: dt.datetime, cost: int = 1) -> int:
    table = db.table(db.RateCount)
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    upsert = (
        insert(table)
        .values(key=key, count=cost, expires_at=expires_at)
        .on_conflict_do_update(index_elements=[table.c.key], set_={"count": table.c.count + cost})
        .returning(table.c.count)
    )
    return int(conn.execute(upsert).scalar_one())


def hit(
    engine: Engine, settings: config.Settings, scope: str, subject: str, limit: int, cost: int = 1
) -> int:
    """Counts one request of `subject` under `scope` in the current window (`cost`: as that
    many, e.g. each NIK of a list check).

    Returns:
        0 when within `limit` (or `limit` is 0: no limit), else the seconds until the window
        ends.
    """
    if limit <= 0:
        return 0
    window = max(1, settings.rate_window_seconds)
    now = time.time()
    index = int(now // window)
    ends = (index + 1) * window
    with db.write_transaction(engine) as conn:
        key = f"{scope}|{subject}|{index}"
        count = _upsert(conn, key, dt.datetime.fromtimestamp(ends, dt.UTC), cost)
        if count == cost:  # a new window: forget the ended ones
            table = db.table(db.RateCount)
            conn.execute(table.delete().where(table.c.expires_at < db.utcnow()))
    if count <= limit:
        return 0
    return max(1, math.ceil(ends - now))
