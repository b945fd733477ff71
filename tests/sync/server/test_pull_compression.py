"""Compressed pull answers (issue 15): a pull page goes gzipped to a client that accepts it and
plain to one that does not, with the same changes either way; small answers and the other
routes stay as they are. SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
import uuid

from srv_support import World, business_fields, op


def _seed(world: World, n: int) -> World:
    a1, _, _ = world.standard()
    a1.push(
        *(
            op("business", "create", str(uuid.uuid4()), business_fields(f"Warung Berkah {i}"))
            for i in range(n)
        )
    )
    return world


def _raw_pull(world: World, accept: str) -> tuple[dict[str, str], bytes]:
    """The pull page's headers and its body as it came over the wire (not decoded)."""
    laptop = world.login("A1", device_id=str(uuid.uuid4()))
    headers = {**laptop.headers, "Accept-Encoding": accept}
    with world.client.stream("GET", "/v1/sync/pull", params={"limit": 1000}, headers=headers) as r:
        assert r.status_code == 200
        return dict(r.headers), b"".join(r.iter_raw())


def test_a_pull_page_is_gzipped_when_asked_and_plain_when_not(world: World) -> None:
    _seed(world, 40)
    zipped_headers, zipped = _raw_pull(world, "gzip, deflate")
    plain_headers, plain = _raw_pull(world, "identity")
    assert zipped_headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain_headers
    assert int(zipped_headers["content-length"]) == len(zipped) < len(plain) / 4
    assert "accept-encoding" in zipped_headers["vary"].lower()
    assert zipped_headers["x-request-id"] and plain_headers["x-request-id"]
    unzipped, as_sent = json.loads(gzip.decompress(zipped)), json.loads(plain)
    assert len(as_sent["changes"]) >= 40
    assert unzipped["changes"] == as_sent["changes"]
    assert unzipped["has_more"] is as_sent["has_more"] is False


def test_small_answers_and_other_routes_are_not_compressed(world: World) -> None:
    _seed(world, 40)
    laptop = world.login("A1", device_id=str(uuid.uuid4()))
    asking = {**laptop.headers, "Accept-Encoding": "gzip"}
    # A page with one change is under the threshold: it goes as it is.
    one = world.client.get("/v1/sync/pull", params={"limit": 1}, headers=asking)
    assert one.status_code == 200 and len(one.json()["changes"]) == 1
    assert "content-encoding" not in one.headers
    config = world.client.get("/v1/sync/config", headers=asking)
    assert config.status_code == 200 and "content-encoding" not in config.headers
    # The console's pages (HTML) are not compressed either.
    console = world.client.get("/console/sign-in", headers={"Accept-Encoding": "gzip"})
    assert console.status_code == 200 and "content-encoding" not in console.headers
