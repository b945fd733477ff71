"""The encrypted database as the services' callers see it, without importing storage: a
factory of units of work (`UowFactory`; the UI's port holds them, one unit of work per call,
so per thread), opening the database for a command-line tool (`opened`), and what this
laptop knows of itself there (`laptop`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from agent_app.storage import engine as engine_mod
from agent_app.storage.uow import SqlUnitOfWork

UowFactory = Callable[[], SqlUnitOfWork]

__all__ = ["Laptop", "SqlUnitOfWork", "UowFactory", "laptop", "opened"]


@dataclass(frozen=True, slots=True)
class Laptop:
    device_id: str
    server_known: bool  # this laptop has synced with a server


@contextlib.contextmanager
def opened(path: Path, key: bytes) -> Iterator[UowFactory]:
    """The database at `path` opened with `key`, closed when the block ends."""
    engine = engine_mod.open_engine(path, key)
    try:
        yield lambda: SqlUnitOfWork(engine)
    finally:
        engine.dispose()


def laptop(uow: SqlUnitOfWork) -> Laptop:
    with uow:
        state = uow.sync_state.get()
        return Laptop(state.device_id, bool(state.server_url))
