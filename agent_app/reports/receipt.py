"""The printable enrollment receipt ("Bukti pendaftaran") handed to a BPU worker.

`build_receipt` gathers what the receipt shows from the database: the worker's name and masked
NIK, the programs and their monthly amounts, the monthly contribution and the total for the
payment period (in figures and in words), the due date of the first payment, the consent given
(text version and time), the agent and the event, and a QR code of the enrollment id (segno).
`receipt_html` lays it out in Bahasa Indonesia; `agent_app.ui.printing` prints it or saves it
as a PDF.

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
import sqlalchemy as sa

from agent_app.domain import clock, contributions, keys, records
from agent_app.domain.messages import Text
from agent_app.errors import KnownError
from agent_app.reports import _format as fmt
from agent_app.reports import masking
from agent_app.reports._format import NH, NT, N
from agent_app.services import zones
from agent_app.services.actor import Actor
from agent_app.storage import tables
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("reports")

DUE_DAY = 15
QR_RESOURCE = "qr-enrollment.png"
AUDIT_ACTION = "report.receipt"


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
    agent_code: str
    agent_name: str
    event_name: str
    event_venue: str
    membership_number: str | None
    issued_at: dt.datetime
    qr_png: bytes

    @property
    def monthly_words(self) -> str:
        return fmt.words(self.monthly_total)

    @property
    def period_words(self) -> str:
        return fmt.words(self.period_total)


def qr_png(data: str, scale: int = 8) -> bytes:
    """A QR code (error correction M, quiet zone 4) of `data` as PNG bytes."""
    buffer = io.BytesIO()
    segno.make_qr(data, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def _agent_name(uow: SqlUnitOfWork, code: str | None, actor: Actor) -> str:
    if not code:
        return ""
    if code == actor.agent_code:
        return actor.name
    row = uow.session.get(tables.Agent, code)
    return row.name if row is not None else ""


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
        agent_code=enrollment.agent_code or "",
        agent_name=agent_name,
        event_name=event.name if event else "",
        event_venue=event.venue if event else "",
        membership_number=enrollment.membership_number,
        issued_at=issued_at or clock.now(),
        qr_png=qr_png(enrollment.id),
    )


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
        enrollment = uow.enrollments.get(enrollment_id)
        row = uow.session.scalar(
            sa.select(tables.Enrollment.submitted_at).where(tables.Enrollment.id == enrollment_id)
        )
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
                    "Only the agent who made this enrollment, or a supervisor, can print its "
                    "receipt.",
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
        # Every date and time on the receipt is the branch's wall time (the day of
        # submission, the consent, the printing): in the machine's zone, a receipt printed
        # in WIB from a laptop set to UTC was dated the day before its submission.
        zone = zones.zone_in(uow, actor.branch)
        submitted_on = (
            clock.local_date(dt.datetime.fromisoformat(row), zone) if row else clock.today(zone)
        )
        event = uow.events.get(enrollment.event_id) if enrollment.event_id else None
        agent_name = _agent_name(uow, enrollment.agent_code, actor)
    consent = enrollment.consent
    if consent is not None and consent.given_at is not None:
        given = consent.given_at
        given = (given if given.tzinfo else given.astimezone()).astimezone(clock.tzinfo(zone))
        enrollment = dataclasses.replace(
            enrollment, consent=dataclasses.replace(consent, given_at=given)
        )
    issued = (issued_at or clock.now(zone)).astimezone(clock.tzinfo(zone))
    return from_enrollment(enrollment, submitted_on, agent_name, event, issued)


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


STATUS = {
    "submitted": "Diajukan (menunggu pemeriksaan)",
    "accepted": "Diterima",
    "needs_correction": "Perlu perbaikan",
}


def receipt_html(receipt: Receipt, qr_src: str = QR_RESOURCE) -> str:
    """The receipt as HTML (the subset QTextDocument renders). The QR image is referenced as
    `qr_src`; the printer registers `receipt.qr_png` under that name."""
    r = receipt
    e = fmt.esc
    program_rows = "".join(
        f"<tr><td>{e(p.name)} ({e(p.key)})</td><td {N}>{e(fmt.rupiah(p.monthly))}</td></tr>"
        for p in r.programs
    )
    program_rows += (
        f"<tr><td class='total'>Jumlah per bulan</td>"
        f"<td {NT}>{e(fmt.rupiah(r.monthly_total))}</td></tr>"
    )
    amounts = [
        (
            "Iuran per bulan",
            f"<b>{e(fmt.rupiah(r.monthly_total))}</b><br>"
            f"<span class='words'>({e(r.monthly_words)})</span>",
        ),
        ("Periode pembayaran", f"{r.period_months} bulan"),
        (
            f"Jumlah untuk {r.period_months} bulan",
            f"<b>{e(fmt.rupiah(r.period_total))}</b><br>"
            f"<span class='words'>({e(r.period_words)})</span>",
        ),
        (
            "Jatuh tempo pembayaran pertama",
            f"<b>{e(fmt.date(r.due_on, weekday=True))}</b>",
        ),
    ]
    if r.discount:
        amounts.insert(1, ("Potongan iuran", e(r.discount)))
    who = [
        ("Nama peserta", f"<b>{e(r.full_name)}</b>"),
        ("NIK", e(r.nik_masked)),
        ("Pekerjaan", e(r.occupation)),
        ("Status", e(STATUS.get(r.status, r.status))),
        ("Tanggal pengajuan", e(fmt.date(r.submitted_on))),
    ]
    if r.membership_number:
        who.append(("Nomor kepesertaan", fmt.code(r.membership_number)))
    agent = f"{r.agent_name} ({r.agent_code})" if r.agent_name else r.agent_code
    event = ", ".join(x for x in (r.event_name, r.event_venue) if x) or "-"
    body = f"""
<table width="100%" cellspacing="0"><tr>
<td valign="top">
<h1>Bukti pendaftaran</h1>
<div class="sub">BPJS Ketenagakerjaan &middot; Peserta Bukan Penerima Upah (BPU)</div>
<div class="sub">Nomor pendaftaran: {fmt.code(r.enrollment_id)}</div>
</td>
<td align="right" valign="top" width="130"><img src="{e(qr_src)}" width="120" height="120"><br>
<span class="note">Pindai: nomor pendaftaran</span></td>
</tr></table>
<h2>Peserta</h2>
{fmt.kv(who)}
<h2>Program dan iuran</h2>
<table class="grid" width="100%" cellspacing="0">
<tr><th>Program</th><th {NH}>Iuran per bulan</th></tr>
{program_rows}
</table>
{fmt.kv(amounts)}
<p class="note">Iuran dibayar paling lambat tanggal {DUE_DAY} setiap bulan; bila tanggal itu
hari libur atau akhir pekan, pada hari kerja berikutnya. Tidak ada denda keterlambatan;
kepesertaan menjadi tidak aktif setelah 3 bulan tidak membayar.</p>
<h2>Persetujuan</h2>
<p>Peserta telah diberi penjelasan dan menyetujui pengumpulan dan pengolahan data pribadinya
untuk pendaftaran BPJS Ketenagakerjaan (UU 27/2022) &mdash; naskah persetujuan versi
<b>{e(r.consent_version)}</b>, diberikan pada {e(fmt.date_time(r.consent_at))}.</p>
<h2>Petugas</h2>
{fmt.kv([("Agen", e(agent)), ("Acara", e(event))])}
<p class="note">Dicetak {e(fmt.date_time(r.issued_at))}. Simpan bukti ini sampai pendaftaran
diterima dan nomor kepesertaan terbit.</p>
"""
    return fmt.page("Bukti pendaftaran", body)
