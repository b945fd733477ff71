"""The sync page's figures: pending count, last success, clock offset, the problems, who is
connected, the last error and the quiet update notice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from agent_app import __version__
from agent_app.services.sync import credentials, outcome
from agent_app.services.sync.problems import SyncProblem, problems
from agent_app.storage.uow import SqlUnitOfWork
from sync import protocol


@dataclass(frozen=True, slots=True)
class SyncStatus:
    pending_ops: int
    online: bool
    last_success: dt.datetime | None
    clock_offset: float | None
    problems: list[SyncProblem]
    server_url: str | None = None
    connected_agents: list[str] = field(default_factory=list)
    last_error: str | None = None
    #: The newest app the server announced (`latest_app_version`) when it is newer than this
    #: one: the quiet update notice. None when this app is current or nothing was announced.
    update_available: str | None = None

    @property
    def app_too_old(self) -> bool:
        """The last sync was refused because this app is below the server's minimum."""
        return self.last_error == protocol.APP_TOO_OLD


def status(uow: SqlUnitOfWork) -> SyncStatus:
    """The sync page's figures (one read transaction)."""
    with uow:
        info = uow.sync_state.get()
        pending = uow.outbox.count_unsettled()
        found = problems(uow)
        server = credentials.server_info(uow) or {}
        agents = credentials.connected_agents(uow)
        uow.commit()
    last = info.last_success_at
    last_call = outcome.last(info.device_id)
    return SyncStatus(
        pending_ops=pending,
        online=bool(last_call and last_call[1]),
        last_success=dt.datetime.fromisoformat(last) if last else None,
        clock_offset=info.clock_offset_seconds,
        problems=found,
        server_url=info.server_url,
        connected_agents=agents,
        last_error=last_call[2] if last_call and not last_call[1] else None,
        update_available=_newer_app(server.get("latest_app_version")),
    )


def _newer_app(latest: str | None) -> str | None:
    return latest if latest and protocol.is_older(__version__, latest) else None
