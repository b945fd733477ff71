"""Photos and signatures, their bytes inside the encrypted database (table `attachments`),
keyed by the SHA-256 of the bytes: adding the same bytes twice keeps one row. A record points
at them from its `attachments` list (`records.Attachment`); the sync engine uploads what the
server lacks (`uploaded_at` is set once the server is known to hold it).

`delete_unreferenced` removes the bytes nothing points at any more: no business, visit or
enrollment, no op waiting in the outbox and no saved form draft names them, and they are older
than `grace` (a photo just taken is kept while its form is still open)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.domain import keys, records
from agent_app.storage import tables
from agent_app.storage.repositories.sql import chunks, now, stamp

#: How long an attachment nothing references is kept (its form may still be open).
GRACE = dt.timedelta(days=1)

_REFERENCED = """
    EXISTS (SELECT 1 FROM {table} AS r, json_each(r.attachments) AS j
            WHERE r.attachments IS NOT NULL
              AND json_extract(j.value, '$.sha256') = attachments.sha256)
"""
_UNREFERENCED = sa.text(
    "SELECT sha256 FROM attachments WHERE datetime(created_at) < datetime(:before) AND NOT ("
    + " OR ".join(
        _REFERENCED.format(table=table) for table in ("businesses", "visits", "enrollments")
    )
    + " OR EXISTS (SELECT 1 FROM outbox WHERE instr(outbox.fields, attachments.sha256) > 0)"
    + " OR EXISTS (SELECT 1 FROM form_drafts WHERE instr(form_drafts.state, attachments.sha256)"
    + " > 0))"
)


class AttachmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        data: bytes,
        media_type: str,
        kind: keys.AttachmentKind,
        taken_at: dt.datetime | None = None,
    ) -> records.Attachment:
        """Keeps `data` (already checked and shrunk by the caller) and returns the reference a
        record holds. The same bytes again are the same attachment (one row)."""
        if media_type not in keys.ATTACHMENT_MEDIA_TYPES:
            raise ValueError(f"not an attachment media type: {media_type}")
        sha256 = hashlib.sha256(data).hexdigest()
        if self.session.get(tables.StoredAttachment, sha256) is None:
            self.session.add(
                tables.StoredAttachment(
                    sha256=sha256,
                    media_type=media_type,
                    size=len(data),
                    data=data,
                    taken_at=stamp(taken_at) if taken_at else None,
                    created_at=now(),
                    uploaded_at=None,
                )
            )
            self.session.flush()
        return records.Attachment(kind, sha256, media_type, len(data), taken_at)

    def get(self, sha256: str) -> tuple[str, bytes] | None:
        """The media type and bytes of an attachment, or None when this laptop lacks it."""
        row = self.session.get(tables.StoredAttachment, sha256)
        return None if row is None else (row.media_type, row.data)

    def has(self, sha256: str) -> bool:
        a = tables.StoredAttachment
        return self.session.scalar(sa.select(a.sha256).where(a.sha256 == sha256)) is not None

    def not_uploaded(self, shas: Iterable[str]) -> list[str]:
        """Those of `shas` this laptop holds and has not yet seen the server hold."""
        a, found = tables.StoredAttachment, list[str]()
        for chunk in chunks(sorted(set(shas))):
            found += self.session.scalars(
                sa.select(a.sha256).where(a.sha256.in_(chunk), a.uploaded_at.is_(None))
            ).all()
        return found

    def mark_uploaded(self, shas: Iterable[str]) -> None:
        a, at = tables.StoredAttachment, now()
        for chunk in chunks(sorted(set(shas))):
            self.session.execute(
                sa.update(a)
                .where(a.sha256.in_(chunk), a.uploaded_at.is_(None))
                .values(uploaded_at=at)
            )

    def delete_unreferenced(self, grace: dt.timedelta = GRACE) -> int:
        """Deletes the attachments nothing references (see the module); how many."""
        before = stamp(dt.datetime.now().astimezone() - grace)
        gone = self.session.scalars(_UNREFERENCED, {"before": before}).all()
        a = tables.StoredAttachment
        for chunk in chunks(list(gone)):
            self.session.execute(sa.delete(a).where(a.sha256.in_(chunk)))
        return len(gone)
