"""Repositories over one Session: SQL-side search and paging, records and rows out.

Each repository belongs to a unit of work (`agent_app.storage.uow`) and never commits; what it
returns are domain records (`agent_app.domain.records`) or the frozen rows of
`agent_app.storage.rows`, never ORM objects. One module per aggregate; `sql` holds what they
share.

Search: text is split into words; a word of three characters or more goes to the trigram FTS5
index (substring, any case, diacritics ignored), a shorter one to LIKE. All words must match.
Lists are ordered in SQL and paged with LIMIT/OFFSET; `count()` takes the same filter.
"""

from agent_app.storage.repositories.assignments import AssignmentRepository
from agent_app.storage.repositories.attachments import AttachmentRepository
from agent_app.storage.repositories.audit import AuditRepository, audit_wire_details
from agent_app.storage.repositories.businesses import BusinessRepository
from agent_app.storage.repositories.consent_texts import ConsentTextRepository
from agent_app.storage.repositories.employer_registrations import (
    EmployerRegistrationRepository,
)
from agent_app.storage.repositories.enrollments import EnrollmentRepository
from agent_app.storage.repositories.events import EventRepository, TargetRepository
from agent_app.storage.repositories.form_drafts import FormDraftRepository
from agent_app.storage.repositories.outbox import OutboxRepository
from agent_app.storage.repositories.retention import RetentionRepository
from agent_app.storage.repositories.sql import (
    ACTIVE_ENROLLMENT,
    UNSETTLED_OP,
    any_of,
    audit_ops,
    before,
    chunks,
    now,
    on_days,
    stamp,
)
from agent_app.storage.repositories.sync_secrets import SyncSecretRepository
from agent_app.storage.repositories.sync_state import SyncStateRepository
from agent_app.storage.repositories.synced_records import SyncedRecordRepository
from agent_app.storage.repositories.visits import VisitRepository

__all__ = [
    "ACTIVE_ENROLLMENT",
    "UNSETTLED_OP",
    "AssignmentRepository",
    "AttachmentRepository",
    "AuditRepository",
    "BusinessRepository",
    "ConsentTextRepository",
    "EmployerRegistrationRepository",
    "EnrollmentRepository",
    "EventRepository",
    "FormDraftRepository",
    "OutboxRepository",
    "RetentionRepository",
    "SyncSecretRepository",
    "SyncStateRepository",
    "SyncedRecordRepository",
    "TargetRepository",
    "VisitRepository",
    "any_of",
    "audit_ops",
    "audit_wire_details",
    "before",
    "chunks",
    "now",
    "on_days",
    "stamp",
]
