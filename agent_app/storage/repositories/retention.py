"""The deletions of the retention purge (`agent_app.services.retention` says what is kept and
for how long); each answers how many rows went. Nothing here deletes an op still waiting
(`pending`, `sent`) or a record the server has not confirmed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from agent_app.domain import keys
from agent_app.storage import confirmed, tables
from agent_app.storage.repositories.sql import UNSETTLED_OP, before, chunks
from sync import audit_chain

SETTLED = ("applied", "duplicate")
REFUSED = ("rejected", "conflict")


class RetentionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def settled_enrollments(
        self,
        accepted_before: dt.datetime,
        table: type[tables.Enrollment | tables.EmployerRegistration] = tables.Enrollment,
    ) -> tuple[list[str], list[str]]:
        """Enrollments (or employer registrations: `table`) the server no longer has
        (deleted), and accepted ones nobody touched since `accepted_before`: those with no
        waiting or refused op, and `synced`."""
        ops = tables.OutboxOp
        enrollments = table
        waiting = sa.select(ops.entity_id).where(ops.status.in_(UNSETTLED_OP))
        refused = sa.select(ops.entity_id).where(ops.status.in_(REFUSED))
        settled = sa.and_(
            enrollments.sync_state == "synced",
            enrollments.id.not_in(waiting),
            enrollments.id.not_in(refused),
        )
        deleted = sa.select(enrollments.id).where(enrollments.deleted.is_(True), settled)
        accepted = sa.select(enrollments.id).where(
            enrollments.deleted.is_(False),
            enrollments.status == keys.EnrollmentStatus.ACCEPTED.value,
            before(enrollments.updated_at, accepted_before),
            settled,
        )
        return list(self.session.scalars(deleted)), list(self.session.scalars(accepted))

    def delete_enrollments(
        self,
        ids: Sequence[str],
        table: type[tables.Enrollment | tables.EmployerRegistration] = tables.Enrollment,
    ) -> int:
        """Deletes these enrollments (or employer registrations: `table`, with the index of
        their workers' NIKs) and their settled ops; answers how many ops went."""
        ops = tables.OutboxOp
        workers = tables.EmployerWorkerNik
        removed = 0
        for chunk in chunks(ids):
            removed += _rowcount(
                self.session.execute(
                    sa.delete(ops).where(ops.entity_id.in_(chunk), ops.status.in_(SETTLED))
                )
            )
            self.session.execute(sa.delete(table).where(table.id.in_(chunk)))
            if table is tables.EmployerRegistration:
                self.session.execute(sa.delete(workers).where(workers.registration_id.in_(chunk)))
        return removed

    def delete_superseded_refusals(self, recorded_before: dt.datetime) -> int:
        """Refused ops recorded before the cutoff that a newer op of the record superseded."""
        ops = tables.OutboxOp
        newer = aliased(ops)
        superseded = sa.select(ops.op_seq).where(
            ops.status.in_(REFUSED),
            before(ops.recorded_at, recorded_before),
            sa.exists().where(newer.entity_id == ops.entity_id, newer.op_seq > ops.op_seq),
        )
        removed = 0
        for seqs in chunks(list(self.session.scalars(superseded))):
            removed += _rowcount(self.session.execute(sa.delete(ops).where(ops.op_seq.in_(seqs))))
        return removed

    def delete_reached_audit(self, recorded_before: dt.datetime) -> int:
        """Audit entries whose `audit_event` op the server took before the cutoff (to run
        before `delete_settled_ops`: the op is their link)."""
        ops = tables.OutboxOp
        reached = sa.select(ops.op_id).where(
            ops.entity == audit_chain.AUDIT_EVENT,
            ops.status.in_(SETTLED),
            ops.recorded_at < recorded_before,
        )
        entries = tables.AuditEntry
        return _rowcount(self.session.execute(sa.delete(entries).where(entries.op_id.in_(reached))))

    def delete_settled_ops(self, recorded_before: dt.datetime) -> int:
        """Settled ops recorded before the cutoff (a record confirmed as its create keeps a
        copy of the create's fields first: `storage.confirmed`)."""
        ops = tables.OutboxOp
        purged = sa.and_(ops.status.in_(SETTLED), before(ops.recorded_at, recorded_before))
        confirmed.copy_before_purge(self.session, sa.select(ops.op_seq).where(purged))
        return _rowcount(self.session.execute(sa.delete(ops).where(purged)))

    def delete_form_drafts(self, updated_before: dt.datetime) -> int:
        drafts = tables.FormDraft
        return _rowcount(
            self.session.execute(sa.delete(drafts).where(before(drafts.updated_at, updated_before)))
        )


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
