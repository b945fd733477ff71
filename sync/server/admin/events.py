"""Outreach events: create, edit, end and list them, one service for the command line
(`create-event`), the administration API (`/v1/admin/events`) and the console's targets page.

An event is a record the laptops pull (`put_record`). A supervisor sees and changes their own
branch's events; another branch's event is "no such event", like a missing id; an admin (and
the command line) sees every branch. Bad input raises `FieldError` with the field and a
bilingual message, before anything is written; each change is one transaction with its row in
the administration trail (ids and codes only).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import clock
from agent_app.domain.messages import Text
from sync.server import branches, db
from sync.server.admin.common import (
    Conflict,
    FieldError,
    NotFound,
    lock_seq,
    put_record,
    record_action,
)
from sync.server.admin.review import COMMAND_LINE, Reviewer

NAME_MAX = 200
#: The years a date of an event or a target may fall in.
YEARS = (2000, 2100)
MAX_LIST = 1000


@dataclass(frozen=True)
class EventInput:
    """An event as a form or a request gives it (texts; checked by `check_event`). `branch`
    is ignored when an event is edited: an event stays in its branch."""

    name: str
    venue: str = ""
    branch: str = ""
    starts_on: str = ""
    ends_on: str = ""


class NoEvent(NotFound):
    def __init__(self) -> None:
        super().__init__(Text.of("There is no such event."))


def check_line(field: str, value: str, limit: int = NAME_MAX, *, required: bool = False) -> str:
    """One line of text: no control character, at most `limit` characters, stripped."""
    value = (value or "").strip()
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise FieldError(field, Text.of("This value is not valid: {field}.", field=field))
    if required and not value:
        raise FieldError(field, Text.of("This field is required."))
    if len(value) > limit:
        raise FieldError(field, Text.of("At most {count} characters.", count=limit))
    return value


def check_day(field: str, value: str | dt.date) -> dt.date:
    """A date YYYY-MM-DD between the years 2000 and 2100."""
    if isinstance(value, dt.date):
        day = value
    else:
        text = (value or "").strip()
        if not text:
            raise FieldError(field, Text.of("This field is required."))
        try:
            day = dt.date.fromisoformat(text)
        except ValueError as error:
            raise FieldError(field, Text.of("Enter a date as YYYY-MM-DD.")) from error
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise FieldError(
            field, Text.of("The date must fall between {first} and {last}.", first=2000, last=2100)
        )
    return day


def check_span(start_field: str, start: str, end_field: str, end: str) -> tuple[dt.date, dt.date]:
    first, last = check_day(start_field, start), check_day(end_field, end)
    if last < first:
        raise FieldError(end_field, Text.of("The end date is before the start date."))
    return first, last


def visible_branch(conn: sa.Connection, code: str, who: Reviewer, field: str = "branch") -> str:
    """`code` if the branch exists and `who` may see it (a supervisor: their own)."""
    code = check_line(field, code, 32) or (who.branch or "")
    if not code:
        raise FieldError(field, Text.of("This field is required."))
    found = conn.execute(sa.select(db.Branch.code).where(db.Branch.code == code)).scalar()
    if found is None or (who.branch is not None and code != who.branch):
        raise FieldError(field, Text.of("There is no branch {code}.", code=code))
    return code


def parse_id(entity_id: str, missing: NotFound) -> str:
    try:
        return str(uuid.UUID(str(entity_id)))
    except ValueError as error:
        raise missing from error


def visible_record(conn: sa.Connection, entity: str, entity_id: str, who: Reviewer) -> Any:
    """The live record `entity_id` of kind `entity` that `who` may see (None otherwise)."""
    table = db.table(db.Record)
    row = conn.execute(sa.select(table).where(table.c.entity_id == entity_id)).first()
    if row is None or row.entity != entity or row.deleted:
        return None
    if who.branch is not None and row.branch_code != who.branch:
        return None
    return row


def event_view(row: Any, today: dt.date | None = None) -> dict[str, Any]:
    fields = row.fields
    view = {
        "id": row.entity_id,
        "branch": row.branch_code,
        "name": fields.get("name", ""),
        "venue": fields.get("venue") or "",
        "starts_on": dt.date.fromisoformat(fields["starts_on"]),
        "ends_on": dt.date.fromisoformat(fields["ends_on"]),
        "version": row.version,
    }
    view["ended"] = today is not None and view["ends_on"] < today
    return view


def branch_today(conn: sa.Connection, branch: str | None) -> dt.date:
    """Today in the branch's time zone."""
    return clock.today(branches.time_zone(conn, branch or ""))


def _event_fields(data: EventInput, branch: str) -> dict[str, Any]:
    name = check_line("name", data.name, required=True)
    venue = check_line("venue", data.venue)
    start, end = check_span("starts_on", data.starts_on, "ends_on", data.ends_on)
    return {
        "name": name,
        "venue": venue,
        "branch": branch,
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
    }


def create_event(
    engine: Engine, data: EventInput, who: Reviewer = COMMAND_LINE, event_id: str | None = None
) -> dict[str, Any]:
    """A new event of `data.branch` (a supervisor's own when empty); returns its view."""
    try:
        entity_id = str(uuid.UUID(event_id)) if event_id else str(uuid.uuid4())
    except ValueError as error:
        raise FieldError("id", Text.of("The id must be a UUID.")) from error
    with db.write_transaction(engine) as conn:
        branch = visible_branch(conn, data.branch, who)
        fields = _event_fields(data, branch)
        record_action(conn, "create-event", entity_id, by=who.name, branch=branch)
        put_record(conn, "event", entity_id, branch, None, fields)
        row = visible_record(conn, "event", entity_id, Reviewer())
        return event_view(row, branch_today(conn, branch))


def check_version(row: Any, version: int | None) -> None:
    """Conflict when the record is no longer the version the caller saw (None: not asked)."""
    if version is not None and row.version != version:
        raise Conflict(
            Text.of("Someone else changed this since you opened it: here it is as it is now.")
        )


def edit_event(
    engine: Engine, event_id: str, data: EventInput, who: Reviewer, version: int | None = None
) -> dict[str, Any]:
    """New name, venue and dates for the event (it stays in its branch); `version`: the one
    the caller saw (Conflict if it changed since)."""
    entity_id = parse_id(event_id, NoEvent())
    with db.write_transaction(engine) as conn:
        lock_seq(conn)  # one change of a record at a time: the version check holds
        row = visible_record(conn, "event", entity_id, who)
        if row is None:
            raise NoEvent()
        check_version(row, version)
        fields = _event_fields(data, row.branch_code)
        record_action(conn, "edit-event", entity_id, by=who.name, branch=row.branch_code)
        put_record(conn, "event", entity_id, row.branch_code, None, fields)
        row = visible_record(conn, "event", entity_id, who)
        return event_view(row, branch_today(conn, row.branch_code))


def end_event(engine: Engine, event_id: str, who: Reviewer) -> dict[str, Any]:
    """Ends the event today (in its branch's time zone): its end date becomes today if it was
    later. An event that has not begun cannot end (change its dates instead)."""
    entity_id = parse_id(event_id, NoEvent())
    with db.write_transaction(engine) as conn:
        row = visible_record(conn, "event", entity_id, who)
        if row is None:
            raise NoEvent()
        today = branch_today(conn, row.branch_code)
        fields = dict(row.fields)
        if dt.date.fromisoformat(fields["starts_on"]) > today:
            raise FieldError(
                "ends_on", Text.of("This event has not begun: change its dates instead.")
            )
        if dt.date.fromisoformat(fields["ends_on"]) > today:
            fields["ends_on"] = today.isoformat()
            record_action(conn, "end-event", entity_id, by=who.name, branch=row.branch_code)
            put_record(conn, "event", entity_id, row.branch_code, None, fields)
            row = visible_record(conn, "event", entity_id, who)
        return event_view(row, today)


def get_event(engine: Engine, event_id: str, who: Reviewer) -> dict[str, Any]:
    entity_id = parse_id(event_id, NoEvent())
    with engine.connect() as conn:
        row = visible_record(conn, "event", entity_id, who)
        if row is None:
            raise NoEvent()
        return event_view(row, branch_today(conn, row.branch_code))


def list_events(
    engine: Engine, who: Reviewer, branch: str | None = None, *, current_only: bool = False
) -> list[dict[str, Any]]:
    """The events `who` sees (an admin may narrow to one branch), latest start first, at most
    `MAX_LIST`; `current_only`: those not ended yet."""
    t = db.table(db.Record)
    query = sa.select(t).where(t.c.entity == "event", t.c.deleted.is_(False))
    for code in (who.branch, check_line("branch", branch or "", 32) or None):
        if code is not None:
            query = query.where(t.c.branch_code == code)
    query = query.order_by(t.c.fields["starts_on"].as_string().desc(), t.c.entity_id)
    with engine.connect() as conn:
        rows = conn.execute(query.limit(MAX_LIST)).all()
        days = {code: branch_today(conn, code) for code in {row.branch_code for row in rows}}
    views = [event_view(row, days[row.branch_code]) for row in rows]
    return [v for v in views if not (current_only and v["ended"])]
