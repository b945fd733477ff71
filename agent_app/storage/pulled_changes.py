"""A pulled page applied to the local store (`LocalStore.apply_pulled`).

A record with an unsettled local op is not overwritten: the op goes first and the server's
answer decides (an employer registration's review, its `npp`, arrive this way once its ops
are settled); an enrollment being corrected keeps the agent's unsent edits and takes only
the server's status, review, membership number and version. A visit whose business this
laptop does not have is skipped with a warning. A business merged into another on the server
(a delete with `merged_into`) hands everything that names it to the survivor first
(`agent_app.storage.merges`). Records this laptop does not have yet are
written with one executemany INSERT per table (`PulledPage.insert_new`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from agent_app.domain import consent_texts, keys, records, validation
from agent_app.storage import confirmed, merges, tables, wire
from agent_app.storage.bulk import CONFIRMING, business_ids, entity_rows, insert_rows
from agent_app.storage.repositories import now
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("db")

#: Kinds a full pull after `reset_cursor` confirms one by one (see `LocalStore`).
RECONFIRMED = (tables.Business, tables.Visit)
STALE = "stale"


class PulledPage:
    """What applying one pulled page needs to know, fetched in a few queries up front."""

    def __init__(self, uow: SqlUnitOfWork, changes: Sequence[Mapping[str, Any]]) -> None:
        ids: dict[str, set[str]] = {}
        parents: set[str] = set()
        for change in changes:
            entity = str(change.get("entity"))
            if entity in tables.SYNCED_TABLES:
                ids.setdefault(entity, set()).add(str(change.get("entity_id")))
            if entity == keys.Entity.VISIT:
                parents.add(str((change.get("fields") or {}).get("business_id")))
        every = set().union(*ids.values()) if ids else set()
        self.unsettled = uow.outbox.entities_with_unsettled(every)
        self.rows = {entity: entity_rows(uow, entity, group) for entity, group in ids.items()}
        self.businesses = set(self.rows.get(keys.Entity.BUSINESS, {}))
        self.businesses |= business_ids(uow, parents - self.businesses)
        self.touched: set[str] = set()
        #: Employer registrations written: their worker NIK index is rewritten after.
        self.registrations: set[str] = set()
        #: The local time written as created/updated on this page's records.
        self.stamp = now()
        #: Records this laptop does not have yet, as column values by entity and id: written
        #: with one executemany INSERT per table (`insert_new`), not one ORM object each.
        self.new: dict[str, dict[str, dict[str, Any]]] = {}

    def insert_new(self, uow: SqlUnitOfWork) -> None:
        for entity, found in self.new.items():
            if found:
                insert_rows(uow, tables.SYNCED_TABLES[entity], list(found.values()))
        self.new = {}


def apply_change(uow: SqlUnitOfWork, page: PulledPage, change: Mapping[str, Any]) -> bool:
    """Applies one pulled change; whether it changed anything here."""
    entity = str(change.get("entity"))
    entity_id = str(change.get("entity_id"))
    version = change.get("version")
    deleted = bool(change.get("deleted"))
    fields = dict(change.get("fields") or {})
    if entity in _REFERENCE:
        return _REFERENCE[entity](uow, entity_id, version, deleted, fields)
    if entity not in tables.SYNCED_TABLES:
        log.warning("pulled an unknown entity %r", entity)
        return False
    merged_into = fields.get("merged_into") if deleted else None
    if entity == keys.Entity.BUSINESS and merged_into:
        # A merge on the server (issue 18): the server re-points this business's ops itself,
        # so a pending local op does not keep it here.
        merges.converge(uow, page, entity_id, str(merged_into))
    elif entity_id in page.unsettled:
        log.info("pulled %s %s kept: a local op is pending", entity, entity_id)
        return False
    row = page.rows.get(entity, {}).get(entity_id)
    if entity == keys.EMPLOYER_REGISTRATION:
        page.registrations.add(entity_id)
    if deleted:
        return _delete(page, entity, entity_id, row, version)
    values = wire.from_wire(entity, entity_id, fields)
    if entity == keys.Entity.VISIT:
        business = str(values.get("business_id"))
        if business not in page.businesses:
            log.warning("pulled visit %s of an unknown business; skipped", entity_id)
            return False
        page.touched.add(business)
    if entity == keys.EMPLOYER_REGISTRATION and _incomplete(values, new=row is None):
        log.warning("pulled employer registration %s is incomplete; skipped", entity_id)
        return False
    if row is None:
        _add_new(page, entity, entity_id, values, fields, version)
    else:
        _update(row, entity, entity_id, values, fields, version, page.stamp)
    return True


def _event(
    uow: SqlUnitOfWork, entity_id: str, version: Any, deleted: bool, fields: dict[str, Any]
) -> bool:
    if deleted:
        event = uow.session.get(tables.Event, entity_id)
        if event is not None:
            event.deleted = True
        return event is not None
    uow.events.upsert(
        records.Event(
            entity_id,
            fields["name"],
            fields.get("branch", ""),
            wire.parse_date(fields["starts_on"]),  # type: ignore[arg-type]
            wire.parse_date(fields["ends_on"]),  # type: ignore[arg-type]
            fields.get("venue") or "",
        ),
        version,
    )
    return True


def _target(
    uow: SqlUnitOfWork, entity_id: str, version: Any, deleted: bool, fields: dict[str, Any]
) -> bool:
    if deleted:
        target = uow.session.get(tables.Target, entity_id)
        if target is not None:
            target.deleted = True
        return target is not None
    uow.targets.upsert(
        records.Target(
            entity_id,
            fields["scope"],
            str(fields["scope_id"]),
            fields["metric"],
            int(fields["goal"]),
            wire.parse_date(fields["period_start"]),  # type: ignore[arg-type]
            wire.parse_date(fields["period_end"]),  # type: ignore[arg-type]
        ),
        version,
    )
    return True


def _rate_table(
    uow: SqlUnitOfWork, entity_id: str, version: Any, deleted: bool, fields: dict[str, Any]
) -> bool:
    rate = uow.session.get(tables.RateTable, entity_id) or tables.RateTable(id=entity_id)
    if deleted:
        return False
    rate.version = str(fields.get("version"))
    rate.effective_from = wire.parse_date(fields["effective_from"])  # type: ignore[assignment]
    rate.table = fields.get("table") or {}
    rate.pulled_version = version
    uow.session.add(rate)
    return True


def _assignment(
    uow: SqlUnitOfWork, entity_id: str, version: Any, deleted: bool, fields: dict[str, Any]
) -> bool:
    """An agent's assignment: kept while its "done" (or undo) waits to be pushed; a cancelled
    or deleted one disappears."""
    if uow.outbox.has_unsettled(entity_id):
        log.info("pulled assignment %s kept: a local op is pending", entity_id)
        return False
    if deleted or fields.get("status") not in ("open", "done"):
        return uow.assignments.drop(entity_id)
    uow.assignments.upsert(
        records.Assignment(
            id=entity_id,
            business_id=str(fields["business_id"]),
            agent_code=str(fields["agent_code"]),
            kind=str(fields["kind"]),
            due_on=wire.parse_date(fields["due_on"]),  # type: ignore[arg-type]
            note=fields.get("note"),
            status=str(fields["status"]),
            version=version,
        )
    )
    return True


#: The branch's reference data (events, targets, contribution tables) and the agent's
#: assignments.
def _consent_text(
    uow: SqlUnitOfWork, entity_id: str, version: Any, deleted: bool, fields: dict[str, Any]
) -> bool:
    """A published consent text, kept as it is; one whose hash is not that of its words (a
    damaged copy) is not kept, so the form never shows words its consent would misstate."""
    if deleted:
        return uow.consent_texts.drop(entity_id)
    text = str(fields.get("text", ""))
    if fields.get("language") not in consent_texts.LANGUAGES or fields.get(
        "sha256"
    ) != consent_texts.sha256(text):
        log.warning("pulled consent text %s does not match its hash; skipped", entity_id)
        return False
    try:
        effective_from = wire.parse_date(fields.get("effective_from"))
    except (TypeError, ValueError):
        effective_from = None
    if not isinstance(effective_from, dt.date):
        log.warning("pulled consent text %s has no date; skipped", entity_id)
        return False
    record = records.ConsentText(
        str(fields.get("version")), fields["language"], text, fields["sha256"], effective_from
    )
    uow.consent_texts.upsert(entity_id, record, version)
    return True


_REFERENCE = {
    "consent_text": _consent_text,
    "event": _event,
    "target": _target,
    "rate_table": _rate_table,
    "assignment": _assignment,
}


def _delete(page: PulledPage, entity: str, entity_id: str, row: Any, version: Any) -> bool:
    created = page.new.get(entity, {}).pop(entity_id, None)  # made earlier in this page
    if row is None and created is not None:
        page.businesses.discard(entity_id)
        return True
    if row is not None:
        row.deleted = True
        row.version = version
        row.sync_state = "synced"
        row.updated_at = page.stamp
        if entity == keys.Entity.VISIT:
            page.touched.add(row.business_id)
    return row is not None


def _add_new(
    page: PulledPage,
    entity: str,
    entity_id: str,
    values: Mapping[str, Any],
    fields: Mapping[str, Any],
    version: Any,
) -> None:
    new = {
        **values,
        "version": version,
        "deleted": False,
        "sync_state": "synced",
        "sync_error_code": None,
        "sync_error_message": None,
        "created_at": page.stamp,
        "updated_at": page.stamp,
    }
    if entity in CONFIRMING:
        new.update(confirmed.values(_confirmed(entity, fields)))
    if entity == keys.Entity.ENROLLMENT and new.get("programs") is None:
        new["programs"] = []
    page.new.setdefault(entity, {})[entity_id] = new
    if entity == keys.Entity.BUSINESS:
        page.businesses.add(entity_id)


def _update(
    row: Any,
    entity: str,
    entity_id: str,
    values: Mapping[str, Any],
    fields: Mapping[str, Any],
    version: Any,
    stamp: str,
) -> None:
    if entity == keys.Entity.ENROLLMENT and has_unsent_correction(row):
        # The agent is correcting it (edits are saved without an op until resubmitted): keep
        # the edits, take the server's status, review and version as the new diff base.
        log.info("pulled enrollment %s: local corrections kept", entity_id)
        values = {k: v for k, v in values.items() if k in validation.ENROLLMENT_PROTECTED}
    for name, value in values.items():
        setattr(row, name, value)
    row.version = version
    row.deleted = False
    row.sync_state = "synced"
    row.sync_error_code = row.sync_error_message = None
    row.updated_at = stamp
    if entity in CONFIRMING:
        confirmed.store(row, _confirmed(entity, fields))
    if entity == keys.Entity.ENROLLMENT and row.programs is None:
        row.programs = []


#: What a registration's row cannot be without (its NOT NULL columns).
_REGISTRATION_NEEDS = tuple(
    column.name
    for column in tables.EmployerRegistration.__table__.columns
    if not column.nullable and column.name in wire.EMPLOYER_REGISTRATION_FIELDS
)


def _incomplete(values: Mapping[str, Any], *, new: bool) -> bool:
    """A pulled registration missing a field its row needs (written, it would fail the
    whole page): every one for a new row, none set to null for a known one."""
    if new:
        return any(values.get(name) is None for name in _REGISTRATION_NEEDS)
    return any(name in values and values[name] is None for name in _REGISTRATION_NEEDS)


def _confirmed(entity: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The pulled wire fields the record keeps as confirmed by the server."""
    return {k: v for k, v in fields.items() if k in wire.FIELDS[entity]}


def has_unsent_correction(row: Any) -> bool:
    """Whether a local enrollment sent back for correction holds edits not yet resubmitted."""
    if row is None or row.status != keys.EnrollmentStatus.NEEDS_CORRECTION.value:
        return False
    server = confirmed.of_row(row) or {}
    for name in wire.ENROLLMENT_FIELDS:
        if name in validation.ENROLLMENT_PROTECTED or name not in server:
            continue
        if wire.value_to_wire(getattr(row, name)) != server[name]:
            return True
    return False


def drop_unconfirmed(uow: SqlUnitOfWork) -> None:
    """After a full pull: records `reset_cursor` marked stale that it did not return are gone
    from the server (tombstones compacted); they are marked deleted here."""
    visits = tables.Visit
    touched = set(
        uow.session.scalars(sa.select(visits.business_id).where(visits.sync_state == STALE))
    )
    dropped = 0
    stamp = now()
    for table in RECONFIRMED:
        result = uow.session.execute(
            sa.update(table)
            .where(table.sync_state == STALE)
            .values(deleted=True, sync_state="synced", updated_at=stamp)
        )
        dropped += int(getattr(result, "rowcount", 0) or 0)
    if dropped:
        uow.businesses.refresh_visit_summaries(touched)
        log.info("%d records the server no longer has marked deleted", dropped)
