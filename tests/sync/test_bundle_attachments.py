"""Offline bundles carry the attachments their ops reference (SYNC_PROTOCOL.md 1.1, the body's
`attachments`), spread over as many bodies as the size cap needs (`sync.bundle_export`)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from sync_support import MemoryStore, business

from sync.bundle_export import bundle_bodies
from sync.transport import encode_json

CAP = 64 * 1024  # the ops' JSON
BLOBS = 64 * 1024  # the attachments' data (base64), counted apart as the server does


def photo(store: MemoryStore, label: str, size: int = 10_000) -> dict[str, Any]:
    data = (label.encode() * size)[:size]
    sha = hashlib.sha256(data).hexdigest()
    store.blobs[sha] = ("image/webp", data)
    return {"kind": "storefront_photo", "sha256": sha, "media_type": "image/webp", "size": size}


def test_each_body_carries_the_photos_of_its_ops_and_stays_under_the_cap():
    store = MemoryStore()
    shared = photo(store, "shared")
    known = photo(store, "known")
    store.uploaded.add(known["sha256"])  # the server took it online already
    ops = [
        store.add(
            "business",
            "create",
            business(f"Warung {n}", attachments=[photo(store, str(n)), shared]),
        )
        for n in range(20)
    ]
    ops.append(store.add("business", "update", {"name": "Lama", "attachments": [known]}))
    bodies = bundle_bodies(store, None, max_ops=500, max_body_bytes=CAP, max_attachment_bytes=BLOBS)
    assert len(bodies) >= 5  # 21 photos of 10 KB (13 KB in base64): at most 4 in 64 KiB
    assert [op["op_id"] for body in bodies for op in body["ops"]] == [o["op_id"] for o in ops]
    for body in bodies:
        data = sum(len(item["data"]) for item in body["attachments"])
        assert data <= BLOBS and len(encode_json(body)) - data <= CAP
        referenced = {
            a["sha256"] for op in body["ops"] for a in op["fields"].get("attachments", [])
        }
        carried = [a["sha256"] for a in body["attachments"]]
        assert len(carried) == len(set(carried))  # the shared photo once per body
        assert set(carried) == referenced - {known["sha256"]}
        for item in body["attachments"]:
            media_type, data = store.blobs[item["sha256"]]
            assert item["media_type"] == media_type
            assert base64.b64decode(item["data"]) == data
    assert store.uploaded == {known["sha256"]}  # a bundle proves nothing until answered


def test_an_op_whose_photos_pass_the_cap_travels_alone():
    store = MemoryStore()
    small = store.add("business", "create", business("Kecil"))
    big = store.add(
        "business", "create", business("Besar", attachments=[photo(store, "b", 80_000)])
    )
    bodies = bundle_bodies(store, None, max_ops=500, max_body_bytes=CAP, max_attachment_bytes=BLOBS)
    assert [[op["op_id"] for op in body["ops"]] for body in bodies] == [
        [small["op_id"]],
        [big["op_id"]],
    ]
    assert bodies[0]["attachments"] == [] and len(bodies[1]["attachments"]) == 1
