"""Offline bundles arriving at the server: who may upload one, and opening it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field
from sqlalchemy.engine import Engine

from sync import bundle, protocol
from sync.server import accounts, meta


@dataclass(frozen=True)
class Sender:
    """The bundle's agent (its account row), the agent's signing key on the bundle's device,
    and the server's key values (which open the bundle)."""

    owner: Any
    device_key: bytes
    meta_values: dict[str, str]


def sender(engine: Engine, header: bundle.BundleHeader) -> Sender | None:
    """The bundle's sender, or None when its device has no registered key for its agent."""
    with engine.connect() as conn:
        owner = accounts.agent_info(conn, header.agent_code)
        key = accounts.device_public_key(conn, header.device_id, header.agent_code)
        values = meta.read(conn)
    if owner is None or key is None:
        return None
    return Sender(owner, key, values)


def open_body(data: bytes, sent_by: Sender, max_body_bytes: int) -> bytes:
    """The bundle's push body (bundle.open_bundle's errors pass through)."""
    return bundle.open_bundle(
        data,
        server_private_key=meta.bundle_key(sent_by.meta_values),
        device_public_key=sent_by.device_key,
        max_body_bytes=max_body_bytes,
    )


class BundleBody(protocol.PushRequest):
    """A bundle's push body: a push request, and (1.1) the attachments its ops reference,
    `[{"sha256", "media_type", "data" (base64)}]`, each checked and stored as a PUT would
    (sync/server/attachments/uploads.py); a malformed item is skipped there, not here."""

    attachments: list[Any] = Field(default_factory=list)


def ops_size(body: bytes, parsed: BundleBody) -> int:
    """The body's size without its attachments' data: what `max_body_bytes` caps (the
    attachments have their own allowance, `max_bundle_attachment_bytes`)."""
    carried = sum(
        len(item["data"])
        for item in parsed.attachments
        if isinstance(item, dict) and isinstance(item.get("data"), str)
    )
    return len(body) - carried
