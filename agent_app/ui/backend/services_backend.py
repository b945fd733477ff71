"""`ServicesBackend`: the real `Backend`, over `agent_app.services` and a storage engine.

Each call opens its own unit of work (one per call, so per thread), runs one service function
with the logged-in actor, and the service commits. Records crossing back are the services'
plain dataclasses.

The calls that run on the network pool (a sync cycle, the NIK check, a bundle upload) use
`network_uow_factory` when given: the app's opens them on an engine of their own, with a small
page cache, so that the database worker's cache stays the search's. The sync service (and its
HTTP client, ~25 MB) is imported inside the sync calls only once a server is set; the receipts
(QR codes) and the exports when first used. The log-in imports this module while the password is
typed (`AppShell.warm_up`), before the password's key derivation and its 64 MiB: what is not
needed for the first screen stays out of it (docs/benchmarks.md, "Issue 15: log-in and memory,
again").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from agent_app import errors
from agent_app import settings as app_settings
from agent_app.domain import clock, keys, records
from agent_app.domain.filters import BusinessFilter
from agent_app.domain.messages import Text
from agent_app.services import (
    assignments,
    business_duplicates,
    businesses,
    consent,
    daily_summary,
    dashboard,
    enrollments,
    events,
    followups,
    form_drafts,
    visits,
    zones,
)
from agent_app.services.actor import Actor
from agent_app.services.database import UowFactory
from agent_app.ui.backend.employers import EmployerCalls
from agent_app.ui.backend.port import Progress, SyncOverview

if TYPE_CHECKING:
    from agent_app.reports import exports
    from agent_app.services.receipts import Receipt
    from agent_app.services.sync import BundleExport, ParticipantCheck, SyncProblem, SyncReport
    from sync.protocol import OpResult

_NO_SERVER = Text.of("No server address is set. Fill it in under Settings.")


def _filter_kwargs(flt: BusinessFilter) -> dict[str, Any]:
    return {
        "text": flt.text,
        "status": flt.status,
        "sector": flt.sector,
        "event_id": flt.event_id,
        "follow_up_due_on": flt.follow_up_due_on,
    }


class ServicesBackend(EmployerCalls):
    """The real backend over `agent_app.services` and a storage engine."""

    def __init__(
        self,
        uow_factory: UowFactory,
        actor: Actor,
        server_url: Callable[[], str] = lambda: "",
        network_uow_factory: UowFactory | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.actor = actor
        self.server_url = server_url
        #: for the calls made on the network pool (see the module's docstring)
        self.network_uow_factory = network_uow_factory or uow_factory
        #: branch -> its zone, read once: pages ask which day it is on the UI thread (the
        #: Beranda as it builds, during the log-in), and only a sync cycle changes it
        self._zones: dict[str, str] = {}

    # -- businesses and visits ---------------------------------------------------------------
    def search_businesses(
        self, flt: BusinessFilter, offset: int, limit: int
    ) -> list[businesses.BusinessRow]:
        found = businesses.search(
            self.uow_factory(), offset=offset, limit=limit, **_filter_kwargs(flt)
        )
        return list(found)

    def first_businesses(
        self, flt: BusinessFilter, limit: int
    ) -> tuple[list[businesses.BusinessRow], int]:
        found, total = businesses.first_page(self.uow_factory(), limit=limit, **_filter_kwargs(flt))
        return list(found), total

    def warm_search(self) -> None:
        businesses.warm_search(self.uow_factory())

    def business_detail(self, business_id: str) -> businesses.BusinessDetail:
        return businesses.get_detail(self.uow_factory(), business_id)

    def register_business(self, fields: dict[str, Any], event_id: str | None) -> records.Business:
        return businesses.register_business(
            self.uow_factory(), self.actor, fields, event_id=event_id
        )

    def update_business(self, business_id: str, changes: dict[str, Any]) -> records.Business:
        return businesses.update_business(self.uow_factory(), self.actor, business_id, changes)

    def duplicate_candidates(
        self, fields: dict[str, Any]
    ) -> list[business_duplicates.DuplicateCandidate]:
        return business_duplicates.likely_duplicates(self.uow_factory(), fields)

    def record_visit(self, business_id: str, fields: dict[str, Any]) -> records.Visit:
        return visits.record_visit(self.uow_factory(), self.actor, business_id, fields)

    def followups_due(self, on: dt.date) -> list[followups.FollowUp]:
        return list(followups.due(self.uow_factory(), self.actor, on))

    def assignments(self) -> list[records.Assignment]:
        return assignments.open_assignments(self.uow_factory(), self.actor)

    def mark_assignment_done(self, assignment_id: str) -> records.Assignment:
        return assignments.mark_done(self.uow_factory(), self.actor, assignment_id)

    def undo_assignment_done(self, assignment_id: str) -> records.Assignment:
        return assignments.undo_done(self.uow_factory(), self.actor, assignment_id)

    # -- enrollments -------------------------------------------------------------------------
    def save_draft(self, fields: dict[str, Any], enrollment_id: str | None) -> records.Enrollment:
        return enrollments.save_draft(
            self.uow_factory(), self.actor, fields, enrollment_id=enrollment_id
        )

    def submit_enrollment(self, enrollment_id: str) -> records.Enrollment:
        return enrollments.submit(self.uow_factory(), self.actor, enrollment_id)

    def submit_form(self, fields: dict[str, Any], enrollment_id: str | None) -> records.Enrollment:
        """The form's submit in one transaction: all of it or nothing (no hidden draft)."""
        return enrollments.submit_form(self.uow_factory(), self.actor, fields, enrollment_id)

    def get_enrollment(self, enrollment_id: str) -> records.Enrollment:
        """Opens an enrollment in the form (the opening is audited)."""
        return enrollments.open_record(self.uow_factory(), self.actor, enrollment_id)

    def needing_correction(self) -> list[records.Enrollment]:
        return list(enrollments.list_needing_correction(self.uow_factory(), self.actor))

    def drafts(self) -> list[enrollments.EnrollmentRow]:
        """The actor's drafts (never sent), by name."""
        found = enrollments.search(
            self.uow_factory(), status="draft", agent_code=self.actor.agent_code, limit=500
        )
        return list(found)

    def my_enrollments(self, text: str, limit: int) -> tuple[int, list[enrollments.EnrollmentRow]]:
        """The actor's enrollments (a supervisor: all on this laptop) matching `text`."""
        mine = None if self.actor.is_supervisor else self.actor.agent_code
        found, total = enrollments.first_page(
            self.uow_factory(), text=text, agent_code=mine, limit=limit
        )
        return total, list(found)

    def discard_draft(self, enrollment_id: str) -> None:
        enrollments.discard_draft(self.uow_factory(), self.actor, enrollment_id)

    def find_active_by_nik(self, nik: str) -> records.Enrollment | None:
        return enrollments.find_active_by_nik(self.uow_factory(), nik)

    # -- consent -----------------------------------------------------------------------------
    def consent_text(self, language: str) -> records.ConsentText:
        """The consent text the form shows today in `language` (services.consent)."""
        return consent.current_text(self.uow_factory(), language, self.today())

    def save_signature(self, png: bytes) -> records.Attachment:
        """Keeps the signature pad's PNG as the consent's attachment (encrypted database)."""
        return consent.save_signature(self.uow_factory(), png, dt.datetime.now().astimezone())

    def signature_png(self, sha256: str) -> bytes | None:
        return consent.signature_png(self.uow_factory(), sha256)

    # -- autosaved forms ---------------------------------------------------------------------
    # -- photos (Pillow is imported on the first photo, not at start-up) ----------------------
    def add_photo(self, kind: str, data: bytes) -> records.Attachment:
        from agent_app.services import attachments

        taken_at = dt.datetime.now().astimezone().replace(microsecond=0)
        return attachments.add_photo(
            self.uow_factory(), self.actor, keys.AttachmentKind(kind), data, taken_at
        )

    def add_photo_file(self, kind: str, path: Path) -> records.Attachment:
        from agent_app.services import attachments

        return attachments.add_photo_file(
            self.uow_factory(), self.actor, keys.AttachmentKind(kind), path
        )

    def photo_bytes(self, sha256: str) -> bytes | None:
        from agent_app.services import attachments

        return attachments.photo_bytes(self.uow_factory(), sha256)

    def save_form_draft(self, form: str, state: dict[str, Any]) -> None:
        """Autosaves what the person is typing in `form` as their own draft."""
        form_drafts.save(self.uow_factory(), self.actor, form, state)

    def form_draft(self, form: str) -> form_drafts.FormDraft | None:
        """The person's autosaved `form` (form, state, updated_at), if any."""
        return form_drafts.get(self.uow_factory(), self.actor, form)

    def discard_form_draft(self, form: str) -> None:
        form_drafts.discard(self.uow_factory(), self.actor, form)

    def unfinished_business_forms(self) -> list[form_drafts.FormDraft]:
        """The person's autosaved business and visit forms, newest first."""
        return list(form_drafts.unfinished_business_forms(self.uow_factory(), self.actor))

    # -- the day, the dashboard, events ------------------------------------------------------
    def today(self) -> dt.date:
        """Which day it is in the account's branch (its zone, docs/time.md)."""
        return clock.today(self.time_zone())

    def time_zone(self) -> str:
        """The account's branch's zone (WIB until the server has said otherwise)."""
        branch = self.actor.branch
        if branch not in self._zones:
            self._zones[branch] = str(zones.zone_of(self.uow_factory(), branch))
        return self._zones[branch]

    def dashboard(self, on: dt.date, event_id: str | None) -> dashboard.DashboardSummary:
        zone = self.time_zone()  # kept: the log-in's first read asks no more than it needs
        return dashboard.summary(self.uow_factory(), self.actor, on, event_id=event_id, zone=zone)

    def events(self) -> list[records.Event]:
        return list(events.list_events(self.uow_factory()))

    # -- reports -----------------------------------------------------------------------------
    def receipt(self, enrollment_id: str) -> Receipt:
        from agent_app.services import receipts  # QR codes (segno): loaded when first printed

        return receipts.build_receipt(self.uow_factory(), self.actor, enrollment_id)

    def record_receipt_printed(self, r: Receipt, how: str) -> None:
        """Audits a print ("print") or a saved PDF ("pdf") of a receipt."""
        from agent_app.services import receipts

        receipts.record_printed(self.uow_factory(), self.actor, r, how)

    def daily_summary(
        self, on: dt.date, event_id: str | None, agent_code: str | None
    ) -> daily_summary.DailySummary:
        return daily_summary.daily_summary(
            self.uow_factory(), self.actor, on, event_id=event_id, agent_code=agent_code
        )

    def export(self, request: exports.ExportRequest, path: Path) -> exports.ExportResult:
        from agent_app.reports import exports

        return exports.export(self.uow_factory(), self.actor, request, path)

    # -- sync --------------------------------------------------------------------------------
    def sync_status(self) -> SyncOverview:
        if not self.server_url():  # no server: the sync client is not loaded (saves ~25 MB)
            return self._offline_status()
        from agent_app.services import sync

        state = sync.status(self.uow_factory())
        return SyncOverview(
            pending_ops=state.pending_ops,
            online=state.online,
            last_success=state.last_success,
            server_url=self.server_url(),
            problems=tuple(state.problems),
            last_error=state.last_error,
            connected=self.actor.agent_code in state.connected_agents,
            update_available=state.update_available,
            clock_offset=state.clock_offset,
        )

    def _offline_status(self) -> SyncOverview:
        uow = self.uow_factory()
        with uow:
            pending = uow.outbox.count_unsettled()
            info = uow.sync_state.get()
        last = info.last_success_at
        return SyncOverview(
            pending_ops=int(pending),
            online=False,
            last_success=dt.datetime.fromisoformat(last) if last else None,
            server_url=self.server_url(),
            clock_offset=info.clock_offset_seconds,
        )

    def _server(self) -> str:
        """The server address, refused before anything is sent when it is not set, or plain
        http to another computer (a settings file edited by hand gets no further than the
        form)."""
        url = self.server_url()
        if not url:
            raise errors.KnownError(_NO_SERVER, "no_server")
        problem = app_settings.server_url_problem(url)
        if problem is not None:
            raise errors.KnownError(problem, "insecure_server")
        return url

    def sync_now(self, password: str | None = None, progress: Progress | None = None) -> SyncReport:
        """One push-then-pull cycle; with `password`, logs in to the server first.

        `progress(phase, done, total)` is called on the network thread (the page forwards it
        to the UI thread by a signal)."""
        server = self._server()
        from agent_app.services import sync

        try:
            return sync.run_cycle(
                self.network_uow_factory, self.actor, server, password=password, progress=progress
            )
        finally:
            self._zones.clear()  # the server may have said the branch's zone

    def change_server_password(self, password: str, new_password: str) -> None:
        """The first sign-in after a reset: replaces the one-time code by the agent's own
        password on the server (then `sync_now(new_password)` logs in)."""
        server = self._server()
        from agent_app.services import sync

        sync.change_password(self.network_uow_factory, self.actor, server, password, new_password)

    def resolve_conflict(self, op_id: str, choice: str) -> SyncProblem | None:
        from agent_app.services import sync

        mine_or_server = cast(Literal["mine", "server"], choice)  # the service refuses others
        return sync.resolve_conflict(self.uow_factory, self.actor, op_id, mine_or_server)

    def check_participant(self, nik: str) -> ParticipantCheck | None:
        """The server's word on a NIK; `None` without a server: the enrollment then goes on
        offline (never blocked)."""
        if not self.server_url():
            return None
        server = self._server()
        from agent_app.services import sync

        return sync.check_participant(self.network_uow_factory, self.actor, server, nik)

    def export_bundle(self, path: str) -> BundleExport:
        """The unsettled changes to an offline bundle file (USB)."""
        from agent_app.services import sync

        return sync.export_bundle(self.uow_factory, self.actor, path)

    def upload_bundle(self, path: str) -> list[OpResult]:
        """Sends a bundle file (from a laptop without internet) to the server; op results."""
        server = self._server()
        from agent_app.services import sync

        return sync.upload_bundle(self.network_uow_factory, self.actor, server, path)
