"""The printable summary of an employer's registration, handed to the owner (issue 17 item 3):
what it shows (`EmployerSummary`, made by `from_registration`: masked NIKs, each worker's and
the total contribution, the due date, the status and the NPP once issued), the use case that
makes it for a stored registration (only its agent or a supervisor, never of an unsubmitted
one), and the audit of its printing. `agent_app.reports.employer_summary` lays it out;
`agent_app.ui.printing` prints it.

The amounts are `quote_employer`'s for the contribution month of the registration (the month
it was recorded, as the stored `monthly_contribution`), so the paper says what the server
checked. Coverage starts only after the first payment and once BPJS issues the NPP: the paper
says so and never claims coverage before.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from agent_app.domain import clock, employer_contributions, keys
from agent_app.domain.messages import Text
from agent_app.errors import KnownError
from agent_app.services import masking, receipts, zones
from agent_app.services.actor import Actor
from agent_app.storage import report_queries
from agent_app.storage.uow import SqlUnitOfWork

AUDIT_ACTION = "report.employer_summary"
log = logging.getLogger("reports")


class NoSummary(KnownError):
    pass


@dataclass(frozen=True, slots=True)
class WorkerLine:
    full_name: str
    nik_masked: str
    monthly_wage: int
    employer: int
    worker: int

    @property
    def total(self) -> int:
        return self.employer + self.worker


@dataclass(frozen=True, slots=True)
class EmployerSummary:
    registration_id: str
    status: str
    business_name: str
    owner_name: str
    owner_nik_masked: str
    nib: str
    npwp_masked: str
    size_class: str
    sector: str
    risk_group: str
    risk_group_assigned: bool
    programs: tuple[str, ...]
    workers: tuple[WorkerLine, ...]
    employer_total: int
    worker_total: int
    total: int
    month: dt.date
    due_on: dt.date
    npp: str | None
    review_reason: str | None
    consent_version: str
    agent_code: str
    agent_name: str
    issued_at: dt.datetime
    qr_png: bytes


def _get(record: Any, name: str, default: Any = None) -> Any:
    if isinstance(record, dict):
        return record.get(name, default)
    return getattr(record, name, default)


def _text(raw: Any) -> str:
    return "" if raw is None else str(getattr(raw, "value", raw))


def _month_of(recorded_at: Any, zone: str | None) -> dt.date:
    if isinstance(recorded_at, str):
        recorded_at = dt.datetime.fromisoformat(recorded_at)
    if isinstance(recorded_at, dt.datetime):
        day = clock.local_date(recorded_at, zone) if zone else recorded_at.date()
    else:
        day = clock.today(zone) if zone else clock.today()
    return day.replace(day=1)


def from_registration(
    registration: Any,
    business_name: str,
    agent_name: str,
    issued_at: dt.datetime,
    zone: str | None = None,
) -> EmployerSummary:
    """The summary of a stored registration (`EmployerRegistration` or its wire fields)."""
    workers = list(_get(registration, "workers") or ())
    wages = [int(_get(w, "monthly_wage")) for w in workers]
    month = _month_of(_get(registration, "recorded_at"), zone)
    quote = employer_contributions.quote_employer(
        wages,
        _text(_get(registration, "size_class")),
        _get(registration, "risk_group"),
        list(_get(registration, "programs") or ()),
        month,
    )
    stored = _get(registration, "monthly_contribution")
    if stored not in (None, quote.total):
        log.warning("employer summary quote differs from the stored contribution")
    consent = _get(registration, "consent")
    owner_nik, npwp = _get(registration, "owner_nik"), _get(registration, "npwp")
    return EmployerSummary(
        registration_id=str(_get(registration, "id")),
        status=_text(_get(registration, "status")),
        business_name=business_name,
        owner_name=_text(_get(registration, "owner_name")),
        owner_nik_masked=masking.nik(owner_nik) if owner_nik else "",
        nib=_text(_get(registration, "nib")),
        npwp_masked=masking.nik(npwp) if npwp else "",
        size_class=_text(_get(registration, "size_class")),
        sector=keys.label("sectors", _text(_get(registration, "sector"))),
        risk_group=_text(_get(registration, "risk_group")),
        risk_group_assigned=bool(_get(registration, "risk_group_assigned")),
        programs=quote.programs,
        workers=tuple(
            WorkerLine(
                full_name=_text(_get(w, "full_name")),
                nik_masked=masking.nik(_text(_get(w, "nik"))),
                monthly_wage=share.wage,
                employer=share.employer_total,
                worker=share.worker_total,
            )
            for w, share in zip(workers, quote.workers, strict=True)
        ),
        employer_total=quote.employer_total,
        worker_total=quote.worker_total,
        total=quote.total,
        month=quote.month,
        due_on=quote.due_on,
        npp=_get(registration, "npp"),
        review_reason=_get(registration, "review_reason"),
        consent_version=_text(_get(consent, "text_version")) if consent else "",
        agent_code=_text(_get(registration, "agent_code")),
        agent_name=agent_name,
        issued_at=issued_at,
        qr_png=receipts.qr_png(str(_get(registration, "id"))),
    )


def _check_printable(registration: Any, actor: Actor) -> Any:
    if registration is None:
        raise NoSummary(Text.of("Registration not found."), code="not_found")
    agent = _get(registration, "agent_code")
    if agent not in (None, actor.agent_code) and not actor.is_supervisor:
        raise NoSummary(
            Text.of(
                "Only the agent who made this registration, or a supervisor, can print its summary."
            ),
            code="not_yours",
        )
    if _text(_get(registration, "status")) in ("", "draft"):
        raise NoSummary(
            Text.of("A summary can be printed only after the registration is submitted."),
            code="draft",
        )
    return registration


def build_summary(
    uow: SqlUnitOfWork, actor: Actor, registration_id: str, issued_at: dt.datetime | None = None
) -> EmployerSummary:
    """Reads a registration and makes its summary; the printing is audited by the caller.

    Raises:
        NoSummary: no such registration, one not yet submitted, or another agent's.
    """
    from agent_app.services.employers import lookups

    registration = _check_printable(lookups.get(uow, actor, registration_id), actor)
    with uow:
        business = uow.businesses.get(str(_get(registration, "business_id")))
        zone = zones.zone_in(uow, actor.branch)
        code = _get(registration, "agent_code") or actor.agent_code
        agent_name = actor.name if code == actor.agent_code else ""
        if not agent_name:
            agent_name = report_queries.agent_name(uow.session, code)
    issued = (issued_at or clock.now(zone)).astimezone(clock.tzinfo(zone))
    name = _text(_get(business, "name")) if business is not None else ""
    return from_registration(registration, name, agent_name, issued, zone)


def record_printed(uow: SqlUnitOfWork, actor: Actor, summary: EmployerSummary, how: str) -> None:
    """Audits that a summary was printed or saved (`how`: print or pdf); no personal data."""
    with uow:
        uow.audit.add(
            actor.agent_code,
            AUDIT_ACTION,
            keys.EMPLOYER_REGISTRATION,
            summary.registration_id,
            {"output": how},
        )
        uow.commit()
