"""One row of a partner's list -> the exact values the business wire accepts (issue 18): each
value is checked with its check of `rules.BUSINESS`, so an imported record is never one a
laptop's push would refuse.

- Names trimmed, their spaces collapsed; an ALL-CAPS name in title case (legal forms such as
  PT, CV and UD stay in capitals). A row without a business name is bad.
- Phones in any local form (0812-..., 62812..., +62 812..., 812... where a spreadsheet dropped
  the 0, two numbers "0812... / 0813...": the first) to E.164; a bad phone is the row's problem.
- NIB: 13 digits (spaces and dots removed); anything else is the row's problem.
- Sector and size: the keys, from their keys or common words ("Makanan", "Usaha Mikro");
  workers: a whole number ("5 orang"). Not understood: a warning, the field left empty.
- The region code: the column when it is one inside the branch's region, else found from the
  address text and the kecamatan and kelurahan columns (`regions.Resolver`); none found is a
  warning.
A cell that held a formula makes the row bad (`reading`: never evaluated, never passed on).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from agent_app.domain import identity, keys
from agent_app.domain.messages import Text
from agent_app.domain.validation.rules import BUSINESS
from sync.server.prospects import reading
from sync.server.prospects.mapping import LABELS
from sync.server.prospects.regions import Resolver

_SPACES = re.compile(r"\s+")
_UPPER_WORDS = frozenset({"PT", "CV", "UD", "KUD", "PD", "RM", "TB", "UMKM", "BUMDES", "KSP"})
_SECTOR_WORDS: dict[str, str] = {
    "makanan": "kuliner",
    "minuman": "kuliner",
    "kuliner": "kuliner",
    "warung": "kuliner",
    "food": "kuliner",
    "kerajinan": "kerajinan",
    "tenun": "kerajinan",
    "songket": "kerajinan",
    "konveksi": "kerajinan",
    "craft": "kerajinan",
    "dagang": "perdagangan",
    "perdagangan": "perdagangan",
    "toko": "perdagangan",
    "trade": "perdagangan",
    "pertanian": "pertanian",
    "tani": "pertanian",
    "perkebunan": "pertanian",
    "peternakan": "pertanian",
    "farming": "pertanian",
    "perikanan": "perikanan",
    "ikan": "perikanan",
    "nelayan": "perikanan",
    "fishing": "perikanan",
    "konstruksi": "konstruksi",
    "bangunan": "konstruksi",
    "construction": "konstruksi",
    "transportasi": "transportasi",
    "angkutan": "transportasi",
    "ojek": "transportasi",
    "transport": "transportasi",
    "jasa": "jasa",
    "salon": "jasa",
    "laundry": "jasa",
    "bengkel": "jasa",
    "services": "jasa",
    "lainnya": "lainnya",
    "other": "lainnya",
}
_SIZE_WORDS = {
    "mikro": "mikro",
    "micro": "mikro",
    "kecil": "kecil",
    "small": "kecil",
    "menengah": "menengah",
    "medium": "menengah",
    "besar": "besar",
    "large": "besar",
}
_FIRST_NUMBER = re.compile(r"^\s*(\d{1,7})(?:[.,]0+)?\b")


@dataclass(slots=True)
class Prepared:
    """A row made ready: its wire fields, its problems (the row is then left out) and its
    warnings (the row is imported; the field is left empty)."""

    number: int
    fields: dict[str, Any] = field(default_factory=dict)
    problems: list[Text] = field(default_factory=list)
    warnings: list[Text] = field(default_factory=list)

    @property
    def good(self) -> bool:
        return not self.problems


def clean_name(text: str) -> str:
    name = _SPACES.sub(" ", text).strip()
    if any(c.isalpha() for c in name) and name == name.upper():
        name = " ".join(w if w in _UPPER_WORDS else w.capitalize() for w in name.split(" "))
    return name


def phone(text: str) -> str:
    """`text` as E.164; `identity.InvalidPhone` when it is no mobile number."""
    first = re.split(r"[/,;]| atau | or ", text)[0].strip()
    digits = re.sub(r"[\s.\-()]", "", first)
    if digits.isdigit() and digits.startswith("8") and 9 <= len(digits) <= 12:
        first = "0" + digits  # a spreadsheet took the number for a number and dropped its 0
    return identity.normalize_phone(first)


def _word_choice(text: str, words: dict[str, str]) -> str | None:
    plain = re.sub(r"[^a-z ]+", " ", text.lower())
    for word in plain.split():
        if word in words:
            return words[word]
    return None


class Normaliser:
    """Rows of one upload, with its mapping (`mapping.checked`) and the branch's region."""

    def __init__(self, targets: Sequence[str], resolver: Resolver) -> None:
        self.targets = list(targets)
        self.resolver = resolver
        self.sectors = {key: key for key in keys.SECTORS} | _SECTOR_WORDS

    def prepare(self, row: reading.Row) -> Prepared:
        cells = {t: row.cells[i] for i, t in enumerate(self.targets) if t and i < len(row.cells)}
        out = Prepared(row.number)
        for cell in row.formulas:
            out.problems.append(
                Text.of("Cell {cell} holds a formula; formulas are not imported.", cell=cell)
            )
        name = clean_name(cells.get("name", ""))
        if not name:
            out.problems.append(Text.of("The business name is empty."))
        out.fields["name"] = name
        owner = clean_name(cells.get("owner_name", ""))
        if owner:
            out.fields["owner_name"] = owner
        address = _SPACES.sub(" ", cells.get("address", "")).strip()
        if address:
            out.fields["address"] = address
        self._identity(cells, out)
        self._choices(cells, out)
        self._region(cells, address, out)
        for name_of_field, value in out.fields.items():
            problem = BUSINESS.fields[name_of_field](value)
            if problem is not None and name:
                label = LABELS[name_of_field]
                out.problems.append(
                    Text.of("{field} is not valid: {problem}", field=label, problem=problem)
                )
        return out

    def _identity(self, cells: dict[str, str], out: Prepared) -> None:
        if cells.get("phone"):
            try:
                out.fields["phone"] = phone(cells["phone"])
            except identity.InvalidPhone:
                out.problems.append(
                    Text.of("The mobile number {phone} is not valid.", phone=cells["phone"])
                )
        nib = re.sub(r"[\s.\-]", "", cells.get("nib", ""))
        if nib:
            if re.fullmatch(r"\d{13}", nib):
                out.fields["nib"] = nib
            else:
                out.problems.append(Text.of("The NIB must have 13 digits."))

    def _choices(self, cells: dict[str, str], out: Prepared) -> None:
        sector_text = cells.get("sector", "")
        if sector_text:
            sector = self.sectors.get(sector_text.strip().lower()) or _word_choice(
                sector_text, self.sectors
            )
            if sector:
                out.fields["sector"] = sector
            else:
                out.warnings.append(Text.of("Sector not understood; left empty."))
        size_text = cells.get("size_class", "")
        if size_text:
            size = _word_choice(size_text, _SIZE_WORDS)
            if size:
                out.fields["size_class"] = size
            else:
                out.warnings.append(Text.of("Size not understood; left empty."))
        workers_text = cells.get("workers_count", "")
        if workers_text:
            found = _FIRST_NUMBER.match(workers_text)
            if found:
                out.fields["workers_count"] = int(found.group(1))
            else:
                out.warnings.append(Text.of("Number of workers not understood; left empty."))

    def _region(self, cells: dict[str, str], address: str, out: Prepared) -> None:
        given = re.sub(r"\s", "", cells.get("region_code", ""))
        region = self.resolver.region
        if given and identity.is_region_code(given) and given.startswith(region):
            out.fields["region_code"] = given
            return
        found = self.resolver.find(address, cells.get("kecamatan", ""), cells.get("kelurahan", ""))
        if found:
            out.fields["region_code"] = found
        elif region:
            out.warnings.append(Text.of("No region found in the address."))
