"""What an upload must be, whichever way it comes (`PUT /v1/attachments/{sha256}` or an
offline bundle's `attachments`): the same checks, then the same storing (`refs.save`)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from sync import protocol
from sync.server.attachments import images, refs
from sync.server.attachments.store import SHA256_HEX, BlobStore

log = logging.getLogger("server")


@dataclass(frozen=True)
class Refusal:
    """Why an upload is refused: the HTTP status and the error code and message."""

    status: int
    code: str
    message: str


def refusal(sha256: str, media_type: str, data: bytes, max_bytes: int) -> Refusal | None:
    """None when the bytes may be stored under `sha256` as `media_type`. 415 for a type
    other than image/jpeg, image/png or image/webp; 400 for a path that is not a SHA-256,
    bytes that do not hash to it or are not a whole image of the type; 413 past `max_bytes`."""
    if len(data) > max_bytes:
        return Refusal(413, "body_too_large", f"The attachment is over {max_bytes} bytes.")
    if not SHA256_HEX.fullmatch(sha256):
        return Refusal(400, "invalid_sha256", "The path must be a lowercase hex SHA-256.")
    if media_type not in protocol.ATTACHMENT_MEDIA_TYPES:
        return Refusal(
            415, "unsupported_media_type", "An attachment is image/jpeg, image/png or image/webp."
        )
    if hashlib.sha256(data).hexdigest() != sha256:
        return Refusal(400, "hash_mismatch", "The bytes do not hash to the SHA-256 in the path.")
    if not images.is_complete_image(data, media_type):
        return Refusal(
            400, "not_an_image", f"The bytes are not a whole {media_type} image (truncated?)."
        )
    return None


def store_carried(
    engine: Engine, store: BlobStore, carried: list[Any], agent_code: str, max_bytes: int
) -> int:
    """Stores an offline bundle's attachments (`{"sha256", "media_type", "data"}`, data in
    base64) as a PUT would; a bad one is skipped (its ops are then `attachment_missing`).
    Returns how many were stored or already held."""
    kept = 0
    for index, item in enumerate(carried):
        try:
            sha, media_type = str(item["sha256"]), str(item["media_type"])
            data = base64.b64decode(item["data"], validate=True)
        except (KeyError, TypeError, ValueError, binascii.Error):
            log.info("bundle: attachment %d skipped: malformed", index)
            continue
        refused = refusal(sha, media_type, data, max_bytes)
        if refused is not None:
            log.info("bundle: attachment %d skipped: %s", index, refused.code)
            continue
        refs.save(engine, store, sha, media_type, data, agent_code)
        kept += 1
    return kept
