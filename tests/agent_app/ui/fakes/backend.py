"""The in-memory backend the page tests drive (`FakeBackend`): businesses, visits, enrollments
and autosaved forms here, the dashboard, reports and sync in reports_and_sync.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from agent_app.domain import contributions, records, validation
from agent_app.services import followups
from agent_app.ui.backend import BusinessFilter

from .data import EVENT, SECTORS, STATUSES, TODAY, BusinessRow, DuplicateNik, ValidationFailed
from .duplicates import FakeDuplicates
from .employers import FakeEmployers
from .photos import FakePhotos
from .reports_and_sync import FakeReportsAndSync


@dataclass
class FakeBackend(FakeDuplicates, FakeEmployers, FakePhotos, FakeReportsAndSync):
    actor: Any = None
    businesses: dict[str, records.Business] = field(default_factory=dict)
    visits: list[records.Visit] = field(default_factory=list)
    enrollments: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    ops: int = 0
    fail_next: BaseException | None = None
    needs_login: bool = False
    #: A one-time code from a password reset: the server refuses to log in with it until
    #: a new password is chosen (`change_server_password`), then takes only that one.
    one_time_code: str | None = None
    server_password: str | None = None
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
    #: The account's assignments by id (open or done), as the laptop keeps them.
    assigned: dict[str, records.Assignment] = field(default_factory=dict)
    #: Pulled consent texts by language (none: the app's shipped text is shown).
    consent_texts: dict[str, records.ConsentText] = field(default_factory=dict)
    #: Kept signatures (consent_signature attachments) by SHA-256.
    signatures: dict[str, bytes] = field(default_factory=dict)
    #: How many times the search's index was warmed (after each log-in's first paint).
    warmed: int = 0

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

    def warm_search(self) -> None:
        self.warmed += 1  # not in `calls`: the tests' call sequences are the person's

    def first_businesses(self, flt: BusinessFilter, limit: int) -> tuple[list[Any], int]:
        self._call("first")
        matching = self._matching(flt)
        return matching[:limit], len(matching)

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
            latitude=fields.get("latitude"),
            longitude=fields.get("longitude"),
            accuracy_m=fields.get("accuracy_m"),
            attachments=tuple(fields.get("attachments") or ()),
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

    def consent_text(self, language: str) -> records.ConsentText:
        from agent_app.domain import consent_texts

        other = "en" if language == "id" else "id"
        found = self.consent_texts.get(language) or self.consent_texts.get(other)
        return found or consent_texts.SHIPPED[language]

    def save_signature(self, png: bytes) -> records.Attachment:
        import hashlib

        from agent_app.domain import keys

        self._call("save_signature")
        sha256 = hashlib.sha256(png).hexdigest()
        self.signatures[sha256] = png
        kind = keys.AttachmentKind.CONSENT_SIGNATURE
        return records.Attachment(kind, sha256, "image/png", len(png), None)

    def signature_png(self, sha256: str) -> bytes | None:
        return self.signatures.get(sha256)

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
            if agent == self.actor.agent_code
            and form.startswith(("business:", "visit:", "employer:"))
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

    def assignments(self) -> list[records.Assignment]:
        self._call("assignments")
        return self._open_assignments()

    def _open_assignments(self) -> list[records.Assignment]:
        found = [a for a in self.assigned.values() if a.status == "open"]
        return sorted(found, key=lambda a: (a.due_on, a.id))

    def mark_assignment_done(self, assignment_id: str) -> records.Assignment:
        return self._move_assignment("mark_assignment_done", assignment_id, "open", "done")

    def undo_assignment_done(self, assignment_id: str) -> records.Assignment:
        return self._move_assignment("undo_assignment_done", assignment_id, "done", "open")

    def _move_assignment(
        self, call: str, assignment_id: str, before: str, after: str
    ) -> records.Assignment:
        self._call(call)
        found = self.assigned.get(assignment_id)
        if found is None or found.status != before:
            raise KeyError(assignment_id)
        moved = dataclasses.replace(found, status=after)
        self.assigned[assignment_id] = moved
        self.ops += 1
        return moved

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

    def events(self) -> list[records.Event]:
        return [EVENT]
