"""Attachments for the server's tests: real small images (Pillow, a dev dependency), their
`attachments` entries, and uploads."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from PIL import Image
from srv_support import Laptop, now_wib


def jpeg(seed: int = 0, size: tuple[int, int] = (32, 24)) -> bytes:
    """A real JPEG, different for each seed."""
    image = Image.new("RGB", size, ((seed * 37) % 256, (seed * 91) % 256, (seed * 13) % 256))
    image.putpixel((seed % size[0], 0), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def png(seed: int = 0) -> bytes:
    image = Image.new("RGB", (16, 16), ((seed * 53) % 256, 120, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry(data: bytes, kind: str = "ktp_photo", media_type: str = "image/jpeg") -> dict[str, Any]:
    """The `attachments` item of a record that references `data`."""
    return {
        "kind": kind,
        "sha256": sha(data),
        "media_type": media_type,
        "size": len(data),
        "taken_at": now_wib().isoformat(),
    }


def put(laptop: Laptop, data: bytes, media_type: str = "image/jpeg", **kwargs: Any) -> Any:
    return laptop.client.put(
        f"/v1/attachments/{sha(data)}",
        content=data,
        headers={**laptop.headers, "Content-Type": media_type, **kwargs.pop("headers", {})},
        **kwargs,
    )


def get(laptop: Laptop, digest: str) -> Any:
    return laptop.client.get(f"/v1/attachments/{digest}", headers=laptop.headers)
