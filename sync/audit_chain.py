"""The laptop's audit trail on the wire (SYNC_PROTOCOL.md 1.1): its entity name and the hash
that chains its events. Re-exported by `sync.protocol` under the same names.

Pure Python (no pydantic): the laptop's storage writes and filters audit events with these,
and the app's log-in imports storage before the password's key derivation, whose memory peak
would otherwise carry pydantic (docs/benchmarks.md, "Issue 15: log-in and memory, again")."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

#: The entity of a laptop's audit entries on the wire (create only; append-only on the server).
AUDIT_EVENT = "audit_event"
#: The content of an `audit_event` that its `hash` covers: every field but `hash` itself.
AUDIT_EVENT_FIELDS = (
    "action",
    "entity",
    "entity_id",
    "at",
    "agent_code",
    "details",
    "seq",
    "prev_hash",
)


def audit_event_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of an audit event's canonical JSON: the `AUDIT_EVENT_FIELDS` it has
    (sorted keys, no spaces, ASCII), `prev_hash` included, `hash` left out."""
    content = {name: fields[name] for name in AUDIT_EVENT_FIELDS if name in fields}
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(encoded.encode("ascii")).hexdigest()
