"""What the pages ask of the rest of the app, in one place: the UI's port onto the services.

Pages never open sessions or import storage: they call a `Backend` method inside an `Op`
(so on the database worker thread). `ServicesBackend` is the real one: each call opens its own
unit of work (one per call, so per thread), runs the service function with the logged-in
actor, and commits. Records crossing back are the services' plain dataclasses; `value()` reads
a field from a dataclass or a mapping alike.

The calls that run on the network pool (a sync cycle, the NIK check, a bundle upload) use
`network_uow_factory` when given: the app's opens them on an engine of their own, with a small
page cache, so that the database worker's cache stays the search's.

Tests use a fake at this boundary (tests/ui/fakes.py).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from agent_app import errors
from agent_app import settings as app_settings
from agent_app.domain.messages import Text


def value(record: Any, name: str, default: Any = None) -> Any:
    """A field of a record that may be a dataclass, an object or a mapping."""
    if record is None:
        return default
    if isinstance(record, Mapping):
        return record.get(name, default)
    return getattr(record, name, default)


@dataclass(frozen=True, slots=True)
class BusinessFilter:
    """The filters of the business list; all are applied in SQL by the services."""

    text: str = ""
    status: str | None = None
    sector: str | None = None
    event_id: str | None = None
    follow_up_due_on: dt.date | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "status": self.status,
            "sector": self.sector,
            "event_id": self.event_id,
            "follow_up_due_on": self.follow_up_due_on,
        }


@dataclass(frozen=True, slots=True)
class SyncStatus:
    pending_ops: int = 0
    online: bool = False
    last_success: dt.datetime | None = None
    server_url: str = ""
    problems: tuple[Any, ...] = ()  # services.sync.SyncProblem: rejected or conflicting ops
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

    actor: Any

    def search_businesses(self, flt: BusinessFilter, offset: int, limit: int) -> list[Any]: ...
    def count_businesses(self, flt: BusinessFilter) -> int: ...
    def business_detail(self, business_id: str) -> Any: ...
    def register_business(self, fields: dict[str, Any], event_id: str | None) -> Any: ...
    def update_business(self, business_id: str, changes: dict[str, Any]) -> Any: ...
    def record_visit(self, business_id: str, fields: dict[str, Any]) -> Any: ...
    def save_draft(self, fields: dict[str, Any], enrollment_id: str | None) -> Any: ...
    def submit_enrollment(self, enrollment_id: str) -> Any: ...
    def submit_form(self, fields: dict[str, Any], enrollment_id: str | None) -> Any: ...
    def save_form_draft(self, form: str, state: dict[str, Any]) -> None: ...
    def form_draft(self, form: str) -> Any: ...
    def discard_form_draft(self, form: str) -> None: ...
    def unfinished_business_forms(self) -> list[Any]: ...
    def get_enrollment(self, enrollment_id: str) -> Any: ...
    def needing_correction(self) -> list[Any]: ...
    def drafts(self) -> list[Any]: ...
    def my_enrollments(self, text: str, limit: int) -> tuple[int, list[Any]]: ...
    def discard_draft(self, enrollment_id: str) -> None: ...
    def find_active_by_nik(self, nik: str) -> Any: ...
    def followups_due(self, on: dt.date) -> list[Any]: ...
    def today(self) -> dt.date: ...
    def time_zone(self) -> str: ...
    def dashboard(self, on: dt.date, event_id: str | None) -> Any: ...
    def events(self) -> list[Any]: ...
    def sync_status(self) -> SyncStatus: ...
    def sync_now(
        self,
        password: str | None = None,
        progress: Callable[[str, int, int | None], None] | None = None,
    ) -> Any: ...
    def resolve_conflict(self, op_id: str, choice: str) -> Any: ...
    def check_participant(self, nik: str) -> Any: ...
    def export_bundle(self, path: str) -> Any: ...
    def upload_bundle(self, path: str) -> Any: ...


def _service(name: str) -> Any:
    return importlib.import_module(f"agent_app.services.{name}")


class ServicesBackend:
    """The real backend over `agent_app.services` and a storage engine."""

    def __init__(
        self,
        uow_factory: Callable[[], Any],
        actor: Any,
        server_url: Callable[[], str] = lambda: "",
        network_uow_factory: Callable[[], Any] | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.actor = actor
        self.server_url = server_url
        #: for the calls made on the network pool (see the module's docstring)
        self.network_uow_factory = network_uow_factory or uow_factory

    def _read(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Services open, commit and close the unit of work themselves."""
        return fn(self.uow_factory(), *args, **kwargs)

    def _write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return fn(self.uow_factory(), self.actor, *args, **kwargs)

    def search_businesses(self, flt: BusinessFilter, offset: int, limit: int) -> list[Any]:
        businesses = _service("businesses")
        return list(self._read(businesses.search, offset=offset, limit=limit, **flt.as_kwargs()))

    def count_businesses(self, flt: BusinessFilter) -> int:
        return int(self._read(_service("businesses").count, **flt.as_kwargs()))

    def business_detail(self, business_id: str) -> Any:
        return self._read(_service("businesses").get_detail, business_id)

    def register_business(self, fields: dict[str, Any], event_id: str | None) -> Any:
        return self._write(_service("businesses").register_business, fields, event_id=event_id)

    def update_business(self, business_id: str, changes: dict[str, Any]) -> Any:
        return self._write(_service("businesses").update_business, business_id, changes)

    def record_visit(self, business_id: str, fields: dict[str, Any]) -> Any:
        return self._write(_service("visits").record_visit, business_id, fields)

    def save_draft(self, fields: dict[str, Any], enrollment_id: str | None) -> Any:
        return self._write(_service("enrollments").save_draft, fields, enrollment_id=enrollment_id)

    def submit_enrollment(self, enrollment_id: str) -> Any:
        return self._write(_service("enrollments").submit, enrollment_id)

    def submit_form(self, fields: dict[str, Any], enrollment_id: str | None) -> Any:
        """The form's submit in one transaction: all of it or nothing (no hidden draft)."""
        return self._write(_service("enrollments").submit_form, fields, enrollment_id)

    def save_form_draft(self, form: str, state: dict[str, Any]) -> None:
        """Autosaves what the person is typing in `form` as their own draft."""
        self._write(_service("form_drafts").save, form, state)

    def form_draft(self, form: str) -> Any:
        """The person's autosaved `form` (`rows.FormDraft`: form, state, updated_at), if any."""
        return self._write(_service("form_drafts").get, form)

    def discard_form_draft(self, form: str) -> None:
        self._write(_service("form_drafts").discard, form)

    def unfinished_business_forms(self) -> list[Any]:
        """The person's autosaved business and visit forms (`rows.FormDraft`), newest first."""
        return list(self._write(_service("form_drafts").unfinished_business_forms))

    def get_enrollment(self, enrollment_id: str) -> Any:
        """Opens an enrollment in the form (the opening is audited)."""
        return self._write(_service("enrollments").open_record, enrollment_id)

    def needing_correction(self) -> list[Any]:
        return list(self._write(_service("enrollments").list_needing_correction))

    def drafts(self) -> list[Any]:
        """The actor's drafts (never sent), by name."""
        return list(
            self._read(
                _service("enrollments").search,
                status="draft",
                agent_code=self.actor.agent_code,
                limit=500,
            )
        )

    def my_enrollments(self, text: str, limit: int) -> tuple[int, list[Any]]:
        """The actor's enrollments (a supervisor: all on this laptop) matching `text`."""
        enrollments = _service("enrollments")
        mine = None if getattr(self.actor, "is_supervisor", False) else self.actor.agent_code
        total = self._read(enrollments.count, text=text, agent_code=mine)
        rows = self._read(enrollments.search, text=text, agent_code=mine, limit=limit)
        return int(total), list(rows)

    def discard_draft(self, enrollment_id: str) -> None:
        self._write(_service("enrollments").discard_draft, enrollment_id)

    def find_active_by_nik(self, nik: str) -> Any:
        return self._read(_service("enrollments").find_active_by_nik, nik)

    def followups_due(self, on: dt.date) -> list[Any]:
        return list(self._write(_service("followups").due, on))

    def today(self) -> dt.date:
        """Which day it is in the account's branch (its zone, docs/time.md)."""
        return _service("zones").today(self.uow_factory(), self.actor.branch)

    def time_zone(self) -> str:
        """The account's branch's zone (WIB until the server has said otherwise)."""
        return str(_service("zones").zone_of(self.uow_factory(), self.actor.branch))

    def dashboard(self, on: dt.date, event_id: str | None) -> Any:
        return self._write(_service("dashboard").summary, on, event_id=event_id)

    def events(self) -> list[Any]:
        try:
            events = _service("events")
        except ImportError:  # no events service yet: read the pulled events directly
            uow = self.uow_factory()
            with uow:
                return list(uow.events.list())
        return list(self._read(events.list_events))

    def sync_status(self) -> SyncStatus:
        try:
            if not self.server_url():
                raise ImportError("no server: the sync client is not needed")  # saves ~25 MB
            sync = _service("sync")
        except ImportError:
            uow = self.uow_factory()
            with uow:
                pending = uow.outbox.count_unsettled()
                info = uow.sync_state.get()
            last = value(info, "last_success_at")
            return SyncStatus(
                pending_ops=int(pending),
                online=False,
                last_success=dt.datetime.fromisoformat(last) if last else None,
                server_url=self.server_url(),
                clock_offset=value(info, "clock_offset_seconds"),
            )
        state = self._read(sync.status)
        return SyncStatus(
            pending_ops=int(value(state, "pending_ops", 0) or 0),
            online=bool(value(state, "online", False)),
            last_success=value(state, "last_success"),
            server_url=self.server_url(),
            problems=tuple(value(state, "problems", ()) or ()),
            last_error=value(state, "last_error"),
            connected=self.actor.agent_code in (value(state, "connected_agents", ()) or ()),
            update_available=value(state, "update_available"),
            clock_offset=value(state, "clock_offset"),
        )

    def _server(self) -> str:
        """The server address, refused before anything is sent when it is plain http to
        another computer (a settings file edited by hand gets no further than the form)."""
        url = self.server_url()
        problem = app_settings.server_url_problem(url)
        if problem is not None:
            raise errors.KnownError(problem, "insecure_server")
        return url

    def sync_now(
        self,
        password: str | None = None,
        progress: Callable[[str, int, int | None], None] | None = None,
    ) -> Any:
        """One push-then-pull cycle; with `password`, logs in to the server first.

        `progress(phase, done, total)` is called on the network thread (the page forwards it
        to the UI thread by a signal)."""
        if not self.server_url():
            raise errors.KnownError(
                Text(
                    "Alamat server belum diatur. Isi di Pengaturan.",
                    "No server address is set. Fill it in under Settings.",
                ),
                "no_server",
            )
        try:
            sync = _service("sync")
        except ImportError:
            raise errors.KnownError(
                Text(
                    "Sinkronisasi belum tersedia di versi ini.",
                    "Sync is not available in this version yet.",
                ),
                "sync_unavailable",
            ) from None
        return sync.run_cycle(
            self.network_uow_factory,
            self.actor,
            self._server(),
            password=password,
            progress=progress,
        )

    def resolve_conflict(self, op_id: str, choice: str) -> Any:
        sync = _service("sync")
        return sync.resolve_conflict(self.uow_factory, self.actor, op_id, choice)

    def check_participant(self, nik: str) -> Any:
        """The server's word on a NIK (`ParticipantCheck`); `None` without a server: the
        enrollment then goes on offline (never blocked)."""
        if not self.server_url():
            return None
        sync = _service("sync")
        return sync.check_participant(self.network_uow_factory, self.actor, self._server(), nik)

    def export_bundle(self, path: str) -> Any:
        """The unsettled changes to an offline bundle file (USB); `BundleExport`."""
        return _service("sync").export_bundle(self.uow_factory, self.actor, path)

    def upload_bundle(self, path: str) -> Any:
        """Sends a bundle file (from a laptop without internet) to the server; op results."""
        if not self.server_url():
            raise errors.KnownError(
                Text(
                    "Alamat server belum diatur. Isi di Pengaturan.",
                    "No server address is set. Fill it in under Settings.",
                ),
                "no_server",
            )
        return _service("sync").upload_bundle(
            self.network_uow_factory, self.actor, self._server(), path
        )
