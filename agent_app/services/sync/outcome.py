"""The last sync call's outcome per device, for `status().online` and `last_error`: kept in
memory for the app's life (behind a lock: the network thread writes, the UI reads)."""

from __future__ import annotations

import threading
import time

_last_outcome: dict[str, tuple[float, bool, str | None]] = {}
_outcome_lock = threading.Lock()


def remember(device_id: str, ok: bool, code: str | None = None) -> None:
    with _outcome_lock:
        _last_outcome[device_id] = (time.time(), ok, code)


def last(device_id: str) -> tuple[float, bool, str | None] | None:
    """(when, ok, error code) of the device's last call, or None before any."""
    with _outcome_lock:
        return _last_outcome.get(device_id)
