"""Photos taken or chosen on the laptop (issue 14, item 5): checked, turned upright, shrunk and
stripped of their metadata before they are kept (`uow.attachments`, inside the encrypted
database).

Why Pillow and not Qt's QImage: Pillow applies the EXIF orientation itself
(`ImageOps.exif_transpose`), writes a JPEG with exactly the metadata we pass (none), guards
against decompression bombs (`Image.MAX_IMAGE_PIXELS`), and keeps Qt out of the services layer
(the server's tests and the sync engine never load Qt). QImage would need us to read the EXIF
orientation ourselves and keeps ICC/text chunks unless told otherwise.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from agent_app.domain import keys, records, validation
from agent_app.domain.messages import Text
from agent_app.errors import KnownError
from agent_app.services.actor import Actor
from agent_app.services.errors import ValidationFailed
from agent_app.storage.uow import SqlUnitOfWork

if TYPE_CHECKING:
    from PIL import Image

#: The largest file accepted as input (before it is shrunk), in bytes.
MAX_INPUT_BYTES = 50 * 1024 * 1024
#: The longest edge of a kept photo, in pixels.
MAX_EDGE = 1600
#: The JPEG quality of a kept photo (about 300 KB for a 1600 px photo).
JPEG_QUALITY = 85
#: The most pixels an input may decode to (a 12 MP phone photo is far below; a bomb is above).
MAX_PIXELS = 80_000_000

_FORMATS = ("JPEG", "PNG", "WEBP")


class PhotoRejected(KnownError):
    """The bytes given are not a photo this app keeps; the message says why, plainly."""


def _not_a_photo() -> PhotoRejected:
    return PhotoRejected(
        Text.of("This file is not a photo (JPEG, PNG or WebP)."), code="not_a_photo"
    )


def normalise(data: bytes) -> bytes:
    """`data` as an upright JPEG of at most MAX_EDGE pixels on its long edge, without metadata.

    Raises:
        PhotoRejected: too large, not an image, or an image that decodes to too many pixels.
    """
    if len(data) > MAX_INPUT_BYTES:
        raise PhotoRejected(Text.of("The photo is too large (at most 50 MB)."), code="too_large")
    # imported here: the services that check references (businesses, visits) load at start-up
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _open(data)
            image = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(
            Text.of("The photo has too many pixels to open safely."), code="too_many_pixels"
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _not_a_photo() from None
    image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    if image.mode != "RGB":
        image = _flatten(image)
    out = io.BytesIO()
    # Pillow's JPEG writer carries over `info` (the input's comment, ICC profile...): drop it,
    # and pass no exif=, icc_profile=, comment= or xmp=.
    image.info = {}
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _open(data: bytes) -> Image.Image:
    from PIL import Image

    image = Image.open(io.BytesIO(data), formats=_FORMATS)  # reads the header only
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise Image.DecompressionBombError(f"{width}x{height}")
    image.load()
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """A transparent or paletted image on white (JPEG has no alpha)."""
    from PIL import Image

    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def add_photo(
    uow: SqlUnitOfWork,
    actor: Actor,
    kind: keys.AttachmentKind,
    data: bytes,
    taken_at: dt.datetime | None = None,
) -> records.Attachment:
    """Normalises `data` (see `normalise`) and keeps it; the reference a record then holds.

    Nothing is stored when the photo is refused. `actor` is who adds it (every use case names
    one); the record that references the photo carries the audit.

    Raises:
        PhotoRejected: see `normalise`.
    """
    del actor
    jpeg = normalise(data)
    with uow:
        attachment = uow.attachments.add(jpeg, "image/jpeg", kind, taken_at)
        uow.commit()
    return attachment


def add_photo_file(
    uow: SqlUnitOfWork, actor: Actor, kind: keys.AttachmentKind, path: Path
) -> records.Attachment:
    """`add_photo` of a file the person chose; its size is checked before it is read.

    Raises:
        PhotoRejected: see `normalise`, or the file cannot be read.
    """
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise PhotoRejected(
                Text.of("The photo is too large (at most 50 MB)."), code="too_large"
            )
        data = path.read_bytes()
    except OSError:
        raise PhotoRejected(Text.of("This file cannot be read."), code="unreadable") from None
    return add_photo(uow, actor, kind, data)


def photo_bytes(uow: SqlUnitOfWork, sha256: str) -> bytes | None:
    """The bytes of a kept photo (for its preview), or None when this laptop lacks it."""
    with uow:
        found = uow.attachments.get(sha256)
    return None if found is None else found[1]


def check_held(
    uow: SqlUnitOfWork,
    before: Iterable[records.Attachment],
    after: Iterable[records.Attachment],
) -> None:
    """Inside a use case's unit of work: a record may newly reference only photos this laptop
    holds (else the sync could never upload them). References it already had (pulled from
    the server, whose bytes this laptop may lack) stay.

    Raises:
        ValidationFailed: on `attachments`, when a new reference points at nothing here.
    """
    new = {a.sha256 for a in after} - {a.sha256 for a in before}
    if any(not uow.attachments.has(sha256) for sha256 in sorted(new)):
        text = Text.of("A photo of this record is not on this laptop. Take or choose it again.")
        raise ValidationFailed(
            [validation.Problem("attachments", "attachment_missing", text.id, text.en)]
        )
