"""The columns of the server's exports (headers in Bahasa Indonesia, like the laptop's files:
the people who open them read it), read from a stored record's fields, with the masking of
personal data (`agent_app.domain.masking`: the same rule as the laptop's exports and the review
queue) and the cell rule against formulas (`agent_app.domain.cells`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent_app.domain import masking
from agent_app.domain.cells import cell_value

KINDS = ("enrollments", "businesses", "visits")
#: The record kind of each export.
ENTITY = {"enrollments": "enrollment", "businesses": "business", "visits": "visit"}


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    get: Callable[[Any], Any]
    mask: Callable[[Any], Any] | None = None  # personal data: how to show it masked


def _f(name: str) -> Callable[[Any], Any]:
    """A field of the record (the row's `fields`), "" when absent; lists joined."""

    def get(row: Any) -> Any:
        value = row.fields.get(name)
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, dict):
            return ""
        return "" if value is None else value

    return get


def _received(row: Any) -> str:
    value: dt.datetime = row.created_at
    return value.date().isoformat() if value else ""


def _year(value: Any) -> str:
    return str(value)[:4]


_COMMON_TAIL = (
    Column("Cabang", lambda r: r.branch_code or ""),
    Column("Agen", lambda r: r.owner_code or r.fields.get("registered_by") or ""),
    Column("Versi", lambda r: r.version),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "enrollments": (
        Column("ID", lambda r: r.entity_id),
        Column("Diterima server", _received),
        Column("Status", _f("status")),
        Column("NIK", _f("nik"), masking.nik),
        Column("Nama lengkap", _f("full_name"), masking.name),
        Column("Tanggal lahir", _f("birth_date"), _year),
        Column("Jenis kelamin", _f("gender")),
        Column("Nomor HP", _f("phone"), masking.phone),
        Column("Email", _f("email"), masking.email),
        Column("Alamat", _f("address"), masking.hidden),
        Column("Kode wilayah", _f("region_code")),
        Column("Pekerjaan", _f("occupation")),
        Column("Penghasilan yang dilaporkan", _f("declared_income"), masking.hidden),
        Column("Program", _f("programs")),
        Column("Periode pembayaran (bulan)", _f("period_months")),
        Column("Iuran per bulan", _f("monthly_contribution")),
        Column("Nomor kepesertaan", _f("membership_number")),
        Column("Alasan dikembalikan", _f("review_reason")),
        Column("ID usaha", _f("business_id")),
        Column("Acara", _f("event_id")),
        *_COMMON_TAIL,
    ),
    "businesses": (
        Column("ID", lambda r: r.entity_id),
        Column("Diterima server", _received),
        Column("Nama usaha", _f("name")),
        Column("Pemilik usaha", _f("owner_name")),
        Column("Nomor HP pemilik", _f("phone"), masking.phone),
        Column("Sektor", _f("sector")),
        Column("Skala usaha", _f("size_class")),
        Column("Jumlah pekerja", _f("workers_count")),
        Column("Kode wilayah", _f("region_code")),
        Column("NIB", _f("nib")),
        Column("Status", _f("status")),
        Column("Acara", _f("event_id")),
        *_COMMON_TAIL,
    ),
    "visits": (
        Column("ID", lambda r: r.entity_id),
        Column("Waktu kunjungan", _f("visited_at")),
        Column("ID usaha", _f("business_id")),
        Column("Nama usaha", lambda r: r.business_name or ""),
        Column("Cara", _f("channel")),
        Column("Hasil", _f("outcome")),
        Column("Alasan", _f("reason")),
        Column("Tindak lanjut", _f("next_follow_up")),
        Column("Acara", _f("event_id")),
        *_COMMON_TAIL,
    ),
}


def header(kind: str) -> list[str]:
    return [column.header for column in COLUMNS[kind]]


def cells(kind: str, row: Any, unmasked: bool) -> list[Any]:
    """One line of the export: each column's value, masked unless `unmasked`, every text
    made safe for a spreadsheet (a leading = + - @ tab or CR neutralised)."""
    out = []
    for column in COLUMNS[kind]:
        value = column.get(row)
        if column.mask is not None and not unmasked and value not in (None, ""):
            value = column.mask(value)
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            value = "" if value is None else str(value)
        out.append(cell_value(value))
    return out
