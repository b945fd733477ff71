"""The printable enrollment receipt ("Bukti pendaftaran") handed to a BPU worker.

`from_enrollment` makes what the receipt shows of a submitted enrollment (the use case that
reads it and audits the printing is `services.receipts`): the worker's name and masked NIK,
the programs and their monthly amounts, the monthly contribution and the total for the
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

import datetime as dt
import io
import logging
from dataclasses import dataclass

import lokal
import segno

from agent_app.domain import clock, contributions, keys, records
from agent_app.errors import KnownError
from agent_app.reports import _format as fmt
from agent_app.reports import masking
from agent_app.reports._format import NH, NT, N

log = logging.getLogger("reports")

DUE_DAY = 15
QR_RESOURCE = "qr-enrollment.png"


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


STATUS = {
    "submitted": "Diajukan (menunggu pemeriksaan)",
    "accepted": "Diterima",
    "needs_correction": "Perlu perbaikan",
}


def _programs(r: Receipt) -> str:
    e = fmt.esc
    program_rows = "".join(
        f"<tr><td>{e(p.name)} ({e(p.key)})</td><td {N}>{e(fmt.rupiah(p.monthly))}</td></tr>"
        for p in r.programs
    )
    return program_rows + (
        f"<tr><td class='total'>Jumlah per bulan</td>"
        f"<td {NT}>{e(fmt.rupiah(r.monthly_total))}</td></tr>"
    )


def _amounts(r: Receipt) -> list[tuple[str, str]]:
    e = fmt.esc
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
    return amounts


def _who(r: Receipt) -> list[tuple[str, str]]:
    e = fmt.esc
    who = [
        ("Nama peserta", f"<b>{e(r.full_name)}</b>"),
        ("NIK", e(r.nik_masked)),
        ("Pekerjaan", e(r.occupation)),
        ("Status", e(STATUS.get(r.status, r.status))),
        ("Tanggal pengajuan", e(fmt.date(r.submitted_on))),
    ]
    if r.membership_number:
        who.append(("Nomor kepesertaan", fmt.code(r.membership_number)))
    return who


def receipt_html(receipt: Receipt, qr_src: str = QR_RESOURCE) -> str:
    """The receipt as HTML (the subset QTextDocument renders). The QR image is referenced as
    `qr_src`; the printer registers `receipt.qr_png` under that name."""
    r = receipt
    e = fmt.esc
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
{fmt.kv(_who(r))}
<h2>Program dan iuran</h2>
<table class="grid" width="100%" cellspacing="0">
<tr><th>Program</th><th {NH}>Iuran per bulan</th></tr>
{_programs(r)}
</table>
{fmt.kv(_amounts(r))}
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
