"""Photos: refused when they are not photos, too large or bombs; upright, shrunk, JPEG, no
metadata; kept once by content hash; nothing stored when refused."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PIL import Image, TiffImagePlugin

from agent_app.domain import keys
from agent_app.services import attachments
from agent_app.services.actor import Actor
from agent_app.storage.uow import SqlUnitOfWork

KTP = keys.AttachmentKind.KTP_PHOTO


def _jpeg(size: tuple[int, int], orientation: int | None = None, **extra: object) -> bytes:
    """A landscape test photo: red left half, blue right half; with EXIF and GPS."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    if orientation is not None:
        exif[0x0112] = orientation
    gps = {1: "S", 2: (TiffImagePlugin.IFDRational(6), 0, 0)}  # GPSLatitude
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"secret comment", **extra)  # type: ignore[arg-type]
    return out.getvalue()


def _stored_count(uow: SqlUnitOfWork) -> int:
    import sqlalchemy as sa

    with uow:
        return int(uow.session.scalar(sa.text("SELECT count(*) FROM attachments")) or 0)


def test_a_photo_is_turned_upright_shrunk_and_stripped(uow: SqlUnitOfWork, actor: Actor) -> None:
    # orientation 6: the camera held on its side; the viewer rotates 90 degrees clockwise.
    data = _jpeg((4000, 3000), orientation=6, icc_profile=b"\0" * 128)
    attachment = attachments.add_photo(uow, actor, KTP, data)

    stored = attachments.photo_bytes(uow, attachment.sha256)
    assert stored is not None
    assert attachment.sha256 == hashlib.sha256(stored).hexdigest()
    assert (attachment.kind, attachment.media_type, attachment.size) == (
        KTP,
        "image/jpeg",
        len(stored),
    )
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert image.size == (1200, 1600)  # upright (portrait) and 1600 px on the long edge
    # rotated clockwise: the red left half is now on top
    assert image.getpixel((600, 100))[0] > 200  # type: ignore[index]
    assert image.getpixel((600, 1500))[2] > 200  # type: ignore[index]
    assert not image.getexif()
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert "comment" not in image.info and "xmp" not in image.info
    assert b"PhoneMaker" not in stored and b"secret comment" not in stored
    assert len(stored) < 400_000


def test_the_same_photo_twice_is_kept_once(uow: SqlUnitOfWork, actor: Actor) -> None:
    data = _jpeg((800, 600))
    first = attachments.add_photo(uow, actor, KTP, data)
    second = attachments.add_photo(uow, actor, keys.AttachmentKind.STOREFRONT_PHOTO, data)
    assert first.sha256 == second.sha256
    assert _stored_count(uow) == 1
    image = Image.open(io.BytesIO(attachments.photo_bytes(uow, first.sha256) or b""))
    assert image.size == (800, 600)  # a small photo is not enlarged


def test_png_with_transparency_becomes_a_jpeg_on_white(uow: SqlUnitOfWork, actor: Actor) -> None:
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (0, 0, 0, 0)).save(out, "PNG")
    attachment = attachments.add_photo(uow, actor, KTP, out.getvalue())
    image = Image.open(io.BytesIO(attachments.photo_bytes(uow, attachment.sha256) or b""))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert image.getpixel((10, 10)) == (255, 255, 255)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7 not a photo",
        b"",
        _jpeg((200, 100))[:300],  # a truncated JPEG
        b"GIF89a" + b"\0" * 64,  # an image, but not one we keep
    ],
    ids=["pdf", "empty", "truncated", "gif"],
)
def test_what_is_not_a_photo_is_refused(uow: SqlUnitOfWork, actor: Actor, data: bytes) -> None:
    with pytest.raises(attachments.PhotoRejected) as caught:
        attachments.add_photo(uow, actor, KTP, data)
    assert caught.value.code == "not_a_photo"
    assert caught.value.message("id") == "Berkas ini bukan foto (JPEG, PNG atau WebP)."
    assert caught.value.message("en") == "This file is not a photo (JPEG, PNG or WebP)."
    assert _stored_count(uow) == 0


def test_an_input_over_50_mb_is_refused_before_decoding(
    uow: SqlUnitOfWork, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded a file over the limit")

    monkeypatch.setattr(Image, "open", never)
    with pytest.raises(attachments.PhotoRejected) as caught:
        attachments.add_photo(uow, actor, KTP, b"\xff" * (attachments.MAX_INPUT_BYTES + 1))
    assert caught.value.code == "too_large"
    assert caught.value.message("id") == "Foto terlalu besar (maksimal 50 MB)."
    assert _stored_count(uow) == 0


def test_a_file_over_50_mb_is_not_read(uow: SqlUnitOfWork, actor: Actor, tmp_path: Path) -> None:
    big = tmp_path / "big.jpg"
    with big.open("wb") as f:
        f.truncate(attachments.MAX_INPUT_BYTES + 1)  # sparse: no 50 MB written
    with pytest.raises(attachments.PhotoRejected) as caught:
        attachments.add_photo_file(uow, actor, KTP, big)
    assert caught.value.code == "too_large"
    small = tmp_path / "small.jpg"
    small.write_bytes(_jpeg((100, 80)))
    assert attachments.add_photo_file(uow, actor, KTP, small).media_type == "image/jpeg"
    with pytest.raises(attachments.PhotoRejected) as gone:
        attachments.add_photo_file(uow, actor, KTP, tmp_path / "missing.jpg")
    assert gone.value.code == "unreadable"


def test_a_decompression_bomb_is_refused(uow: SqlUnitOfWork, actor: Actor) -> None:
    # 10,000 x 10,000 pixels of one colour: a small PNG that decodes to 100 MP (300 MB)
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")
    assert len(out.getvalue()) < 1_000_000
    with pytest.raises(attachments.PhotoRejected) as caught:
        attachments.add_photo(uow, actor, KTP, out.getvalue())
    assert caught.value.code == "too_many_pixels"
    assert "terlalu banyak piksel" in caught.value.message("id")
    assert _stored_count(uow) == 0


def test_photo_bytes_of_an_unknown_hash_is_none(uow: SqlUnitOfWork) -> None:
    assert attachments.photo_bytes(uow, "0" * 64) is None


def test_a_visit_and_a_business_keep_their_photo_and_place(
    uow: SqlUnitOfWork, actor: Actor
) -> None:
    from agent_app.services import businesses, visits

    photo = attachments.add_photo(
        uow, actor, keys.AttachmentKind.STOREFRONT_PHOTO, _jpeg((900, 600))
    )
    wire = {
        "kind": "storefront_photo",
        "sha256": photo.sha256,
        "media_type": "image/jpeg",
        "size": photo.size,
        "taken_at": None,
    }
    place = {"latitude": -2.976, "longitude": 104.775, "accuracy_m": 12.0}
    business = businesses.register_business(
        uow, actor, {"name": "Pempek Cek Molek", "attachments": [wire], **place}
    )
    assert business.attachments == (photo,)
    assert (business.latitude, business.accuracy_m) == (-2.976, 12.0)
    visit = visits.record_visit(uow, actor, business.id, {"attachments": [wire], **place})
    with uow:
        stored = uow.visits.get(visit.id)
    assert stored is not None and stored.attachments == (photo,)
    assert (stored.latitude, stored.longitude, stored.accuracy_m) == (-2.976, 104.775, 12.0)


def test_a_record_may_not_newly_reference_a_photo_this_laptop_lacks(
    uow: SqlUnitOfWork, actor: Actor, enrollment_fields: Any
) -> None:
    import dataclasses

    from agent_app.services import businesses, enrollments, visits
    from agent_app.services.errors import ValidationFailed

    ghost = {
        "kind": "storefront_photo",
        "sha256": "e" * 64,
        "media_type": "image/jpeg",
        "size": 1000,
        "taken_at": None,
    }
    with pytest.raises(ValidationFailed) as caught:
        businesses.register_business(uow, actor, {"name": "Toko Hantu", "attachments": [ghost]})
    assert caught.value.fields() == ["attachments"]
    assert caught.value.problems[0].code == "attachment_missing"
    assert "tidak ada di laptop ini" in caught.value.problems[0].message_id
    business = businesses.register_business(uow, actor, {"name": "Toko Ada"})
    with pytest.raises(ValidationFailed):
        visits.record_visit(uow, actor, business.id, {"attachments": [ghost]})
    ktp = {**ghost, "kind": "ktp_photo"}
    with pytest.raises(ValidationFailed):
        enrollments.save_draft(uow, actor, {**enrollment_fields(), "attachments": [ktp]})
    with uow:
        assert uow.session.scalar(sa.text("SELECT count(*) FROM visits")) == 0
        assert uow.session.scalar(sa.text("SELECT count(*) FROM enrollments")) == 0
        assert uow.session.scalar(sa.text("SELECT count(*) FROM businesses")) == 1

    # a reference the record already had (pulled; the bytes stay on the server) is kept on edit
    with uow:
        pulled = dataclasses.replace(business, attachments=(wire_attachment(ghost),))
        uow.businesses.update(pulled)
        uow.commit()
    edited = businesses.update_business(uow, actor, business.id, {"name": "Toko Ada Jaya"})
    assert edited.attachments == pulled.attachments


def wire_attachment(item: dict[str, Any]) -> Any:
    from agent_app.storage import wire

    return wire.attachments_from_wire([item])[0]
