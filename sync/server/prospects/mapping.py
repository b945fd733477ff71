"""Which column of a partner's list fills which field of a business (issue 18): guessed from the
headers, in Indonesian and English, any case, spacing and punctuation ("Nama Usaha", "No. HP",
"Kelurahan/Desa"); the supervisor can change it, and the mapping used is remembered per source
(`prospect_source.mapping`, {header: field}) and proposed for that source's next list.

The targets are the wire's business fields a list may fill (`FIELDS`) and two helpers that are
not stored but find the region code: `kecamatan` and `kelurahan`. A field is filled by one
column at most (the first)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from agent_app.domain.messages import Text

FIELDS: tuple[str, ...] = (
    "name",
    "owner_name",
    "phone",
    "address",
    "region_code",
    "nib",
    "sector",
    "size_class",
    "workers_count",
)
HELPERS: tuple[str, ...] = ("kecamatan", "kelurahan")
TARGETS: tuple[str, ...] = FIELDS + HELPERS

LABELS: Mapping[str, Text] = {
    "name": Text.of("Business name"),
    "owner_name": Text.of("Owner"),
    "phone": Text.of("Mobile number"),
    "address": Text.of("Address"),
    "region_code": Text.of("Region code"),
    "nib": Text.of("NIB"),
    "sector": Text.of("Sector"),
    "size_class": Text.of("Size"),
    "workers_count": Text.of("Number of workers"),
    "kecamatan": Text.of("Kecamatan (for the region)"),
    "kelurahan": Text.of("Kelurahan or desa (for the region)"),
}

#: Headers as `header_key` writes them; exact matches first, then the first word set that a
#: header contains, in this order: "No HP Pemilik" is a phone and "Alamat Usaha" an address
#: before "Pemilik" is the owner and "Nama" the name.
_EXACT: Mapping[str, str] = {
    "nama": "name",
    "name": "name",
    "usaha": "name",
    "umkm": "name",
    "hp": "phone",
    "wa": "phone",
    "kontak": "phone",
    "contact": "phone",
    "kode wilayah": "region_code",
    "kode kemendagri": "region_code",
    "region": "region_code",
    "kel": "kelurahan",
    "kec": "kecamatan",
}
_CONTAINS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("hp",), "phone"),
    (("wa",), "phone"),
    (("whatsapp",), "phone"),
    (("telepon",), "phone"),
    (("telp",), "phone"),
    (("tlp",), "phone"),
    (("phone",), "phone"),
    (("handphone",), "phone"),
    (("ponsel",), "phone"),
    (("alamat",), "address"),
    (("address",), "address"),
    (("pemilik",), "owner_name"),
    (("owner",), "owner_name"),
    (("penanggung", "jawab"), "owner_name"),
    (("nama", "pelaku"), "owner_name"),
    (("nib",), "nib"),
    (("nomor", "induk", "berusaha"), "nib"),
    (("kode", "wilayah"), "region_code"),
    (("region", "code"), "region_code"),
    (("kecamatan",), "kecamatan"),
    (("district",), "kecamatan"),
    (("kelurahan",), "kelurahan"),
    (("desa",), "kelurahan"),
    (("village",), "kelurahan"),
    (("karyawan",), "workers_count"),
    (("pekerja",), "workers_count"),
    (("tenaga", "kerja"), "workers_count"),
    (("workers",), "workers_count"),
    (("employees",), "workers_count"),
    (("jenis", "usaha"), "sector"),
    (("bidang",), "sector"),
    (("sektor",), "sector"),
    (("sector",), "sector"),
    (("kategori",), "sector"),
    (("skala",), "size_class"),
    (("size",), "size_class"),
    (("ukuran",), "size_class"),
    (("nama", "usaha"), "name"),
    (("nama", "umkm"), "name"),
    (("nama", "toko"), "name"),
    (("business",), "name"),
    (("usaha",), "name"),
    (("umkm",), "name"),
    (("nama",), "name"),
    (("name",), "name"),
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def header_key(header: str) -> str:
    """`header` lower case, its punctuation gone, its spaces collapsed ("No. HP/WA" -> "no hp
    wa")."""
    return " ".join(_NOT_WORD.sub(" ", header.lower()).split())


def guess_one(header: str) -> str | None:
    key = header_key(header)
    if key in _EXACT:
        return _EXACT[key]
    words = set(key.split())
    for needed, target in _CONTAINS:
        if words.issuperset(needed):
            return target
    return None


def propose(headers: Sequence[str], remembered: Mapping[str, str] | None = None) -> list[str]:
    """Each column's target ("" to leave it out): the source's remembered mapping for a header
    it knows, a guess otherwise; each target once (the first column)."""
    remembered = remembered or {}
    chosen: list[str] = []
    for header in headers:
        target = remembered.get(header)
        if target is None:
            target = guess_one(header) or ""
        if target not in TARGETS or target in chosen:
            target = ""
        chosen.append(target)
    return chosen


def checked(headers: Sequence[str], chosen: Sequence[str]) -> tuple[list[str], Text | None]:
    """The supervisor's choice cleaned (unknown targets left out); a problem when no column is
    the name or one field is chosen twice."""
    clean = [c if c in TARGETS else "" for c in list(chosen)[: len(headers)]]
    clean += [""] * (len(headers) - len(clean))
    used = [c for c in clean if c]
    if len(used) != len(set(used)):
        return clean, Text.of("Each field may come from one column only.")
    if "name" not in used:
        return clean, Text.of("Choose the column that holds the business name.")
    return clean, None


def as_remembered(headers: Sequence[str], chosen: Sequence[str]) -> dict[str, str]:
    """What `prospect_source.mapping` keeps: {header: target} of every column (left out: "")."""
    return {header: target for header, target in zip(headers, chosen, strict=False)}
