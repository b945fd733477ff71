"""Offline bundles: sealed by the laptop, opened and applied through the same ledger."""

from __future__ import annotations

import base64
import hashlib
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from srv_support import Laptop, World, business_fields, enrollment_fields, now_wib, op

from sync import bundle


def _device(world: World, agent: str) -> tuple[Laptop, Ed25519PrivateKey]:
    key = Ed25519PrivateKey.generate()
    laptop = world.login(agent, device_public_key=bundle.b64(bundle.raw_public(key)))
    return laptop, key


def _seal(laptop: Laptop, key: Ed25519PrivateKey, ops: list[dict]) -> bytes:
    server_key = base64.b64decode(laptop.login_answer["server_public_key"])
    return bundle.seal(
        laptop.body(ops),
        agent_code=laptop.agent_code,
        server_public_key=server_key,
        device_private_key=key,
        created_at=now_wib().isoformat(),
    )


def _upload(world: World, uploader: Laptop, data: bytes):  # type: ignore[no-untyped-def]
    return world.client.post(
        "/v1/sync/bundle",
        content=data,
        headers={**uploader.headers, "Content-Type": "application/octet-stream"},
    )


def test_seal_and_open_round_trip() -> None:
    server = X25519PrivateKey.generate()
    device = Ed25519PrivateKey.generate()
    body = {"protocol_version": 1, "device_id": str(uuid.uuid4()), "batch_id": "b", "ops": []}
    data = bundle.seal(
        body,
        agent_code="A1",
        server_public_key=bundle.raw_public(server),
        device_private_key=device,
        created_at="2026-11-21T10:00:00+07:00",
    )
    header = bundle.read_header(data)
    assert header.agent_code == "A1" and header.device_id == body["device_id"]
    opened = bundle.open_bundle(
        data,
        server_private_key=server,
        device_public_key=bundle.raw_public(device),
        max_body_bytes=10_000,
    )
    assert b'"ops": []' in opened
    with pytest.raises(bundle.BundleError):  # another device's key
        bundle.open_bundle(
            data,
            server_private_key=server,
            device_public_key=bundle.raw_public(Ed25519PrivateKey.generate()),
            max_body_bytes=10_000,
        )
    with pytest.raises(bundle.BundleError):  # sealed for another server
        bundle.open_bundle(
            data,
            server_private_key=X25519PrivateKey.generate(),
            device_public_key=bundle.raw_public(device),
            max_body_bytes=10_000,
        )
    with pytest.raises(bundle.BundleTooLarge):
        bundle.open_bundle(
            data,
            server_private_key=server,
            device_public_key=bundle.raw_public(device),
            max_body_bytes=10,
        )
    tampered = bytearray(data)
    tampered[-70] ^= 1
    with pytest.raises(bundle.BundleError):
        bundle.open_bundle(
            bytes(tampered),
            server_private_key=server,
            device_public_key=bundle.raw_public(device),
            max_body_bytes=10_000,
        )
    with pytest.raises(bundle.BundleError):
        bundle.read_header(b"not a bundle at all" * 10)


def test_bundle_applies_once_and_twice_changes_nothing(world: World) -> None:
    world.branch()
    world.agent("A1")
    laptop, key = _device(world, "A1")
    biz = str(uuid.uuid4())
    ops = [
        op("business", "create", biz, business_fields()),
        op("enrollment", "create", None, enrollment_fields(60)),
    ]
    data = _seal(laptop, key, ops)
    first = _upload(world, laptop, data)
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json()["results"]] == ["applied", "applied"]
    before, _ = laptop.pull_all()
    second = _upload(world, laptop, data)
    assert [r["status"] for r in second.json()["results"]] == ["duplicate", "duplicate"]
    # The same ops pushed online later are duplicates too.
    online = laptop.push(*[dict(o, op_seq=100 + i) for i, o in enumerate(ops)])
    assert [r["status"] for r in online] == ["duplicate", "duplicate"]
    after, _ = laptop.pull_all()
    assert after == before


def test_bundle_uploaded_by_a_supervisor_of_the_branch(world: World) -> None:
    a1, _, s1 = world.standard()
    laptop, key = _device(world, "A1")
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("BS", branch="LLG", role="supervisor")
    other_branch = world.login("BS")
    data = _seal(laptop, key, [op("business", "create", None, business_fields())])
    refused = _upload(world, other_branch, data)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    agent_a2 = world.login("A2")
    assert _upload(world, agent_a2, data).status_code == 403
    accepted = _upload(world, s1, data)
    assert accepted.status_code == 200
    result = accepted.json()["results"][0]
    assert result["status"] == "applied"
    # Applied as the bundle's agent, not the uploader.
    record = next(c for c in a1.pull_all()[0] if c["entity"] == "business")
    assert record["fields"]["registered_by"] == "A1"


def test_bad_bundles(world: World) -> None:
    world.branch()
    world.agent("A1")
    laptop, key = _device(world, "A1")
    garbage = _upload(world, laptop, b"hello")
    assert garbage.status_code == 400 and garbage.json()["error"]["code"] == "invalid_bundle"
    no_key_laptop = world.login("A1")
    unsigned = _seal(no_key_laptop, key, [op("business", "create", None, business_fields())])
    assert _upload(world, laptop, unsigned).status_code == 400
    data = bytearray(_seal(laptop, key, [op("business", "create", None, business_fields())]))
    data[-1] ^= 1
    assert _upload(world, laptop, bytes(data)).status_code == 400


def test_bundle_over_the_cap_is_413(make_world) -> None:
    world = make_world(max_body_bytes=4096)
    world.branch()
    world.agent("A1")
    laptop, key = _device(world, "A1")
    ops = [
        op("business", "create", None, business_fields(address="Jl. " + "a" * 300))
        for _ in range(30)
    ]
    data = _seal(laptop, key, ops)
    assert len(data) < 4096  # small on the wire, large once decompressed
    response = _upload(world, laptop, data)
    assert response.status_code == 413


def test_bundles_are_rate_limited_per_uploader(make_world) -> None:  # type: ignore[no-untyped-def]
    world = make_world(bundle_rate_per_agent=2)
    world.branch()
    world.agent("A1")
    laptop, key = _device(world, "A1")
    answers = [
        _upload(
            world, laptop, _seal(laptop, key, [op("business", "create", None, business_fields())])
        )
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["error"]["code"] == "rate_limited"
    assert int(answers[2].headers["Retry-After"]) >= 1
    # The refused bundle was not applied: two businesses, not three.
    changes, _ = laptop.pull_all()
    assert sum(c["entity"] == "business" for c in changes) == 2


def test_attachments_a_bundle_carries_count_as_uploads(make_world) -> None:  # type: ignore[no-untyped-def]
    world = make_world(upload_rate_per_agent=2)
    world.branch()
    world.agent("A1")
    laptop, key = _device(world, "A1")
    photos = [b"\xff\xd8\xff\xe0 photo %d" % i for i in range(3)]
    carried = [
        {
            "sha256": hashlib.sha256(p).hexdigest(),
            "media_type": "image/jpeg",
            "data": base64.b64encode(p).decode(),
        }
        for p in photos
    ]
    server_key = base64.b64decode(laptop.login_answer["server_public_key"])
    body = laptop.body([op("business", "create", None, business_fields())])
    data = bundle.seal(
        {**body, "attachments": carried},
        agent_code=laptop.agent_code,
        server_public_key=server_key,
        device_private_key=key,
        created_at=now_wib().isoformat(),
    )
    refused = _upload(world, laptop, data)
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"]["code"] == "rate_limited"
    changes, _ = laptop.pull_all()
    assert not any(c["entity"] == "business" for c in changes)
