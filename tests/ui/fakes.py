"""Fakes at the UI's boundaries: an in-memory backend, key store, settings and shell.

They follow the contracts of agent_app.services / agent_app.security closely enough to drive
every page; the real services are tested on their own, and against the UI in
test_integration.py once they exist.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from agent_app import errors
from agent_app.domain import contributions, records, validation
from agent_app.domain.messages import Text
from agent_app.reports.exports import ExportRequest, ExportResult
from agent_app.services import dashboard, followups
from agent_app.services import sync as sync_service
from agent_app.services.daily_summary import DailySummary
from agent_app.services.receipts import Receipt
from agent_app.ui.backend import Backend, BusinessFilter, SyncOverview

TODAY = dt.date(2026, 9, 24)


@dataclass
class Account:
    agent_code: str
    name: str
    branch: str
    role: str = "agent"

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


@dataclass
class Unlocked:
    key: bytes
    account: Account


class WrongPassword(errors.KnownError):
    def __init__(self) -> None:
        super().__init__(Text("Kata sandi salah.", "Wrong password."), "wrong_password")


class LockedOut(errors.KnownError):
    def __init__(self, seconds_left: int) -> None:
        super().__init__(
            Text(
                f"Terlalu banyak percobaan. Coba lagi dalam {seconds_left} detik.",
                f"Too many attempts. Try again in {seconds_left} seconds.",
            ),
            "locked_out",
        )
        self.seconds_left = seconds_left


class FakeKeyStore:
    def __init__(self) -> None:
        self._accounts: dict[str, tuple[Account, str]] = {}
        self.failures = 0
        self.key = b"k" * 32

    def has_accounts(self) -> bool:
        return bool(self._accounts)

    def accounts(self) -> list[Account]:
        return [a for a, _ in self._accounts.values()]

    def create_first_account(
        self, agent_code: str, name: str, branch: str, role: str, password: str
    ) -> Unlocked:
        assert not self._accounts
        account = Account(agent_code, name, branch, role)
        self._accounts[agent_code] = (account, password)
        return Unlocked(self.key, account)

    may_add = True

    def may_add_accounts(self, unlocked: Unlocked | None) -> bool:
        return self.may_add

    def add_account(
        self,
        unlocked: Unlocked,
        agent_code: str,
        name: str,
        branch: str,
        role: str,
        password: str,
    ) -> Account:
        assert unlocked is not None
        account = Account(agent_code, name, branch, role)
        self._accounts[agent_code] = (account, password)
        return account

    def unlock(self, agent_code: str, password: str) -> Unlocked:
        if self.failures >= 5:
            raise LockedOut(30)
        account, expected = self._accounts[agent_code]
        if password != expected:
            self.failures += 1
            raise WrongPassword()
        self.failures = 0
        return Unlocked(self.key, account)


@dataclass
class FakeSettings:
    language: str = "id"
    idle_lock_minutes: int = 10
    server_url: str = ""
    current_event_id: str | None = None
    booth_mode: bool = False
    window_geometry: list[int] | None = None
    window_maximized: bool = False
    saved: int = 0

    def save(self) -> None:
        self.saved += 1


@dataclass(frozen=True)
class BusinessRow:
    id: str
    name: str
    owner_name: str | None
    phone: str | None
    sector: str | None
    status: str
    region_code: str | None
    next_follow_up: dt.date | None = None
    event_id: str | None = None
    nib: str | None = None
    last_visit_at: str | None = None
    last_outcome: str | None = None
    sync_state: str | None = "synced"


class ValidationFailed(errors.KnownError):
    def __init__(self, problems: list[validation.Problem]) -> None:
        super().__init__(Text("Periksa isian berikut.", "Please check these fields."), "validation")
        self.problems = problems


class DuplicateNik(errors.KnownError):
    def __init__(self) -> None:
        super().__init__(
            Text("NIK ini sudah terdaftar.", "This NIK is already enrolled."), "duplicate_nik"
        )


EVENT = records.Event(
    id="6f1c2a8e-5b1d-4a43-9d1e-2b7f3c9a0e11",
    name="Sumsel Marketing",
    branch="PLG",
    starts_on=dt.date(2026, 9, 22),
    ends_on=dt.date(2026, 10, 3),
    venue="Palembang Indah Mall",
)

SECTORS = ("kuliner", "kerajinan", "perdagangan", "jasa")
STATUSES = ("prospect", "contacted", "enrolled", "declined")


@dataclass
class FakeBackend:
    actor: Any = None
    businesses: dict[str, records.Business] = field(default_factory=dict)
    visits: list[records.Visit] = field(default_factory=list)
    enrollments: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    ops: int = 0
    fail_next: BaseException | None = None
    needs_login: bool = False
    problems: list[Any] = field(default_factory=list)
    #: The engine's progress calls one sync makes: (phase, done, total).
    progress_steps: list[tuple[str, int, int | None]] = field(default_factory=list)
    seen_progress: list[tuple[str, int, int | None]] = field(default_factory=list)
    #: What the server says of a NIK (`ParticipantCheck`); an exception: no answer.
    participant: Any = None
    exported: list[str] = field(default_factory=list)
    #: The receipts audited as printed: (enrollment id, "print" or "pdf").
    printed: list[tuple[str, str]] = field(default_factory=list)
    online: bool = False
    #: Server time minus the laptop's, as the last sync measured it.
    clock_offset: float | None = None
    server_url: str = ""
    #: The account's branch's zone, as the server said at login.
    zone: str = "Asia/Jakarta"
    #: Per record: pending, synced, rejected, conflict (default: synced).
    sync_states: dict[str, str] = field(default_factory=dict)
    #: Autosaved forms by (agent code, form), as services.form_drafts keeps them.
    form_drafts: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if self.fail_next is not None:
            exc, self.fail_next = self.fail_next, None
            raise exc

    @classmethod
    def with_businesses(cls, count: int) -> FakeBackend:
        backend = cls()
        for n in range(count):
            business = records.Business(
                id=str(uuid.UUID(int=n + 1)),
                name=f"Pempek Cek {n:05d}" if n % 2 == 0 else f"Songket Ibu {n:05d}",
                owner_name=f"Pemilik {n}",
                phone=f"+62812{n:07d}",
                sector=SECTORS[n % len(SECTORS)],
                status=STATUSES[n % len(STATUSES)],  # type: ignore[arg-type]
                region_code="16.71.05",
                event_id=EVENT.id if n % 3 == 0 else None,
            )
            backend.businesses[business.id] = business
        return backend

    def _next_follow_up(self, business_id: str) -> dt.date | None:
        dates = [v.next_follow_up for v in self.visits if v.business_id == business_id]
        return max((d for d in dates if d), default=None)

    def _row(self, b: records.Business) -> BusinessRow:
        return BusinessRow(
            b.id,
            b.name,
            b.owner_name,
            b.phone,
            b.sector,
            str(b.status),
            b.region_code,
            self._next_follow_up(b.id),
            b.event_id,
            b.nib,
            sync_state=self.sync_states.get(b.id, "synced"),
        )

    def _matching(self, flt: BusinessFilter) -> list[BusinessRow]:
        text = flt.text.lower()
        rows = []
        for b in self.businesses.values():
            if text and not any(
                text in (v or "").lower() for v in (b.name, b.owner_name, b.phone, b.nib)
            ):
                continue
            if flt.status and b.status != flt.status:
                continue
            if flt.sector and b.sector != flt.sector:
                continue
            if flt.event_id and b.event_id != flt.event_id:
                continue
            row = self._row(b)
            if flt.follow_up_due_on and not (
                row.next_follow_up and row.next_follow_up <= flt.follow_up_due_on
            ):
                continue
            rows.append(row)
        rows.sort(key=lambda r: r.name)
        return rows

    def search_businesses(self, flt: BusinessFilter, offset: int, limit: int) -> list[Any]:
        self._call("search")
        return self._matching(flt)[offset : offset + limit]

    def count_businesses(self, flt: BusinessFilter) -> int:
        self._call("count")
        return len(self._matching(flt))

    def business_detail(self, business_id: str) -> Any:
        self._call("detail")
        visits = [v for v in self.visits if v.business_id == business_id]
        return SimpleNamespace(
            business=self.businesses[business_id],
            visits=visits,
            sync=SimpleNamespace(
                sync_state=self.sync_states.get(business_id, "synced"),
                sync_error_message="field phone changed on the server",
            ),
        )

    def register_business(self, fields: dict[str, Any], event_id: str | None) -> records.Business:
        self._call("register_business")
        problems = validation.validate_business(fields)
        if problems:
            raise ValidationFailed(problems)
        business = records.Business(id=str(uuid.uuid4()), event_id=event_id, **fields)
        self.businesses[business.id] = business
        self.ops += 1
        return business

    def update_business(self, business_id: str, changes: dict[str, Any]) -> records.Business:
        self._call("update_business")
        business = dataclasses.replace(self.businesses[business_id], **changes)
        self.businesses[business_id] = business
        self.ops += 1
        return business

    def record_visit(self, business_id: str, fields: dict[str, Any]) -> records.Visit:
        self._call("record_visit")
        fields = {**fields, "business_id": business_id}
        problems = validation.validate_visit(fields)
        if problems:
            raise ValidationFailed(problems)
        visit = records.Visit(
            id=str(uuid.uuid4()),
            business_id=business_id,
            visited_at=dt.datetime.fromisoformat(fields["visited_at"]),
            channel=fields["channel"],
            outcome=fields["outcome"],
            reason=fields.get("reason"),
            notes=fields.get("notes"),
            next_follow_up=dt.date.fromisoformat(fields["next_follow_up"])
            if fields.get("next_follow_up")
            else None,
            event_id=fields.get("event_id"),
            agent_code=getattr(self.actor, "agent_code", None),
        )
        self.visits.append(visit)
        self.ops += 1
        return visit

    def save_draft(self, fields: dict[str, Any], enrollment_id: str | None) -> Any:
        self._call("save_draft")
        enrollment_id = enrollment_id or str(uuid.uuid4())
        old = self.enrollments.get(enrollment_id, {})
        self.enrollments[enrollment_id] = {
            **old,
            **fields,
            "id": enrollment_id,
            "status": old.get("status", "draft"),
            "agent_code": old.get("agent_code", getattr(self.actor, "agent_code", None)),
        }
        return SimpleNamespace(id=enrollment_id)

    def submit_enrollment(self, enrollment_id: str) -> Any:
        self._call("submit")
        enrollment = self.enrollments[enrollment_id]
        quote = contributions.quote(
            enrollment["declared_income"],
            enrollment["programs"],
            enrollment["period_months"],
            TODAY,
            enrollment["occupation"],
            enrollment["paid_by_state"],
        )
        wire = {
            k: v
            for k, v in enrollment.items()
            if k
            not in ("id", "status", "birth_date_override_reason", "review_reason", "agent_code")
        }
        wire["monthly_contribution"] = quote.monthly_total
        problems = validation.validate_enrollment(wire)
        if problems:
            raise ValidationFailed(problems)
        if self.find_active_by_nik(enrollment["nik"]) not in (None, enrollment):
            raise DuplicateNik()
        enrollment["status"] = "submitted"
        enrollment["monthly_contribution"] = quote.monthly_total
        self.ops += 1
        return SimpleNamespace(
            id=enrollment_id, status="submitted", monthly_contribution=quote.monthly_total
        )

    def submit_form(self, fields: dict[str, Any], enrollment_id: str | None) -> Any:
        """All or nothing, as services.enrollments.submit_form: a refused submit leaves no
        draft behind."""
        self._call("submit_form")
        before = dict(self.enrollments)
        old = dict(self.enrollments[enrollment_id]) if enrollment_id else None
        saved = self.save_draft(fields, enrollment_id)
        self.calls.pop()  # one call, not three
        try:
            result = self.submit_enrollment(str(saved.id))
        except BaseException:
            self.enrollments = before
            if old is not None:
                self.enrollments[str(enrollment_id)] = old
            raise
        finally:
            self.calls.pop()
        return result

    def save_form_draft(self, form: str, state: dict[str, Any]) -> None:
        self._call("save_form_draft")
        self.form_drafts[(self.actor.agent_code, form)] = {
            "form": form,
            "state": state,
            "updated_at": "2026-09-24T09:30:00+07:00",
        }

    def form_draft(self, form: str) -> Any:
        return self.form_drafts.get((self.actor.agent_code, form))

    def discard_form_draft(self, form: str) -> None:
        self.form_drafts.pop((self.actor.agent_code, form), None)

    def unfinished_business_forms(self) -> list[Any]:
        mine = [
            draft
            for (agent, form), draft in self.form_drafts.items()
            if agent == self.actor.agent_code and form.startswith(("business:", "visit:"))
        ]
        return sorted(mine, key=lambda draft: draft["updated_at"], reverse=True)

    def get_enrollment(self, enrollment_id: str) -> Any:
        return dict(self.enrollments[enrollment_id])

    def needing_correction(self) -> list[Any]:
        self._call("needing_correction")
        return [dict(e) for e in self.enrollments.values() if e["status"] == "needs_correction"]

    def drafts(self) -> list[Any]:
        return [
            {**e, "updated_at": "2026-09-24T09:30:00+07:00"}
            for e in self.enrollments.values()
            if e["status"] == "draft"
            and e.get("agent_code") in (None, getattr(self.actor, "agent_code", None))
        ]  # the actor's own drafts, as the real backend

    def my_enrollments(self, text: str, limit: int) -> tuple[int, list[Any]]:
        rows = [
            e
            for e in self.enrollments.values()
            if text.lower() in (e.get("full_name") or "").lower() or text in (e.get("nik") or "")
        ]
        return len(rows), rows[:limit]

    def discard_draft(self, enrollment_id: str) -> None:
        self._call("discard_draft")
        del self.enrollments[enrollment_id]

    def find_active_by_nik(self, nik: str) -> Any:
        for e in self.enrollments.values():
            if e.get("nik") == nik and e["status"] != "draft":
                return e
        return None

    def today(self) -> dt.date:
        return TODAY

    def time_zone(self) -> str:
        return self.zone

    def followups_due(self, on: dt.date) -> list[followups.FollowUp]:
        self._call("followups_due")
        rows = []
        for b in self.businesses.values():
            due = self._next_follow_up(b.id)
            if due and due <= on:
                row = self._row(b)
                rows.append(
                    followups.FollowUp(
                        b.id,
                        b.name,
                        b.owner_name,
                        b.phone,
                        str(b.status),
                        due,
                        row.last_visit_at,
                        row.last_outcome,
                    )
                )
        return sorted(rows, key=lambda r: r.next_follow_up)

    def dashboard(self, on: dt.date, event_id: str | None) -> dashboard.DashboardSummary:
        self._call("dashboard")
        targets = [
            dashboard.TargetProgress(
                records.Target(
                    "t1", "event", EVENT.id, "employers", 1441, EVENT.starts_on, EVENT.ends_on
                ),
                722,
            ),
            dashboard.TargetProgress(
                records.Target(
                    "t2", "agent", "PLG-001", "enrollments", 100, EVENT.starts_on, EVENT.ends_on
                ),
                27,
            ),
            dashboard.TargetProgress(
                records.Target(
                    "t3", "branch", "PLG", "visits", 300, EVENT.starts_on, EVENT.ends_on
                ),
                41,
            ),
        ]
        return dashboard.DashboardSummary(
            on=on,
            visits_today=sum(1 for v in self.visits if v.visited_at.date() == on),
            enrollments_today=3,
            businesses_today=2,
            follow_ups_due=len(self.followups_due(on)),
            drafts=sum(1 for e in self.enrollments.values() if e["status"] == "draft"),
            needing_correction=len(self.needing_correction()),
            unsynced_ops=self.ops,
            targets=targets,
        )

    def events(self) -> list[records.Event]:
        return [EVENT]

    def daily_summary(
        self, on: dt.date, event_id: str | None, agent_code: str | None
    ) -> DailySummary:
        self._call("daily_summary")
        return DailySummary(
            on=on,
            scope="event" if event_id else "agent",
            agent_code=agent_code,
            agent_name=getattr(self.actor, "name", ""),
            event=EVENT if event_id else None,
            visits_by_outcome={"interested": 2, "follow_up": 1},
            enrollments_by_status={"submitted": 3},
            enrollments_by_program={"JKK": 3, "JKM": 3, "JHT": 1},
            contributions_monthly=45_200,
            contributions_period=95_600,
            businesses_registered=2,
            follow_ups_due=(),
            follow_ups_due_count=0,
            generated_at=dt.datetime(2026, 9, 24, 17, 0),
        )

    def receipt(self, enrollment_id: str) -> Receipt:
        """A receipt of the fake's record (the real one is tested in tests/reports)."""
        from agent_app.services import receipts

        self._call("receipt")
        e = self.enrollments[enrollment_id]
        monthly = int(e.get("monthly_contribution") or 0)
        months = int(e.get("period_months") or 1)
        return receipts.Receipt(
            enrollment_id=enrollment_id,
            status=str(e["status"]),
            full_name=str(e.get("full_name", "")),
            nik_masked=str(e.get("nik", ""))[:6] + "******",
            occupation=str(e.get("occupation", "")),
            programs=(),
            monthly_total=monthly,
            period_months=months,
            period_total=monthly * months,
            discount=None,
            submitted_on=TODAY,
            due_on=receipts.first_due_date(TODAY),
            consent_version="fake",
            consent_at=None,
            agent_code=str(e.get("agent_code") or ""),
            agent_name=str(getattr(self.actor, "name", "")),
            event_name="",
            event_venue="",
            membership_number=None,
            issued_at=dt.datetime(2026, 9, 24, 10, 0),
            qr_png=receipts.qr_png(enrollment_id),
        )

    def record_receipt_printed(self, r: Receipt, how: str) -> None:
        self._call(f"receipt_printed:{how}")
        self.printed.append((r.enrollment_id, how))

    def export(self, request: ExportRequest, path: Path) -> ExportResult:
        from agent_app.reports import exports

        self._call("export")
        path.write_text("fake export\n", encoding="utf-8")
        return exports.ExportResult(path, request.kind, request.format, 0, not request.unmasked)

    def sync_status(self) -> SyncOverview:
        return SyncOverview(
            pending_ops=self.ops,
            online=self.online,
            server_url=self.server_url,
            problems=tuple(self.problems),
            connected=not self.needs_login,
            clock_offset=self.clock_offset,
        )

    def check_participant(self, nik: str) -> sync_service.ParticipantCheck:
        self._call(f"check:{nik}")
        if isinstance(self.participant, BaseException):
            raise self.participant
        return self.participant or sync_service.ParticipantCheck("unknown", reason="no_server")

    def export_bundle(self, path: str) -> sync_service.BundleExport:
        self._call("export_bundle")
        self.exported.append(path)
        return sync_service.BundleExport([Path(path)], self.ops)

    def upload_bundle(self, path: str) -> Any:
        self._call(f"upload:{Path(path).name}")
        return [
            SimpleNamespace(op_id="x1", status="applied"),
            SimpleNamespace(op_id="x2", status="rejected"),
        ]

    def resolve_conflict(self, op_id: str, choice: str) -> Any:
        self._call(f"resolve:{op_id}:{choice}")
        self.problems = [p for p in self.problems if p.op_id != op_id]

    def sync_now(self, password: str | None = None, progress: Any = None) -> Any:
        self._call("sync_now")
        if self.needs_login and password is None:
            raise sync_service.SyncFailed("not_connected", "not_logged_in")
        for step in self.progress_steps:
            if progress is not None:
                progress(*step)
        self.needs_login = False
        self.ops = 0
        self.online = True
        for e in self.enrollments.values():  # the supervisor's decisions come down on pull
            decided = e.pop("_review_on_pull", None)
            if decided:
                e["status"] = decided
        return {"pushed": 3, "pulled": 1}


@dataclass
class FakeShell:
    keystore: FakeKeyStore = field(default_factory=FakeKeyStore)
    settings: FakeSettings = field(default_factory=FakeSettings)
    backend: FakeBackend = field(default_factory=FakeBackend)
    log_location: str = "/tmp/perisai-test/logs"
    connected: list[str] = field(default_factory=list)

    def connect(self, unlocked: Unlocked) -> FakeBackend:
        self.connected.append(unlocked.account.agent_code)
        self.backend.actor = unlocked.account
        return self.backend


def _implements_the_port(backend: FakeBackend) -> Backend:
    """mypy checks here that the fake implements `agent_app.ui.backend.Backend`."""
    return backend
