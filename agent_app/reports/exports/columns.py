"""The columns of each export (headers in Bahasa Indonesia, how to read each value from a
record, how to mask personal data) and the rows they make of the records read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from agent_app.domain import keys
from agent_app.services import masking
from agent_app.services.export_request import ExportRequest, Kind, iso_date


@dataclass(frozen=True, slots=True)
class Column:
    header: str  # Bahasa Indonesia: the people who open these files read it
    get: Callable[[Any], Any]
    mask: Callable[[Any], Any] | None = None  # personal data: how to show it masked
    number_format: str | None = None  # XLSX number format for amounts


def _label(section: str) -> Callable[[Any], str]:
    return lambda key: keys.label(section, key) if key else ""


_OUTCOMES = {
    "interested": "Tertarik",
    "follow_up": "Perlu tindak lanjut",
    "enrolled": "Mendaftar",
    "declined": "Menolak",
}
_CHANNELS = {"door_to_door": "Door-to-door", "booth": "Booth", "phone": "Telepon"}
_BUSINESS_STATUS = {
    "prospect": "Prospek",
    "contacted": "Sudah dihubungi",
    "enrolled": "Mendaftar",
    "declined": "Menolak",
}
ENROLLMENT_STATUS = {
    "draft": "Draf",
    "submitted": "Diajukan",
    "accepted": "Diterima",
    "needs_correction": "Perlu perbaikan",
}
_SIZE = {"mikro": "Mikro", "kecil": "Kecil", "menengah": "Menengah", "besar": "Besar"}
_GENDER = {"M": "Laki-laki", "F": "Perempuan"}
RUPIAH = '"Rp"#,##0'


BUSINESS_COLUMNS: tuple[Column, ...] = (
    Column("ID", lambda r: r.id),
    Column("Tanggal daftar", lambda r: (r.created_at or "")[:10]),
    Column("Nama usaha", lambda r: r.name),
    Column("Pemilik usaha", lambda r: r.owner_name or ""),
    Column("Nomor HP pemilik", lambda r: r.phone or "", masking.phone),
    Column("Sektor", lambda r: _label("sectors")(r.sector)),
    Column("Skala usaha", lambda r: _SIZE.get(r.size_class or "", r.size_class or "")),
    Column("Jumlah pekerja", lambda r: r.workers_count),
    Column("Kode wilayah", lambda r: r.region_code or ""),
    Column("NIB", lambda r: r.nib or ""),
    Column("Status", lambda r: _BUSINESS_STATUS.get(r.status, r.status)),
    Column("Kunjungan terakhir", lambda r: (r.last_visit_at or "")[:10]),
    Column("Tindak lanjut", lambda r: iso_date(r.next_follow_up)),
    Column("Acara", lambda r: r.event_id or ""),
    Column("Didaftarkan oleh", lambda r: r.registered_by or ""),
    Column("Status sinkronisasi", lambda r: r.sync_state or ""),
)

VISIT_COLUMNS: tuple[Column, ...] = (
    Column("ID", lambda r: r[0].id),
    Column("Waktu kunjungan", lambda r: r[0].visited_at),
    Column("ID usaha", lambda r: r[0].business_id),
    Column("Nama usaha", lambda r: r[1] or ""),
    Column("Cara", lambda r: _CHANNELS.get(r[0].channel, r[0].channel)),
    Column("Hasil", lambda r: _OUTCOMES.get(r[0].outcome, r[0].outcome)),
    Column("Alasan", lambda r: r[0].reason or ""),
    Column("Tindak lanjut", lambda r: iso_date(r[0].next_follow_up)),
    Column("Acara", lambda r: r[0].event_id or ""),
    Column("Agen", lambda r: r[0].agent_code or ""),
    Column("Status sinkronisasi", lambda r: r[0].sync_state or ""),
)

ENROLLMENT_COLUMNS: tuple[Column, ...] = (
    Column("ID", lambda r: r.id),
    Column("Tanggal", lambda r: _enrollment_day(r)),
    Column("Status", lambda r: ENROLLMENT_STATUS.get(r.status, r.status)),
    Column("NIK", lambda r: r.nik or "", masking.nik),
    Column("Nama lengkap", lambda r: r.full_name or "", masking.name),
    Column("Tanggal lahir", lambda r: iso_date(r.birth_date), lambda v: v[:4]),
    Column("Jenis kelamin", lambda r: _GENDER.get(r.gender or "", "")),
    Column("Nomor HP", lambda r: r.phone or "", masking.phone),
    Column("Email", lambda r: r.email or "", masking.email),
    Column("Alamat", lambda r: r.address or "", masking.hidden),
    Column("Kode wilayah", lambda r: r.region_code or ""),
    Column("Pekerjaan", lambda r: _label("occupations")(r.occupation)),
    Column(
        "Penghasilan yang dilaporkan",
        lambda r: r.declared_income,
        masking.hidden,
        RUPIAH,
    ),
    Column("Program", lambda r: ", ".join(r.programs or ())),
    Column("Periode pembayaran (bulan)", lambda r: r.period_months),
    Column("Iuran per bulan", lambda r: r.monthly_contribution, None, RUPIAH),
    Column("Dibayar APBN/APBD", lambda r: "Ya" if r.paid_by_state else "Tidak"),
    Column("Nomor kepesertaan", lambda r: r.membership_number or ""),
    Column("ID usaha", lambda r: r.business_id or ""),
    Column("Acara", lambda r: r.event_id or ""),
    Column("Agen", lambda r: r.agent_code or ""),
    Column("Status sinkronisasi", lambda r: r.sync_state or ""),
)

COLUMNS: dict[Kind, tuple[Column, ...]] = {
    Kind.BUSINESSES: BUSINESS_COLUMNS,
    Kind.VISITS: VISIT_COLUMNS,
    Kind.ENROLLMENTS: ENROLLMENT_COLUMNS,
}
SHEET_TITLES = {Kind.BUSINESSES: "Usaha", Kind.VISITS: "Kunjungan", Kind.ENROLLMENTS: "Pendaftaran"}


def _enrollment_day(row: Any) -> str:
    return (row.submitted_at or row.created_at or "")[:10]


def format_rows(
    kind: Kind, records: Iterable[Any], unmasked: bool
) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows of an export of `records`, masked unless `unmasked`."""
    columns = COLUMNS[kind]
    out: list[list[Any]] = []
    for record in records:
        row = []
        for column in columns:
            value = column.get(record)
            if column.mask is not None and not unmasked:
                value = column.mask(value) if value not in (None, "") else ""
            row.append(value)
        out.append(row)
    return [c.header for c in columns], out


def describe(request: ExportRequest, agent_code: str, rows: int) -> list[tuple[str, str]]:
    return [
        ("Laporan", SHEET_TITLES[request.kind]),
        ("Dari tanggal", iso_date(request.start) or "-"),
        ("Sampai tanggal", iso_date(request.end) or "-"),
        ("Acara", request.event_id or "-"),
        ("Data pribadi", "tidak disamarkan" if request.unmasked else "disamarkan"),
        ("Jumlah baris", str(rows)),
        ("Dibuat oleh", agent_code),
        ("Dibuat pada", dt.datetime.now().astimezone().isoformat(timespec="seconds")),
    ]
