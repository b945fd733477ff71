"""Likely duplicates of a business (issue 18, "one record per business"): the same NIB, or the
same mobile number, or a similar name in the same district.

Names are compared after `name_key`: accents, case and punctuation gone, words sorted (so
"Pempek Molek, Cek" meets "Pempek Cek Molek"). Similarity is the Jaccard index of the two keys'
character trigrams (PostgreSQL's pg_trgm and SQLite FTS5's trigram tokenizer use the same
idea), tuned on tests/agent_app/domain/test_duplicates.py's set of realistic near-duplicates and
look-alikes that are not. A name alone is a candidate only inside one district (region code
`PP.KK.CC`); without a district on both sides it must be more similar still. The caller shows
the candidates before saving: nothing here merges or refuses anything.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from agent_app.domain import _resources, identity

#: Similarity from which a name in the same district is a likely duplicate.
SAME_DISTRICT = 0.55
#: Similarity from which a name is a likely duplicate when a district is unknown.
ANY_DISTRICT = 0.8
#: The whole names' trigram Jaccard index under which the shared own words do not count: the
#: near-duplicates of the tuning set are all above 0.5; two trades of one owner's name ("Kopi Pak
#: Molek", "Pempek Cek Molek") are near 0.25.
WHOLE_FLOOR = 0.4
#: Words many businesses' names share (resources/common_business_words.json): they make
#: "Warung Bu Sri" look like "Warung Bu Tini", so the score also compares names without them.
COMMON_WORDS: frozenset[str] = frozenset(
    _resources.load_json("common_business_words.json")["words"]
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_PHONE_SEPARATORS = re.compile(r"[\s().-]")  # identity.normalize_phone's
#: The most names one probe of `Index.find` scores (issue 15): thousands of look-alikes in one
#: district ("Usaha Uji 1", "Usaha Uji 2"... a market's numbered kiosks, or an agent doing it
#: on purpose) would otherwise make every search score thousands of names.
PROBE_LIMIT = 400
#: The most businesses `Index.find` names under one NIB, one phone or one identical name.
SAME_KEY_LIMIT = 100


@dataclass(frozen=True, slots=True)
class BusinessKey:
    """What duplicates are judged on; `phone` in any local form, `region_code` any depth."""

    id: str
    name: str
    nib: str | None = None
    phone: str | None = None
    region_code: str | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    business_id: str
    reason: str  # "nib" | "phone" | "name"
    score: float  # 1.0 for the NIB and the phone; the names' similarity otherwise


def name_key(name: str) -> str:
    """`name` without accents, case or punctuation, its words sorted."""
    if name.isascii():  # nothing to take off (most names): the same key, faster
        plain = name.lower()
    else:
        plain = unicodedata.normalize("NFKD", name)
        plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return " ".join(sorted(_NOT_WORD.sub(" ", plain).split()))


def _trigrams(key: str) -> frozenset[str]:
    padded = f"  {key} "
    return frozenset([padded[i : i + 3] for i in range(len(padded) - 2)])


@dataclass(frozen=True, slots=True)
class _Name:
    key: str
    grams: frozenset[str]  # of the whole key
    own: frozenset[str]  # of the key without the common words (empty when all are common)

    @classmethod
    def of(cls, name: str) -> _Name:
        key = name_key(name)
        own = " ".join(w for w in key.split() if w not in COMMON_WORDS)
        grams = _trigrams(key) if key else frozenset()
        return cls(key, grams, grams if own == key else _trigrams(own) if own else frozenset())


def _score(a: _Name, b: _Name) -> float:
    """The mean of the whole names' trigram Jaccard index and the containment of their own
    words' trigrams in each other ("Salon Dewi" in "Salon Dewi Cantik"); the Jaccard index
    alone when either name is all common words, or when the whole names share too little
    (under `WHOLE_FLOOR`) for one shared word to make them alike ("Kopi Pak Molek" is not
    "Pempek Cek Molek")."""
    if not a.key or not b.key:
        return 0.0
    if a.key == b.key:
        return 1.0
    shared = len(a.grams & b.grams)
    whole = shared / (len(a.grams) + len(b.grams) - shared)
    if not a.own or not b.own or whole < WHOLE_FLOOR:
        return whole
    contained = len(a.own & b.own) / min(len(a.own), len(b.own))
    return (whole + contained) / 2


def similarity(a: str, b: str) -> float:
    """How alike two business names are, 0 to 1 (1: the same words in any order)."""
    return _score(_Name.of(a), _Name.of(b))


def _phone(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return identity.normalize_phone(text)
    except ValueError:
        return None


def _phone_local(text: str | None) -> str | None:
    """The number as `identity.normalize_phone` reads it before judging it (separators gone,
    +62/62 written 0): two phones are the same number exactly when these are equal, and one
    is valid exactly when the other is; without lokal-id's parsing, so cheap to index."""
    if not text:
        return None
    raw = _PHONE_SEPARATORS.sub("", str(text))
    if raw.startswith("+62"):
        return "0" + raw[3:]
    return "0" + raw[2:] if raw.startswith("62") else raw


def find(new: BusinessKey, existing: Iterable[BusinessKey]) -> list[Candidate]:
    """The likely duplicates of `new` among `existing` (never itself), the surest first."""
    phone, district, name = (
        _phone(new.phone),
        identity.district_of(new.region_code),
        _Name.of(new.name),
    )
    found: list[Candidate] = []
    for other in existing:
        if other.id == new.id:
            continue
        if new.nib and other.nib == new.nib:
            found.append(Candidate(other.id, "nib", 1.0))
        elif phone and _phone(other.phone) == phone:
            found.append(Candidate(other.id, "phone", 1.0))
        elif name.key:
            score = _score(name, _Name.of(other.name))
            other_district = identity.district_of(other.region_code)
            same = district is not None and district == other_district
            unknown = district is None or other_district is None
            if (same and score >= SAME_DISTRICT) or (unknown and score >= ANY_DISTRICT):
                found.append(Candidate(other.id, "name", round(score, 3)))
    return sorted(found, key=lambda c: -c.score)


class Index:
    """`find` over many businesses at once (an import of thousands of rows, a server's branch):
    the same candidates in the same order, without comparing every pair. Businesses are looked
    up by NIB and phone directly, and by name through their trigrams, per district: a name is
    scored only against the names of its own district that share enough trigrams with it, and
    against the names without a district (or, without one itself, all names) that share one of
    its rarest trigrams (a prefix filter: a pair this similar must share one of them). Add a
    business once it is decided (`add`), so later rows of one file meet earlier ones too.

    The work of one `find` is bounded whatever the names (issue 15): a probe scores at most
    `PROBE_LIMIT` names, walking the rarest trigrams first, and a NIB, a phone or an identical
    name (looked up directly, never scored) gives at most `SAME_KEY_LIMIT` businesses each, the
    oldest. Below these bounds the answer is exactly `find`'s (on the benchmark's crowded
    branch, where some probes reach the bound, no answer changed: docs/benchmarks.md). When
    a probe reaches its bound, the names it did not score are given up: a similar (not
    identical) name that shares with the new one only trigrams that thousands of other names
    share may be missed; an identical name never is (up to `SAME_KEY_LIMIT`), and every
    candidate returned is a true one with its true score."""

    def __init__(self, existing: Iterable[BusinessKey] = ()) -> None:
        self._order: dict[str, int] = {}
        self._names: dict[str, _Name] = {}
        self._districts: dict[str, str | None] = {}
        self._by_nib: dict[str, list[str]] = {}
        self._by_phone: dict[str, list[str]] = {}
        #: district (None: unknown) -> name key -> ids; and name key -> ids of every district.
        self._same_name: dict[str | None, dict[str, list[str]]] = {}
        self._same_name_everywhere: dict[str, list[str]] = {}
        #: district (None: unknown) -> trigram -> ids; and trigram -> ids of every district.
        self._by_district: dict[str | None, dict[str, list[str]]] = {}
        #: (Built at the first name without a district looked up: most indexes never need it.)
        self._everywhere: dict[str, list[str]] | None = None
        for key in existing:
            self.add(key)

    def __len__(self) -> int:
        return len(self._order)

    def add(self, key: BusinessKey) -> None:
        if key.id in self._order:
            return
        self._order[key.id] = len(self._order)
        name = _Name.of(key.name)
        district = identity.district_of(key.region_code)
        self._names[key.id] = name
        self._districts[key.id] = district
        if key.nib:
            self._by_nib.setdefault(key.nib, []).append(key.id)
        local_phone = _phone_local(key.phone)  # judged at `find`, for the phone looked up
        if local_phone:
            self._by_phone.setdefault(local_phone, []).append(key.id)
        if name.key:
            self._same_name.setdefault(district, {}).setdefault(name.key, []).append(key.id)
            self._same_name_everywhere.setdefault(name.key, []).append(key.id)
        local = self._by_district.setdefault(district, {})
        for gram in name.grams:
            local.setdefault(gram, []).append(key.id)
        if self._everywhere is not None:
            for gram in name.grams:
                self._everywhere.setdefault(gram, []).append(key.id)

    def find(self, new: BusinessKey) -> list[Candidate]:
        """What `find(new, <every business added>)` returns."""
        found: dict[str, Candidate] = {}
        if new.nib:
            self._same(new.id, "nib", self._by_nib.get(new.nib, ()), found)
        if _phone(new.phone):  # a valid number: so are those of the same local form
            same_phone = self._by_phone.get(_phone_local(new.phone) or "", [])
            self._same(new.id, "phone", same_phone, found)
        name = _Name.of(new.name)
        if name.key:
            district = identity.district_of(new.region_code)
            if district is not None:
                for place in (district, None):
                    named = self._same_name.get(place, {}).get(name.key, ())
                    self._same(new.id, "name", named, found)
                local = self._by_district.get(district, {})
                self._probe(new.id, name, local, SAME_DISTRICT, found)
                unknown = self._by_district.get(None, {})
                self._probe(new.id, name, unknown, ANY_DISTRICT, found)
            else:
                named = self._same_name_everywhere.get(name.key, ())
                self._same(new.id, "name", named, found)
                self._probe(new.id, name, self._every_district(), ANY_DISTRICT, found)
        found.pop(new.id, None)
        return sorted(found.values(), key=lambda c: (-c.score, self._order[c.business_id]))

    def _every_district(self) -> dict[str, list[str]]:
        """Trigram -> ids of every district, oldest first."""
        if self._everywhere is None:
            self._everywhere = {}
            for other, name in self._names.items():
                for gram in name.grams:
                    self._everywhere.setdefault(gram, []).append(other)
        return self._everywhere

    @staticmethod
    def _same(new_id: str, reason: str, ids: Iterable[str], found: dict[str, Candidate]) -> None:
        """The (at most `SAME_KEY_LIMIT`, oldest) businesses of one NIB, phone or name key."""
        taken = 0
        for other in ids:
            if other == new_id:
                continue
            found.setdefault(other, Candidate(other, reason, 1.0))
            taken += 1
            if taken == SAME_KEY_LIMIT:
                return

    def _probe(
        self,
        new_id: str,
        name: _Name,
        postings: dict[str, list[str]],
        threshold: float,
        found: dict[str, Candidate],
    ) -> None:
        """Scores the names of `postings` that can reach `threshold` against `name`.

        A score of at least t needs a whole-name Jaccard index of at least
        f = max(2t - 1, WHOLE_FLOOR) (the mean with a containment of at most 1; under the
        floor the Jaccard index is the score), so at least s = ceil(f * |grams|) shared
        trigrams: any |grams| - s + 1 of them hold one of those (a prefix filter). The rarest
        are probed, so the trigrams of "warung" or "toko" are seldom walked. At most
        `PROBE_LIMIT` names are scored (the class's docstring says what is given up)."""
        floor = max(2 * threshold - 1, WHOLE_FLOOR)
        needed = max(1, math.ceil(floor * len(name.grams) - 1e-9))
        rarest = sorted(name.grams, key=lambda g: len(postings.get(g, ())))
        seen: set[str] = set()
        for gram in rarest[: len(name.grams) - needed + 1]:
            for other in postings.get(gram, ()):
                if other in seen or other in found or other == new_id:
                    continue
                if len(seen) == PROBE_LIMIT:
                    return
                seen.add(other)
                score = _score(name, self._names[other])
                if score >= threshold:
                    found[other] = Candidate(other, "name", round(score, 3))
