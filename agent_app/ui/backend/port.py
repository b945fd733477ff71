"""The UI's port: every use case a page runs, one method each, typed with the services' records.

A page calls one `Backend` method inside an `Op` (so on the database worker thread) for one
user action: one call, one unit of work, one transaction. The real implementation is
`ServicesBackend`; tests drive the pages with `tests/agent_app/ui/fakes.FakeBackend`, which
implements the same Protocol (mypy checks it). Production code never asks which one it is
talking to.

Every record here is imported for its type only: the login window imports this port (through
`context`) and must not load the services, storage, SQLAlchemy or pydantic, which the log-in
imports while the password is typed (`AppShell.warm_up`) or after it. The sync client is loaded
when a server is set (it costs ~25 MB), see `ServicesBackend`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the services' records, for their types only: see below
    from agent_app.domain import records
    from agent_app.domain.filters import BusinessFilter
    from agent_app.reports import exports
    from agent_app.services.actor import Actor
    from agent_app.services.business_duplicates import DuplicateCandidate
    from agent_app.services.businesses import BusinessDetail, BusinessRow
    from agent_app.services.daily_summary import DailySummary
    from agent_app.services.dashboard import DashboardSummary
    from agent_app.services.employer_summary import EmployerSummary
    from agent_app.services.enrollments import EnrollmentRow
    from agent_app.services.followups import FollowUp
    from agent_app.services.form_drafts import FormDraft
    from agent_app.services.receipts import Receipt
    from agent_app.services.sync import (
        BundleExport,
        ParticipantCheck,
        SyncProblem,
        SyncReport,
    )
    from sync.protocol import OpResult

#: `progress(phase, done, total)` of a sync cycle, called on the network thread.
Progress = Callable[[str, int, "int | None"], None]


def value(record: object, name: str, default: Any = None) -> Any:
    """A field of a record that may be a dataclass, an object or a mapping."""
    if record is None:
        return default
    if isinstance(record, Mapping):
        return record.get(name, default)
    return getattr(record, name, default)


@dataclass(frozen=True, slots=True)
class SyncOverview:
    """What the sync page and the window's status bar show of sync for the logged-in account:
    the services' `SyncStatus` seen by this actor (is *this* account connected?) with the
    server address from the settings."""

    pending_ops: int = 0
    online: bool = False
    last_success: dt.datetime | None = None
    server_url: str = ""
    problems: tuple[SyncProblem, ...] = ()  # rejected or conflicting ops
    last_error: str | None = None
    #: False when a server is set but this account has not logged in to it on this laptop.
    connected: bool = True
    #: Server time minus the laptop's, seconds, as last measured (None: never measured).
    clock_offset: float | None = None
    #: The newer app version the server announced (a quiet notice), else None.
    update_available: str | None = None

    @property
    def app_too_old(self) -> bool:
        """The last sync was refused: this app is below the server's min_app_version."""
        return self.last_error == "app_too_old"


class Backend(Protocol):
    """Everything the pages need; each method may block and runs inside an Op."""

    actor: Actor

    # -- businesses and visits --
    def search_businesses(
        self, flt: BusinessFilter, offset: int, limit: int
    ) -> list[BusinessRow]: ...
    def first_businesses(  # the first `limit` rows and how many search_businesses pages
        self, flt: BusinessFilter, limit: int
    ) -> tuple[list[BusinessRow], int]: ...
    def warm_search(self) -> None: ...  # the business search's index into the cache
    def business_detail(self, business_id: str) -> BusinessDetail: ...
    def register_business(
        self, fields: dict[str, Any], event_id: str | None
    ) -> records.Business: ...
    def update_business(self, business_id: str, changes: dict[str, Any]) -> records.Business: ...
    def duplicate_candidates(self, fields: dict[str, Any]) -> list[DuplicateCandidate]: ...
    def record_visit(self, business_id: str, fields: dict[str, Any]) -> records.Visit: ...
    def followups_due(self, on: dt.date) -> list[FollowUp]: ...

    # -- assignments from the supervisor (pulled) --
    def assignments(self) -> list[records.Assignment]: ...
    def mark_assignment_done(self, assignment_id: str) -> records.Assignment: ...
    def undo_assignment_done(self, assignment_id: str) -> records.Assignment: ...

    # -- enrollments --
    def save_draft(
        self, fields: dict[str, Any], enrollment_id: str | None
    ) -> records.Enrollment: ...
    def submit_enrollment(self, enrollment_id: str) -> records.Enrollment: ...
    def submit_form(
        self, fields: dict[str, Any], enrollment_id: str | None
    ) -> records.Enrollment: ...
    def get_enrollment(self, enrollment_id: str) -> records.Enrollment: ...
    def needing_correction(self) -> list[records.Enrollment]: ...
    def drafts(self) -> list[EnrollmentRow]: ...
    def my_enrollments(self, text: str, limit: int) -> tuple[int, list[EnrollmentRow]]: ...
    def discard_draft(self, enrollment_id: str) -> None: ...
    def find_active_by_nik(self, nik: str) -> records.Enrollment | None: ...

    # -- employer registrations (services.employers, services.employer_summary) --
    def employer_registration(self, business_id: str) -> Any | None: ...
    def submit_employer(self, fields: dict[str, Any], registration_id: str | None) -> Any: ...
    def employer_nik_conflicts(
        self, niks: list[str], registration_id: str | None
    ) -> Mapping[str, Any]: ...
    def check_participants(self, niks: list[str]) -> Mapping[str, ParticipantCheck]: ...
    def employer_summary(self, registration_id: str) -> EmployerSummary: ...
    def record_employer_summary_printed(self, s: EmployerSummary, how: str) -> None: ...

    # -- consent (services.consent) --
    def consent_text(self, language: str) -> records.ConsentText: ...
    def save_signature(self, png: bytes) -> records.Attachment: ...
    def signature_png(self, sha256: str) -> bytes | None: ...

    # -- photos (services.attachments) --
    def add_photo(self, kind: str, data: bytes) -> records.Attachment: ...
    def add_photo_file(self, kind: str, path: Path) -> records.Attachment: ...
    def photo_bytes(self, sha256: str) -> bytes | None: ...

    # -- autosaved forms --
    def save_form_draft(self, form: str, state: dict[str, Any]) -> None: ...
    def form_draft(self, form: str) -> FormDraft | None: ...
    def discard_form_draft(self, form: str) -> None: ...
    def unfinished_business_forms(self) -> list[FormDraft]: ...

    # -- the day, the dashboard, events --
    def today(self) -> dt.date: ...
    def time_zone(self) -> str: ...
    def dashboard(self, on: dt.date, event_id: str | None) -> DashboardSummary: ...
    def events(self) -> list[records.Event]: ...

    # -- reports --
    def receipt(self, enrollment_id: str) -> Receipt: ...
    def record_receipt_printed(self, r: Receipt, how: str) -> None: ...
    def daily_summary(
        self, on: dt.date, event_id: str | None, agent_code: str | None
    ) -> DailySummary: ...
    def export(self, request: exports.ExportRequest, path: Path) -> exports.ExportResult: ...

    # -- sync --
    def sync_status(self) -> SyncOverview: ...
    def sync_now(
        self, password: str | None = None, progress: Progress | None = None
    ) -> SyncReport: ...
    def change_server_password(self, password: str, new_password: str) -> None: ...
    def resolve_conflict(self, op_id: str, choice: str) -> SyncProblem | None: ...
    def check_participant(self, nik: str) -> ParticipantCheck | None: ...
    def export_bundle(self, path: str) -> BundleExport: ...
    def upload_bundle(self, path: str) -> list[OpResult]: ...
