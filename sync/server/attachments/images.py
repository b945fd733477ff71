"""Is this upload a whole image of the type it claims? Magic bytes and a complete ending.

Only the container is checked, never decoded (no image library on the server): a JPEG starts
FF D8 FF and ends FF D9; a PNG starts with its signature and IHDR, and ends with its IEND
chunk; a WebP is a RIFF file whose length field is the file's length and whose form is WEBP.
A truncated upload fails the ending check, so nothing half-sent is ever stored.
"""

from __future__ import annotations

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_IEND = b"\x00\x00\x00\x00IEND\xae\x42\x60\x82"


def _jpeg(data: bytes) -> bool:
    return len(data) >= 6 and data[:3] == b"\xff\xd8\xff" and data[-2:] == b"\xff\xd9"


def _png(data: bytes) -> bool:
    return (
        len(data) >= 8 + 25 + 12
        and data[:8] == _PNG_SIGNATURE
        and data[12:16] == b"IHDR"
        and data.endswith(_PNG_IEND)
    )


def _webp(data: bytes) -> bool:
    if len(data) < 16 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return False
    return int.from_bytes(data[4:8], "little") + 8 == len(data)


_CHECKS = {"image/jpeg": _jpeg, "image/png": _png, "image/webp": _webp}


def is_complete_image(data: bytes, media_type: str) -> bool:
    """Whether `data` is a whole image of `media_type` (one of protocol.ATTACHMENT_MEDIA_TYPES)."""
    check = _CHECKS.get(media_type)
    return check is not None and check(data)


def media_type_of(content_type: str | None) -> str:
    """The media type of a Content-Type header, lowercase, without parameters."""
    return (content_type or "").split(";", 1)[0].strip().lower()
