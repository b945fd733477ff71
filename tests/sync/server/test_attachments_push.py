"""The push's attachment rules (SYNC_PROTOCOL.md 1.1), on SQLite and PostgreSQL: an op that
references a blob the server lacks is `attachment_missing` and the ledger keeps no answer for
it; a written record's references follow its current attachments."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from blob_support import entry, jpeg, put, sha
from srv_support import World, business_fields, enrollment_fields, op, visit_fields

from sync.server import db
from sync.server.attachments.store import FileStore


def refs_of(world: World) -> set[tuple[str, str]]:
    table = db.table(db.AttachmentRef)
    with world.engine.connect() as conn:
        return {(r.sha256, r.entity_id) for r in conn.execute(sa.select(table))}


def ledger_has(world: World, op_id: str) -> bool:
    table = db.table(db.Ledger)
    with world.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).where(table.c.op_id == op_id)) == 1


def test_attachment_missing_then_the_same_op_applies(world: World) -> None:
    a1, _, _ = world.standard()
    photo, kept = jpeg(1), jpeg(2)
    put(a1, kept)
    create = op(
        "enrollment",
        "create",
        fields=enrollment_fields(1, attachments=[entry(kept, "storefront_photo"), entry(photo)]),
    )
    other = op("business", "create", fields=business_fields())
    first, second = a1.push(create, other)
    assert first["status"] == "rejected"
    assert first["error"]["code"] == "attachment_missing"
    assert first["error"]["field"] == "attachments"
    assert second["status"] == "applied"  # an op without attachments is not held up
    assert not ledger_has(world, create["op_id"])
    assert refs_of(world) == set()
    assert put(a1, photo).status_code == 201
    again = a1.push_one(dict(create, op_seq=10))
    assert again["status"] == "applied", again
    assert ledger_has(world, create["op_id"])
    assert refs_of(world) == {(sha(photo), create["entity_id"]), (sha(kept), create["entity_id"])}
    assert a1.push_one(dict(create, op_seq=11))["status"] == "duplicate"


def test_an_invalid_op_is_judged_on_its_fields_first(world: World) -> None:
    a1, _, _ = world.standard()
    bad = entry(jpeg(1)) | {"kind": "selfie"}
    answer = a1.push_one(op("business", "create", fields=business_fields(attachments=[bad])))
    assert answer["error"]["code"] == "invalid_field"


def test_references_follow_updates_and_deletes(world: World) -> None:
    a1, _, _ = world.standard()
    one, two, three = jpeg(1), jpeg(2), jpeg(3)
    for data in (one, two, three):
        put(a1, data)
    business = op(
        "business", "create", fields=business_fields(attachments=[entry(one, "storefront_photo")])
    )
    a1.push_one(business)
    bid = business["entity_id"]
    visit = op(
        "visit", "create", fields=visit_fields(bid, attachments=[entry(one, "storefront_photo")])
    )
    a1.push_one(visit)
    assert refs_of(world) == {(sha(one), bid), (sha(one), visit["entity_id"])}
    update = op(
        "business",
        "update",
        bid,
        {"attachments": [entry(two, "storefront_photo"), entry(three, "document")]},
        base_version=1,
    )
    assert a1.push_one(update)["status"] == "applied"
    assert refs_of(world) == {(sha(two), bid), (sha(three), bid), (sha(one), visit["entity_id"])}
    other = op("business", "update", bid, {"phone": "+6281234500002"}, base_version=2)
    assert a1.push_one(other)["status"] == "applied"  # attachments untouched: refs kept
    assert refs_of(world) == {(sha(two), bid), (sha(three), bid), (sha(one), visit["entity_id"])}
    assert a1.push_one(op("business", "delete", bid, base_version=3))["status"] == "applied"
    assert refs_of(world) == {(sha(one), visit["entity_id"])}
    blobs = db.table(db.AttachmentBlob)
    with world.engine.connect() as conn:
        released = dict(conn.execute(sa.select(blobs.c.sha256, blobs.c.released_at)).all())
    assert released[sha(two)] is not None and released[sha(three)] is not None
    assert released[sha(one)] is not None  # the business let go of it at the update


def test_an_update_referencing_a_missing_blob_changes_nothing(world: World) -> None:
    a1, _, _ = world.standard()
    one, missing = jpeg(1), jpeg(2)
    put(a1, one)
    business = op(
        "business", "create", fields=business_fields(attachments=[entry(one, "storefront_photo")])
    )
    a1.push_one(business)
    update = op(
        "business",
        "update",
        business["entity_id"],
        {"attachments": [entry(missing, "storefront_photo")], "phone": "+6281234500003"},
        base_version=1,
    )
    assert a1.push_one(update)["error"]["code"] == "attachment_missing"
    assert refs_of(world) == {(sha(one), business["entity_id"])}
    changes, _ = a1.pull_all()
    [pulled] = [c for c in changes if c["entity_id"] == business["entity_id"]]
    assert pulled["version"] == 1


def test_a_blob_whose_bytes_are_gone_is_missing_until_uploaded_again(world: World) -> None:
    a1, _, _ = world.standard()
    photo = jpeg(4)
    assert put(a1, photo).status_code == 201
    FileStore(Path(world.settings.attachments_dir)).delete(sha(photo))  # the row stays
    create = op("business", "create", fields=business_fields(attachments=[entry(photo)]))
    answer = a1.push_one(create)
    assert answer["status"] == "rejected"
    assert answer["error"]["code"] == "attachment_missing"
    assert not ledger_has(world, create["op_id"])
    assert refs_of(world) == set()
    assert put(a1, photo).status_code in (200, 201)  # writes the bytes back
    assert a1.push_one(dict(create, op_seq=10))["status"] == "applied"
    assert refs_of(world) == {(sha(photo), create["entity_id"])}
