"""Attachments (SYNC_PROTOCOL.md 1.1): photos and signatures, content-addressed.

`store`: the bytes (`BlobStore`, `FileStore` under the server home); `images`: is an upload a
whole image of its type; `refs`: the rows (blobs held, records' references, visibility,
clean-up).
"""

# The tables are declared on `db.Base` and `db` imports them: loading `db` first makes any
# import order work (`import sync.server.attachments.tables` alone included).
from sync.server import db as _db  # noqa: F401
