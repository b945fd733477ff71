"""The review of enrollments: accept (with the membership number), send back (with a reason)
or put back to submitted. One service for the command line (`review-enrollment`) and the
administration API (`/v1/admin/enrollments`); the laptops pull the decision like a
supervisor's update (the protected fields, changed by "central").

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
    """No enrollment with that id that this reviewer may see."""

    def __init__(self, entity_id: str) -> None:
        super().__init__(Text.of("There is no such enrollment."))
        self.args = (f"no enrollment {entity_id}",)


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


def visible_row(conn: sa.Connection, entity_id: str, reviewer: Reviewer) -> Any:
    """The enrollment's row if the reviewer may see it (NoEnrollment otherwise)."""
    table = db.table(db.Record)
    row = conn.execute(sa.select(table).where(table.c.entity_id == entity_id)).first()
    if row is None or row.entity != "enrollment":
        raise NoEnrollment(entity_id)
    if reviewer.branch is not None and row.branch_code != reviewer.branch:
        raise NoEnrollment(entity_id)
    return row


def check_decision(status: str, membership_number: str | None) -> None:
    if status not in REVIEW_STATUSES:
        raise ReviewError(
            "status",
            Text.of("The status must be one of: {choices}.", choices=", ".join(REVIEW_STATUSES)),
        )
    if status == "accepted" and not membership_number:
        raise ReviewError(
            "membership_number", Text.of("An accepted enrollment needs a membership number.")
        )
    if membership_number is not None and not MEMBERSHIP_NUMBER.match(membership_number):
        raise ReviewError(
            "membership_number",
            Text.of(
                "A membership number is 3 to 40 letters, digits, '.', '/' or '-', "
                "beginning with a letter or a digit."
            ),
        )


def decide(
    conn: sa.Connection,
    entity_id: str,
    status: str,
    review_reason: str | None,
    membership_number: str | None,
    reviewer: Reviewer,
    from_status: str | None = None,
    *,
    reason_code: str | None = None,
) -> int:
    """One decision in the caller's transaction; returns the enrollment's new version.
    `from_status`: the status the reviewer saw (Conflict when it is no longer that: two
    supervisors on one enrollment, or a page left open); None, the command line, decides
    whatever the status. `reason_code`: a send-back's reason (`review_reason_code`, which
    leads the laptop to the fix: `photo_unclear` to retaking the KTP photo); any other
    decision clears it."""
    check_decision(status, membership_number)
    entity_id = enrollment_uuid(entity_id)
    record_action(conn, "review-enrollment", entity_id, by=reviewer.name, status=status)
    seq = lock_seq(conn)
    row = visible_row(conn, entity_id, reviewer)
    if row.deleted:
        raise ReviewError("id", Text.of("This enrollment was deleted."))
    now = row.fields.get("status")
    if from_status is not None and now != from_status:
        raise Conflict(
            Text.of(
                "This enrollment is no longer waiting for review (someone decided it, or its "
                "agent is correcting it). Nothing was changed; see it as it is now."
            )
        )
    version: int = row.version + 1
    changes: dict[str, Any] = {
        "status": status,
        "review_reason": review_reason,
        "review_reason_code": reason_code,
    }
    if membership_number is not None:
        changes["membership_number"] = membership_number
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
    if reason_code is not None:
        if status != "needs_correction":
            raise ReviewError(
                "reason_code",
                Text.of("A reason code goes only with the status needs_correction."),
            )
        review_reason = send_back_reason(reason_code, review_reason or "")
    with engine.begin() as conn:
        version = decide(
            conn,
            entity_id,
            status,
            review_reason,
            membership_number,
            reviewer,
            reason_code=reason_code,
        )
    return f"enrollment {enrollment_uuid(entity_id)} is {status}, version {version}"


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
    engine: Engine, entity_id: str, reason_code: str, note: str, reviewer: Reviewer
) -> int:
    review_reason = send_back_reason(reason_code, note)
    with engine.begin() as conn:
        return decide(
            conn,
            entity_id,
            "needs_correction",
            review_reason,
            None,
            reviewer,
            "submitted",
            reason_code=reason_code,
        )


def accept(engine: Engine, entity_id: str, membership_number: str, reviewer: Reviewer) -> int:
    with engine.begin() as conn:
        return decide(conn, entity_id, "accepted", None, membership_number, reviewer, "submitted")


def accept_many(
    engine: Engine, decisions: Sequence[tuple[str, str]], reviewer: Reviewer
) -> list[int]:
    """Accepts each (id, membership number) in one transaction: all of them or none."""
    ids = [enrollment_uuid(entity_id) for entity_id, _ in decisions]
    if len(set(ids)) != len(ids):
        raise ReviewError("items", Text.of("An enrollment is listed twice."))
    versions = []
    with engine.begin() as conn:
        for index, (entity_id, number) in enumerate(decisions):
            try:
                versions.append(
                    decide(conn, entity_id, "accepted", None, number, reviewer, "submitted")
                )
            except ReviewError as error:
                raise ReviewError(f"items.{index}.{error.field}", error.text) from error
    return versions


def reveal_nik(engine: Engine, entity_id: str, reviewer: Reviewer) -> str:
    """The enrollment's full NIK, with a row in the administration trail saying who saw it."""
    entity_id = enrollment_uuid(entity_id)
    with engine.begin() as conn:
        row = visible_row(conn, entity_id, reviewer)
        if row.deleted:  # erased at the worker's request: nothing left to show
            raise NoEnrollment(entity_id)
        record_action(conn, "reveal-nik", entity_id, by=reviewer.name, branch=row.branch_code)
        return str(row.fields.get("nik") or "")


#: The attachments a reviewer looks at, in this order (an enrollment's, then its business's).
EVIDENCE_KINDS = ("ktp_photo", "storefront_photo", "consent_signature", "document")


def evidence(engine: Engine, record: dict[str, Any], reviewer: Reviewer) -> list[dict[str, str]]:
    """The photos and signature of an enrollment the reviewer sees (`get_enrollment`), then
    those of its business when the reviewer may see that business: `{kind, sha256, source}`
    with `source` "enrollment" or "business"."""
    shown: list[dict[str, str]] = []
    fields = record["fields"]
    sources: list[tuple[str, Any]] = [("enrollment", fields.get("attachments"))]
    business_id = fields.get("business_id")
    if isinstance(business_id, str):
        table = db.table(db.Record)
        with engine.connect() as conn:
            row = conn.execute(
                sa.select(table.c.fields, table.c.branch_code, table.c.deleted).where(
                    table.c.entity_id == business_id, table.c.entity == "business"
                )
            ).first()
        if row is not None and not row.deleted and reviewer.branch in (None, row.branch_code):
            sources.append(("business", (row.fields or {}).get("attachments")))
    seen: set[str] = set()
    for source, listed in sources:
        items = [i for i in listed or [] if isinstance(i, dict)]
        for item in sorted(items, key=lambda i: _kind_order(i.get("kind"))):
            sha, kind = item.get("sha256"), item.get("kind")
            if isinstance(sha, str) and isinstance(kind, str) and sha not in seen:
                seen.add(sha)
                shown.append({"kind": kind, "sha256": sha, "source": source})
    return shown


def _kind_order(kind: Any) -> int:
    return EVIDENCE_KINDS.index(kind) if kind in EVIDENCE_KINDS else len(EVIDENCE_KINDS)
