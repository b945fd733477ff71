"""What the laptop stops keeping once the server has it (UU PDP 27/2022: personal data is kept
no longer than needed; DOMAIN.md "Personal data").

The laptop is a field tool, not the system of record: once the server has confirmed a change,
the laptop's copy of it is only a convenience, and a laptop can be lost at a mall. So, after
every successful sync (`purge`):

- **Settled outbox ops** (`applied`, `duplicate`) recorded more than `SETTLED_OP_DAYS` ago are
  deleted, with the refused or conflicting ops a newer op has since superseded (those are no
  longer shown on the Sync page). Each op carries a whole copy of its record's fields (an
  enrollment's NIK, name, income); without this every edit ever made stays on the laptop.
  Ops still waiting (`pending`, `sent`) and refusals still to be dealt with are never
  touched.
- **Audit entries the server holds**: an entry whose `audit_event` op was settled (`applied`,
  `duplicate`) more than `SETTLED_OP_DAYS` ago goes with that op; an entry whose op has not
  reached the server (waiting, refused) and the entries from before the audit chain
  (migration 0006, no op) stay.
- **Enrollments deleted on the server** (a supervisor's deletion, or erasure at the person's
  request) are removed from the laptop with their settled ops, as soon as no local op of them
  is waiting; before, the laptop kept the deleted person's data, only marked deleted.
- **Autosaved forms nobody came back to** (`services.form_drafts`: what a person was typing,
  with a worker's NIK and name) untouched for `FORM_DRAFT_DAYS` are deleted, whoever's they
  are; a form still being worked on is saved again within seconds and stays.
- **Accepted enrollments** (the final decision) untouched for `ACCEPTED_DAYS` are removed from
  the laptop; the server keeps them, and a pull brings one back if the server changes it.
- **Employer registrations** (their workers' NIKs, names and wages are personal data) go the
  same way as enrollments: deleted on the server, or accepted and untouched for
  `ACCEPTED_DAYS`, with the index of their workers' NIKs.
- **Photos and signatures** (`attachments`) that nothing references any more once the above
  is gone (no record, op or saved form names them) go in the same transaction; one younger
  than a day stays (its form may still be open).

Nothing is removed that the server does not hold: a record with a waiting op, a draft, an
enrollment being corrected, or one the server has not confirmed (`sync_state` other than
`synced`) stays. Each purge that removes something writes one audit entry with the counts.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from agent_app.storage import tables
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("db")

SETTLED_OP_DAYS = 30
ACCEPTED_DAYS = 180
FORM_DRAFT_DAYS = 30


@dataclass(frozen=True, slots=True)
class Purged:
    ops: int = 0
    deleted_enrollments: int = 0
    accepted_enrollments: int = 0
    audit_entries: int = 0
    form_drafts: int = 0
    attachments: int = 0
    deleted_registrations: int = 0
    accepted_registrations: int = 0

    @property
    def anything(self) -> bool:
        return bool(
            self.ops
            or self.deleted_enrollments
            or self.accepted_enrollments
            or self.audit_entries
            or self.form_drafts
            or self.attachments
            or self.deleted_registrations
            or self.accepted_registrations
        )


def purge(uow: SqlUnitOfWork, actor_code: str | None, now: dt.datetime | None = None) -> Purged:
    """Deletes what the laptop no longer needs (see the module); commits; answers the counts."""
    # Ages are elapsed time between instants (30 and 180 times 24 hours), the same in every
    # zone; the stamps are compared as instants whatever offset each row was written with.
    moment = now or dt.datetime.now(dt.UTC)
    op_cutoff = moment - dt.timedelta(days=SETTLED_OP_DAYS)
    with uow:
        kept = uow.retention
        # Enrollments the server no longer has, or has settled for good and nobody touched.
        accepted_cutoff = moment - dt.timedelta(days=ACCEPTED_DAYS)
        deleted_ids, accepted_ids = kept.settled_enrollments(accepted_cutoff)
        removed_ops = kept.delete_enrollments(deleted_ids + accepted_ids)
        # Employer registrations, the same way (their workers are personal data).
        registrations = tables.EmployerRegistration
        gone_ids, done_ids = kept.settled_enrollments(accepted_cutoff, registrations)
        removed_ops += kept.delete_enrollments(gone_ids + done_ids, registrations)
        # Refusals a newer op has superseded, then settled ops: in this order, so that deleting
        # a settled op never makes the refusal it superseded count as unresolved again.
        removed_ops += kept.delete_superseded_refusals(op_cutoff)
        # Audit entries whose op the server took, before that op (their link) goes.
        removed_audit = kept.delete_reached_audit(op_cutoff)
        removed_ops += kept.delete_settled_ops(op_cutoff)
        removed_forms = kept.delete_form_drafts(moment - dt.timedelta(days=FORM_DRAFT_DAYS))
        # Then the photos and signatures nothing references any more (the records, ops and
        # forms above were their last references); a photo of a form still open is younger
        # than the repository's grace and stays.
        removed_attachments = uow.attachments.delete_unreferenced()
        purged = Purged(
            removed_ops,
            len(deleted_ids),
            len(accepted_ids),
            removed_audit,
            removed_forms,
            removed_attachments,
            len(gone_ids),
            len(done_ids),
        )
        if purged.anything:
            _record(uow, actor_code, purged)
        uow.commit()
        return purged


def _record(uow: SqlUnitOfWork, actor_code: str | None, purged: Purged) -> None:
    """One audit entry with the counts, and a log line."""
    uow.audit.add(
        actor_code,
        "retention_purge",
        details={
            "outbox_ops": purged.ops,
            "deleted_enrollments": purged.deleted_enrollments,
            "accepted_enrollments": purged.accepted_enrollments,
            "audit_entries": purged.audit_entries,
            "form_drafts": purged.form_drafts,
            "attachments": purged.attachments,
            "deleted_registrations": purged.deleted_registrations,
            "accepted_registrations": purged.accepted_registrations,
            "settled_op_days": SETTLED_OP_DAYS,
            "accepted_days": ACCEPTED_DAYS,
        },
    )
    log.info(
        "retention: %d settled ops, %d deleted and %d accepted enrollments removed",
        purged.ops,
        purged.deleted_enrollments,
        purged.accepted_enrollments,
    )
