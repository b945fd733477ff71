"""SYNC_PROTOCOL.md 1.1 "Attachments": PUT, HEAD and GET /v1/attachments/{sha256}, on SQLite
and PostgreSQL: idempotent, verified uploads, nothing stored from a refused one, and the
pull's visibility rules on reading (404, never 403)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import sqlalchemy as sa
from blob_support import entry, get, jpeg, png, put, sha
from srv_support import World, business_fields, enrollment_fields, op

from sync.server import db


def blob_rows(world: World) -> list[str]:
    with world.engine.connect() as conn:
        return list(conn.scalars(sa.select(db.table(db.AttachmentBlob).c.sha256)))


def stored_files(world: World) -> list[Path]:
    root = Path(world.settings.attachments_dir)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_put_is_idempotent_and_stores_privately(world: World) -> None:
    a1, _, _ = world.standard()
    data = jpeg(1)
    first = put(a1, data)
    assert first.status_code == 201, first.text
    assert first.json() == {"sha256": sha(data), "size": len(data), "media_type": "image/jpeg"}
    again = put(a1, data)
    assert again.status_code == 200
    assert blob_rows(world) == [sha(data)]
    [file] = stored_files(world)
    digest = sha(data)
    assert file.relative_to(world.settings.attachments_dir).parts == (
        digest[:2],
        digest[2:4],
        digest,
    )
    assert file.read_bytes() == data
    if os.name == "posix":
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
        assert stat.S_IMODE(file.parent.stat().st_mode) == 0o700


def test_png_and_webp_are_taken(world: World) -> None:
    a1, _, _ = world.standard()
    assert put(a1, png(3), "image/png").status_code == 201
    body = b"VP8 " + (4).to_bytes(4, "little") + b"\x00" * 4
    webp = b"RIFF" + (len(body) + 4).to_bytes(4, "little") + b"WEBP" + body
    assert put(a1, webp, "image/webp").status_code == 201
    assert put(a1, webp[:-2], "image/webp").status_code == 400  # RIFF length no longer matches


def test_refused_uploads_store_nothing(world: World) -> None:
    a1, _, _ = world.standard()
    data = jpeg(2)
    mismatch = a1.client.put(
        f"/v1/attachments/{sha(b'other')}",
        content=data,
        headers={**a1.headers, "Content-Type": "image/jpeg"},
    )
    assert mismatch.status_code == 400
    assert mismatch.json()["error"]["code"] == "hash_mismatch"
    text = b"%PDF-1.4 not an image at all"
    not_image = put(a1, text)
    assert not_image.status_code == 400
    assert not_image.json()["error"]["code"] == "not_an_image"
    truncated = put(a1, data[: len(data) // 2])
    assert truncated.status_code == 400
    assert truncated.json()["error"]["code"] == "not_an_image"
    as_png = put(a1, data, "image/png")  # a JPEG declared as PNG
    assert as_png.status_code == 400
    other_type = put(a1, text, "application/pdf")
    assert other_type.status_code == 415
    assert other_type.json()["error"]["code"] == "unsupported_media_type"
    assert put(a1, data, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert blob_rows(world) == []
    assert stored_files(world) == []


def test_over_the_cap_is_413_before_reading_and_while_streaming(world: World) -> None:
    a1, _, _ = world.standard()
    cap = world.settings.max_attachment_bytes
    big = b"\xff\xd8\xff" + b"\x00" * (50 * 1024 * 1024) + b"\xff\xd9"
    declared = put(a1, big)
    assert declared.status_code == 413, declared.text
    assert declared.json()["error"]["code"] == "body_too_large"

    def chunks() -> object:
        for _ in range(cap // (1024 * 1024) + 2):
            yield b"\x00" * (1024 * 1024)

    streamed = a1.client.put(
        f"/v1/attachments/{sha(b'x')}",
        content=chunks(),  # no Content-Length: chunked
        headers={**a1.headers, "Content-Type": "image/jpeg"},
    )
    assert streamed.status_code == 413
    assert blob_rows(world) == []
    assert stored_files(world) == []
    # Above max_body_bytes (512 KiB in these tests) but within max_attachment_bytes: taken.
    assert world.settings.max_body_bytes < 700 * 1024 < cap
    large = b"\xff\xd8\xff\xe0" + os.urandom(700 * 1024) + b"\xff\xd9"
    assert put(a1, large).status_code == 201


def test_a_smaller_configured_cap(make_world) -> None:  # type: ignore[no-untyped-def]
    world = make_world(max_attachment_bytes=1000)
    a1, _, _ = world.standard()
    assert put(a1, jpeg(1, (200, 200))).status_code == 413
    config = a1.client.get("/v1/sync/config", headers=a1.headers).json()
    assert config["max_attachment_bytes"] == 1000
    assert config["protocol_minor"] == 1


def test_head(world: World) -> None:
    a1, a2, _ = world.standard()
    data = jpeg(4)
    url = f"/v1/attachments/{sha(data)}"
    assert a1.client.head(url, headers=a1.headers).status_code == 404
    put(a1, data)
    assert a2.client.head(url, headers=a2.headers).status_code == 200
    assert a1.client.head(url).status_code == 401
    assert a1.client.head("/v1/attachments/xyz", headers=a1.headers).status_code == 404


def test_get_follows_the_pull_visibility(world: World) -> None:
    a1, a2, s1 = world.standard()
    world.branch("LLG", "Lubuklinggau", "16.73")
    world.agent("B1", "LLG")
    world.agent("S2", "LLG", role="supervisor")
    b1, s2 = world.login("B1"), world.login("S2")
    storefront, ktp, orphan = jpeg(5), jpeg(6), jpeg(7)
    for data in (storefront, ktp, orphan):
        assert put(a1, data).status_code == 201
    business = op(
        "business",
        "create",
        fields=business_fields(attachments=[entry(storefront, "storefront_photo")]),
    )
    enrollment = op("enrollment", "create", fields=enrollment_fields(1, attachments=[entry(ktp)]))
    assert [r["status"] for r in a1.push(business, enrollment)] == ["applied", "applied"]
    answer = get(a1, sha(ktp))
    assert answer.status_code == 200
    assert answer.content == ktp
    assert answer.headers["content-type"] == "image/jpeg"
    assert answer.headers["cache-control"] == "private, no-store"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert get(s1, sha(ktp)).status_code == 200  # the branch's supervisor
    assert get(a2, sha(storefront)).status_code == 200  # the branch's business
    assert get(a2, sha(ktp)).status_code == 404  # another agent's enrollment
    for outsider in (b1, s2):  # another branch: nothing, not even a 403
        assert get(outsider, sha(ktp)).status_code == 404
        assert get(outsider, sha(storefront)).status_code == 404
    assert get(a1, sha(orphan)).status_code == 404  # uploaded, referenced by nothing
    assert get(a1, "0" * 64).status_code == 404
    assert a1.client.get(f"/v1/attachments/{sha(ktp)}").status_code == 401


def test_the_upload_rate_limit(make_world) -> None:  # type: ignore[no-untyped-def]
    world = make_world(upload_rate_per_agent=2)
    a1, a2, _ = world.standard()
    assert put(a1, jpeg(1)).status_code == 201
    assert put(a1, jpeg(2)).status_code == 201
    limited = put(a1, jpeg(3))
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert put(a2, jpeg(3)).status_code == 201  # per agent
