"""The overload policy's in-memory part: how many pushes this process applies at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class PushGate:
    """Bounds the pushes applied at once by this process (the only in-memory state).

    A copy of a batch already in flight never counts against the bound: it waits for the
    database and is answered `duplicate`, never 429.
    """

    def __init__(self, limit: int, wait_seconds: float) -> None:
        self.slots = threading.BoundedSemaphore(limit)
        self.wait_seconds = wait_seconds
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}

    @contextmanager
    def enter(self, batch_key: str) -> Iterator[bool]:
        with self._lock:
            copy = batch_key in self._in_flight
            self._in_flight[batch_key] = self._in_flight.get(batch_key, 0) + 1
        acquired = False
        try:
            if not copy:
                acquired = self.slots.acquire(timeout=self.wait_seconds)
            yield copy or acquired
        finally:
            if acquired:
                self.slots.release()
            with self._lock:
                left = self._in_flight[batch_key] - 1
                if left:
                    self._in_flight[batch_key] = left
                else:
                    del self._in_flight[batch_key]
