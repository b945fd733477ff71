"""The app's store as the sync engine sees its attachments (`LocalStore.attachments_to_upload`,
`attachment_bytes`, the upload marks), over the real encrypted database."""

from __future__ import annotations

import hashlib

from sqlalchemy import Engine

from agent_app.domain import keys
from agent_app.storage import store as app_store
from agent_app.storage.uow import SqlUnitOfWork

KTP = keys.AttachmentKind.KTP_PHOTO


def test_the_store_offers_what_the_server_is_not_known_to_hold(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        one = uow.attachments.add(b"\xff\xd8 one", "image/jpeg", KTP)
        two = uow.attachments.add(b"\x89PNG two", "image/png", KTP)
        uow.commit()
    store = app_store.LocalStore(engine)
    absent = hashlib.sha256(b"never on this laptop").hexdigest()
    wanted = [two.sha256, one.sha256, absent, one.sha256]
    assert store.attachments_to_upload(wanted) == [two.sha256, one.sha256, absent]
    assert store.attachment_bytes(two.sha256) == ("image/png", b"\x89PNG two")
    assert store.attachment_bytes(absent) is None

    store.mark_attachments_uploaded([one.sha256, absent])
    assert store.attachments_to_upload(wanted) == [two.sha256, absent]
    store.mark_attachments_not_uploaded([one.sha256])  # the server lost it
    assert store.attachments_to_upload(wanted) == [two.sha256, one.sha256, absent]
