"""Where the bytes of attachments live: a content-addressed blob store.

`FileStore` keeps each blob in one file under the server home,
`<home>/attachments/ab/cd/<sha256>` (files 0o600, folders 0o700). Its rows (who uploaded it,
which records reference it) are in the database (`attachment_blob`, `attachment_ref`); the
store only holds bytes by their SHA-256.

Another store (an S3-compatible object store, when one server is not enough) may take its
place if it keeps the `BlobStore` promises:

- `put` is atomic: a reader sees the whole blob or none (an S3 PUT is; a file store writes a
  temporary file, fsyncs it and renames it), and it is durable once `put` returns;
- `put` of a key that exists is harmless (same key, same bytes: content-addressed);
- `read` returns exactly the bytes put; `has`/`size` are consistent with a finished `put`
  (read-after-write: S3 gives it since 2020);
- the bucket is private (no public URLs): the server alone serves the bytes, after its
  visibility check.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class BlobStore(Protocol):
    """Bytes by their lowercase hex SHA-256."""

    def has(self, sha256: str) -> bool: ...

    def put(self, sha256: str, data: bytes) -> None: ...

    def read(self, sha256: str) -> bytes: ...

    def delete(self, sha256: str) -> None: ...

    def size(self, sha256: str) -> int | None: ...


class FileStore:
    """Blobs as files under `root`, fanned out by the hash's first two byte pairs."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        if not SHA256_HEX.fullmatch(sha256):
            raise ValueError("not a lowercase hex SHA-256")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int | None:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            return None

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def put(self, sha256: str, data: bytes) -> None:
        """Writes the blob atomically: a temporary file in the same folder, fsynced, renamed
        over the final name, then the folder fsynced (the rename survives a crash)."""
        target = self.path(sha256)
        folder = target.parent
        for path in (self.root, folder.parent, folder):
            path.mkdir(mode=0o700, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".put-", dir=folder)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        _fsync_folder(folder)

    def delete(self, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(sha256).unlink()


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
