"""End to end: photos taken on a laptop reach the real server before the records that reference
them (SYNC_PROTOCOL.md 1.1 "Attachments"), through the app's sync service.

Each test uses fresh records and fresh photos (new bytes, new hashes), so they share the
suite's live server; one test runs a server of its own with a small `max_attachment_bytes`.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import random
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from e2e_support import FAST, PASSWORD, Laptop
from helpers.enrollments import enrollment_fields
from helpers.live_server import running_server
from helpers.niks import fresh_nik

from agent_app.domain import keys, records
from agent_app.services import businesses, enrollments
from agent_app.storage import wire
from sync import client as sync_client

_seeds = itertools.count(int(uuid.uuid4()) % 1_000_000)


def jpeg(side: int = 48) -> bytes:
    """A real JPEG, new bytes at every call (noise: `side` 200 is about 35 KB)."""
    from PIL import Image

    noise = random.Random(next(_seeds)).randbytes(side * side * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), noise).save(out, "JPEG", quality=90)
    return out.getvalue()


def keep(laptop: Laptop, data: bytes, kind: keys.AttachmentKind) -> dict[str, Any]:
    """The photo kept in the laptop's database, as the reference a record holds."""
    with laptop.uow() as uow:
        ref: records.Attachment = uow.attachments.add(data, "image/jpeg", kind)
        uow.commit()
    return dict(wire.value_to_wire(ref))


def shop(laptop: Laptop, name: str, *photos: dict[str, Any]) -> records.Business:
    fields: dict[str, Any] = {"name": name, "sector": "kuliner"}
    if photos:
        fields["attachments"] = list(photos)
    return laptop.call(businesses.register_business, fields)


def server_bytes(base_url: str, sha: str) -> bytes | None:
    """The attachment as the server serves it to an agent of the branch (None: 404)."""
    client = sync_client.SyncClient(base_url, uuid.uuid4(), "Laptop pemeriksa", **FAST)
    client.login("AG001", PASSWORD)
    token = client.tokens.access_token if client.tokens else ""
    answer = client.session.get(
        f"{base_url}/v1/attachments/{sha}", headers={"Authorization": f"Bearer {token}"}
    )
    client.session.close()
    return answer.content if answer.status_code == 200 else None


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """Every HTTP call the laptops make: (method, path)."""
    seen: list[tuple[str, str]] = []
    original = requests.Session.request

    def recorded(self: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        seen.append((method.upper(), "/" + url.split("/", 3)[3].split("?")[0]))
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", recorded)
    yield seen


def attachment_calls(seen: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(method, path) for method, path in seen if path.startswith("/v1/attachments/")]


def test_an_enrollment_with_two_photos_arrives_with_both_and_nothing_is_sent_twice(
    make_laptop: Any, server: Any, calls: list[tuple[str, str]]
) -> None:
    a = make_laptop("AG001")
    ktp, document = jpeg(), jpeg()
    refs = [
        keep(a, ktp, keys.AttachmentKind.KTP_PHOTO),
        keep(a, document, keys.AttachmentKind.DOCUMENT),
    ]
    draft = a.call(enrollments.save_draft, enrollment_fields(fresh_nik(), attachments=refs))
    a.call(enrollments.submit, draft.id)
    calls.clear()
    report = a.sync()
    assert (report.applied, report.rejected, report.attachments) == (1, 0, 2)
    sent = attachment_calls(calls)
    for data in (ktp, document):
        path = f"/v1/attachments/{hashlib.sha256(data).hexdigest()}"
        assert sent.index(("HEAD", path)) < sent.index(("PUT", path))
        assert server_bytes(server.base_url, hashlib.sha256(data).hexdigest()) == data
    # photos first, then the push that references them
    assert calls.index(("POST", "/v1/sync/push")) > max(calls.index(c) for c in sent)

    # A shop with the same document photo: the laptop knows the server holds it (uploaded_at).
    calls.clear()
    again = shop(a, "Warung Dokumen", refs[1])
    report = a.sync()
    assert report.applied == 1 and report.attachments == 0
    assert attachment_calls(calls) == []  # not even a HEAD
    assert a.status().pending_ops == 0 and again.id


def _lose(server: Any, sha: str) -> None:
    """The server loses a blob: its file and its row (a restore from an older backup)."""
    home = Path(server.database).parent
    (home / "attachments" / sha[:2] / sha[2:4] / sha).unlink()
    with sqlite3.connect(server.database) as db:
        db.execute("DELETE FROM attachment_blob WHERE sha256 = ?", (sha,))


def test_a_photo_the_server_lost_is_sent_again_and_the_record_arrives_once(
    make_laptop: Any, server: Any, calls: list[tuple[str, str]]
) -> None:
    a, watcher = make_laptop("AG001"), make_laptop("AG001")
    data = jpeg()
    sha = hashlib.sha256(data).hexdigest()
    photo = keep(a, data, keys.AttachmentKind.STOREFRONT_PHOTO)
    shop(a, "Pempek Lama", photo)
    assert a.sync().applied == 1
    _lose(server, sha)
    assert server_bytes(server.base_url, sha) is None
    later = shop(a, "Pempek Cabang Baru", photo)  # the laptop believes the server has it
    calls.clear()
    report = a.sync()
    assert (report.applied, report.rejected, report.attachments) == (1, 0, 1)
    pushes = [c for c in calls if c == ("POST", "/v1/sync/push")]
    assert len(pushes) >= 2  # refused as attachment_missing, uploaded, sent again
    assert server_bytes(server.base_url, sha) == data
    assert a.status().pending_ops == 0 and a.status().problems == []
    watcher.sync()
    copy = businesses.get_detail(watcher.uow(), later.id).business
    assert copy.name == "Pempek Cabang Baru" and copy.version == 1  # applied once


@pytest.mark.clock_free  # sizes and statuses; a server of its own, once per CI
def test_a_photo_too_large_holds_back_only_its_own_record(tmp_path: Path) -> None:
    (tmp_path / "server").mkdir()
    with running_server(tmp_path / "server", {"PERISAI_MAX_ATTACHMENT_BYTES": "20000"}) as small:
        a = Laptop(tmp_path / "laptop.db", "AG001", small.base_url)
        try:
            a.connect()
            before = shop(
                a, "Warung Sebelum", keep(a, jpeg(), keys.AttachmentKind.STOREFRONT_PHOTO)
            )
            big = keep(a, jpeg(200), keys.AttachmentKind.STOREFRONT_PHOTO)
            assert big["size"] > 20000
            blocked = shop(a, "Warung Foto Besar", big)
            after = shop(a, "Warung Sesudah")
            report = a.sync()
            assert (report.applied, report.rejected) == (2, 1)
            assert a.status().pending_ops == 0
            [problem] = a.status().problems
            assert (problem.entity_id, problem.code) == (blocked.id, "attachment_too_large")
            assert problem.problem.id == "Sebuah foto data ini terlalu besar untuk dikirim."
            assert "ambil fotonya lagi" in problem.advice.id
            for record in (before, after):
                assert businesses.get_detail(a.uow(), record.id).business.version == 1
            assert server_bytes(small.base_url, big["sha256"]) is None
        finally:
            a.close()


def test_a_bundle_carries_its_photos_and_the_online_sync_after_sends_none(
    make_laptop: Any, cable: Any, server: Any, tmp_path: Path, calls: list[tuple[str, str]]
) -> None:
    from agent_app.domain.keys import Role
    from agent_app.services import sync as sync_service

    a = make_laptop("AG001")
    desk = make_laptop("SV001", role=Role.SUPERVISOR)  # branch staff, at a connected desk
    cable.unplug()  # days without network
    data = jpeg()
    sha = hashlib.sha256(data).hexdigest()
    ktp = keep(a, data, keys.AttachmentKind.KTP_PHOTO)
    draft = a.call(enrollments.save_draft, enrollment_fields(fresh_nik(), attachments=[ktp]))
    a.call(enrollments.submit, draft.id)
    plain = shop(a, "Warung Tanpa Foto")
    exported = sync_service.export_bundle(a.uow, a.actor, tmp_path / "hari-1.perisai")
    assert exported.ops == 2
    cable.plug()
    [path] = exported.paths
    results = sync_service.upload_bundle(desk.uow, desk.actor, desk.url, path)
    assert [r.status for r in results] == ["applied", "applied"]
    assert server_bytes(server.base_url, sha) == data
    calls.clear()
    report = a.sync()  # the same ops online: answered from the ledger, the photo not resent
    assert (report.duplicate, report.rejected, report.attachments) == (2, 0, 0)
    assert ("PUT", f"/v1/attachments/{sha}") not in calls
    assert businesses.get_detail(a.uow(), plain.id).business.version == 1
