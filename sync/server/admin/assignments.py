"""Assignments: a business (to visit, follow up or enroll) a supervisor gives an agent of
the branch, with a due date and a note (SYNC_PROTOCOL.md 1.1). One service for the
administration API (`/v1/admin/assignments`) and the console's page.

An assignment is a record the laptops pull (branch = the business's, owner = the agent): only
the agent it is made to pulls it, and marks it done by pushing an update of its `status`
(`sync.server.push.assignments`). A supervisor sees and changes only their branch's: another
branch's assignment is `NotFound` like a missing id, another branch's business or agent is "no
such business/agent" (`FieldError`); an admin sees every branch. Each change is one
transaction with its row in the administration trail (ids and codes only).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import clock, keys
from agent_app.domain.messages import Text
from sync.server import branches, db
from sync.server.admin import assignment_batch
from sync.server.admin.common import FieldError, NotFound, lock_seq, put_record, record_action
from sync.server.admin.review import Reviewer, check_text

ENTITY = keys.ASSIGNMENT
KINDS = tuple(k.value for k in keys.AssignmentKind)
STATUSES = tuple(s.value for s in keys.AssignmentStatus)
NOTE_MAX = keys.ASSIGNMENT_NOTE_MAX
MAX_LIMIT = 500


class NoAssignment(NotFound):
    def __init__(self) -> None:
        super().__init__(Text.of("There is no such assignment."))


@dataclass(frozen=True)
class NewAssignment:
    """A supervisor's form, as typed (the service checks every field)."""

    business_id: str
    agent_code: str
    kind: str
    due_on: str | dt.date
    note: str = ""


@dataclass(frozen=True)
class AssignmentFilter:
    """What to list: `branch` narrows an admin's view (a supervisor's is their own)."""

    agent: str | None = None
    status: str | None = None
    due_before: dt.date | None = None
    branch: str | None = None


def _uuid(value: str, field: str, missing: Text) -> str:
    try:
        return str(uuid.UUID(str(value).strip()))
    except ValueError as error:
        raise FieldError(field, missing) from error


def _business(conn: sa.Connection, business_id: str, who: Reviewer) -> Any:
    """The business's row when the caller may assign it (its branch's, not deleted)."""
    missing = Text.of("There is no such business in your branch.")
    if not business_id.strip():
        raise FieldError("business_id", Text.of("Choose a business."))
    entity_id = _uuid(business_id, "business_id", missing)
    table = db.table(db.Record)
    row = conn.execute(sa.select(table).where(table.c.entity_id == entity_id)).first()
    if row is None or row.entity != "business" or row.deleted:
        raise FieldError("business_id", missing)
    if who.branch is not None and row.branch_code != who.branch:
        raise FieldError("business_id", missing)
    return row


def _agent(conn: sa.Connection, agent_code: str, branch: str) -> str:
    """The code of an active agent of `branch` (the business's)."""
    code = check_text("agent_code", agent_code.strip())
    if not code:
        raise FieldError("agent_code", Text.of("Choose an agent."))
    table = db.table(db.Agent)
    row = conn.execute(sa.select(table).where(table.c.code == code)).first()
    if row is None or row.branch_code != branch or row.role != keys.Role.AGENT:
        raise FieldError(
            "agent_code", Text.of("There is no agent {code} in this branch.", code=code)
        )
    if not row.active:
        raise FieldError("agent_code", Text.of("Agent {code} is disabled.", code=code))
    return str(row.code)


def _due_on(value: str | dt.date, today: dt.date) -> dt.date:
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError as error:
            raise FieldError(
                "due_on", Text.of("The due date must be a date (YYYY-MM-DD).")
            ) from error
    if day < today:
        raise FieldError(
            "due_on",
            Text.of("The due date cannot be in the past (today is {today}).", today=str(today)),
        )
    return day


def _check_form(form: NewAssignment) -> str:
    """The note, checked; and the kind (before anything touches the database)."""
    if form.kind not in KINDS:
        raise FieldError(
            "kind", Text.of("The kind must be one of: {choices}.", choices=", ".join(KINDS))
        )
    note = check_text("note", form.note or "", lines=True).strip()
    if len(note) > NOTE_MAX:
        raise FieldError("note", Text.of("The note is at most {count} characters.", count=NOTE_MAX))
    return note


def create(engine: Engine, form: NewAssignment, who: Reviewer) -> dict[str, Any]:
    """Makes an open assignment; returns it as `list_assignments` shows it."""
    note = _check_form(form)
    entity_id = str(uuid.uuid4())
    with db.write_transaction(engine) as conn:
        business = _business(conn, form.business_id, who)
        branch = str(business.branch_code)
        agent = _agent(conn, form.agent_code, branch)
        due_on = _due_on(form.due_on, clock.today(branches.time_zone(conn, branch)))
        fields = {
            "business_id": business.entity_id,
            "agent_code": agent,
            "kind": form.kind,
            "due_on": due_on.isoformat(),
            "note": note or None,
            "status": keys.AssignmentStatus.OPEN.value,
        }
        put_record(conn, ENTITY, entity_id, branch, agent, fields)
        record_action(
            conn,
            "assign",
            entity_id,
            by=who.name,
            branch=branch,
            agent=agent,
            business=business.entity_id,
            kind=form.kind,
        )
    return get_assignment(engine, entity_id, who)


@dataclass(frozen=True)
class ManyAssignments:
    """A bulk assignment's form: one agent, kind, due date and note for every business."""

    agent_code: str
    kind: str
    due_on: str | dt.date
    note: str = ""


@dataclass(frozen=True)
class Assigned:
    """What `create_many` did: the new assignments' ids, and how many businesses it left out
    because each already had an open assignment."""

    ids: list[str]
    already: int
    agent_code: str


def create_many(
    engine: Engine,
    business_ids: Sequence[str],
    form: ManyAssignments,
    who: Reviewer,
    *,
    source: str | None = None,
) -> Assigned:
    """One open assignment per business by the rules of `create`, all in one transaction with
    one row in the administration trail (the counts and the change numbers; `source`: where the
    businesses were chosen, e.g. a prospect list's id). A business that already has an open
    assignment is left out and counted; one refused business refuses them all."""
    note = _check_form(NewAssignment("", form.agent_code, form.kind, form.due_on, form.note))
    with db.write_transaction(engine) as conn:
        first_seq = lock_seq(conn)  # before reading: a second bulk assignment waits for us
        rows = assignment_batch.businesses(conn, business_ids, who)
        branch = str(rows[0].branch_code)
        agent = _agent(conn, form.agent_code, branch)
        due_on = _due_on(form.due_on, clock.today(branches.time_zone(conn, branch)))
        taken = assignment_batch.open_for(conn, branch, [row.entity_id for row in rows])
        todo = [row.entity_id for row in rows if row.entity_id not in taken]
        fields = {
            "agent_code": agent,
            "kind": form.kind,
            "due_on": due_on.isoformat(),
            "note": note or None,
        }
        ids = assignment_batch.insert_open(conn, first_seq, branch, todo, fields)
        already = len(rows) - len(ids)
        record_action(
            conn,
            "assign-many",
            source,
            by=who.name,
            branch=branch,
            agent=agent,
            kind=form.kind,
            count=len(ids),
            already=already,
            # The assignments' change numbers, not their ids: a list of thousands of ids would
            # fill the trail's page; the records with these `server_seq` are the ones made.
            seq_from=first_seq if ids else None,
            seq_to=first_seq + len(ids) - 1 if ids else None,
        )
    return Assigned(ids, already, agent)


def _visible_row(conn: sa.Connection, entity_id: str, who: Reviewer) -> Any:
    try:
        entity_id = str(uuid.UUID(str(entity_id)))
    except ValueError as error:
        raise NoAssignment() from error
    table = db.table(db.Record)
    row = conn.execute(sa.select(table).where(table.c.entity_id == entity_id)).first()
    if row is None or row.entity != ENTITY or row.deleted:
        raise NoAssignment()
    if who.branch is not None and row.branch_code != who.branch:
        raise NoAssignment()
    return row


def cancel(engine: Engine, entity_id: str, who: Reviewer) -> dict[str, Any]:
    """Cancels an open assignment (the agent's laptop drops it at its next pull)."""
    with db.write_transaction(engine) as conn:
        seq = lock_seq(conn)  # before reading: an agent's push of the status waits for us
        row = _visible_row(conn, entity_id, who)
        status = row.fields.get("status")
        if status != keys.AssignmentStatus.OPEN:
            raise FieldError(
                "status",
                Text.of(
                    "Only an open assignment can be cancelled; this one is {status}.",
                    status=str(status),
                ),
            )
        version = row.version + 1
        fields = {**row.fields, "status": keys.AssignmentStatus.CANCELLED.value}
        marks = {**(row.field_versions or {}), "status": [version, "central"]}
        table = db.table(db.Record)
        conn.execute(
            table.update()
            .where(table.c.entity_id == row.entity_id)
            .values(
                fields=fields,
                field_versions=marks,
                version=version,
                server_seq=seq,
                updated_at=db.utcnow(),
            )
        )
        record_action(conn, "cancel-assignment", row.entity_id, by=who.name, branch=row.branch_code)
    return get_assignment(engine, row.entity_id, who)


def _where(view: AssignmentFilter, who: Reviewer) -> list[sa.ColumnElement[bool]]:
    if view.status is not None and view.status not in STATUSES:
        raise FieldError(
            "status", Text.of("The status must be one of: {choices}.", choices=", ".join(STATUSES))
        )
    for name, value in (("agent", view.agent), ("branch", view.branch)):
        check_text(name, value or "")
    c = db.table(db.Record).c
    where = [c.entity == ENTITY, c.deleted.is_(False)]
    for branch in (who.branch, view.branch):
        if branch:
            where.append(c.branch_code == branch)
    if view.agent:
        where.append(c.owner_code == view.agent)
    if view.status:
        where.append(c.fields["status"].as_string() == view.status)
    if view.due_before:
        where.append(c.fields["due_on"].as_string() < view.due_before.isoformat())
    return where


def list_assignments(
    engine: Engine, view: AssignmentFilter, who: Reviewer, limit: int = 200
) -> list[dict[str, Any]]:
    """The assignments the caller may see, due soonest first (at most `limit`)."""
    c = db.table(db.Record).c
    query = (
        sa.select(db.table(db.Record))
        .where(*_where(view, who))
        .order_by(c.fields["due_on"].as_string(), c.created_at, c.entity_id)
        .limit(max(1, min(limit, MAX_LIMIT)))
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        names = _business_names(conn, {str(r.fields.get("business_id")) for r in rows})
    return [summary(row, names) for row in rows]


def get_assignment(engine: Engine, entity_id: str, who: Reviewer) -> dict[str, Any]:
    with engine.connect() as conn:
        row = _visible_row(conn, entity_id, who)
        names = _business_names(conn, {str(row.fields.get("business_id"))})
    return summary(row, names)


def _business_names(conn: sa.Connection, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    c = db.table(db.Record).c
    rows = conn.execute(
        sa.select(c.entity_id, c.fields).where(c.entity_id.in_(sorted(ids)), c.entity == "business")
    ).all()
    return {row.entity_id: str((row.fields or {}).get("name") or "") for row in rows}


def summary(row: Any, names: dict[str, str]) -> dict[str, Any]:
    fields = row.fields
    business_id = str(fields.get("business_id"))
    return {
        "id": row.entity_id,
        "branch": row.branch_code,
        "version": row.version,
        "business_id": business_id,
        "business_name": names.get(business_id),
        "agent_code": fields.get("agent_code"),
        "kind": fields.get("kind"),
        "due_on": fields.get("due_on"),
        "note": fields.get("note"),
        "status": fields.get("status"),
    }


def assignable_businesses(
    engine: Engine, who: Reviewer, name: str = "", limit: int = 300
) -> list[tuple[str, str, str | None]]:
    """(id, name, branch) of the businesses the caller may assign whose name holds `name`
    (any case), by name; at most `limit`."""
    c = db.table(db.Record).c
    where = [c.entity == "business", c.deleted.is_(False)]
    if who.branch is not None:
        where.append(c.branch_code == who.branch)
    name = check_text("business_name", name.strip())[:100]
    if name:
        escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(c.fields["name"].as_string().ilike(f"%{escaped}%", escape="\\"))
    query = (
        sa.select(c.entity_id, c.fields["name"].as_string().label("name"), c.branch_code)
        .where(*where)
        .order_by(sa.func.lower(c.fields["name"].as_string()), c.entity_id)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [(r.entity_id, str(r.name or ""), r.branch_code) for r in conn.execute(query)]


def assignable_agents(engine: Engine, who: Reviewer) -> list[tuple[str, str]]:
    """(code, name) of the active agents the caller may assign to, by name."""
    table = db.table(db.Agent)
    where = [table.c.active.is_(True), table.c.role == keys.Role.AGENT.value]
    if who.branch is not None:
        where.append(table.c.branch_code == who.branch)
    query = sa.select(table.c.code, table.c.name).where(*where).order_by(table.c.name)
    with engine.connect() as conn:
        return [(row.code, row.name) for row in conn.execute(query)]
