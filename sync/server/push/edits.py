"""Judging a create or an update against the record it touches (SYNC_PROTOCOL.md's conflict
policy), applied to the batch's in-memory records when it passes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent_app.domain import clock, keys
from sync.server.prospects import merging
from sync.server.push import employers
from sync.server.push.prepare import QUOTE_FIELDS, Prepared, check_contribution
from sync.server.push.records import NikRow, Outcome, Rec, conflict, rejected

if TYPE_CHECKING:
    from sync.server.push.batch import Batch

_MISSING = object()
#: The entities an agent submits for review: protected fields, no merge, closed once accepted.
REVIEWED = ("enrollment", keys.EMPLOYER_REGISTRATION)
_NAMES = {"enrollment": "enrollment", keys.EMPLOYER_REGISTRATION: "employer registration"}


def create(batch: Batch, prep: Prepared, rec: Rec | None) -> Outcome:
    op, entity_id, sent = prep.op, prep.entity_id, prep.sent
    if rec is not None:
        if rec.entity != op.entity:
            return rejected(
                "invalid_field", "entity_id", "The id belongs to another kind of record."
            )
        if rec.deleted:
            return rejected("deleted", None, "The record was deleted.")
        return Outcome("duplicate", entity_version=rec.version, server_seq=rec.server_seq)
    if op.base_version is not None:
        return rejected("invalid_field", "base_version", "A create has no base_version.")
    problem = prep.problem or batch.references(op.entity, sent)
    if problem is not None:
        return problem
    caller = batch.caller
    fields = dict(sent)
    owner: str | None = caller.agent_code
    if op.entity == "business":
        fields["registered_by"] = caller.agent_code
    elif op.entity == "visit":
        fields["agent_code"] = caller.agent_code
    elif op.entity == keys.EMPLOYER_REGISTRATION:
        on = clock.local_date(op.recorded_at, batch.zone)
        problem = employers.create(batch, entity_id, fields, on)
        if problem is not None:
            return problem
    else:
        problem = _enrollment_create(batch, prep, fields)
        if problem is not None:
            return problem
    seq = batch.next_seq()
    batch.records[entity_id] = Rec(
        entity_id=entity_id,
        entity=op.entity,
        branch_code=caller.branch_code,
        owner_code=owner,
        version=1,
        deleted=False,
        fields=fields,
        # Marks are kept only for changes after the create: a field without one was set
        # at version 1, which no update's base_version (>= 1) predates.
        field_versions={},
        server_seq=seq,
        created_at=batch.now,
        updated_at=batch.now,
        is_new=True,
        dirty=True,
    )
    return Outcome("applied", entity_version=1, server_seq=seq)


def _enrollment_create(batch: Batch, prep: Prepared, fields: dict[str, Any]) -> Outcome | None:
    """Completes a new enrollment's `fields` (status, owner) and takes its NIK, or says why
    it cannot be created."""
    caller = batch.caller
    problem = batch.protected(prep.sent, {"status": "submitted"})
    if problem is not None:
        return problem
    if not caller.is_supervisor or "status" not in fields:
        fields["status"] = "submitted"
    fields.setdefault("paid_by_state", False)
    fields["agent_code"] = caller.agent_code
    if prep.contribution is not None:
        return prep.contribution
    nik = fields["nik"]
    if nik not in batch.niks:
        batch.load_niks([nik])
    problem = batch.nik_conflict(nik, prep.entity_id, None)
    if problem is not None:
        return problem
    day = prep.day if prep.day is not None else clock.local_date(prep.op.recorded_at, batch.zone)
    batch.niks[nik] = NikRow(prep.entity_id, caller.branch_code, day)
    return None


def update(batch: Batch, prep: Prepared, rec: Rec) -> Outcome:
    op, sent = prep.op, prep.sent
    if rec.deleted:
        if prep.problem is None and "attachments" in sent:
            _to_survivor(batch, rec, sent)
        return rejected("deleted", None, "The record was deleted.")
    base = op.base_version
    if base is None or base > rec.version:
        return rejected(
            "invalid_field",
            "base_version",
            "An update needs the base_version the laptop last saw (not newer than the server's).",
        )
    if rec.entity in REVIEWED and rec.fields.get("status") == "accepted":
        return conflict(
            "enrollment_accepted",
            "status",
            f"The {_NAMES[rec.entity]} was accepted; it can no longer be changed.",
            rec.version,
            dict(rec.fields),
        )
    problem = prep.problem or batch.references(op.entity, sent)
    if problem is None and rec.entity in REVIEWED:
        problem = _enrollment_clash(batch, sent, rec, base)
    if problem is not None:
        return problem
    # Businesses and visits: a field changed by someone else is taken from this, the
    # later arrival; fields nobody else changed merge as they are.
    merged = {**rec.fields, **sent}
    merge_mark = merged_at(rec)
    if merge_mark is not None and merge_mark > base and "attachments" in sent:
        # A laptop that had not pulled the merge: its list, then the stored entries it lacks
        # (the merge's cap), so the merge's photos are not dropped and purged (docs/wire.md).
        merged["attachments"] = merging.attachments(sent, rec.fields)
    if rec.entity == "enrollment":
        problem = _enrollment_merge(batch, prep, rec, merged)
        if problem is not None:
            return problem
    elif rec.entity == keys.EMPLOYER_REGISTRATION:
        problem = employers.merge(batch, rec, sent, merged, op.recorded_at)
        if problem is not None:
            return problem
    version = rec.version + 1
    for name, value in merged.items():
        if rec.fields.get(name, _MISSING) != value:
            rec.field_versions[name] = [version, batch.caller.device_id]
    mark = rec.field_versions.get("attachments")
    if merge_mark is not None and mark == [version, batch.caller.device_id]:
        # The merge's version stays on the list's mark: a laptop that pulled neither the
        # merge nor this change must not drop the merge's photos either.
        rec.field_versions["attachments"] = [*mark, merge_mark]
    rec.fields = merged
    rec.version = version
    rec.server_seq = batch.next_seq()
    rec.updated_at = batch.now
    rec.dirty = True
    return Outcome("applied", entity_version=version, server_seq=rec.server_seq)


def merged_at(rec: Rec) -> int | None:
    """The version at which a merge last changed a business's `attachments`: its field mark
    `[version, "central"]`, or the third element a later laptop's mark carries on."""
    mark = rec.field_versions.get("attachments")
    if rec.entity != "business" or not isinstance(mark, list) or len(mark) < 2:
        return None
    if mark[1] == merging.CENTRAL:
        return mark[0] if isinstance(mark[0], int) else None
    return mark[2] if len(mark) > 2 and isinstance(mark[2], int) else None


def _to_survivor(batch: Batch, rec: Rec, sent: dict[str, Any]) -> None:
    """The photos of an update of a business deleted by a merge go to the business it was
    merged into (its own first, then those it lacks, the merge's cap), marked as the merge's;
    nothing else of the update is applied (docs/wire.md, "Merges")."""
    if rec.entity != "business" or "merged_into" not in rec.fields:
        return
    survivor_id = merging.survivors(batch.conn, [rec.entity_id]).get(rec.entity_id)
    if survivor_id is None:
        return
    batch.load_records([survivor_id])
    survivor = batch.records.get(survivor_id)
    if survivor is None or survivor.deleted or survivor.branch_code != rec.branch_code:
        return
    photos = merging.attachments(survivor.fields, sent)
    if photos == merging.listed(survivor.fields):
        return
    survivor.version += 1
    survivor.fields = {**survivor.fields, "attachments": photos}
    survivor.field_versions["attachments"] = [survivor.version, merging.CENTRAL]
    survivor.server_seq = batch.next_seq()
    survivor.updated_at = batch.now
    survivor.dirty = True


def _enrollment_clash(batch: Batch, sent: dict[str, Any], rec: Rec, base: int) -> Outcome | None:
    """An enrollment's (or employer registration's) update's protected fields, and the fields
    someone else changed since `base` (a conflict: these do not merge)."""
    problem = batch.protected(sent, rec.fields, rec.entity)
    if problem is not None:
        return problem
    for name, value in sent.items():
        mark = rec.field_versions.get(name)
        if (
            mark is not None
            and mark[0] > base
            and mark[1] != batch.caller.device_id
            and rec.fields.get(name) != value
        ):
            return conflict(
                "field_changed",
                name,
                f"Someone else changed {name} since version {base}.",
                rec.version,
                dict(rec.fields),
            )
    return None


def _enrollment_merge(
    batch: Batch, prep: Prepared, rec: Rec, merged: dict[str, Any]
) -> Outcome | None:
    """An updated enrollment's status after an agent's correction, its quote, and its NIK
    moved to the new number (or why the update cannot be applied)."""
    op, sent = prep.op, prep.sent
    if not batch.caller.is_supervisor and rec.fields.get("status") == "needs_correction":
        merged["status"] = "submitted"
    if QUOTE_FIELDS & sent.keys():
        problem = check_contribution(merged, op.recorded_at, batch.today, batch.zone)
        if problem is not None:
            return problem
    old_nik, new_nik = str(rec.fields.get("nik")), str(merged.get("nik"))
    if new_nik != old_nik:
        batch.load_niks([new_nik, old_nik])
        problem = batch.nik_conflict(new_nik, rec.entity_id, rec.version)
        if problem is not None:
            return problem
        before = batch.niks.get(old_nik)
        batch.niks[old_nik] = None
        batch.niks[new_nik] = NikRow(
            rec.entity_id,
            rec.branch_code or batch.caller.branch_code,
            before.enrolled_on if before else clock.local_date(op.recorded_at, batch.zone),
        )
    return None
