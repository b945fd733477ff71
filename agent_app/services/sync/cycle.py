"""One sync cycle (push, then pull) for the logged-in agent, with the stored tokens (refreshed
tokens are stored again), then the laptop's audit trail and the after-sync housekeeping."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from agent_app.domain.messages import Text
from agent_app.services import rates, retention, zones
from agent_app.services.actor import Actor
from agent_app.services.sync import credentials, outcome
from agent_app.services.sync.connection import UowFactory, client_for, connect, disconnect
from agent_app.services.sync.failures import SyncFailed, failed
from agent_app.services.sync.messages import WARNING_NOTICES
from agent_app.services.sync.problems import SyncProblem, problems
from agent_app.storage import store as local_store
from sync import client as sync_client
from sync import engine as sync_engine
from sync import protocol

log = logging.getLogger("sync")

Progress = Callable[[str, int, "int | None"], None]


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one cycle did (counts of ops pushed and changes pulled)."""

    pushed: int
    applied: int
    duplicate: int
    rejected: int
    conflict: int
    unanswered: int
    pulled: int
    duration: float
    cancelled: bool
    clock_offset: float | None
    warnings: list[str]
    pending_ops: int
    problems: list[SyncProblem]
    #: Photos and signatures sent to the server in this cycle.
    attachments: int = 0
    #: What the cycle's warnings mean for the person (`messages.WARNING_NOTICES`).
    notices: list[Text] = field(default_factory=list)


def run_cycle(
    uow_factory: UowFactory,
    actor: Actor,
    server_url: str,
    *,
    password: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    client_options: Mapping[str, Any] | None = None,
    batch_size: int | None = None,
    pull_limit: int = protocol.MAX_PULL_LIMIT,
) -> SyncReport:
    """One sync cycle (push, then pull) for the actor; see `sync.engine.SyncEngine`.

    Args:
        password: logs in first when given (else the stored tokens are used).
        progress: `progress(phase, done, total)`, called on this thread.
        cancel: set it to stop between batches and pages.

    Raises:
        SyncFailed: not connected (`not_connected`), or the cycle could not finish; `report`
            holds what it did before.
    """
    if not server_url or not server_url.strip():
        raise SyncFailed("not_connected", "no_server")
    if password is not None:
        connect(uow_factory, actor, server_url, password, client_options=client_options)
    engine = uow_factory().engine
    store = local_store.LocalStore(engine, actor.agent_code)  # the account's own cursor
    device_id = store.device_id
    client = client_for(uow_factory, actor, server_url, device_id=device_id, options=client_options)
    if not client.logged_in:
        raise SyncFailed("not_connected", "not_logged_in")
    sync = sync_engine.SyncEngine(
        client, store, cancel=cancel, batch_size=batch_size, pull_limit=pull_limit
    )
    try:
        cycle = sync.run_cycle(progress)
        if not cycle.cancelled:
            _push_audit_trail(client, engine, actor.agent_code, cancel, batch_size)
    except sync_client.SyncError as error:
        raise _cycle_failed(uow_factory, actor, device_id, error) from None
    finally:
        client.session.close()
    outcome.remember(device_id, True)
    _after_cycle(uow_factory, actor, client, cycle)
    if sync.last_config is not None:
        _keep_server_config(uow_factory, server_url, sync.last_config)
    return report(uow_factory, cycle)


def _cycle_failed(
    uow_factory: UowFactory, actor: Actor, device_id: str, error: sync_client.SyncError
) -> SyncFailed:
    """The failure to raise for a cycle's error, with what the cycle did before it."""
    outcome.remember(device_id, False, error.code)
    if error.kind == "auth":
        disconnect(uow_factory, actor)
    partial = error.report if isinstance(error.report, sync_engine.CycleReport) else None
    failure = failed(error)
    if partial is not None:
        failure.report = report(uow_factory, partial)
    return failure


def _after_cycle(
    uow_factory: UowFactory,
    actor: Actor,
    client: sync_client.SyncClient,
    cycle: sync_engine.CycleReport,
) -> None:
    """The branch's zone, a newly published contribution table, the retention purge."""
    if client.agent is not None:  # a token refresh during the cycle: the branch's zone
        zones.remember(uow_factory(), client.agent.branch, client.agent.time_zone)
    try:
        if cycle.pulled:
            rates.install(uow_factory())  # a newly published contribution table
        retention.purge(uow_factory(), actor.agent_code)
    except sa.exc.SQLAlchemyError:  # the sync itself succeeded; the next one does these
        log.exception("after-sync housekeeping failed")


def _keep_server_config(
    uow_factory: UowFactory, server_url: str, config: protocol.SyncConfig
) -> None:
    """The server's announced limits and newest app, for bundles and the update notice."""
    with uow_factory() as uow:
        server = credentials.server_info(uow) or {"url": credentials.normal_url(server_url)}
        server["max_ops_per_batch"] = config.max_ops_per_batch
        server["max_body_bytes"] = config.max_body_bytes
        server["latest_app_version"] = config.latest_app_version
        credentials.save_server_info(uow, server)
        uow.commit()


def _push_audit_trail(
    client: sync_client.SyncClient,
    engine: sa.Engine,
    agent_code: str,
    cancel: threading.Event | None,
    batch_size: int | None,
) -> None:
    """Sends the laptop's audit trail (`audit_event` ops, SYNC_PROTOCOL.md 1.1) after a
    cycle, as a stream of its own: the cycle's report stays about people's records. A failure
    here is logged, not raised; the events wait for the next sync."""
    store = local_store.LocalStore(engine, agent_code, audit_trail=True)
    if not store.pending_count():
        return
    pusher = sync_engine.SyncEngine(client, store, cancel=cancel, batch_size=batch_size)
    try:
        pushed = pusher.push_only()
    except sync_client.SyncError as error:
        log.info("audit trail not sent this time: %s", error.code)
        return
    log.info(
        "audit trail: %d events sent (%d taken, %d refused)",
        pushed.pushed,
        pushed.applied + pushed.duplicate,
        pushed.rejected + pushed.conflict,
    )


def report(uow_factory: UowFactory, cycle: sync_engine.CycleReport) -> SyncReport:
    with uow_factory() as uow:
        pending = uow.outbox.count_unsettled()
        found = problems(uow)
    return SyncReport(
        pushed=cycle.pushed,
        applied=cycle.applied,
        duplicate=cycle.duplicate,
        rejected=cycle.rejected,
        conflict=cycle.conflict,
        unanswered=cycle.unanswered,
        pulled=cycle.pulled,
        duration=cycle.duration,
        cancelled=cycle.cancelled,
        clock_offset=cycle.clock_offset,
        warnings=list(cycle.warnings),
        pending_ops=pending,
        problems=found,
        attachments=cycle.attachments,
        notices=[WARNING_NOTICES[w] for w in cycle.warnings if w in WARNING_NOTICES],
    )
