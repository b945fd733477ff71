"""What becomes of attachments, on SQLite and PostgreSQL: the 7-day clean-up of what nobody
references, erasure of an enrollment's own photos, and offline bundles that carry them."""

from __future__ import annotations

import base64
import datetime as dt
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from blob_support import entry, get, jpeg, put, sha
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers import clock
from srv_support import Laptop, World, business_fields, enrollment_fields, now_wib, op

from sync import bundle
from sync.server import admin, db
from sync.server.__main__ import main
from sync.server.attachments.store import FileStore


def held(world: World) -> set[str]:
    with world.engine.connect() as conn:
        rows = set(conn.scalars(sa.select(db.table(db.AttachmentBlob).c.sha256)))
    store = FileStore(Path(world.settings.attachments_dir))
    return {digest for digest in rows if store.has(digest)} | {
        p.name for p in Path(world.settings.attachments_dir).rglob("*") if p.is_file()
    }


def store_of(world: World) -> FileStore:
    return FileStore(Path(world.settings.attachments_dir))


def test_purge_deletes_only_what_nobody_referenced_for_seven_days(world: World) -> None:
    a1, _, _ = world.standard()
    kept, orphan, released, fresh = jpeg(1), jpeg(2), jpeg(3), jpeg(4)
    for data in (kept, orphan, released):
        put(a1, data)
    business = op(
        "business",
        "create",
        fields=business_fields(
            attachments=[entry(kept, "storefront_photo"), entry(released, "document")]
        ),
    )
    a1.push_one(business)
    start = dt.datetime.now(dt.UTC)
    with clock.at(start + dt.timedelta(days=5)):
        # The document is let go of on day 5; a new photo is uploaded and never referenced.
        a1 = world.login("A1")
        update = op(
            "business",
            "update",
            business["entity_id"],
            {"attachments": [entry(kept, "storefront_photo")]},
            base_version=1,
        )
        assert a1.push_one(update)["status"] == "applied"
        put(a1, fresh)
    with clock.at(start + dt.timedelta(days=8)):
        said = admin.purge_attachments(world.engine, store_of(world))
    assert said.startswith("deleted 1 ")
    assert held(world) == {sha(kept), sha(released), sha(fresh)}
    with clock.at(start + dt.timedelta(days=12, hours=1)):
        admin.purge_attachments(world.engine, store_of(world))
    assert held(world) == {sha(kept)}
    assert get(world.login("A1"), sha(kept)).content == kept


def test_the_purge_and_its_trail_are_one_transaction(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A purge whose trail row cannot be written deletes nothing (the trail used to be written
    after the deletion's commit: a process dying in between purged photos without a trace)."""
    a1, _, _ = world.standard()
    orphan = jpeg(2)
    put(a1, orphan)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the trail's table is unwritable")

    monkeypatch.setattr(admin.erasure, "record_action", broken)
    with clock.at(dt.datetime.now(dt.UTC) + dt.timedelta(days=8)), pytest.raises(RuntimeError):
        admin.purge_attachments(world.engine, store_of(world))
    assert held(world) == {sha(orphan)}
    monkeypatch.undo()
    with clock.at(dt.datetime.now(dt.UTC) + dt.timedelta(days=8)):
        assert admin.purge_attachments(world.engine, store_of(world)).startswith("deleted 1 ")
    assert held(world) == set()
    assert '"deleted": 1' in admin.trail(world.engine, 5)[0]


def test_the_purge_command(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    a1, _, _ = world.standard()
    put(a1, jpeg(1))
    monkeypatch.setenv("DATABASE_URL", world.settings.database_url)
    monkeypatch.setenv("PERISAI_ATTACHMENTS_DIR", world.settings.attachments_dir)
    with clock.at(dt.datetime.now(dt.UTC) + dt.timedelta(days=7, minutes=1)):
        assert main(["purge-attachments"]) == 0
    assert held(world) == set()
    assert 'purge-attachments - {"deleted": 1}' in admin.trail(world.engine, 5)[0]


def test_erasure_deletes_the_photos_only_the_enrollment_referenced(world: World) -> None:
    a1, _, _ = world.standard()
    ktp, storefront, other = jpeg(1), jpeg(2), jpeg(3)
    for data in (ktp, storefront, other):
        put(a1, data)
    shared = entry(storefront, "storefront_photo")
    enrollment = op(
        "enrollment", "create", fields=enrollment_fields(1, attachments=[entry(ktp), shared])
    )
    business = op("business", "create", fields=business_fields(attachments=[shared]))
    assert [r["status"] for r in a1.push(enrollment, business)] == ["applied", "applied"]
    said = admin.erase_enrollment(world.engine, enrollment["entity_id"], store_of(world))
    assert "1 attachment(s) deleted" in said
    assert held(world) == {sha(storefront), sha(other)}
    assert get(a1, sha(ktp)).status_code == 404
    assert get(a1, sha(storefront)).status_code == 200
    refs = db.table(db.AttachmentRef)
    with world.engine.connect() as conn:
        assert set(conn.scalars(sa.select(refs.c.entity_id))) == {business["entity_id"]}


def _device(world: World, agent: str) -> tuple[Laptop, Ed25519PrivateKey]:
    key = Ed25519PrivateKey.generate()
    laptop = world.login(agent, device_public_key=bundle.b64(bundle.raw_public(key)))
    return laptop, key


def test_a_bundle_carries_its_attachments(world: World) -> None:
    world.standard()
    laptop, key = _device(world, "A1")
    good, damaged, wrong_hash = jpeg(1), jpeg(2), jpeg(3)
    with_good = op("enrollment", "create", fields=enrollment_fields(1, attachments=[entry(good)]))
    with_damaged = op(
        "enrollment", "create", fields=enrollment_fields(2, attachments=[entry(damaged)])
    )
    with_wrong = op(
        "enrollment", "create", fields=enrollment_fields(3, attachments=[entry(wrong_hash)])
    )
    body = laptop.body([with_good, with_damaged, with_wrong])
    body["attachments"] = [
        {"sha256": sha(good), "media_type": "image/jpeg", "data": bundle.b64(good)},
        {"sha256": sha(damaged), "media_type": "image/jpeg", "data": bundle.b64(damaged[:-9])},
        {"sha256": sha(wrong_hash), "media_type": "image/jpeg", "data": bundle.b64(good)},
        {"sha256": "nonsense"},
    ]
    data = bundle.seal(
        body,
        agent_code="A1",
        server_public_key=base64.b64decode(laptop.login_answer["server_public_key"]),
        device_private_key=key,
        created_at=now_wib().isoformat(),
    )
    answer = world.client.post(
        "/v1/sync/bundle",
        content=data,
        headers={**laptop.headers, "Content-Type": "application/octet-stream"},
    )
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected"]
    assert {r["error"]["code"] for r in results[1:]} == {"attachment_missing"}
    assert held(world) == {sha(good)}
    assert get(laptop, sha(good)).content == good
    # The same ops pushed after the missing photos are uploaded: applied, same op_ids.
    put(laptop, damaged)
    put(laptop, wrong_hash)
    again = laptop.push(with_damaged | {"op_seq": 20}, with_wrong | {"op_seq": 21})
    assert [r["status"] for r in again] == ["applied", "applied"]
    assert str(uuid.UUID(with_good["entity_id"])) == with_good["entity_id"]


def test_a_running_server_purges_by_itself(make_world) -> None:  # type: ignore[no-untyped-def]
    """No one has to schedule the 7-day rule: the app's housekeeping loop runs the purge every
    `purge_attachments_every_hours` while the server runs (here every 0.36 s)."""
    world = make_world(purge_attachments_every_hours=0.0001)
    a1, _, _ = world.standard()
    kept = jpeg(1)
    put(a1, kept)
    put(a1, jpeg(2))  # never referenced
    a1.push_one(op("business", "create", fields=business_fields(
        attachments=[entry(kept, "storefront_photo")])))  # fmt: skip
    with clock.at(dt.datetime.now(dt.UTC) + dt.timedelta(days=8)), world.client:
        deadline = time.monotonic() + 20
        while held(world) != {sha(kept)} and time.monotonic() < deadline:
            time.sleep(0.1)
    assert held(world) == {sha(kept)}
    assert '"deleted": 1' in admin.trail(world.engine, 5)[0]
    assert "server" in admin.trail(world.engine, 5)[0]
