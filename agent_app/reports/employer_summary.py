"""The printable summary of an employer's registration ("Ringkasan pendaftaran pemberi kerja")
handed to the owner, in Bahasa Indonesia with the English under each caption (the owner may
read either): the business and its owner (NIKs masked), each worker's wage and contribution,
the employer's, the workers' and the total monthly contribution in figures and in words, the
due date, and plainly that coverage starts only after the first payment and once BPJS
Ketenagakerjaan issues the employer's membership number (NPP).

`services.employer_summary` makes what it shows (and audits the printing); `summary_html`
lays it out; `agent_app.ui.printing` prints it or saves it as a PDF.
"""

from __future__ import annotations

from agent_app.reports import _format as fmt
from agent_app.reports._format import NH, NT, N
from agent_app.services.employer_summary import EmployerSummary

QR_RESOURCE = "qr-employer.png"
TITLE = "Ringkasan pendaftaran pemberi kerja"

STATUS = {
    "submitted": ("Diajukan (menunggu pemeriksaan cabang)", "Submitted (the branch reviews it)"),
    "accepted": ("Diterima", "Accepted"),
    "needs_correction": ("Perlu perbaikan", "Needs correction"),
}
SIZES = {
    "mikro": ("Mikro", "Micro"),
    "kecil": ("Kecil", "Small"),
    "menengah": ("Menengah", "Medium"),
    "besar": ("Besar", "Large"),
}
COVERAGE = (
    "Perlindungan baru berlaku setelah iuran pertama dibayar dan BPJS Ketenagakerjaan "
    "menerbitkan nomor pendaftaran perusahaan (NPP). Ringkasan ini bukan bukti kepesertaan.",
    "Coverage starts only after the first contribution is paid and BPJS Ketenagakerjaan issues "
    "the employer's membership number (NPP). This summary is not proof of membership.",
)


def both(indonesian: str, english: str) -> str:
    """A caption in Bahasa Indonesia with its English under it (escaped)."""
    return f"{fmt.esc(indonesian)}<br><span class='en'>{fmt.esc(english)}</span>"


def _kv(rows: list[tuple[tuple[str, str], str]]) -> str:
    cells = "".join(
        f'<tr><td class="k" width="38%">{both(*k)}</td><td>{v}</td></tr>' for k, v in rows
    )
    return f'<table class="kv" cellspacing="0">{cells}</table>'


def _amount(amount: int) -> str:
    e = fmt.esc
    return f"<b>{e(fmt.rupiah(amount))}</b><br><span class='words'>({e(fmt.words(amount))})</span>"


def _business(s: EmployerSummary) -> list[tuple[tuple[str, str], str]]:
    e = fmt.esc
    status = STATUS.get(s.status, (s.status, s.status))
    size = SIZES.get(s.size_class, (s.size_class, s.size_class))
    rows: list[tuple[tuple[str, str], str]] = [
        (("Nama usaha", "Business"), f"<b>{e(s.business_name)}</b>"),
        (("Pemilik", "Owner"), e(s.owner_name)),
        (("NIK pemilik", "Owner's NIK"), e(s.owner_nik_masked or "-")),
        (("NIB", "NIB"), e(s.nib or "-")),
        (("NPWP", "NPWP"), e(s.npwp_masked or "-")),
        (("Skala usaha", "Size"), both(*size)),
        (("Sektor", "Sector"), e(s.sector or "-")),
        (
            ("Kelompok risiko (JKK)", "Risk group (JKK)"),
            e(s.risk_group)
            + " "
            + (
                both("(ditetapkan BPJS)", "(assigned by BPJS)")
                if s.risk_group_assigned
                else both("(usulan)", "(proposed)")
            ),
        ),
        (("Status", "Status"), both(*status)),
    ]
    if s.npp:
        caption = ("Nomor pendaftaran perusahaan (NPP)", "Membership number (NPP)")
        rows.append((caption, fmt.code(s.npp)))
    if s.review_reason and s.status == "needs_correction":
        rows.append((("Alasan", "Reason"), e(s.review_reason)))
    return rows


def _workers(s: EmployerSummary) -> str:
    e = fmt.esc
    head = (
        f"<tr><th>No.</th><th>{both('Nama', 'Name')}</th><th>NIK</th>"
        f"<th {NH}>{both('Upah', 'Wage')}</th><th {NH}>{both('Pemberi kerja', 'Employer')}</th>"
        f"<th {NH}>{both('Pekerja', 'Worker')}</th><th {NH}>{both('Jumlah', 'Total')}</th></tr>"
    )
    rows = "".join(
        f"<tr><td>{number}</td><td>{e(w.full_name)}</td><td>{e(w.nik_masked)}</td>"
        f"<td {N}>{e(fmt.rupiah(w.monthly_wage))}</td><td {N}>{e(fmt.rupiah(w.employer))}</td>"
        f"<td {N}>{e(fmt.rupiah(w.worker))}</td><td {N}>{e(fmt.rupiah(w.total))}</td></tr>"
        for number, w in enumerate(s.workers, start=1)
    )
    total = (
        f"<tr><td></td><td class='total' colspan='3'>{both('Jumlah per bulan', 'Total per month')}"
        f"</td><td {NT}>{e(fmt.rupiah(s.employer_total))}</td>"
        f"<td {NT}>{e(fmt.rupiah(s.worker_total))}</td><td {NT}>{e(fmt.rupiah(s.total))}</td></tr>"
    )
    return f'<table class="grid" width="100%" cellspacing="0">{head}{rows}{total}</table>'


def _amounts(s: EmployerSummary) -> list[tuple[tuple[str, str], str]]:
    month = fmt.date(s.month).split(" ", 1)[1]
    return [
        (("Program", "Programs"), fmt.esc(", ".join(s.programs))),
        (("Bulan iuran", "Contribution month"), fmt.esc(month)),
        (("Dibayar pemberi kerja", "Paid by the employer"), _amount(s.employer_total)),
        (
            ("Dibayar pekerja (dipotong dari upah)", "Paid by the workers (from wages)"),
            _amount(s.worker_total),
        ),
        (("Iuran per bulan", "Monthly contribution"), _amount(s.total)),
        (("Jatuh tempo", "Due date"), f"<b>{fmt.esc(fmt.date(s.due_on, weekday=True))}</b>"),
    ]


def summary_html(summary: EmployerSummary, qr_src: str = QR_RESOURCE) -> str:
    """The summary as HTML (the subset QTextDocument renders); the QR code of the
    registration's id is referenced as `qr_src`."""
    s, e = summary, fmt.esc
    agent = f"{s.agent_name} ({s.agent_code})" if s.agent_name else s.agent_code
    body = f"""
<table width="100%" cellspacing="0"><tr>
<td valign="top">
<h1>{TITLE}</h1>
<div class="sub">Employer registration summary &middot; BPJS Ketenagakerjaan &middot;
Penerima Upah (PU)</div>
<div class="sub">Nomor pendaftaran / Registration number: {fmt.code(s.registration_id)}</div>
</td>
<td align="right" valign="top" width="130"><img src="{e(qr_src)}" width="120" height="120"></td>
</tr></table>
<p class="coverage"><b>{e(COVERAGE[0])}</b><br><span class='en'>{e(COVERAGE[1])}</span></p>
<h2>{both("Pemberi kerja", "Employer")}</h2>
{_kv(_business(s))}
<h2>{both(f"Pekerja ({len(s.workers)})", f"Workers ({len(s.workers)})")}</h2>
{_workers(s)}
<h2>{both("Iuran", "Contribution")}</h2>
{_kv(_amounts(s))}
<p class="note">Iuran dibayar paling lambat tanggal 15 bulan berikutnya (hari kerja berikutnya
bila libur); keterlambatan dikenai denda 2% per bulan dari iuran yang belum dibayar, ditanggung
pemberi kerja.<br><span class='en'>Contributions are due by the 15th of the next month (the
next working day after a holiday); a late payment costs the employer 2% of the unpaid
contribution per month.</span></p>
<h2>{both("Petugas", "Agent")}</h2>
{_kv([(("Agen", "Agent"), e(agent)), (("Persetujuan", "Consent"), e(s.consent_version or "-"))])}
<p class="note">Dicetak / Printed {e(fmt.date_time(s.issued_at))}.</p>
"""
    return fmt.page(TITLE, body).replace(
        "</style>",
        ".en { color: #555; font-style: italic; font-size: 8pt; }\n"
        ".coverage { border: 1px solid #0a5c36; padding: 4pt; }</style>",
    )
