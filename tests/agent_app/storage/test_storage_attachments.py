"""Attachments inside the encrypted database: one row per content, the upload marks, and the
clean-up that keeps everything a record, an op or an open form still references."""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from sqlalchemy import Engine

from agent_app.domain import keys
from agent_app.services import businesses
from agent_app.services.actor import Actor
from agent_app.storage import tables, wire
from agent_app.storage.repositories import stamp
from agent_app.storage.uow import SqlUnitOfWork

PHOTO = b"\xff\xd8\xff\xe0 a photo"
KTP = keys.AttachmentKind.KTP_PHOTO


def _age(engine: Engine, days: int = 2) -> None:
    """Makes every stored attachment `days` old."""
    with engine.begin() as conn:
        conn.execute(
            sa.update(tables.StoredAttachment).values(
                created_at=stamp(dt.datetime.now() - dt.timedelta(days=days))
            )
        )


def test_the_same_bytes_are_one_attachment_and_come_back_whole(uow: SqlUnitOfWork) -> None:
    with uow:
        first = uow.attachments.add(PHOTO, "image/jpeg", KTP)
        again = uow.attachments.add(PHOTO, "image/jpeg", keys.AttachmentKind.DOCUMENT)
        uow.commit()
    assert first.sha256 == again.sha256 == hashlib.sha256(PHOTO).hexdigest()
    assert (first.size, again.kind) == (len(PHOTO), keys.AttachmentKind.DOCUMENT)
    with uow:
        assert uow.attachments.get(first.sha256) == ("image/jpeg", PHOTO)
        assert uow.session.scalar(sa.select(sa.func.count(tables.StoredAttachment.sha256))) == 1


def test_uploaded_ones_are_no_longer_offered(uow: SqlUnitOfWork) -> None:
    with uow:
        one = uow.attachments.add(PHOTO, "image/jpeg", KTP)
        two = uow.attachments.add(b"\x89PNG two", "image/png", KTP)
        assert sorted(uow.attachments.not_uploaded([one.sha256, two.sha256, "0" * 64])) == sorted(
            [one.sha256, two.sha256]
        )
        uow.attachments.mark_uploaded([one.sha256])
        assert uow.attachments.not_uploaded([one.sha256, two.sha256]) == [two.sha256]


def test_clean_up_keeps_what_a_record_a_draft_or_a_new_photo_references(
    engine: Engine, uow: SqlUnitOfWork, actor: Actor
) -> None:
    with uow:
        kept = uow.attachments.add(
            b"storefront", "image/jpeg", keys.AttachmentKind.STOREFRONT_PHOTO
        )
        drafted = uow.attachments.add(b"in a draft", "image/jpeg", KTP)
        orphan = uow.attachments.add(b"orphan", "image/jpeg", KTP)
        uow.form_drafts.put(actor.agent_code, "enrollment", {"ktp_photo": drafted.sha256})
        uow.commit()
    businesses.register_business(
        uow, actor, {"name": "Pempek Cek Molek", "attachments": [wire.value_to_wire(kept)]}
    )
    with uow:
        assert uow.attachments.delete_unreferenced() == 0  # all are young
    _age(engine)
    with uow:
        assert uow.attachments.delete_unreferenced() == 1
        uow.commit()
    with uow:
        assert uow.attachments.has(kept.sha256) and uow.attachments.has(drafted.sha256)
        assert not uow.attachments.has(orphan.sha256)
