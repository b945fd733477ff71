"""Fixtures for the laptop side of sync: `make_client` logs a `SyncClient` in to the live
server (the `server` fixture of tests/helpers/live_server.py: the real central server in its own
process). Nothing of our server is mocked; the fault injector of `fault_server.py` only stands in
for a broken network or proxy.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable

import pytest
from helpers.live_server import PASSWORD, LiveServer

from sync import client as sync_client

_device_names = itertools.count(1)


@pytest.fixture
def make_client(server: LiveServer) -> Callable[..., sync_client.SyncClient]:
    """Makes a `SyncClient` for a new device (retries short, so failures stay quick)."""

    def make(
        agent_code: str | None = "AG001", device_id: str | None = None, **kwargs: object
    ) -> sync_client.SyncClient:
        options: dict[str, object] = {"max_retries": 2, "backoff_base": 0.05, "backoff_cap": 0.2}
        options.update(kwargs)
        client = sync_client.SyncClient(
            server.base_url,
            device_id or str(uuid.uuid4()),
            f"Laptop uji {next(_device_names)}",
            **options,  # type: ignore[arg-type]
        )
        if agent_code is not None:
            client.login(agent_code, PASSWORD)
        return client

    return make
