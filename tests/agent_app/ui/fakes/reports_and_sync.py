"""The fake backend's dashboard, reports and sync: a mixin of `FakeBackend` (backend.py), whose
state it reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from agent_app.domain import records
from agent_app.services import dashboard, followups
from agent_app.services import sync as sync_service
from agent_app.services.daily_summary import DailySummary
from agent_app.services.export_request import ExportRequest, ExportResult
from agent_app.services.receipts import Receipt
from agent_app.ui.backend import SyncOverview

from .data import EVENT, TODAY


class FakeReportsAndSync:
    """The part of the fake backend behind the dashboard, the reports and the sync page."""

    actor: Any
    visits: list[records.Visit]
    enrollments: dict[str, dict[str, Any]]
    ops: int
    needs_login: bool
    one_time_code: str | None
    server_password: str | None
    problems: list[Any]
    progress_steps: list[tuple[str, int, int | None]]
    participant: Any
    exported: list[str]
    printed: list[tuple[str, str]]
    online: bool
    clock_offset: float | None
    server_url: str

    def _call(self, name: str) -> None:
        raise NotImplementedError  # FakeBackend's

    def followups_due(self, on: dt.date) -> list[followups.FollowUp]:
        raise NotImplementedError  # FakeBackend's

    def needing_correction(self) -> list[Any]:
        raise NotImplementedError  # FakeBackend's

    def _open_assignments(self) -> list[Any]:
        raise NotImplementedError  # FakeBackend's

    def dashboard(self, on: dt.date, event_id: str | None) -> dashboard.DashboardSummary:
        self._call("dashboard")
        targets = [
            dashboard.TargetProgress(
                records.Target(
                    "t1", "event", EVENT.id, "employers", 1441, EVENT.starts_on, EVENT.ends_on
                ),
                722,
                35,
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
            assignments=tuple(self._open_assignments()),
            employers_needing_correction=2,
            targets=targets,
        )

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
        """A receipt of the fake's record (the real one is tested in tests/agent_app/reports)."""
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
            consent_method="tick",
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

    def change_server_password(self, password: str, new_password: str) -> None:
        self._call("change_server_password")
        if password != self.one_time_code:
            raise sync_service.SyncFailed("auth", "wrong_password")
        self.one_time_code, self.server_password = None, new_password

    def sync_now(self, password: str | None = None, progress: Any = None) -> Any:
        self._call("sync_now")
        if self.needs_login and password is None:
            raise sync_service.SyncFailed("not_connected", "not_logged_in")
        if password is not None and password == self.one_time_code:
            raise sync_service.SyncFailed("auth", "password_change_required")
        if password is not None and self.server_password not in (None, password):
            raise sync_service.SyncFailed("auth", "wrong_password")
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
