"""A merged business's photos (issue 18), on SQLite and PostgreSQL: the survivor takes the
loser's attachments (each once, its own first) in the merge's transaction, so laptops pull
them with the survivor and its branch may fetch them (another branch may not), the enrollment
re-pointed to the survivor shows them to a reviewer, and the 7-day clean-up never deletes
them; the attachment references follow (none is left on the deleted loser), and a loser's
photo the survivor has no room for is released like any photo let go of."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from blob_support import entry, get, jpeg, put, sha
from helpers import clock
from srv_support import World, business_fields, enrollment_fields

from agent_app.domain import keys
from sync.server import admin, db
from sync.server.admin import review_queue
from sync.server.admin.review import Reviewer
from sync.server.attachments.store import FileStore
from sync.server.prospects import merging, suspects

S1 = Reviewer("S1", "PLG")


def refs_of(world: World) -> dict[str, set[str]]:
    table = db.table(db.AttachmentRef)
    named: dict[str, set[str]] = {}
    with world.engine.connect() as conn:
        for row in conn.execute(sa.select(table.c.entity_id, table.c.sha256)):
            named.setdefault(row.entity_id, set()).add(row.sha256)
    return named


def fields_of(world: World, entity_id: str) -> dict[str, Any]:
    table = db.table(db.Record)
    with world.engine.connect() as conn:
        query = sa.select(table.c.fields).where(table.c.entity_id == entity_id)
        fields: dict[str, Any] = conn.execute(query).scalar_one()
    return fields


def test_the_survivor_takes_the_losers_photos_and_its_branch_may_fetch_them(
    world: World,
) -> None:
    a1, a2, _ = world.standard()
    own, shared, ktp, front, worker = jpeg(1), jpeg(2), jpeg(3), jpeg(4), jpeg(5)
    for data in (own, shared, ktp, front, worker):
        assert put(a2, data).status_code == 201
    keep_photos = [entry(own, "storefront_photo"), entry(shared, "document")]
    keep = a1.create("business", business_fields("Pempek Cek Molek", attachments=keep_photos))
    lose_photos = [entry(ktp), entry(front, "storefront_photo"), entry(shared, "document")]
    lose = a2.create("business", business_fields("Pempek Molek, Cek", attachments=lose_photos))
    worker_photo = {"attachments": [entry(worker)]}
    enrollment = a2.create("enrollment", enrollment_fields(1, business_id=lose, **worker_photo))
    _, cursor = a1.pull_all()
    # The console's pair shows each side's photos (the supervisor sees what moves).
    sides = [suspects.business_summary(world.engine, "PLG", i) for i in (keep, lose)]
    assert [side["photos"] for side in sides if side] == [2, 3]

    done = merging.merge(world.engine, keep, lose, S1)

    assert (done["photos_taken"], done["photos_left"]) == (2, 0)
    # Its own first, then the loser's it lacked; the one both had, once.
    taken = fields_of(world, keep)["attachments"]
    assert taken == keep_photos + lose_photos[:2]
    assert suspects.business_summary(world.engine, "PLG", keep)["photos"] == 4
    assert refs_of(world) == {
        keep: {sha(own), sha(shared), sha(ktp), sha(front)},
        enrollment: {sha(worker)},  # re-pointed, its own photo still its own
    }
    changes, _ = a1.pull_all(cursor=cursor)
    assert changes[0]["entity_id"] == keep and changes[0]["fields"]["attachments"] == taken
    assert changes[-1]["entity_id"] == lose and changes[-1]["deleted"] is True
    for data in (ktp, front):  # A1 never saw the loser's photos; the branch may fetch them
        assert get(a1, sha(data)).content == data
    # The reviewer of the re-pointed enrollment sees them, as its business's.
    record = {"fields": fields_of(world, enrollment)}
    shown = {(i["sha256"], i["source"]) for i in review_queue.evidence(world.engine, record, S1)}
    assert {(sha(ktp), "business"), (sha(front), "business")} <= shown
    assert (sha(worker), "enrollment") in shown
    assert get(a2, sha(worker)).content == worker  # still its agent's only
    assert get(a1, sha(worker)).status_code == 404

    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("T1", "LLG", role="supervisor")
    for outsider in (world.login("B1"), world.login("T1")):
        assert get(outsider, sha(ktp)).status_code == 404

    store = FileStore(Path(world.settings.attachments_dir))
    with clock.at(dt.datetime.now(dt.UTC) + dt.timedelta(days=30)):
        assert admin.purge_attachments(world.engine, store).startswith("deleted 0 ")
    assert all(store.has(sha(data)) for data in (own, shared, ktp, front))
    assert get(world.login("A1"), sha(ktp)).content == ktp


def test_a_photo_the_survivor_has_no_room_for_is_released(world: World) -> None:
    a1, a2, _ = world.standard()
    photos = [jpeg(seed) for seed in range(keys.MAX_ATTACHMENTS + 1)]
    for data in photos:
        assert put(a1, data).status_code == 201
    full = [entry(data, "document") for data in photos[: keys.MAX_ATTACHMENTS]]
    keep = a1.create("business", business_fields("Pempek Cek Molek", attachments=full))
    spare = [entry(photos[-1]), entry(photos[0], "document")]
    lose = a2.create("business", business_fields("Pempek Molek, Cek", attachments=spare))

    done = merging.merge(world.engine, keep, lose, S1)

    assert fields_of(world, keep)["attachments"] == full  # never more than a laptop may send
    assert done["photos_taken"] == 0 and done["photos_left"] == 1
    assert refs_of(world) == {keep: {sha(data) for data in photos[:-1]}}
    blobs = db.table(db.AttachmentBlob)
    with world.engine.connect() as conn:
        released = dict(conn.execute(sa.select(blobs.c.sha256, blobs.c.released_at)).all())
    assert released[sha(photos[-1])] is not None  # let go of: the 7-day clean-up's
    assert released[sha(photos[0])] is None  # the survivor names it still


def test_erasure_is_not_stopped_by_a_reference_left_on_a_merged_business(world: World) -> None:
    """A server that merged before the references moved left them on the deleted loser: the
    erasure of an enrollment whose KTP photo that loser also named deletes the photo (no live
    record names it) and the stale reference with it."""
    _, a2, _ = world.standard()
    ktp = jpeg(7)
    put(a2, ktp)
    enrollment = a2.create("enrollment", enrollment_fields(1, attachments=[entry(ktp)]))
    lose = a2.create("business", business_fields(attachments=[entry(ktp)]))
    table = db.table(db.Record)
    with world.engine.begin() as conn:  # the merge as it was: the loser's refs stayed
        conn.execute(
            table.update()
            .where(table.c.entity_id == lose)
            .values(deleted=True, fields={"merged_into": str(uuid.uuid4())})
        )
    store = FileStore(Path(world.settings.attachments_dir))

    said = admin.erase_enrollment(world.engine, enrollment, store)

    assert "1 attachment(s) deleted" in said
    assert not store.has(sha(ktp)) and refs_of(world) == {}
