"""The unit of work the services run in, named for their callers: the UI's port holds factories
of them (one unit of work per call, so per thread) without importing storage itself."""

from __future__ import annotations

from collections.abc import Callable

from agent_app.storage.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]

__all__ = ["SqlUnitOfWork", "UowFactory"]
