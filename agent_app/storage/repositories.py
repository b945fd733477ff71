"""Repositories over one Session: SQL-side search and paging, records and rows out.

Each repository belongs to a unit of work (`agent_app.storage.uow`) and never commits; what it
returns are domain records (`agent_app.domain.records`) or the frozen rows of
`agent_app.storage.rows`, never ORM objects.

Search: text is split into words; a word of three characters or more goes to the trigram FTS5
index (substring, any case, diacritics ignored), a shorter one to LIKE. All words must match.
Lists are ordered in SQL and paged with LIMIT/OFFSET; `count()` takes the same filter.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.domain import clock, keys, records
from agent_app.storage import rows, tables, wire
from sync import protocol

log = logging.getLogger("db")

ACTIVE_ENROLLMENT = (
    keys.EnrollmentStatus.SUBMITTED.value,
    keys.EnrollmentStatus.ACCEPTED.value,
    keys.EnrollmentStatus.NEEDS_CORRECTION.value,
)
UNSETTLED_OP = ("pending", "sent")
#: The partial indexes' WHERE terms, word for word (tables.LIVE_SQL, tables.OPEN_BUSINESS_SQL).
# (a TextClause: a Boolean literal_column would get "= 1" appended, which the index lacks)
OPEN_BUSINESS = cast("sa.ColumnElement[bool]", sa.text(tables.OPEN_BUSINESS_SQL))


def _live(table: Any) -> sa.ColumnElement[bool]:
    """`deleted = 0`, as the partial indexes say it."""
    live: sa.ColumnElement[bool] = table.deleted == sa.false()
    return live


def now() -> str:
    """The current local time, ISO 8601 with offset, to the second."""
    return stamp(dt.datetime.now())


def stamp(moment: dt.datetime) -> str:
    """A moment in the storage's timestamp form (local time with offset, to the second)."""
    return moment.astimezone().isoformat(timespec="seconds")


def _utc_text(moment: dt.datetime) -> str:
    """`moment` in the form SQLite's datetime() gives (UTC, to the second)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def before(column: Any, moment: dt.datetime) -> sa.ColumnElement[bool]:
    """`column` (a stored timestamp with its offset) is an instant before `moment`: compared
    as instants, not as text, since rows carry different offsets (the machine's, the
    server's UTC)."""
    return sa.func.datetime(column) < _utc_text(moment)


def on_days(
    column: Any, start: dt.date, end: dt.date, zone: str = clock.DEFAULT_ZONE
) -> sa.ColumnElement[bool]:
    """`column` (a stored timestamp, ISO 8601 with its offset) falls on a day from `start` to
    `end` (inclusive) in `zone`, the branch's: compared as instants, so a stamp written with
    another offset (another machine zone, the server's UTC) still lands on the branch's day."""
    low, high = (_utc_text(moment) for moment in clock.day_bounds(start, end, zone))
    instant = sa.func.datetime(column)
    return sa.and_(instant >= low, instant < high)


def chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    """`items` in slices of `size`: SQLite allows only so many bound values per statement."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text_filter(
    text: str, fts_table: str, pk: Any, columns: Sequence[Any]
) -> list[sa.ColumnElement[bool]]:
    """Conditions for a search text (every word must match).

    A word of three or more characters is looked up in the trigram FTS5 index: it matches
    anywhere in any of `columns`. A trigram index cannot look up fewer than three characters,
    so a query made only of shorter words matches the start of the first column (the name, by
    its index; "pe" finds "Pempek ..."), and short words beside a long one match anywhere in
    the rows the long word found.
    """
    conditions: list[sa.ColumnElement[bool]] = []
    # Control characters (a NUL above all) cannot be typed and break FTS5 queries.
    words = "".join(ch if ch.isprintable() else " " for ch in text).split()
    long_words = [w for w in words if len(w) >= 3]
    short_words = [w for w in words if len(w) < 3]
    if long_words:
        query = " AND ".join('"' + w.replace('"', '""') + '"' for w in long_words)
        fts = sa.table(fts_table, sa.column("rowid", sa.Integer))
        match = sa.literal_column(fts_table).op("MATCH")(query)
        conditions.append(pk.in_(sa.select(fts.c.rowid).where(match)))
    elif short_words:
        first = short_words.pop(0)
        conditions.append(columns[0].like(_like_escape(first) + "%", escape="\\"))
    for word in short_words:
        pattern = "%" + _like_escape(word) + "%"
        conditions.append(sa.or_(*(c.like(pattern, escape="\\") for c in columns)))
    return conditions


class BusinessRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, business_id: str) -> tables.Business | None:
        return self.session.scalars(
            sa.select(tables.Business).where(tables.Business.id == business_id)
        ).one_or_none()

    def get(self, business_id: str) -> records.Business | None:
        row = self._row(business_id)
        return None if row is None or row.deleted else wire.business_from_row(row)

    def meta(self, business_id: str) -> rows.SyncMeta | None:
        row = self._row(business_id)
        return None if row is None else _meta(row)

    def add(self, business: records.Business, *, sync_state: str | None = "pending") -> None:
        stamp = now()
        values = wire.record_values(business)
        self.session.add(
            tables.Business(**values, sync_state=sync_state, created_at=stamp, updated_at=stamp)
        )
        self.session.flush()

    def update(self, business: records.Business) -> None:
        row = self._row(business.id)
        if row is None:
            raise KeyError(business.id)
        _assign(row, wire.record_values(business))
        row.sync_state = "pending"
        row.updated_at = now()
        self.session.flush()

    def refresh_visit_summary(self, business_id: str) -> None:
        """Copies the latest visit's time, outcome and next follow-up onto the business."""
        latest = self.session.execute(
            sa.select(tables.Visit.visited_at, tables.Visit.outcome, tables.Visit.next_follow_up)
            .where(tables.Visit.business_id == business_id, _live(tables.Visit))
            .order_by(tables.Visit.visited_at.desc())
            .limit(1)
        ).one_or_none()
        row = self._row(business_id)
        if row is None:
            return
        row.last_visit_at = latest.visited_at if latest else None
        row.last_outcome = latest.outcome if latest else None
        row.next_follow_up = latest.next_follow_up if latest else None
        self.session.flush()

    def refresh_visit_summaries(self, business_ids: Iterable[str]) -> None:
        """`refresh_visit_summary` for many businesses, one UPDATE per 500."""
        wanted = sorted(set(business_ids))
        v = tables.Visit
        for chunk in chunks(wanted):

            def latest(column: Any) -> Any:
                return (
                    sa.select(column)
                    .where(v.business_id == tables.Business.id, _live(v))
                    .order_by(v.visited_at.desc())
                    .limit(1)
                    .scalar_subquery()
                )

            self.session.execute(
                sa.update(tables.Business)
                .where(tables.Business.id.in_(chunk))
                .values(
                    last_visit_at=latest(v.visited_at),
                    last_outcome=latest(v.outcome),
                    next_follow_up=latest(v.next_follow_up),
                )
                .execution_options(synchronize_session=False)
            )

    def _where(self, flt: rows.BusinessFilter) -> list[sa.ColumnElement[bool]]:
        t = tables.Business
        where: list[sa.ColumnElement[bool]] = [_live(t)]
        if flt.text.strip():
            where += _text_filter(flt.text, "businesses_fts", t.pk, (t.name, t.owner_name))
        if flt.status:
            where.append(t.status == flt.status)
        if flt.sector:
            where.append(t.sector == flt.sector)
        if flt.event_id:
            where.append(t.event_id == flt.event_id)
        if flt.follow_up_due_on is not None:
            where.append(t.next_follow_up <= flt.follow_up_due_on)
            where.append(OPEN_BUSINESS)
        return where

    def search(
        self, flt: rows.BusinessFilter, offset: int = 0, limit: int = 100
    ) -> list[rows.BusinessRow]:
        t = tables.Business
        order: list[Any] = [t.name, t.pk]
        if flt.follow_up_due_on is not None:
            order = [t.next_follow_up, t.name, t.pk]
        stmt = (
            sa.select(*_row_columns(rows.BusinessRow, t))
            .where(*self._where(flt))
            .order_by(*order)
            .offset(offset)
            .limit(limit)
        )
        return [rows.BusinessRow(*r) for r in self.session.execute(stmt)]

    def count(self, flt: rows.BusinessFilter) -> int:
        stmt = sa.select(sa.func.count()).select_from(tables.Business).where(*self._where(flt))
        return int(self.session.scalar(stmt) or 0)

    def count_created(
        self,
        start: dt.date,
        end: dt.date,
        *,
        registered_by: str | None = None,
        event_id: str | None = None,
        zone: str = clock.DEFAULT_ZONE,
    ) -> int:
        """Businesses registered on this laptop's records between two days (inclusive)."""
        t = tables.Business
        where: list[sa.ColumnElement[bool]] = [
            _live(t),
            on_days(t.created_at, start, end, zone),
        ]
        if registered_by:
            where.append(t.registered_by == registered_by)
        if event_id:
            where.append(t.event_id == event_id)
        return int(self.session.scalar(sa.select(sa.func.count()).where(*where)) or 0)

    def count_status(
        self, status: str, *, event_id: str | None = None, registered_by: str | None = None
    ) -> int:
        t = tables.Business
        where: list[sa.ColumnElement[bool]] = [_live(t), t.status == status]
        if event_id:
            where.append(t.event_id == event_id)
        if registered_by:
            where.append(t.registered_by == registered_by)
        return int(self.session.scalar(sa.select(sa.func.count()).where(*where)) or 0)


class VisitRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, visit_id: str) -> records.Visit | None:
        row = self.session.get(tables.Visit, visit_id)
        return None if row is None or row.deleted else wire.visit_from_row(row)

    def add(self, visit: records.Visit, *, sync_state: str | None = "pending") -> None:
        stamp = now()
        self.session.add(
            tables.Visit(
                **wire.record_values(visit),
                sync_state=sync_state,
                created_at=stamp,
                updated_at=stamp,
            )
        )
        self.session.flush()

    def for_business(self, business_id: str, limit: int = 1000) -> list[records.Visit]:
        stmt = (
            sa.select(tables.Visit)
            .where(tables.Visit.business_id == business_id, _live(tables.Visit))
            .order_by(tables.Visit.visited_at.desc())
            .limit(limit)
        )
        return [wire.visit_from_row(r) for r in self.session.scalars(stmt)]

    def count_between(
        self,
        start: dt.date,
        end: dt.date,
        *,
        agent_code: str | None = None,
        event_id: str | None = None,
        zone: str = clock.DEFAULT_ZONE,
    ) -> int:
        t = tables.Visit
        where: list[sa.ColumnElement[bool]] = [
            _live(t),
            on_days(t.visited_at, start, end, zone),
        ]
        if agent_code:
            where.append(t.agent_code == agent_code)
        if event_id:
            where.append(t.event_id == event_id)
        return int(self.session.scalar(sa.select(sa.func.count()).where(*where)) or 0)


class EnrollmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, enrollment_id: str) -> tables.Enrollment | None:
        return self.session.scalars(
            sa.select(tables.Enrollment).where(tables.Enrollment.id == enrollment_id)
        ).one_or_none()

    def get(self, enrollment_id: str) -> records.Enrollment | None:
        row = self._row(enrollment_id)
        return None if row is None or row.deleted else wire.enrollment_from_row(row)

    def meta(self, enrollment_id: str) -> rows.SyncMeta | None:
        row = self._row(enrollment_id)
        return None if row is None else _meta(row)

    def confirmed_fields(self, enrollment_id: str) -> dict[str, Any]:
        """The wire fields as the server last confirmed them ({} before the first sync)."""
        row = self._row(enrollment_id)
        return dict(row.confirmed_fields or {}) if row is not None else {}

    def add(self, enrollment: records.Enrollment, *, sync_state: str | None = None) -> None:
        stamp = now()
        values = wire.record_values(enrollment)
        submitted = stamp if enrollment.status is keys.EnrollmentStatus.SUBMITTED else None
        self.session.add(
            tables.Enrollment(
                **values,
                sync_state=sync_state,
                created_at=stamp,
                updated_at=stamp,
                submitted_at=submitted,
            )
        )
        self.session.flush()

    def update(
        self, enrollment: records.Enrollment, *, sync_state: str | None, submitted: bool = False
    ) -> None:
        row = self._row(enrollment.id)
        if row is None:
            raise KeyError(enrollment.id)
        _assign(row, wire.record_values(enrollment))
        row.sync_state = sync_state
        row.updated_at = now()
        if submitted:
            row.submitted_at = row.updated_at
        self.session.flush()

    def delete_draft(self, enrollment_id: str) -> None:
        """Removes a draft row for good (drafts never reach the server)."""
        row = self._row(enrollment_id)
        if row is not None:
            if row.status != keys.EnrollmentStatus.DRAFT.value:
                raise ValueError("only drafts are deleted locally")
            self.session.delete(row)
            self.session.flush()

    def find_active_by_nik(
        self, nik: str, *, exclude_id: str | None = None
    ) -> list[records.Enrollment]:
        t = tables.Enrollment
        stmt = sa.select(t).where(t.nik == nik, t.status.in_(ACTIVE_ENROLLMENT), _live(t))
        if exclude_id:
            stmt = stmt.where(t.id != exclude_id)
        return [wire.enrollment_from_row(r) for r in self.session.scalars(stmt)]

    def needing_attention(self, agent_code: str | None = None) -> list[str]:
        """Ids of enrollments sent back for correction or refused/in conflict on sync."""
        t = tables.Enrollment
        stmt = sa.select(t.id).where(
            _live(t),
            sa.or_(
                t.status == keys.EnrollmentStatus.NEEDS_CORRECTION.value,
                t.sync_state.in_(("rejected", "conflict")),
            ),
        )
        if agent_code:
            stmt = stmt.where(t.agent_code == agent_code)
        return list(self.session.scalars(stmt.order_by(t.updated_at.desc(), t.pk)))

    def _where(self, flt: rows.EnrollmentFilter) -> list[sa.ColumnElement[bool]]:
        t = tables.Enrollment
        where: list[sa.ColumnElement[bool]] = [_live(t)]
        if flt.text.strip():
            where += _text_filter(flt.text, "enrollments_fts", t.pk, (t.full_name, t.nik))
        if flt.status:
            where.append(t.status == flt.status)
        if flt.event_id:
            where.append(t.event_id == flt.event_id)
        if flt.business_id:
            where.append(t.business_id == flt.business_id)
        if flt.agent_code:
            where.append(t.agent_code == flt.agent_code)
        return where

    def search(
        self, flt: rows.EnrollmentFilter, offset: int = 0, limit: int = 100
    ) -> list[rows.EnrollmentRow]:
        t = tables.Enrollment
        stmt = (
            sa.select(*_row_columns(rows.EnrollmentRow, t))
            .where(*self._where(flt))
            .order_by(t.full_name, t.pk)
            .offset(offset)
            .limit(limit)
        )
        return [rows.EnrollmentRow(*r) for r in self.session.execute(stmt)]

    def count(self, flt: rows.EnrollmentFilter) -> int:
        stmt = sa.select(sa.func.count()).select_from(tables.Enrollment).where(*self._where(flt))
        return int(self.session.scalar(stmt) or 0)

    def count_submitted(
        self,
        start: dt.date,
        end: dt.date,
        *,
        agent_code: str | None = None,
        event_id: str | None = None,
        zone: str = clock.DEFAULT_ZONE,
    ) -> int:
        """Enrollments submitted (not drafts) between two days, inclusive."""
        t = tables.Enrollment
        where: list[sa.ColumnElement[bool]] = [
            _live(t),
            t.status.in_(ACTIVE_ENROLLMENT),
            on_days(t.submitted_at, start, end, zone),
        ]
        if agent_code:
            where.append(t.agent_code == agent_code)
        if event_id:
            where.append(t.event_id == event_id)
        return int(self.session.scalar(sa.select(sa.func.count()).where(*where)) or 0)


class OutboxRepository:
    """The ops waiting for the server, in rising `op_seq`."""

    def __init__(self, session: Session, sync_state: SyncStateRepository) -> None:
        self.session = session
        self.sync_state = sync_state

    def add(
        self,
        entity: str,
        entity_id: str,
        kind: str,
        base_version: int | None,
        fields: Mapping[str, Any],
        *,
        recorded_at: str | None = None,
    ) -> rows.OutboxOp:
        """Writes one op (uuid4 `op_id`, next `op_seq`) in the current transaction."""
        row = tables.OutboxOp(
            op_seq=self.sync_state.next_op_seq(),
            op_id=str(uuid.uuid4()),
            entity=str(entity),
            entity_id=entity_id,
            kind=str(kind),
            base_version=base_version,
            fields=dict(fields),
            recorded_at=recorded_at or now(),
            status="pending",
            attempts=0,
        )
        self.session.add(row)
        self.session.flush()
        log.debug("outbox op %s #%d %s %s %s", row.op_id, row.op_seq, kind, entity, entity_id)
        return _op(row)

    def fold_into_pending_create(self, entity_id: str, fields: Mapping[str, Any]) -> bool:
        """Merges changed fields into the record's create op if it has not been sent yet.

        An update op needs a `base_version`, which a record has only after its create is
        applied; until the create leaves the laptop, a change simply amends it.
        """
        row = self.session.scalars(
            sa.select(tables.OutboxOp).where(
                tables.OutboxOp.entity_id == entity_id,
                tables.OutboxOp.kind == "create",
                tables.OutboxOp.status == "pending",
            )
        ).one_or_none()
        if row is None:
            return False
        row.fields = {**row.fields, **fields}
        self.session.flush()
        return True

    def has_unsettled(self, entity_id: str) -> bool:
        stmt = sa.select(sa.func.count()).where(
            tables.OutboxOp.entity_id == entity_id, tables.OutboxOp.status.in_(UNSETTLED_OP)
        )
        return bool(self.session.scalar(stmt))

    def for_entity(self, entity_id: str) -> list[rows.OutboxOp]:
        stmt = (
            sa.select(tables.OutboxOp)
            .where(tables.OutboxOp.entity_id == entity_id)
            .order_by(tables.OutboxOp.op_seq)
        )
        return [_op(r) for r in self.session.scalars(stmt)]

    def unsettled(
        self, limit: int | None = None, after_seq: int | None = None, *, audit: bool = False
    ) -> list[rows.OutboxOp]:
        """The unsettled changes to records (`audit`: the audit trail's ops instead)."""
        stmt = (
            sa.select(tables.OutboxOp)
            .where(
                tables.OutboxOp.status.in_(UNSETTLED_OP), audit_ops(tables.OutboxOp.entity, audit)
            )
            .order_by(tables.OutboxOp.op_seq)
        )
        if after_seq is not None:
            stmt = stmt.where(tables.OutboxOp.op_seq > after_seq)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [_op(r) for r in self.session.scalars(stmt)]

    def result(self, op_id: str) -> dict[str, Any] | None:
        """The server's stored answer to an op (with a conflict's `current`), if any."""
        row = self.get_row(op_id)
        return dict(row.result) if row is not None and row.result else None

    def unsettled_rows(
        self, limit: int | None = None, after_seq: int | None = None
    ) -> list[tables.OutboxOp]:
        """The unsettled ops as rows of this session (for the sync store, which edits them)."""
        stmt = (
            sa.select(tables.OutboxOp)
            .where(tables.OutboxOp.status.in_(UNSETTLED_OP))
            .order_by(tables.OutboxOp.op_seq)
        )
        if after_seq is not None:
            stmt = stmt.where(tables.OutboxOp.op_seq > after_seq)
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(self.session.scalars(stmt))

    def rows_by_op_id(self, op_ids: Iterable[str]) -> dict[str, tables.OutboxOp]:
        wanted = sorted(set(op_ids))
        found: dict[str, tables.OutboxOp] = {}
        for chunk in chunks(wanted):
            stmt = sa.select(tables.OutboxOp).where(tables.OutboxOp.op_id.in_(chunk))
            found.update((row.op_id, row) for row in self.session.scalars(stmt))
        return found

    def entities_with_unsettled(
        self, entity_ids: Iterable[str], *, kind: str | None = None
    ) -> set[str]:
        """Which of these records still have an op waiting for the server."""
        wanted = sorted(set(entity_ids))
        found: set[str] = set()
        for chunk in chunks(wanted):
            stmt = sa.select(tables.OutboxOp.entity_id).where(
                tables.OutboxOp.entity_id.in_(chunk), tables.OutboxOp.status.in_(UNSETTLED_OP)
            )
            if kind is not None:
                stmt = stmt.where(tables.OutboxOp.kind == kind)
            found.update(self.session.scalars(stmt))
        return found

    def entities_with_unsettled_create(self, entity_ids: Iterable[str]) -> set[str]:
        return self.entities_with_unsettled(entity_ids, kind="create")

    def count_unsettled(self, *, audit: bool = False) -> int:
        """The changes to records waiting for the server (`audit`: the audit trail's
        `audit_event` ops waiting instead)."""
        stmt = sa.select(sa.func.count()).where(
            tables.OutboxOp.status.in_(UNSETTLED_OP), audit_ops(tables.OutboxOp.entity, audit)
        )
        return int(self.session.scalar(stmt) or 0)

    def get_row(self, op_id: str) -> tables.OutboxOp | None:
        return self.session.scalars(
            sa.select(tables.OutboxOp).where(tables.OutboxOp.op_id == op_id)
        ).one_or_none()


class AuditRepository:
    """The laptop's audit trail. Each entry is also an `audit_event` create in the outbox,
    written in the same transaction, and a link of the laptop's hash chain (SYNC_PROTOCOL.md
    1.1): a co-user who deletes or edits entries cannot undo what reached the server, and a
    deleted entry that had not left yet shows there as a gap in the chain."""

    def __init__(self, session: Session, outbox: OutboxRepository) -> None:
        self.session = session
        self.outbox = outbox

    def add(
        self,
        actor: str | None,
        action: str,
        entity: str | None = None,
        entity_id: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        """Records who did what; `details` must hold ids and codes only, no personal data."""
        at = now()
        kept = dict(details or {})
        seq, prev_hash = self.outbox.sync_state.next_audit_link()
        event: dict[str, Any] = {
            "action": action,
            "entity": str(entity) if entity else None,
            "entity_id": entity_id,
            "at": at,
            "agent_code": actor,
            "details": audit_wire_details(kept),
            "seq": seq,
            "prev_hash": prev_hash,
        }
        event["hash"] = protocol.audit_event_hash(event)
        op = self.outbox.add(
            protocol.AUDIT_EVENT,
            str(uuid.uuid4()),
            keys.OpKind.CREATE,
            None,
            event,
            recorded_at=at,
        )
        self.outbox.sync_state.set_audit_hash(event["hash"])
        self.session.add(
            tables.AuditEntry(
                at=at,
                actor=actor,
                action=action,
                entity=event["entity"],
                entity_id=entity_id,
                details=kept,
                seq=event["seq"],
                prev_hash=event["prev_hash"],
                hash=event["hash"],
                op_id=op.op_id,
            )
        )
        self.session.flush()

    def list(self, entity_id: str | None = None, limit: int = 100) -> list[rows.AuditRow]:
        t = tables.AuditEntry
        stmt = sa.select(t).order_by(t.id.desc()).limit(limit)
        if entity_id:
            stmt = stmt.where(t.entity_id == entity_id)
        return [
            rows.AuditRow(r.id, r.at, r.actor, r.action, r.entity, r.entity_id, r.details or {})
            for r in self.session.scalars(stmt)
        ]


def audit_ops(entity: Any, audit: bool) -> sa.ColumnElement[bool]:
    """The outbox's two streams: the audit trail's `audit_event` ops (`audit`), or the rest."""
    return entity == protocol.AUDIT_EVENT if audit else entity != protocol.AUDIT_EVENT


def audit_wire_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """An audit entry's details as the server takes them: scalars only (a list of field
    names becomes one comma-separated text; anything else, its canonical JSON text)."""
    wired: dict[str, Any] = {}
    for key, value in details.items():
        if value is None or isinstance(value, bool | int | str):
            wired[str(key)] = value
        elif isinstance(value, list | tuple | set | frozenset):
            items = sorted(value) if isinstance(value, set | frozenset) else value
            wired[str(key)] = ",".join(str(item) for item in items)
        else:
            wired[str(key)] = json.dumps(value, sort_keys=True, default=str)
    return wired


class EventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert(self, event: records.Event, version: int | None = None) -> None:
        row = self.session.get(tables.Event, event.id) or tables.Event(id=event.id)
        row.name, row.venue, row.branch = event.name, event.venue, event.branch
        row.starts_on, row.ends_on = event.starts_on, event.ends_on
        row.version, row.deleted = version, False
        self.session.add(row)
        self.session.flush()

    def get(self, event_id: str) -> records.Event | None:
        row = self.session.get(tables.Event, event_id)
        return None if row is None or row.deleted else _event(row)

    def list(self, on: dt.date | None = None) -> list[records.Event]:
        """All events, or those running on a day; the latest first."""
        t = tables.Event
        stmt = sa.select(t).where(_live(t)).order_by(t.starts_on.desc(), t.name)
        if on is not None:
            stmt = stmt.where(t.starts_on <= on, t.ends_on >= on)
        return [_event(r) for r in self.session.scalars(stmt)]


class FormDraftRepository:
    """Autosaved forms, one per account and form (tables.FormDraft)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def put(self, agent_code: str, form: str, state: Mapping[str, Any]) -> None:
        row = self.session.get(tables.FormDraft, (agent_code, form)) or tables.FormDraft(
            agent_code=agent_code, form=form
        )
        row.state, row.updated_at = dict(state), now()
        self.session.add(row)
        self.session.flush()

    def get(self, agent_code: str, form: str) -> rows.FormDraft | None:
        row = self.session.get(tables.FormDraft, (agent_code, form))
        if row is None:
            return None
        return rows.FormDraft(row.form, dict(row.state), row.updated_at)

    def list_for(self, agent_code: str) -> list[rows.FormDraft]:
        """The account's autosaved forms, the most recently saved first."""
        t = tables.FormDraft
        found = self.session.scalars(
            sa.select(t).where(t.agent_code == agent_code).order_by(t.updated_at.desc())
        )
        return [rows.FormDraft(row.form, dict(row.state), row.updated_at) for row in found]

    def delete(self, agent_code: str, form: str) -> None:
        row = self.session.get(tables.FormDraft, (agent_code, form))
        if row is not None:
            self.session.delete(row)
            self.session.flush()


class TargetRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert(self, target: records.Target, version: int | None = None) -> None:
        row = self.session.get(tables.Target, target.id) or tables.Target(id=target.id)
        row.scope, row.scope_id, row.metric = target.scope, target.scope_id, target.metric
        row.goal, row.period_start, row.period_end = (
            target.goal,
            target.period_start,
            target.period_end,
        )
        row.version, row.deleted = version, False
        self.session.add(row)
        self.session.flush()

    def for_scopes(
        self, scopes: Iterable[tuple[str, str]], on: dt.date | None = None
    ) -> list[records.Target]:
        """Targets of any of the (scope, scope_id) pairs, optionally covering a day."""
        t = tables.Target
        pairs = [sa.and_(t.scope == s, t.scope_id == i) for s, i in scopes]
        if not pairs:
            return []
        stmt = sa.select(t).where(_live(t), sa.or_(*pairs))
        if on is not None:
            stmt = stmt.where(t.period_start <= on, t.period_end >= on)
        stmt = stmt.order_by(t.scope, t.metric, t.id)
        return [
            records.Target(
                r.id, r.scope, r.scope_id, r.metric, r.goal, r.period_start, r.period_end
            )
            for r in self.session.scalars(stmt)
        ]


_SYNC_STATE = cast(sa.Table, tables.SyncState.__table__)


class SyncStateRepository:
    """The single sync_state row: device id, pull cursor, op_seq counter."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self) -> tables.SyncState:
        row = self.session.get(tables.SyncState, 1)
        if row is None:
            row = tables.SyncState(id=1, device_id=str(uuid.uuid4()), last_op_seq=0)
            self.session.add(row)
            self.session.flush()
        return row

    def get(self) -> rows.SyncInfo:
        r = self._row()
        return rows.SyncInfo(
            r.device_id,
            r.cursor,
            r.last_success_at,
            r.clock_offset_seconds,
            r.server_url,
            r.last_op_seq,
        )

    def next_audit_link(self) -> tuple[int, str | None]:
        """Takes the next seq of the audit chain; answers it with the hash of the entry before.

        One UPDATE ... RETURNING: it takes the write lock first, so two threads writing audit
        entries at once cannot both chain to the same entry (a fork the server would flag).
        """
        self._row()  # made if missing
        table = _SYNC_STATE
        found = self.session.execute(
            sa.update(table)
            .where(table.c.id == 1)
            .values(audit_seq=table.c.audit_seq + 1)
            .returning(table.c.audit_seq, table.c.audit_hash)
        ).one()
        return int(found.audit_seq), found.audit_hash

    def set_audit_hash(self, value: str) -> None:
        """Records the hash of the chain's newest entry (after `next_audit_link`)."""
        table = _SYNC_STATE
        self.session.execute(sa.update(table).where(table.c.id == 1).values(audit_hash=value))

    def next_op_seq(self) -> int:
        """The next op_seq: strictly rising for the life of the database, never reused."""
        row = self._row()
        row.last_op_seq = (row.last_op_seq or 0) + 1
        self.session.flush()
        return row.last_op_seq

    def cursor_for(self, agent_code: str | None) -> str | None:
        """The account's pull cursor (None: the laptop-wide one, for callers with no account)."""
        if agent_code is None:
            return self._row().cursor
        row = self.session.get(tables.PullCursor, agent_code)
        return row.cursor if row is not None else None

    def set_cursor(self, cursor: str | None, agent_code: str | None = None) -> None:
        if agent_code is None:
            self._row().cursor = cursor
        else:
            row = self.session.get(tables.PullCursor, agent_code)
            if row is None:
                row = tables.PullCursor(agent_code=agent_code)
                self.session.add(row)
            row.cursor = cursor
            row.updated_at = now()
        self.session.flush()

    def update(self, **values: Any) -> None:
        """Sets device_id, server_url, last_success_at or clock_offset_seconds."""
        allowed = {"device_id", "server_url", "last_success_at", "clock_offset_seconds"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"not sync state fields: {sorted(unknown)}")
        row = self._row()
        for name, value in values.items():
            setattr(row, name, value)
        self.session.flush()


def _meta(row: Any) -> rows.SyncMeta:
    return rows.SyncMeta(
        row.version,
        row.sync_state,
        row.sync_error_code,
        row.sync_error_message,
        row.created_at,
        row.updated_at,
    )


def _event(row: tables.Event) -> records.Event:
    return records.Event(row.id, row.name, row.branch, row.starts_on, row.ends_on, row.venue)


def _op(row: tables.OutboxOp) -> rows.OutboxOp:
    return rows.OutboxOp(
        op_seq=row.op_seq,
        op_id=row.op_id,
        entity=row.entity,
        entity_id=row.entity_id,
        kind=row.kind,
        base_version=row.base_version,
        fields=dict(row.fields),
        recorded_at=row.recorded_at,
        status=row.status,
        attempts=row.attempts,
        error_code=row.error_code,
        error_message=row.error_message,
    )


def _assign(row: Any, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if name in ("id", "version"):
            continue
        if hasattr(type(row), name):
            setattr(row, name, value)


def _row_columns(row_type: type, table: Any) -> list[Any]:
    import dataclasses

    return [getattr(table, f.name) for f in dataclasses.fields(row_type)]
