"""Bahasa Indonesia formats for printed reports: dates, rupiah, amounts in words, HTML bits.

Printed documents are always in Bahasa Indonesia (the receipt is handed to the worker), so
these do not follow the screen language.
"""

from __future__ import annotations

import datetime as dt
import html

import lokal

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def date(day: dt.date | None, weekday: bool = False) -> str:
    """15 Februari 2027 (or Senin, 15 Februari 2027)."""
    if day is None:
        return "-"
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{DAYS[day.weekday()]}, {text}" if weekday else text


def date_time(moment: dt.datetime | None) -> str:
    """11 Januari 2027 pukul 09.00 (in the time's own offset, as recorded)."""
    if moment is None:
        return "-"
    return f"{date(moment.date())} pukul {moment:%H.%M}"


def rupiah(amount: int | None) -> str:
    """Rp16.800."""
    return "-" if amount is None else str(lokal.format_rupiah(int(amount)))


def words(amount: int) -> str:
    """Enam belas ribu delapan ratus rupiah."""
    return str(lokal.terbilang(int(amount), currency=True, case="sentence"))


#: Attributes of right-aligned number cells (QTextDocument reads align, not CSS text-align).
N = "class='n' align='right'"
NT = "class='n total' align='right'"
NH = N


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


STYLE = """
body { font-family: 'DejaVu Sans', 'Noto Sans', Arial, sans-serif; font-size: 10pt;
       color: #111; }
h1 { font-size: 16pt; margin: 0 0 2pt 0; color: #0a5c36; }
h2 { font-size: 11pt; margin: 10pt 0 4pt 0; color: #0a5c36; }
.sub { color: #444; font-size: 9pt; }
table.kv td { padding: 2pt 6pt 2pt 0; vertical-align: top; }
table.kv td.k { color: #444; width: 36%; }
table.grid { border-collapse: collapse; }
table.grid th { background: #e7f2ec; text-align: left; padding: 3pt 6pt; }
table.grid td { padding: 3pt 6pt; border-bottom: 1px solid #ccc; }
td.n, th.n { text-align: right; }
.words { font-style: italic; color: #333; }
.total { font-weight: bold; }
.note { color: #444; font-size: 8pt; }
.code { font-family: 'DejaVu Sans Mono', 'Noto Sans Mono', monospace; }
"""


def code(text: str) -> str:
    """An identifier a person reads out or types back (a registration number): monospace,
    so "ff" or "fi" is never drawn as a ligature and copying it from the PDF gives it back."""
    return f'<span class="code">{esc(text)}</span>'


def page(title: str, body: str) -> str:
    return (
        '<html><head><meta charset="utf-8"><title>'
        + esc(title)
        + "</title><style>"
        + STYLE
        + "</style></head><body>"
        + body
        + "</body></html>"
    )


def kv(rows: list[tuple[str, str]]) -> str:
    """A two-column table of labels and (already escaped) values."""
    cells = "".join(
        f'<tr><td class="k" width="38%">{esc(k)}</td><td>{v}</td></tr>' for k, v in rows
    )
    return f'<table class="kv" cellspacing="0">{cells}</table>'
