"""The daily summary laid out: `summary_html` turns a `services.daily_summary.DailySummary`
into HTML in Bahasa Indonesia for the app page and the PDF. Follow-ups list business names and
dates only, no personal data.
"""

from __future__ import annotations

from agent_app.domain import keys
from agent_app.reports import _format as fmt
from agent_app.reports._format import NT, N
from agent_app.services.daily_summary import DailySummary

OUTCOMES = {
    "interested": "Tertarik",
    "follow_up": "Perlu tindak lanjut",
    "enrolled": "Mendaftar",
    "declined": "Menolak",
}
STATUSES = {
    "draft": "Draf",
    "submitted": "Diajukan",
    "accepted": "Diterima",
    "needs_correction": "Perlu perbaikan",
}


def _count_table(title: str, rows: list[tuple[str, int]], total: int) -> str:
    e = fmt.esc
    cells = "".join(f"<tr><td>{e(k)}</td><td {N}>{v}</td></tr>" for k, v in rows)
    cells += f"<tr><td class='total'>Jumlah</td><td {NT}>{total}</td></tr>"
    return (
        f"<h2>{e(title)}</h2><table class='grid' width='100%' cellspacing='0'>"
        f"<tr><th>&nbsp;</th><th {N}>Jumlah</th></tr>{cells}</table>"
    )


def _head(s: DailySummary) -> str:
    e = fmt.esc
    head = [("Tanggal", e(fmt.date(s.on, weekday=True)))]
    if s.event is not None:
        where = ", ".join(x for x in (s.event.name, s.event.venue) if x)
        head.append(("Acara", e(where)))
        head.append(("Kantor cabang", e(s.event.branch)))
    return fmt.kv(head)


def _programs(s: DailySummary) -> str:
    e = fmt.esc
    program_rows = "".join(
        f"<tr><td>{e(keys.label('programs', k))} ({e(k)})</td><td {N}>{v}</td></tr>"
        for k, v in s.enrollments_by_program.items()
    )
    return (
        "<h2>Pendaftaran menurut program</h2>"
        + "<table class='grid' width='100%' cellspacing='0'><tr><th>Program</th>"
        + f"<th {N}>Peserta</th></tr>{program_rows}</table>"
    )


def _money(s: DailySummary) -> str:
    e = fmt.esc
    return fmt.kv(
        [
            (
                "Iuran per bulan yang dikutip",
                f"<b>{e(fmt.rupiah(s.contributions_monthly))}</b>",
            ),
            (
                "Jumlah untuk periode pembayaran",
                f"<b>{e(fmt.rupiah(s.contributions_period))}</b>",
            ),
            ("Usaha (UMKM) baru didaftarkan", str(s.businesses_registered)),
        ]
    )


def _follow_ups(s: DailySummary) -> str:
    e = fmt.esc
    if not s.follow_ups_due:
        return "<p>Tidak ada tindak lanjut yang jatuh tempo.</p>"
    follow = "".join(
        f"<tr><td>{e(f.business_name)}</td><td>{e(fmt.date(f.due_on))}</td>"
        f"<td>{e(OUTCOMES.get(f.last_outcome or '', '-'))}</td></tr>"
        for f in s.follow_ups_due
    )
    more = s.follow_ups_due_count - len(s.follow_ups_due)
    return (
        "<table class='grid' width='100%' cellspacing='0'><tr><th>Usaha</th>"
        f"<th>Jatuh tempo</th><th>Hasil terakhir</th></tr>{follow}</table>"
        + (f"<p class='note'>dan {more} lainnya.</p>" if more > 0 else "")
    )


def summary_html(summary: DailySummary) -> str:
    """The summary as HTML in Bahasa Indonesia (for the app page and the PDF)."""
    s = summary
    e = fmt.esc
    visits = _count_table(
        "Kunjungan menurut hasil",
        [(OUTCOMES.get(k, k), v) for k, v in s.visits_by_outcome.items()],
        s.visits_total,
    )
    enrollments = _count_table(
        "Pendaftaran menurut status",
        [(STATUSES.get(k, k), v) for k, v in s.enrollments_by_status.items()],
        s.enrollments_total,
    )
    body = (
        "<h1>Ringkasan harian</h1>"
        f"<div class='sub'>{e(s.title)}</div>"
        + _head(s)
        + visits
        + enrollments
        + _programs(s)
        + "<h2>Iuran dan usaha</h2>"
        + _money(s)
        + f"<h2>Tindak lanjut jatuh tempo ({s.follow_ups_due_count})</h2>"
        + _follow_ups(s)
        + f"<p class='note'>Dibuat {e(fmt.date_time(s.generated_at))}. Angka dari data di "
        "laptop ini (termasuk yang belum tersinkron).</p>"
    )
    return fmt.page("Ringkasan harian", body)
