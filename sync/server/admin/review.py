"""The review of enrollments and employer registrations: accept (with the membership number,
or for an employer its NPP), send back (with a reason) or put back to submitted. One service
for the command line (`review-enrollment`, `review-employer`), the administration API
(`/v1/admin/enrollments`, `/v1/admin/employer-registrations`) and the console's queue, which
holds both; the laptops pull the decision like a supervisor's update (the protected fields,
changed by "central").

A reviewer sees one branch (a supervisor) or all of them (an admin, or the command line): an
enrollment of another branch is "no such enrollment", never a refusal that would confirm it
exists. Bad input raises `ReviewError` with the field it concerns and a bilingual message;
nothing is written then (each decision, and each bulk acceptance, is one transaction).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain.messages import Text
from sync.server import db
from sync.server.admin.common import Conflict, FieldError, NotFound, lock_seq, record_action

REVIEW_STATUSES = ("accepted", "needs_correction", "submitted")
ENROLLMENT = "enrollment"
EMPLOYER = "employer_registration"
#: What a reviewer decides on: each kind of record and the field an acceptance's number fills.
NUMBER_FIELD = {ENROLLMENT: "membership_number", EMPLOYER: "npp"}
REVIEWED = (ENROLLMENT, EMPLOYER)

#: The reasons a reviewer sends an enrollment back for (the laptop shows the words, in
#: Indonesian, followed by the reviewer's note).
SEND_BACK_REASONS: dict[str, Text] = {
    "nik_unreadable": Text.of("The NIK cannot be read on the ID card photo."),
    "data_mismatch": Text.of("The data do not match the ID card."),
    "incomplete": Text.of("The data are incomplete."),
    "wrong_program": Text.of("The programs or the income do not fit the worker."),
    "photo_unclear": Text.of("The KTP photo is blurry or unreadable."),
    "other": Text.of("Another reason (see the note)."),
}

#: A membership number as BPJS Ketenagakerjaan issues it (KPJ digits, or a prefixed code).
MEMBERSHIP_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./-]{2,39}$")
NOTE_MAX = 500


class ReviewError(FieldError):
    """Bad input for a review: the field it concerns and a message in both languages."""


class NoEnrollment(NotFound):
    """No enrollment (or employer registration, or either: `entities`) with that id that this
    reviewer may see."""

    def __init__(self, entity_id: str, entities: Sequence[str] = (ENROLLMENT,)) -> None:
        if tuple(entities) == (ENROLLMENT,):
            super().__init__(Text.of("There is no such enrollment."))
        elif tuple(entities) == (EMPLOYER,):
            super().__init__(Text.of("There is no such employer registration."))
        else:
            super().__init__(Text.of("There is no such registration to review."))
        self.args = (f"no {' or '.join(entities)} {entity_id}",)


@dataclass(frozen=True)
class Reviewer:
    """Who decides: a name for the trail (None: the command line's operator) and the branch
    they see (None: every branch)."""

    name: str | None = None
    branch: str | None = None


COMMAND_LINE = Reviewer()


def check_text(field: str, value: str, *, lines: bool = False) -> str:
    """`value` unless it holds a control character (a tab or newline only in `lines` text):
    no database stores a NUL, and none belongs in a code or a note."""
    allowed = "\t\n\r" if lines else ""
    if any(ord(ch) < 32 and ch not in allowed for ch in value):
        raise ReviewError(field, Text.of("This value is not valid: {field}.", field=field))
    return value


def enrollment_uuid(entity_id: str) -> str:
    try:
        return str(uuid.UUID(entity_id))
    except ValueError as error:
        raise ReviewError("id", Text.of("The enrollment id must be a UUID.")) from error


def visible_row(
    conn: sa.Connection,
    entity_id: str,
    reviewer: Reviewer,
    entities: Sequence[str] = (ENROLLMENT,),
) -> Any:
    """The record's row if it is one of `entities` and the reviewer may see it (NoEnrollment
    otherwise)."""
    table = db.table(db.Record)
    row = conn.execute(sa.select(table).where(table.c.entity_id == entity_id)).first()
    if row is None or row.entity not in entities:
        raise NoEnrollment(entity_id, entities)
    if reviewer.branch is not None and row.branch_code != reviewer.branch:
        raise NoEnrollment(entity_id, entities)
    return row


def check_status(status: str) -> None:
    if status not in REVIEW_STATUSES:
        raise ReviewError(
            "status",
            Text.of("The status must be one of: {choices}.", choices=", ".join(REVIEW_STATUSES)),
        )


def check_decision(status: str, number: str | None, entity: str = ENROLLMENT) -> None:
    """The status, and the number an acceptance needs: an enrollment's membership number, an
    employer's NPP (the same plain format; the message names the one asked for)."""
    check_status(status)
    field = NUMBER_FIELD[entity]
    if status == "accepted" and not number:
        if entity == EMPLOYER:
            text = Text.of("An accepted employer registration needs its employer number (NPP).")
        else:
            text = Text.of("An accepted enrollment needs a membership number.")
        raise ReviewError(field, text)
    if number is not None and not MEMBERSHIP_NUMBER.match(number):
        if entity == EMPLOYER:
            text = Text.of(
                "An employer number (NPP) is 3 to 40 letters, digits, '.', '/' or '-', "
                "beginning with a letter or a digit."
            )
        else:
            text = Text.of(
                "A membership number is 3 to 40 letters, digits, '.', '/' or '-', "
                "beginning with a letter or a digit."
            )
        raise ReviewError(field, text)


def decide(
    conn: sa.Connection,
    entity_id: str,
    status: str,
    review_reason: str | None,
    number: str | None,
    reviewer: Reviewer,
    from_status: str | None = None,
    *,
    reason_code: str | None = None,
    entities: Sequence[str] = (ENROLLMENT,),
) -> int:
    """One decision in the caller's transaction; returns the record's new version.
    `number`: an enrollment's membership number, an employer registration's NPP (`entities`:
    the kinds of record the caller decides on, the console's queue both).
    `from_status`: the status the reviewer saw (Conflict when it is no longer that: two
    supervisors on one enrollment, or a page left open); None, the command line, decides
    whatever the status. `reason_code`: a send-back's reason (`review_reason_code`, which
    leads the laptop to the fix: `photo_unclear` to retaking the KTP photo); any other
    decision clears it."""
    check_status(status)
    entity_id = enrollment_uuid(entity_id)
    seq = lock_seq(conn)
    row = visible_row(conn, entity_id, reviewer, entities)
    check_decision(status, number, row.entity)
    action = "review-employer" if row.entity == EMPLOYER else "review-enrollment"
    record_action(conn, action, entity_id, by=reviewer.name, status=status)
    if row.deleted:
        raise ReviewError("id", _gone(row.entity))
    now = row.fields.get("status")
    if from_status is not None and now != from_status:
        raise Conflict(_decided(row.entity))
    version: int = row.version + 1
    changes: dict[str, Any] = {
        "status": status,
        "review_reason": review_reason,
        "review_reason_code": reason_code,
    }
    if number is not None:
        changes[NUMBER_FIELD[row.entity]] = number
    fields = dict(row.fields)
    marks = dict(row.field_versions or {})
    for name, value in changes.items():
        if fields.get(name) != value:
            marks[name] = [version, "central"]
    fields.update(changes)
    table = db.table(db.Record)
    conn.execute(
        table.update()
        .where(table.c.entity_id == entity_id)
        .values(
            fields=fields,
            field_versions=marks,
            version=version,
            server_seq=seq,
            updated_at=db.utcnow(),
        )
    )
    return version


def _decided(entity: str) -> Text:
    if entity == EMPLOYER:
        return Text.of(
            "This employer registration is no longer waiting for review (someone decided it, "
            "or its agent is correcting it). Nothing was changed; see it as it is now."
        )
    return Text.of(
        "This enrollment is no longer waiting for review (someone decided it, or its agent "
        "is correcting it). Nothing was changed; see it as it is now."
    )


def _gone(entity: str) -> Text:
    if entity == EMPLOYER:
        return Text.of("This employer registration was erased.")
    return Text.of("This enrollment was deleted.")


def review_enrollment(
    engine: Engine,
    entity_id: str,
    status: str,
    review_reason: str | None = None,
    membership_number: str | None = None,
    reviewer: Reviewer = COMMAND_LINE,
    reason_code: str | None = None,
) -> str:
    """The central system's review of an enrollment (its protected fields), pulled by the
    laptops like a supervisor's update. `reason_code` (a key of SEND_BACK_REASONS, a send-back
    only) sets `review_reason_code` as the console does, and the reason the laptop shows is
    then its words followed by `review_reason` as the note."""
    version = _review(
        engine, entity_id, status, review_reason, membership_number, reviewer, reason_code
    )
    return f"enrollment {enrollment_uuid(entity_id)} is {status}, version {version}"


def review_employer(
    engine: Engine,
    entity_id: str,
    status: str,
    review_reason: str | None = None,
    npp: str | None = None,
    reviewer: Reviewer = COMMAND_LINE,
    reason_code: str | None = None,
) -> str:
    """The command line's `review-employer`: an employer registration accepted with its NPP,
    or sent back with a reason (a code, `other` by default, whose note is then required)."""
    if status == "needs_correction" and reason_code is None:
        reason_code = "other"
    version = _review(
        engine, entity_id, status, review_reason, npp, reviewer, reason_code, (EMPLOYER,)
    )
    return f"employer registration {enrollment_uuid(entity_id)} is {status}, version {version}"


def _review(
    engine: Engine,
    entity_id: str,
    status: str,
    review_reason: str | None,
    number: str | None,
    reviewer: Reviewer,
    reason_code: str | None,
    entities: Sequence[str] = (ENROLLMENT,),
) -> int:
    if reason_code is not None:
        if status != "needs_correction":
            raise ReviewError(
                "reason_code",
                Text.of("A reason code goes only with the status needs_correction."),
            )
        review_reason = send_back_reason(reason_code, review_reason or "")
    with db.write_transaction(engine) as conn:
        return decide(
            conn,
            entity_id,
            status,
            review_reason,
            number,
            reviewer,
            reason_code=reason_code,
            entities=entities,
        )


def send_back_reason(reason_code: str, note: str) -> str:
    """The review reason a laptop shows: the reason's Indonesian words, then the note."""
    reason = SEND_BACK_REASONS.get(reason_code)
    if reason is None:
        raise ReviewError(
            "reason",
            Text.of("The reason must be one of: {choices}.", choices=", ".join(SEND_BACK_REASONS)),
        )
    note = check_text("note", note, lines=True).strip()
    if len(note) > NOTE_MAX:
        raise ReviewError(
            "note", Text.of("The note is at most {count} characters.", count=NOTE_MAX)
        )
    if reason_code == "other" and not note:
        raise ReviewError("note", Text.of("Say in the note why it is sent back."))
    return f"{reason.id} {note}".strip()


def send_back(
    engine: Engine,
    entity_id: str,
    reason_code: str,
    note: str,
    reviewer: Reviewer,
    entities: Sequence[str] = (ENROLLMENT,),
) -> int:
    review_reason = send_back_reason(reason_code, note)
    with db.write_transaction(engine) as conn:
        return decide(
            conn,
            entity_id,
            "needs_correction",
            review_reason,
            None,
            reviewer,
            "submitted",
            reason_code=reason_code,
            entities=entities,
        )


def accept(
    engine: Engine,
    entity_id: str,
    number: str,
    reviewer: Reviewer,
    entities: Sequence[str] = (ENROLLMENT,),
) -> int:
    """Accepts a submitted enrollment with its membership number (an employer registration,
    when `entities` allows it, with its NPP)."""
    with db.write_transaction(engine) as conn:
        return decide(
            conn, entity_id, "accepted", None, number, reviewer, "submitted", entities=entities
        )


def accept_many(
    engine: Engine,
    decisions: Sequence[tuple[str, str]],
    reviewer: Reviewer,
    entities: Sequence[str] = (ENROLLMENT,),
) -> list[int]:
    """Accepts each (id, membership number) in one transaction: all of them or none."""
    ids = [enrollment_uuid(entity_id) for entity_id, _ in decisions]
    if len(set(ids)) != len(ids):
        raise ReviewError("items", Text.of("An enrollment is listed twice."))
    versions = []
    with db.write_transaction(engine) as conn:
        for index, (entity_id, number) in enumerate(decisions):
            try:
                versions.append(
                    decide(
                        conn,
                        entity_id,
                        "accepted",
                        None,
                        number,
                        reviewer,
                        "submitted",
                        entities=entities,
                    )
                )
            except ReviewError as error:
                raise ReviewError(f"items.{index}.{error.field}", error.text) from error
    return versions


def reveal_nik(engine: Engine, entity_id: str, reviewer: Reviewer) -> str:
    """The enrollment's full NIK, with a row in the administration trail saying who saw it."""
    entity_id = enrollment_uuid(entity_id)
    with db.write_transaction(engine) as conn:
        row = visible_row(conn, entity_id, reviewer)
        if row.deleted:  # erased at the worker's request: nothing left to show
            raise NoEnrollment(entity_id)
        record_action(conn, "reveal-nik", entity_id, by=reviewer.name, branch=row.branch_code)
        return str(row.fields.get("nik") or "")
