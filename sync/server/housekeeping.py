"""What the server does by itself while it runs: every `purge_attachments_every_hours` (6 by
default; 0: never, e.g. when cron runs `purge-attachments` instead) it deletes the attachments
nobody has referenced for 7 days (SYNC_PROTOCOL.md 1.1), so that rule holds without anyone
having to schedule anything. Each worker process runs its own loop: the purge takes the push
lock and is idempotent, so two at once delete each blob once. A run that deletes something
leaves a line in the administration trail; a failure is logged and the next run tries again.

It also judges for duplicates the businesses a push queued and nobody judged yet (a kill
between a push's commit and its background drain, a drain that failed): `DRAIN_FIRST_SECONDS`
after start, then every `DRAIN_EVERY_SECONDS` (`prospects.checks.drain`; two workers at once
write each pair once)."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from sync.server import db
from sync.server.admin.common import record_action
from sync.server.api.state import ServerState
from sync.server.attachments import refs
from sync.server.prospects import checks, uploads

log = logging.getLogger("server.housekeeping")

#: When, after start, and how often the duplicate search's queue is drained of what the
#: pushes' own drains left (the first soon: a kill may have left some).
DRAIN_FIRST_SECONDS = 10.0
DRAIN_EVERY_SECONDS = 60.0


def purge_once(server: ServerState) -> int:
    """One purge of the unreferenced attachments (and of the prospect lists' uploads older
    than a day); how many attachments went."""
    deleted = refs.purge(server.engine, server.blobs(), record=_trail)
    if deleted:
        log.info("purged %d attachment(s) nobody referenced for 7 days", deleted)
    with db.write_transaction(server.engine) as conn:
        uploads.purge(conn)
    return deleted


def _trail(conn: Connection, deleted: int) -> None:
    """The purge's row of the administration trail (only when something went)."""
    if deleted:
        record_action(conn, "purge-attachments", None, by="server", deleted=deleted)


async def run(server: ServerState, every_seconds: float) -> None:
    """Purges every `every_seconds`, first after one interval, until cancelled."""
    while True:
        await asyncio.sleep(every_seconds)
        try:
            await run_in_threadpool(purge_once, server)
        except Exception:  # a database hiccup must not end the loop for good
            log.exception("the attachments' purge failed; it runs again in %s s", every_seconds)


def drain_once(server: ServerState) -> int:
    """Judges every branch's queued businesses; how many pairs were written."""
    written = checks.drain(server.engine)
    if written:
        log.info("kept %d suspected duplicate pair(s) left queued", written)
    return written


async def drain_queue(
    server: ServerState,
    first_seconds: float = DRAIN_FIRST_SECONDS,
    every_seconds: float = DRAIN_EVERY_SECONDS,
) -> None:
    """Drains the duplicate search's queue after `first_seconds`, then every `every_seconds`,
    until cancelled."""
    await asyncio.sleep(first_seconds)
    while True:
        try:
            await run_in_threadpool(drain_once, server)
        except Exception:  # a database hiccup must not end the loop for good
            log.exception(
                "the duplicate search's queue failed; it runs again in %s s", every_seconds
            )
        await asyncio.sleep(every_seconds)
