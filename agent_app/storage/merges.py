"""A merge of two businesses on the server (issue 18), converged on this laptop by pull.

A supervisor merges a duplicate into the business that stays (the survivor); the pull then
brings the merged business as deleted with `fields: {"merged_into": "<survivor id>"}`. In the
pull's transaction, every local record that names the merged business is pointed at the
survivor: visits, enrollments, employer registrations, assignments, the autosaved forms (their
key and the business they hold), and the ops not yet handed to the server (status `pending`:
an op already sent keeps its payload, as its `op_id` promises, and the server re-points it
itself). Follow-ups are the survivor's visits', refreshed with the page. The merged business
then leaves every list (deleted, as any pulled delete) and keeps `merged_into`: a page still
showing it, or anything else that names it later, is shown the survivor
(`BusinessRepository.survivor_of`).

The survivor's own change comes earlier in the same pull (server_seq order). Should it not be
here yet, a placeholder of it is written, deleted (so no list shows it) until its change
arrives and fills it: the records point at it meanwhile (a visit's business is a foreign key).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from agent_app.domain import keys
from agent_app.storage import confirmed, tables

if TYPE_CHECKING:
    from agent_app.storage.pulled_changes import PulledPage
    from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("db")

#: The records that name a business, and whether they keep the server's confirmed fields.
_NAMING: tuple[tuple[Any, bool], ...] = (
    (tables.Visit, False),
    (tables.Enrollment, True),
    (tables.EmployerRegistration, True),
    (tables.Assignment, False),
)
#: The ops whose fields name a business.
_OPS_NAMING = (keys.Entity.VISIT, keys.Entity.ENROLLMENT, keys.EMPLOYER_REGISTRATION)
_FORM_PREFIXES = ("business:", "visit:", "employer:")


def converge(uow: SqlUnitOfWork, page: PulledPage, merged: str, survivor: str) -> None:
    """Points everything local that names `merged` at `survivor` (see the module)."""
    if merged == survivor:
        return
    page.insert_new(uow)  # the survivor, if it came earlier in this page
    uow.session.flush()
    _ensure_survivor(uow, page, merged, survivor)
    moved = 0
    for table, confirming in _NAMING:
        for row in uow.session.scalars(sa.select(table).where(table.business_id == merged)):
            row.business_id = survivor
            server = confirmed.of_row(row) if confirming else None
            if server is not None and server.get("business_id") == merged:
                confirmed.store(row, {**server, "business_id": survivor})
            moved += 1
    b = tables.Business
    uow.session.execute(sa.update(b).where(b.id == merged).values(merged_into=survivor))
    ops = _repoint_ops(uow, merged, survivor)
    drafts = _repoint_drafts(uow, merged, survivor)
    page.touched.update((merged, survivor))
    uow.session.flush()
    log.info(
        "business %s merged into %s: %d records, %d queued ops, %d forms re-pointed",
        merged,
        survivor,
        moved,
        ops,
        drafts,
    )


def _ensure_survivor(uow: SqlUnitOfWork, page: PulledPage, merged: str, survivor: str) -> None:
    b = tables.Business
    if uow.session.scalar(sa.select(b.pk).where(b.id == survivor)) is not None:
        return
    source = uow.session.scalars(sa.select(b).where(b.id == merged)).one_or_none()
    if source is None:  # no visit can name a business this laptop never had
        return
    stub = b(
        id=survivor,
        name=source.name,
        status=source.status,
        version=None,
        deleted=True,
        sync_state="synced",
        created_at=page.stamp,
        updated_at=page.stamp,
    )
    uow.session.add(stub)
    uow.session.flush()
    page.rows.setdefault(keys.Entity.BUSINESS, {})[survivor] = stub
    page.businesses.add(survivor)
    log.info("business %s merged into %s, not here yet: a placeholder waits", merged, survivor)


def _repoint_ops(uow: SqlUnitOfWork, merged: str, survivor: str) -> int:
    o = tables.OutboxOp
    found = uow.session.scalars(
        sa.select(o).where(
            o.status == "pending",
            o.entity.in_([str(e) for e in _OPS_NAMING]),
            sa.func.json_extract(o.fields, "$.business_id") == merged,
        )
    )
    count = 0
    for op in found:
        op.fields = {**op.fields, "business_id": survivor}
        count += 1
    return count


def _repoint_drafts(uow: SqlUnitOfWork, merged: str, survivor: str) -> int:
    d = tables.FormDraft
    count = 0
    for draft in list(uow.session.scalars(sa.select(d))):
        state = dict(draft.state or {})
        held = state.get("business")
        if isinstance(held, dict) and held.get("id") == merged:
            state["business"] = {**held, "id": survivor}
            draft.state = state
            count += 1
        kind, _, about = draft.form.partition(":")
        if about != merged or not draft.form.startswith(_FORM_PREFIXES):
            continue
        taken = uow.session.get(d, (draft.agent_code, f"{kind}:{survivor}"))
        if taken is None or taken.updated_at < draft.updated_at:
            if taken is not None:
                uow.session.delete(taken)
                uow.session.flush()
            uow.session.add(
                d(
                    agent_code=draft.agent_code,
                    form=f"{kind}:{survivor}",
                    state=state,
                    updated_at=draft.updated_at,
                )
            )
        uow.session.delete(draft)
        count += 1
    return count
