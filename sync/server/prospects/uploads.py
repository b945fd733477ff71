"""Partner lists uploaded by a supervisor and waiting for their mapping and preview
(`prospect_upload`), the branch's sources and imported lists. Only a supervisor of the branch
or an admin reaches these (the console's sign-in); another branch's upload is not found, as a
missing one is. An upload is kept a day at most: it is deleted when imported, and older ones by
every new upload and by the server's housekeeping (`purge`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain.messages import Text
from sync.server import db
from sync.server.admin.common import FieldError, NotFound
from sync.server.admin.review import Reviewer
from sync.server.prospects import reading
from sync.server.prospects.tables import ProspectList, ProspectSource, ProspectUpload

KEPT = dt.timedelta(days=1)
#: The lists the index shows at most (the latest).
MAX_LISTED = 200


class NoUpload(NotFound):
    def __init__(self) -> None:
        super().__init__(Text.of("This upload is gone: it was imported or is older than a day."))


@dataclass(frozen=True, slots=True)
class Upload:
    id: str
    branch_code: str
    file_name: str
    sha256: str
    content: bytes


def purge(conn: sa.Connection, now: dt.datetime | None = None) -> int:
    """Deletes the uploads older than a day; how many went."""
    table = db.table(ProspectUpload)
    oldest = (now or db.utcnow()) - KEPT
    return conn.execute(table.delete().where(table.c.created_at < oldest)).rowcount or 0


def branch_of(who: Reviewer, own_branch: str) -> str:
    """The branch an upload is for: the supervisor's; an admin's own branch too."""
    return who.branch or own_branch


def save(engine: Engine, who: Reviewer, branch: str, file_name: str, content: bytes) -> str:
    """Keeps a file that reads as a list (`FieldError` on `file` otherwise); its id."""
    try:
        reading.read(content, file_name)
    except reading.Refused as refused:
        raise FieldError("file", refused.text) from refused
    upload_id = str(uuid.uuid4())
    with db.write_transaction(engine) as conn:
        purge(conn)
        conn.execute(
            db.table(ProspectUpload)
            .insert()
            .values(
                id=upload_id,
                branch_code=branch,
                agent_code=who.name or "",
                file_name=(file_name or "daftar")[-255:],
                sha256=hashlib.sha256(content).hexdigest(),
                content=content,
                created_at=db.utcnow(),
            )
        )
    return upload_id


def _visible(row: Any, who: Reviewer) -> bool:
    if row is None or (who.branch is not None and row.branch_code != who.branch):
        return False
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
    return bool(created >= db.utcnow() - KEPT)


def load(conn: sa.Connection, upload_id: str, who: Reviewer, *, claim: bool = False) -> Upload:
    """The upload `who` may see (`NoUpload` otherwise); `claim`: deleted in the caller's
    transaction, so one import of it can succeed (a second waits for the first and finds
    nothing)."""
    table = db.table(ProspectUpload)
    try:
        upload_id = str(uuid.UUID(upload_id))
    except ValueError as error:
        raise NoUpload() from error
    row = conn.execute(sa.select(table).where(table.c.id == upload_id)).first()
    if row is None or not _visible(row, who):
        raise NoUpload()
    if claim and conn.execute(table.delete().where(table.c.id == upload_id)).rowcount != 1:
        raise NoUpload()
    return Upload(row.id, row.branch_code, row.file_name, row.sha256, bytes(row.content))


def get(engine: Engine, upload_id: str, who: Reviewer) -> Upload:
    with engine.connect() as conn:
        return load(conn, upload_id, who)


def sources(engine: Engine, branch: str) -> list[dict[str, Any]]:
    """The branch's sources by name: id, name and remembered mapping."""
    table = db.table(ProspectSource)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(table.c.id, table.c.name, table.c.mapping)
            .where(table.c.branch_code == branch)
            .order_by(table.c.name)
        ).all()
    return [{"id": r.id, "name": r.name, "mapping": dict(r.mapping or {})} for r in rows]


def remembered(engine: Engine, branch: str, source_name: str) -> dict[str, str]:
    """The mapping the source's last list used (empty for a new source)."""
    for source in sources(engine, branch):
        if source["name"] == source_name.strip():
            return {str(k): str(v) for k, v in source["mapping"].items()}
    return {}


def lists(engine: Engine, who: Reviewer, branch: str) -> list[dict[str, Any]]:
    """The branch's imported lists, the latest first, with their source and counts."""
    lists_t, sources_t = db.table(ProspectList), db.table(ProspectSource)
    query = (
        sa.select(lists_t, sources_t.c.name.label("source_name"))
        .join(sources_t, sources_t.c.id == lists_t.c.source_id)
        .where(lists_t.c.branch_code == (who.branch or branch))
        .order_by(lists_t.c.imported_at.desc(), lists_t.c.id)
        .limit(MAX_LISTED)
    )
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]
