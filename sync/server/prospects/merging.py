"""Merging two records of one business (issue 18): a supervisor of the branch (or an admin)
chooses which survives; one transaction, under the write lock (`seq_counter`), with its row in
the administration trail (ids only).

In `server_seq` order, which is the order laptops pull in:
1. the survivor keeps its fields and takes the loser's where its own are empty (`FILLED`; the
   place as a whole) and the loser's photos it lacks (`attachments`), with a new version;
2. every record naming the loser in `business_id` (visits, enrollments, assignments, employer
   registrations) names the survivor, with a new version;
3. the loser is deleted, its pulled change carrying `fields: {"merged_into": <survivor>}`.
A laptop never sees the deletion before the survivor's new version. `business_merge` keeps
loser -> survivor: a late op naming the loser is applied to the survivor (`survivors`); merges
into a record later merged again are followed to the end. The pair, and every open pair naming
the loser, are resolved: a pair of the loser and a third business is moved to the survivor
(unless the survivor already has one with it). The prospect lists' rows follow the survivor.

The attachment references follow in the same transaction (`refs.hand_over`): the survivor names
its photos and the loser's, the deleted loser none, so its branch may fetch them and the 7-day
clean-up never takes them. Only a photo beyond `keys.MAX_ATTACHMENTS` (a laptop may send no
more) stays out; it is released like any photo let go of (counted in the trail).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import keys
from agent_app.domain.messages import Text
from sync.server import db, record_terms
from sync.server.admin.common import Conflict, FieldError, NotFound, record_action
from sync.server.admin.review import Reviewer
from sync.server.attachments import refs
from sync.server.prospects.tables import BusinessDuplicate, BusinessMerge, ProspectListItem

#: The survivor's fields filled from the loser's when its own are empty.
FILLED = ("nib", "phone", "owner_name", "address", "region_code", "partner_source")
#: The place, taken whole (never one record's latitude with the other's longitude).
PLACE = ("latitude", "longitude", "accuracy_m")
#: The entities whose records name a business in `business_id`.
REFERRING = ("visit", "enrollment", keys.ASSIGNMENT, keys.EMPLOYER_REGISTRATION)
#: Who changed a field, in a record's field marks, when a merge did.
CENTRAL = "central"
#: A chain of merges longer than this is not followed (none is: `merge` flattens them).
_CHAIN = 20


class NoBusiness(NotFound):
    def __init__(self) -> None:
        super().__init__(Text.of("There is no such business in your branch."))


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(str(value).strip()))
    except ValueError as error:
        raise NoBusiness() from error


def _business(conn: sa.Connection, entity_id: str, who: Reviewer) -> Any:
    table = db.table(db.Record)
    row = conn.execute(sa.select(table).where(table.c.entity_id == _uuid(entity_id))).first()
    if row is None or row.entity != "business":
        raise NoBusiness()
    if who.branch is not None and row.branch_code != who.branch:
        raise NoBusiness()
    if row.deleted:
        raise Conflict(Text.of("This business was already merged or deleted."))
    return row


def _lock(conn: sa.Connection) -> int:
    """The write lock (every writer takes the counter row first); the counter's value."""
    value: int = conn.execute(
        sa.text("UPDATE seq_counter SET value = value WHERE id = 1 RETURNING value")
    ).scalar_one()
    return value


def filled(survivor: dict[str, Any], loser: dict[str, Any]) -> dict[str, Any]:
    """The survivor's fields after the merge."""
    fields = dict(survivor)
    for name in FILLED:
        if fields.get(name) in (None, "") and loser.get(name) not in (None, ""):
            fields[name] = loser[name]
    if fields.get("latitude") is None and loser.get("latitude") is not None:
        for name in PLACE:
            fields[name] = loser.get(name)
    photos = attachments(survivor, loser)
    if photos != listed(survivor):
        fields["attachments"] = photos
    return fields


def listed(fields: dict[str, Any]) -> list[Any]:
    """The `attachments` list of `fields` (empty when it has none)."""
    listed = fields.get("attachments")
    return list(listed) if isinstance(listed, list) else []


def attachments(survivor: dict[str, Any], loser: dict[str, Any]) -> list[Any]:
    """The survivor's `attachments`, then the loser's it does not list (the same kind and
    SHA-256), up to `keys.MAX_ATTACHMENTS`: the validator's limit, so a laptop's later edit
    of the list is not refused for its length."""
    photos = listed(survivor)
    seen = {(i.get("kind"), i.get("sha256")) for i in photos if isinstance(i, dict)}
    for item in listed(loser):
        if len(photos) >= keys.MAX_ATTACHMENTS:
            break
        if isinstance(item, dict) and (item.get("kind"), item.get("sha256")) not in seen:
            seen.add((item.get("kind"), item.get("sha256")))
            photos.append(item)
    return photos


class _Writer:
    """The merge's record writes, each with the next `server_seq`."""

    def __init__(self, conn: sa.Connection, seq: int, now: dt.datetime) -> None:
        self.conn, self.seq, self.now = conn, seq, now
        self.table = db.table(db.Record)

    def write(self, row: Any, fields: dict[str, Any], *, deleted: bool = False) -> int:
        self.seq += 1
        version = row.version + 1
        marks = {} if deleted else dict(row.field_versions or {})
        if not deleted:
            for name, value in fields.items():
                if (row.fields or {}).get(name) != value:
                    marks[name] = [version, CENTRAL]
        self.conn.execute(
            self.table.update()
            .where(self.table.c.entity_id == row.entity_id)
            .values(
                fields=fields,
                field_versions=marks,
                version=version,
                deleted=deleted,
                server_seq=self.seq,
                updated_at=self.now,
            )
        )
        return version

    def finish(self) -> None:
        self.conn.execute(
            sa.text("UPDATE seq_counter SET value = :value WHERE id = 1"), {"value": self.seq}
        )


def _referring(conn: sa.Connection, branch: str, loser_id: str) -> list[Any]:
    table = db.table(db.Record)
    return list(
        conn.execute(
            sa.select(table)
            .where(
                table.c.branch_code == branch,
                table.c.entity.in_(REFERRING),
                table.c.deleted.is_(False),
                record_terms.field_text(table.c.fields, "business_id") == loser_id,
            )
            .order_by(table.c.server_seq)
        )
    )


def merge(engine: Engine, survivor_id: str, loser_id: str, who: Reviewer) -> dict[str, Any]:
    """Merges `loser_id` into `survivor_id` (see the module docstring); what was done."""
    now = db.utcnow()
    with db.write_transaction(engine) as conn:
        writer = _Writer(conn, _lock(conn), now)
        survivor = _business(conn, survivor_id, who)
        loser = _business(conn, loser_id, who)
        if survivor.entity_id == loser.entity_id:
            raise FieldError("survivor", Text.of("A business cannot be merged with itself."))
        if survivor.branch_code != loser.branch_code:
            raise NoBusiness()
        fields = filled(survivor.fields or {}, loser.fields or {})
        version = writer.write(survivor, fields)
        moved = _referring(conn, str(loser.branch_code), loser.entity_id)
        for row in moved:
            writer.write(row, {**row.fields, "business_id": survivor.entity_id})
        writer.write(loser, {"merged_into": survivor.entity_id}, deleted=True)
        writer.finish()
        photos = refs.hand_over(
            conn, loser.entity_id, survivor.entity_id, refs.shas_of(fields), now
        )
        _keep_merge(conn, survivor.entity_id, loser.entity_id, who, now)
        resolve_pairs(conn, survivor.entity_id, loser.entity_id, who, now)
        record_action(
            conn,
            "merge-business",
            loser.entity_id,
            by=who.name,
            branch=loser.branch_code,
            survivor=survivor.entity_id,
            moved=len(moved),
            **photos,
        )
    return {
        "survivor_id": survivor.entity_id,
        "loser_id": loser.entity_id,
        "survivor_version": version,
        "moved": len(moved),
        **photos,
        "name": (survivor.fields or {}).get("name"),
    }


def _keep_merge(
    conn: sa.Connection, survivor_id: str, loser_id: str, who: Reviewer, now: dt.datetime
) -> None:
    """loser -> survivor, and earlier merges into the loser now into the survivor."""
    table = db.table(BusinessMerge)
    conn.execute(
        table.update().where(table.c.survivor_id == loser_id).values(survivor_id=survivor_id)
    )
    conn.execute(
        table.insert().values(
            loser_id=loser_id,
            survivor_id=survivor_id,
            merged_by=(who.name or "central")[:64],
            merged_at=now,
        )
    )
    items = db.table(ProspectListItem)
    conn.execute(
        items.update().where(items.c.business_id == loser_id).values(business_id=survivor_id)
    )


def resolve_pairs(
    conn: sa.Connection, survivor_id: str, loser_id: str, who: Reviewer, now: dt.datetime
) -> None:
    """The open pairs naming the loser: with the survivor, merged; with a third business,
    moved to the survivor unless the survivor has a pair with it already (then merged)."""
    table = db.table(BusinessDuplicate)
    c = table.c
    naming = sa.or_(c.business_id == loser_id, c.candidate_id == loser_id)
    rows = list(conn.execute(sa.select(table).where(naming, c.resolution.is_(None))))
    survivors = sa.or_(c.business_id == survivor_id, c.candidate_id == survivor_id)
    partners = {
        row.candidate_id if row.business_id == survivor_id else row.business_id
        for row in conn.execute(sa.select(c.business_id, c.candidate_id).where(survivors))
    }
    done = {"resolution": "merged", "resolved_by": (who.name or "central")[:64], "resolved_at": now}
    for row in rows:
        other = row.candidate_id if row.business_id == loser_id else row.business_id
        if other == survivor_id or other in partners:
            conn.execute(table.update().where(c.id == row.id).values(**done))
            continue
        side = "business_id" if row.business_id == loser_id else "candidate_id"
        conn.execute(table.update().where(c.id == row.id).values({side: survivor_id}))
        partners.add(other)


def survivors(conn: sa.Connection, ids: Iterable[str]) -> dict[str, str]:
    """The business each of `ids` was merged into, following merges to the last survivor
    (an id never merged is left out)."""
    table = db.table(BusinessMerge)
    current = {entity_id: entity_id for entity_id in ids}
    pending = sorted(set(current))
    for _ in range(_CHAIN):
        step: dict[str, str] = {}
        for start in range(0, len(pending), 500):
            query = sa.select(table.c.loser_id, table.c.survivor_id).where(
                table.c.loser_id.in_(pending[start : start + 500])
            )
            step.update({row.loser_id: row.survivor_id for row in conn.execute(query)})
        if not step:
            break
        current = {first: step.get(last, last) for first, last in current.items()}
        pending = sorted(set(step.values()))
    return {first: last for first, last in current.items() if first != last}


class NoPair(NotFound):
    def __init__(self) -> None:
        super().__init__(Text.of("There is no such suspected duplicate in your branch."))


def _open_pair(conn: sa.Connection, pair_id: int | str, who: Reviewer) -> Any:
    table = db.table(BusinessDuplicate)
    try:
        number = int(pair_id)
    except (TypeError, ValueError) as error:
        raise NoPair() from error
    if not 0 < number < 2**31:  # the column's range: a larger number is no pair either
        raise NoPair()
    row = conn.execute(sa.select(table).where(table.c.id == number)).first()
    if row is None or (who.branch is not None and row.branch_code != who.branch):
        raise NoPair()
    if row.resolution is not None:
        raise Conflict(Text.of("This pair was already decided."))
    return row


def merge_pair(
    engine: Engine, pair_id: int | str, survivor_id: str, who: Reviewer
) -> dict[str, Any]:
    """Merges a suspected pair, `survivor_id` (one of its two) surviving."""
    with engine.connect() as conn:
        pair = _open_pair(conn, pair_id, who)
    sides = (pair.business_id, pair.candidate_id)
    if survivor_id not in sides:
        raise FieldError("survivor", Text.of("Choose which of the two records to keep."))
    loser_id = sides[1] if survivor_id == sides[0] else sides[0]
    return merge(engine, survivor_id, loser_id, who)


def dismiss(engine: Engine, pair_id: int | str, who: Reviewer) -> None:
    """Not duplicates: the pair is closed and never shown (nor found) again."""
    table = db.table(BusinessDuplicate)
    with db.write_transaction(engine) as conn:
        pair = _open_pair(conn, pair_id, who)
        conn.execute(
            table.update()
            .where(table.c.id == pair.id, table.c.resolution.is_(None))
            .values(
                resolution="dismissed",
                resolved_by=(who.name or "central")[:64],
                resolved_at=db.utcnow(),
            )
        )
        record_action(
            conn,
            "dismiss-duplicate",
            str(pair.id),
            by=who.name,
            branch=pair.branch_code,
            business=pair.business_id,
            candidate=pair.candidate_id,
        )
