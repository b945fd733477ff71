"""Photos in the fake backend: the real normalisation (Pillow, no database), kept in memory."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from agent_app.domain import keys, records
from agent_app.domain.messages import Text
from agent_app.services import attachments


@dataclass
class FakePhotos:
    #: The photos kept, by SHA-256 (as `uow.attachments`).
    photos: dict[str, bytes] = field(default_factory=dict)

    def add_photo(self, kind: str, data: bytes) -> records.Attachment:
        jpeg = attachments.normalise(data)
        sha256 = hashlib.sha256(jpeg).hexdigest()
        self.photos[sha256] = jpeg
        return records.Attachment(keys.AttachmentKind(kind), sha256, "image/jpeg", len(jpeg), None)

    def add_photo_file(self, kind: str, path: Path) -> records.Attachment:
        try:
            data = path.read_bytes()
        except OSError:
            raise attachments.PhotoRejected(
                Text.of("This file cannot be read."), code="unreadable"
            ) from None
        return self.add_photo(kind, data)

    def photo_bytes(self, sha256: str) -> bytes | None:
        return self.photos.get(sha256)
