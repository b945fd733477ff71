"""The printable enrollment receipt ("Bukti pendaftaran") handed to a BPU worker.

`services.receipts` makes what the receipt shows of a submitted enrollment (and audits the
printing): the worker's name and masked NIK,
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

from agent_app.reports import _format as fmt
from agent_app.reports._format import NH, NT, N
from agent_app.services.receipts import DUE_DAY, Receipt

QR_RESOURCE = "qr-enrollment.png"


STATUS = {
    "submitted": "Diajukan (menunggu pemeriksaan)",
    "accepted": "Diterima",
    "needs_correction": "Perlu perbaikan",
}


#: How the worker gave consent, as the receipt says it.
CONSENT_METHODS = {"signature": "tanda tangan", "tick": "centang"}


def consent_method(method: str) -> str:
    return CONSENT_METHODS.get(method, "-")


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
            f"<span class='words'>({e(fmt.words(r.monthly_total))})</span>",
        ),
        ("Periode pembayaran", f"{r.period_months} bulan"),
        (
            f"Jumlah untuk {r.period_months} bulan",
            f"<b>{e(fmt.rupiah(r.period_total))}</b><br>"
            f"<span class='words'>({e(fmt.words(r.period_total))})</span>",
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
<p>Persetujuan: {e(consent_method(r.consent_method))}, naskah {e(r.consent_version)}.</p>
<h2>Petugas</h2>
{fmt.kv([("Agen", e(agent)), ("Acara", e(event))])}
<p class="note">Dicetak {e(fmt.date_time(r.issued_at))}. Simpan bukti ini sampai pendaftaran
diterima dan nomor kepesertaan terbit.</p>
"""
    return fmt.page("Bukti pendaftaran", body)
