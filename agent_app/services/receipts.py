"""The enrollment receipt's use cases: make the receipt of an enrollment (who may print it, the
branch's dates) and audit that it was printed or saved. `agent_app.reports.receipt` holds what
a receipt shows and lays it out; `agent_app.ui.printing` prints it."""

from __future__ import annotations

import dataclasses
import datetime as dt

from agent_app.domain import clock, keys, records
from agent_app.domain.messages import Text
from agent_app.reports.receipt import NoReceipt, Receipt, from_enrollment
from agent_app.services import zones
from agent_app.services.actor import Actor
from agent_app.storage import report_queries
from agent_app.storage.uow import SqlUnitOfWork

AUDIT_ACTION = "report.receipt"

__all__ = ["AUDIT_ACTION", "NoReceipt", "Receipt", "build_receipt", "record_printed"]


def _agent_name(uow: SqlUnitOfWork, code: str | None, actor: Actor) -> str:
    if not code:
        return ""
    if code == actor.agent_code:
        return actor.name
    return report_queries.agent_name(uow.session, code)


def _check_printable(enrollment: records.Enrollment | None, actor: Actor) -> records.Enrollment:
    """The enrollment when `actor` may print its receipt, else NoReceipt saying why."""
    if enrollment is None:
        raise NoReceipt(
            Text("Pendaftaran tidak ditemukan.", "Enrollment not found."), code="not_found"
        )
    if enrollment.agent_code != actor.agent_code and not actor.is_supervisor:
        # on a shared laptop, the next person cannot print the last one's receipt
        raise NoReceipt(
            Text(
                "Bukti pendaftaran ini hanya bisa dicetak oleh agen yang mendaftarkannya "
                "atau supervisor.",
                "Only the agent who made this enrollment, or a supervisor, can print its receipt.",
            ),
            code="not_yours",
        )
    if enrollment.status is keys.EnrollmentStatus.DRAFT or enrollment.consent is None:
        raise NoReceipt(
            Text(
                "Bukti pendaftaran baru bisa dicetak setelah pendaftaran diajukan.",
                "A receipt can be printed only after the enrollment is submitted.",
            ),
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
