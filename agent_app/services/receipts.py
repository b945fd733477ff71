"""The enrollment receipt: what it shows (`Receipt`, made by `from_enrollment`), the use case
that makes it for an enrollment (who may print it, the branch's dates), and the audit of its
printing. `agent_app.reports.receipt` lays it out; `agent_app.ui.printing` prints it.

Due date (DOMAIN.md): contributions are due by the 15th of the month, or the next working day
when the 15th is a weekend or a holiday (lokal-id's calendar, cuti bersama included). The first
payment is due on the due date of the month of submission, or of the next month when that date
has passed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
from dataclasses import dataclass

import lokal
import segno

from agent_app.domain import clock, contributions, keys, records
from agent_app.domain.messages import Text
from agent_app.errors import KnownError
from agent_app.services import masking, zones
from agent_app.services.actor import Actor
from agent_app.storage import report_queries
from agent_app.storage.uow import SqlUnitOfWork

AUDIT_ACTION = "report.receipt"
log = logging.getLogger("reports")

DUE_DAY = 15


class NoReceipt(KnownError):
    pass


def due_date(year: int, month: int) -> dt.date:
    """The contribution due date of a month: the 15th, or the next working day after it."""
    day = dt.date(year, month, DUE_DAY)
    while not lokal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def first_due_date(on: dt.date) -> dt.date:
    """The due date of the first payment of an enrollment submitted on `on`."""
    this_month = due_date(on.year, on.month)
    if on <= this_month:
        return this_month
    return due_date(on.year + on.month // 12, on.month % 12 + 1)


@dataclass(frozen=True, slots=True)
class ProgramLine:
    key: str
    name: str
    monthly: int  # after any discount


@dataclass(frozen=True, slots=True)
class Receipt:
    enrollment_id: str
    status: str
    full_name: str
    nik_masked: str
    occupation: str
    programs: tuple[ProgramLine, ...]
    monthly_total: int
    period_months: int
    period_total: int
    discount: str | None
    submitted_on: dt.date
    due_on: dt.date
    consent_version: str
    consent_at: dt.datetime | None
    consent_method: str  # "signature" or "tick" (keys.ConsentMethod); "" without a consent
    agent_code: str
    agent_name: str
    event_name: str
    event_venue: str
    membership_number: str | None
    issued_at: dt.datetime
    qr_png: bytes


def qr_png(data: str, scale: int = 8) -> bytes:
    """A QR code (error correction M, quiet zone 4) of `data` as PNG bytes."""
    buffer = io.BytesIO()
    segno.make_qr(data, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def from_enrollment(
    enrollment: records.Enrollment,
    submitted_on: dt.date,
    agent_name: str,
    event: records.Event | None,
    issued_at: dt.datetime | None = None,
) -> Receipt:
    """The receipt of a submitted enrollment (the quote of its submission day)."""
    quote = contributions.quote(
        enrollment.declared_income,
        enrollment.programs,
        enrollment.period_months,
        submitted_on,
        enrollment.occupation,
        enrollment.paid_by_state,
    )
    if enrollment.monthly_contribution not in (None, quote.monthly_total):
        # The stored figure is what the server checks; never print a different one.
        log.warning("receipt quote differs from the stored contribution of %s", enrollment.id)
    lines = tuple(
        ProgramLine(key, keys.label("programs", key), amount)
        for key, amount in quote.per_program.items()
    )
    consent = enrollment.consent
    return Receipt(
        enrollment_id=enrollment.id,
        status=enrollment.status.value,
        full_name=enrollment.full_name,
        nik_masked=masking.nik(enrollment.nik),
        occupation=keys.label("occupations", enrollment.occupation or ""),
        programs=lines,
        monthly_total=quote.monthly_total,
        period_months=quote.period_months,
        period_total=quote.period_total,
        discount=quote.discount.label.id if quote.discount else None,
        submitted_on=submitted_on,
        due_on=first_due_date(submitted_on),
        consent_version=consent.text_version if consent else "",
        consent_at=consent.given_at if consent else None,
        consent_method=consent.method.value if consent else "",
        agent_code=enrollment.agent_code or "",
        agent_name=agent_name,
        event_name=event.name if event else "",
        event_venue=event.venue if event else "",
        membership_number=enrollment.membership_number,
        issued_at=issued_at or clock.now(),
        qr_png=qr_png(enrollment.id),
    )


def _agent_name(uow: SqlUnitOfWork, code: str | None, actor: Actor) -> str:
    if not code:
        return ""
    if code == actor.agent_code:
        return actor.name
    return report_queries.agent_name(uow.session, code)


def _check_printable(enrollment: records.Enrollment | None, actor: Actor) -> records.Enrollment:
    """The enrollment when `actor` may print its receipt, else NoReceipt saying why."""
    if enrollment is None:
        raise NoReceipt(Text.of("Enrollment not found."), code="not_found")
    if enrollment.agent_code != actor.agent_code and not actor.is_supervisor:
        # on a shared laptop, the next person cannot print the last one's receipt
        raise NoReceipt(
            Text.of(
                "Only the agent who made this enrollment, or a supervisor, can print its receipt."
            ),
            code="not_yours",
        )
    if enrollment.status is keys.EnrollmentStatus.DRAFT or enrollment.consent is None:
        raise NoReceipt(
            Text.of("A receipt can be printed only after the enrollment is submitted."),
            code="draft",
        )
    return enrollment


def _consent_in_zone(enrollment: records.Enrollment, zone: str) -> records.Enrollment:
    """The enrollment with its consent time as the branch's wall time."""
    consent = enrollment.consent
    if consent is None or consent.given_at is None:
        return enrollment
    given = consent.given_at
    given = (given if given.tzinfo else given.astimezone()).astimezone(clock.tzinfo(zone))
    return dataclasses.replace(enrollment, consent=dataclasses.replace(consent, given_at=given))


def build_receipt(
    uow: SqlUnitOfWork, actor: Actor, enrollment_id: str, issued_at: dt.datetime | None = None
) -> Receipt:
    """Reads an enrollment and makes its receipt; the printing is audited by the caller
    (`record_printed`).

    Raises:
        NoReceipt: no such enrollment, or a draft (a draft has no receipt: submit it first), or
            the enrollment of another agent (only its agent or a supervisor may print it).
    """
    with uow:
        enrollment = _check_printable(uow.enrollments.get(enrollment_id), actor)
        submitted_at = report_queries.submitted_at(uow.session, enrollment_id)
        # Every date and time on the receipt is the branch's wall time (the day of
        # submission, the consent, the printing): in the machine's zone, a receipt printed
        # in WIB from a laptop set to UTC was dated the day before its submission.
        zone = zones.zone_in(uow, actor.branch)
        submitted_on = (
            clock.local_date(dt.datetime.fromisoformat(submitted_at), zone)
            if submitted_at
            else clock.today(zone)
        )
        event = uow.events.get(enrollment.event_id) if enrollment.event_id else None
        agent_name = _agent_name(uow, enrollment.agent_code, actor)
    issued = (issued_at or clock.now(zone)).astimezone(clock.tzinfo(zone))
    return from_enrollment(
        _consent_in_zone(enrollment, zone), submitted_on, agent_name, event, issued
    )


def record_printed(uow: SqlUnitOfWork, actor: Actor, receipt: Receipt, how: str) -> None:
    """Audits that a receipt was printed or saved (`how`: print or pdf); no personal data."""
    with uow:
        uow.audit.add(
            actor.agent_code,
            AUDIT_ACTION,
            keys.Entity.ENROLLMENT,
            receipt.enrollment_id,
            {"output": how},
        )
        uow.commit()
