"""The fake backend's employer registrations: a mixin of `FakeBackend` (backend.py). Submits
are judged by the domain's own rules (validation.validate_employer_registration), as
`services.employers.submit` does; NIKs already active on this laptop or at the server are
what the test says."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agent_app.domain import employer_contributions, validation
from agent_app.domain.messages import Text
from agent_app.services import employer_summary
from agent_app.services.employer_summary import EmployerSummary

from .data import TODAY, ValidationFailed


@dataclass
class FakeEmployers:
    #: Stored registrations by id (wire fields + id, status, recorded_at...).
    registrations: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: NIK -> where it is active on this laptop (a `Text`).
    active_niks: dict[str, Any] = field(default_factory=dict)
    #: NIK -> what the server says of it (`ParticipantCheck`).
    server_niks: dict[str, Any] = field(default_factory=dict)
    #: The summaries audited as printed: (registration id, "print" or "pdf").
    summaries_printed: list[tuple[str, str]] = field(default_factory=list)
    #: The NIK lists the form asked about (this laptop, the server).
    conflict_asks: list[list[str]] = field(default_factory=list)
    server_asks: list[list[str]] = field(default_factory=list)
    submitted_fields: list[dict[str, Any]] = field(default_factory=list)

    def employer_registration(self, business_id: str) -> Any | None:
        found = [r for r in self.registrations.values() if r["business_id"] == business_id]
        return dict(found[-1]) if found else None

    def submit_employer(self, fields: dict[str, Any], registration_id: str | None) -> Any:
        self.submitted_fields.append(fields)
        month = TODAY.replace(day=1)
        problems = validation.validate_employer_registration(fields, month=month)
        problems = [p for p in problems if p.field != "monthly_contribution"]
        for index, worker in enumerate(fields.get("workers") or []):
            if worker.get("nik") in self.active_niks:
                problems.append(
                    validation.Problem(
                        f"workers[{index}].nik", "duplicate_nik", "NIK sudah aktif.", "Active."
                    )
                )
        if problems:
            raise ValidationFailed(problems)
        wages = [w["monthly_wage"] for w in fields["workers"]]
        quote = employer_contributions.quote_employer(
            wages, fields["size_class"], fields["risk_group"], fields["programs"], month
        )
        new_id = registration_id or str(uuid.uuid4())
        self.registrations[new_id] = {
            **fields,
            "id": new_id,
            "status": "submitted",
            "monthly_contribution": quote.total,
            "review_reason": None,
            "review_reason_code": None,
            "npp": None,
            "agent_code": getattr(getattr(self, "actor", None), "agent_code", "AG-1"),
            "recorded_at": dt.datetime(2026, 9, 24, 10, 0, tzinfo=dt.UTC).isoformat(),
        }
        return dict(self.registrations[new_id])

    def employer_nik_conflicts(
        self, niks: list[str], registration_id: str | None
    ) -> Mapping[str, Any]:
        self.conflict_asks.append(list(niks))
        return {nik: self.active_niks[nik] for nik in niks if nik in self.active_niks}

    def check_participants(self, niks: list[str]) -> Mapping[str, Any]:
        self.server_asks.append(list(niks))
        return {nik: self.server_niks[nik] for nik in niks if nik in self.server_niks}

    def employer_summary(self, registration_id: str) -> EmployerSummary:
        record = self.registrations[registration_id]
        return employer_summary.from_registration(
            record,
            "Pempek Cek Mar",
            "Agen Satu",
            dt.datetime(2026, 9, 24, 10, 5, tzinfo=dt.UTC),
            "Asia/Jakarta",
        )

    def record_employer_summary_printed(self, s: EmployerSummary, how: str) -> None:
        self.summaries_printed.append((s.registration_id, how))


def where(text: str) -> Text:
    return Text(text, text)
