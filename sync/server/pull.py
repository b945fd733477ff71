"""Pull: the changes a caller may see after its cursor, in `server_seq` order.

The cursor is opaque to the laptop: the server's epoch and a sequence number, signed. A cursor
from another database (another epoch), or older than the retention horizon (raised when
tombstones are compacted) and made before it was raised, is answered 410 `cursor_expired`
(a pull that began after the compaction missed no deletion, so its pages go on); a cursor the
server did not make is 400. Every writer assigns `server_seq` under the lock of the single
counter row, so seq order is commit order: reading the counter first and then the rows up to
it never skips one.

Optional entities (`protocol.OPTIONAL_PULLED`, e.g. `assignment`) go only to a pull that
declares them (`with`); a laptop from before them cannot parse them. They are left out in the
query itself, so a page is as full as the limit allows and `has_more` stays true while more
is waiting. A cursor records the optional entities its pulls covered: a pull declaring one the
cursor did not cover (a laptop upgraded past a cursor its old app made) is answered 410
`cursor_expired`, and the laptop pulls again from the start, so no change is skipped for it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sync.protocol import OPTIONAL_PULLED
from sync.server import db, meta
from sync.server.push import Caller


class CursorError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Page:
    changes: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


def _sign(secret: bytes, body: str) -> str:
    return hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()[:24]


def make_cursor(
    secret: bytes, epoch: str, seq: int, covered: Collection[str] = (), horizon: int = 0
) -> str:
    """A signed cursor after `seq`; `covered`: the optional entities its pulls included
    (left out of the cursor when none, so an old laptop's cursors look as they always did);
    `horizon`: the retention horizon when it was made (left out when 0)."""
    data: dict[str, Any] = {"e": epoch, "s": seq}
    if covered:
        data["w"] = sorted(covered)
    if horizon:
        data["h"] = horizon
    body = (
        base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )
    return f"{body}.{_sign(secret, body)}"


def read_cursor(
    secret: bytes,
    epoch: str,
    horizon: int,
    cursor: str | None,
    declared: Collection[str] = (),
) -> int:
    """The sequence number after which to pull (0 without a cursor).

    `declared`: the optional entities this pull asks for; one the cursor's pulls left out is
    answered `cursor_expired` (its changes before the cursor would be skipped). A cursor below
    the horizon is `cursor_expired` only when it was made before the horizon was last raised:
    a pull that started after the compaction has missed no deletion, so its pages go on.
    """
    if not cursor:
        return 0
    try:
        body, signature = cursor.split(".")
        if not hmac.compare_digest(_sign(secret, body), signature):
            raise ValueError("bad signature")
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        cursor_epoch, seq = str(data["e"]), int(data["s"])
        covered = {str(name) for name in data.get("w", ())}
        made_at_horizon = int(data.get("h", 0))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise CursorError(
            400, "invalid_cursor", "This cursor was not made by this server."
        ) from error
    if cursor_epoch != epoch:
        raise CursorError(
            410, "cursor_expired", "The server's data was reset; pull again from the start."
        )
    if seq < horizon and made_at_horizon < horizon:
        raise CursorError(
            410, "cursor_expired", "The cursor is older than the server keeps; pull again."
        )
    missing = sorted(set(declared) - covered)
    if missing:
        raise CursorError(
            410,
            "cursor_expired",
            f"This cursor was made by pulls without {', '.join(missing)}; pull again from the "
            "start.",
        )
    return seq


def understood(names: Collection[str]) -> frozenset[str]:
    """The optional entities among `names` (a pull's `with`); unknown names are ignored, so a
    newer laptop may declare an entity this server does not have yet."""
    return frozenset(OPTIONAL_PULLED).intersection(names)


def _visible(caller: Caller, declared: Collection[str]) -> Any:
    table = db.table(db.Record)
    c = table.c
    branch = c.branch_code == caller.branch_code
    own = sa.true() if caller.is_supervisor else c.owner_code == caller.agent_code
    own_or_shared = (
        sa.true()
        if caller.is_supervisor
        else sa.or_(c.owner_code.is_(None), c.owner_code == caller.agent_code)
    )
    shown = [
        sa.and_(c.entity.in_(("business", "visit", "event")), branch),
        sa.and_(c.entity == "enrollment", branch, own),
        sa.and_(c.entity == "target", branch, own_or_shared),
        sa.and_(c.entity == "rate_table", sa.or_(c.branch_code.is_(None), branch)),
    ]
    if "assignment" in declared:
        # An assignment is pulled by the one agent it is made to (a supervisor too).
        shown.append(sa.and_(c.entity == "assignment", branch, c.owner_code == caller.agent_code))
    if "employer_registration" in declared:
        # Its workers' NIKs and wages: as an enrollment, the agent's own (a supervisor: the
        # branch's).
        shown.append(sa.and_(c.entity == "employer_registration", branch, own))
    if "consent_text" in declared:
        # Published by the central office for every branch (no branch, no owner).
        shown.append(sa.and_(c.entity == "consent_text", c.branch_code.is_(None)))
    return sa.or_(*shown)


def _deleted_fields(fields: dict[str, Any] | None) -> dict[str, Any]:
    """A deletion's fields: `{}`, or for a business merged into another
    `{"merged_into": <survivor id>}` (docs/wire.md, "Merges")."""
    survivor = (fields or {}).get("merged_into")
    return {"merged_into": survivor} if isinstance(survivor, str) else {}


def pull(
    conn: Connection,
    caller: Caller,
    cursor: str | None,
    limit: int,
    declared: Collection[str] = (),
) -> Page:
    """A page of changes after `cursor`; `declared`: the optional entities the caller
    understands (`understood`); the others are left out of the page."""
    declared = understood(declared)
    values = meta.read(conn)
    secret = meta.token_secret(values)
    horizon = int(values["cursor_horizon"])
    after = read_cursor(secret, values["epoch"], horizon, cursor, declared)
    # The counter first: every change with a seq up to it has committed (seq order is commit
    # order), so the rows read next can hold no gap below it.
    upto = conn.execute(sa.text("SELECT value FROM seq_counter WHERE id = 1")).scalar_one()
    if after > upto:
        # A cursor from the future: the database was restored from a backup older than what
        # this laptop has seen. Its later changes would be skipped; start again.
        raise CursorError(
            410, "cursor_expired", "The server's data is older than this cursor; pull again."
        )
    table = db.table(db.Record)
    rows = conn.execute(
        sa.select(
            table.c.entity,
            table.c.entity_id,
            table.c.version,
            table.c.deleted,
            table.c.fields,
            table.c.server_seq,
        )
        .where(table.c.server_seq > after, table.c.server_seq <= upto, _visible(caller, declared))
        .order_by(table.c.server_seq)
        .limit(limit + 1)
    ).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    changes = [
        {
            "entity": row.entity,
            "entity_id": row.entity_id,
            "version": row.version,
            "deleted": bool(row.deleted),
            "fields": _deleted_fields(row.fields) if row.deleted else (row.fields or {}),
            "server_seq": row.server_seq,
        }
        for row in rows
    ]
    last = rows[-1].server_seq if has_more else upto
    return Page(changes, make_cursor(secret, values["epoch"], last, declared, horizon), has_more)


def pull_page(
    engine: Engine,
    caller: Caller,
    cursor: str | None,
    limit: int,
    declared: Collection[str] = (),
) -> Page:
    """`pull` in a transaction of its own."""
    with engine.connect() as conn:  # reads only, in one deferred transaction
        return pull(conn, caller, cursor, limit, declared)
