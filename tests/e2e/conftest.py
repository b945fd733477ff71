"""Fixtures of the end-to-end tests: the real server in its own process, laptops on the app's
encrypted database driven through `agent_app.services` (sync included), and a network cable
that can be pulled.

The server is the suite's live server, the `server` fixture of tests/helpers/live_server.py
(`python -m sync.server serve` on a loopback port, SQLite, agents AG001-AG003 and supervisor
SV001 of branch PLG). Nothing of the server or the app is mocked.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("sqlcipher3")

from e2e_support import Cable, Laptop

from agent_app.domain.keys import Role

_laptop_numbers = itertools.count(1)


@pytest.fixture
def cable(server: Any) -> Iterator[Cable]:
    port = int(server.base_url.rsplit(":", 1)[1])
    made = Cable(port)
    yield made
    made.unplug()


@pytest.fixture
def make_laptop(tmp_path: Path, cable: Cable) -> Iterator[Callable[..., Laptop]]:
    """Makes a laptop for an agent (connected to the server through `cable` unless told)."""
    made: list[Laptop] = []

    def make(agent_code: str, *, role: Role = Role.AGENT, connect: bool = True) -> Laptop:
        laptop = Laptop(
            tmp_path / f"laptop-{next(_laptop_numbers)}.db", agent_code, cable.url, role
        )
        made.append(laptop)
        if connect:
            laptop.connect()
        return laptop

    yield make
    for laptop in made:
        laptop.close()
