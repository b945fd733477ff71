"""A laptop's late edit after a merge of businesses (issue 18), on SQLite and PostgreSQL: an
update of the survivor from a laptop that had not pulled the merge keeps the photos the merge
gave it (a laptop that had pulled it may still drop one), and a photo sent in an update of the
deleted loser goes to the survivor, the op still answered `rejected` `deleted` (once: a replay
is the ledger's answer), so no photo is left to the 7-day clean-up."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from blob_support import entry, jpeg, put, sha
from srv_support import Laptop, World, business_fields, op

from sync.server import db
from sync.server.admin.review import Reviewer
from sync.server.prospects import merging

S1 = Reviewer("S1", "PLG")


def create(laptop: Laptop, fields: dict[str, Any]) -> str:
    return laptop.create("business", fields)


def photo(data: bytes, kind: str = "ktp_photo") -> tuple[str, str]:
    return kind, sha(data)


def stored(world: World, entity_id: str) -> tuple[int, list[Any], set[str]]:
    """The business's version, its attachments (kind, SHA-256) and the SHA-256 its references
    name."""
    records, table = db.table(db.Record), db.table(db.AttachmentRef)
    with world.engine.connect() as conn:
        row = conn.execute(sa.select(records).where(records.c.entity_id == entity_id)).one()
        named = conn.scalars(sa.select(table.c.sha256).where(table.c.entity_id == entity_id))
        listed = [(i["kind"], i["sha256"]) for i in row.fields.get("attachments") or []]
        return row.version, listed, set(named)


def released(world: World, data: bytes) -> bool:
    blobs = db.table(db.AttachmentBlob)
    with world.engine.connect() as conn:
        query = sa.select(blobs.c.released_at).where(blobs.c.sha256 == sha(data))
        return conn.execute(query).scalar_one() is not None


def merged_pair(world: World) -> tuple[Laptop, Laptop, str, str, list[bytes]]:
    """A1's business (its storefront photo) merged with A2's (a KTP photo)."""
    a1, a2, _ = world.standard()
    photos = [jpeg(seed) for seed in range(4)]
    for data in photos:
        assert put(a1, data).status_code == 201
    keep = create(a1, business_fields(attachments=[entry(photos[0], "storefront_photo")]))
    lose = create(a2, business_fields("Pempek Molek", attachments=[entry(photos[1])]))
    merging.merge(world.engine, keep, lose, S1)
    return a1, a2, keep, lose, photos


def test_a_late_update_of_the_survivor_keeps_the_photos_the_merge_gave_it(world: World) -> None:
    a1, a2, keep, _, photos = merged_pair(world)
    merged_version, _, _ = stored(world, keep)
    mine = [entry(photos[0], "storefront_photo"), entry(photos[2], "document")]

    result = a1.push_one(op("business", "update", keep, {"attachments": mine}, base_version=1))

    assert result["status"] == "applied"
    _, listed, named = stored(world, keep)
    sent = [photo(photos[0], "storefront_photo"), photo(photos[2], "document")]
    assert listed == [*sent, photo(photos[1])]  # the laptop's, then the merge's it lacked
    assert named == {sha(photos[0]), sha(photos[1]), sha(photos[2])}
    assert not released(world, photos[1])
    # A second laptop that had not pulled the merge either: still kept.
    other = [entry(photos[3], "document")]
    result = a2.push_one(op("business", "update", keep, {"attachments": other}, base_version=1))
    assert result["status"] == "applied"
    _, listed, _ = stored(world, keep)
    assert listed == [photo(photos[3], "document"), *sent, photo(photos[1])]
    # A laptop that pulled the merge drops the loser's photo on purpose: dropped.
    chosen = [entry(photos[0], "storefront_photo")]
    late = op("business", "update", keep, {"attachments": chosen}, base_version=merged_version)
    assert a1.push_one(late)["status"] == "applied"
    _, listed, named = stored(world, keep)
    assert listed == sent[:1] and named == {sha(photos[0])}
    assert released(world, photos[1])


def test_a_late_update_after_an_edit_that_saw_the_merge_keeps_its_photos(world: World) -> None:
    a1, a2, keep, _, photos = merged_pair(world)
    merged_version, _, _ = stored(world, keep)
    front, ktp, added = entry(photos[0], "storefront_photo"), entry(photos[1]), entry(photos[2])
    seen = op("business", "update", keep, {"attachments": [front, ktp, added]}, merged_version)
    assert a1.push_one(seen)["status"] == "applied"
    # A2 pulled neither the merge nor A1's edit: its list, then the photos it lacks.
    late = op("business", "update", keep, {"attachments": [front]}, base_version=1)
    assert a2.push_one(late)["status"] == "applied"
    version, listed, named = stored(world, keep)
    assert listed == [photo(photos[0], "storefront_photo"), photo(photos[1]), photo(photos[2])]
    assert named == {sha(photos[0]), sha(photos[1]), sha(photos[2])}

    empty = op("business", "update", keep, {"attachments": []}, base_version=version)
    assert a1.push_one(empty)["status"] == "applied"

    assert stored(world, keep)[1:] == ([], set())  # seen and dropped on purpose: dropped
    assert all(released(world, data) for data in photos[:3])


def test_a_photo_sent_with_the_losers_update_goes_to_the_survivor_once(world: World) -> None:
    _, a2, keep, lose, photos = merged_pair(world)
    before, _, _ = stored(world, keep)
    retaken = [entry(photos[1]), entry(photos[3], "storefront_photo")]
    late = op("business", "update", lose, {"attachments": retaken, "phone": "+6281234500099"}, 1)

    result = a2.push_one(late)

    assert result["status"] == "rejected" and result["error"]["code"] == "deleted"
    version, listed, named = stored(world, keep)
    assert version == before + 1
    front = [photo(photos[0], "storefront_photo"), photo(photos[1])]
    assert listed == [*front, photo(photos[3], "storefront_photo")]
    assert sha(photos[3]) in named and not released(world, photos[3])
    with world.engine.connect() as conn:  # only the photos: the loser's other fields are not
        table = db.table(db.Record)
        query = sa.select(table.c.fields).where(table.c.entity_id == keep)
        assert conn.execute(query).scalar_one()["phone"] != "+6281234500099"
    # The replay is the ledger's answer: no second change of the survivor.
    assert a2.push_one(late) == result
    assert stored(world, keep)[0] == version
    # A laptop that had not pulled the merge keeps the photo the loser's update gave.
    plain = [entry(photos[0], "storefront_photo")]
    edit = op("business", "update", keep, {"attachments": plain}, base_version=1)
    assert a2.push_one(edit)["status"] == "applied"
    assert stored(world, keep)[1] == listed
