"""The unit of work: one transaction over the local database (Cosmic Python).

    with uow:
        uow.businesses.add(...)
        uow.outbox.add(...)
        uow.commit()

Leaving the block without `commit()` rolls everything back, so a change, its outbox op and its
audit entry are written together or not at all. A `SqlUnitOfWork` can be entered again and
again (each time with a fresh Session), but not from two threads at once: each thread makes its
own. Repositories are attributes; see `agent_app.storage.repositories`. An SQLite failure the
person can act on (disk full, database locked, read-only file) leaves the block as
`engine.StorageError`, a KnownError with a message in both languages.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from agent_app.storage import engine, repositories


class SqlUnitOfWork:
    businesses: repositories.BusinessRepository
    visits: repositories.VisitRepository
    enrollments: repositories.EnrollmentRepository
    employer_registrations: repositories.EmployerRegistrationRepository
    outbox: repositories.OutboxRepository
    audit: repositories.AuditRepository
    events: repositories.EventRepository
    targets: repositories.TargetRepository
    sync_state: repositories.SyncStateRepository
    sync_secrets: repositories.SyncSecretRepository
    synced_records: repositories.SyncedRecordRepository
    retention: repositories.RetentionRepository
    form_drafts: repositories.FormDraftRepository
    assignments: repositories.AssignmentRepository
    attachments: repositories.AttachmentRepository
    consent_texts: repositories.ConsentTextRepository

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work inside a `with` block")
        return self._session

    def __enter__(self) -> SqlUnitOfWork:
        if self._session is not None:
            raise RuntimeError("this unit of work is already in use")
        session = self._sessions()
        self._session = session
        self.businesses = repositories.BusinessRepository(session)
        self.visits = repositories.VisitRepository(session)
        self.enrollments = repositories.EnrollmentRepository(session)
        self.employer_registrations = repositories.EmployerRegistrationRepository(session)
        self.sync_state = repositories.SyncStateRepository(session)
        self.sync_secrets = repositories.SyncSecretRepository(session)
        self.outbox = repositories.OutboxRepository(session, self.sync_state)
        self.audit = repositories.AuditRepository(session, self.outbox)
        self.events = repositories.EventRepository(session)
        self.targets = repositories.TargetRepository(session)
        self.form_drafts = repositories.FormDraftRepository(session)
        self.assignments = repositories.AssignmentRepository(session)
        self.attachments = repositories.AttachmentRepository(session)
        self.consent_texts = repositories.ConsentTextRepository(session)
        self.retention = repositories.RetentionRepository(session)
        self.synced_records = repositories.SyncedRecordRepository(
            session, self.outbox, self.businesses
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                session.rollback()
            finally:
                session.close()
        if exc is not None:
            known = engine.as_storage_error(exc)
            if known is not None:
                raise known from exc

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
