"""Helpers of the end-to-end tests (the live server is tests/helpers/live_server.py): a network
cable that can be pulled, and a laptop running the app's services on its own encrypted database."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.laptops import LaptopBase
from helpers.live_server import PASSWORD

from agent_app.domain.keys import Role
from agent_app.services import sync as sync_service

#: Short retries: a test that expects a failure should not wait for backoffs.
FAST = {"max_retries": 1, "backoff_base": 0.05, "backoff_cap": 0.2}


class Cable:
    """A TCP forwarder between laptops and the server: `unplug()` makes the server unreachable
    (connections refused), `plug()` brings it back on the same port."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = int(probe.getsockname()[1])
        probe.close()
        self.url = f"http://127.0.0.1:{self.port}"
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.plug()

    def plug(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def unplug(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            listener.close()
        with self._lock:
            for sock in list(self._sockets):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                inner, _ = listener.accept()
            except OSError:
                return
            try:
                outer = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                inner.close()
                continue
            with self._lock:
                self._sockets.update((inner, outer))
            threading.Thread(target=self._pipe, args=(inner, outer), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1.0)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except (OSError, ValueError):  # ValueError: the proxy closed a socket (fd -1) meanwhile
            return
        finally:
            for sock in (a, b):
                with self._lock:
                    self._sockets.discard(sock)
                sock.close()


class Laptop(LaptopBase):
    """One laptop: its own encrypted database, the agent logged in, the app's services."""

    def __init__(self, path: Path, agent_code: str, url: str, role: Role = Role.AGENT) -> None:
        super().__init__(path, agent_code, role=role)
        self.url = url

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A write use case as the UI's backend calls it: fn(uow, actor, ...)."""
        return fn(self.uow(), self.actor, *args, **kwargs)

    def connect(self) -> sync_service.ConnectResult:
        return sync_service.connect(self.uow, self.actor, self.url, PASSWORD, client_options=FAST)

    def sync(self) -> sync_service.SyncReport:
        return sync_service.run_cycle(self.uow, self.actor, self.url, client_options=FAST)

    def status(self) -> sync_service.SyncStatus:
        return sync_service.status(self.uow())
