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

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from agent_app.domain import _resources, identity

#: Similarity from which a name in the same district is a likely duplicate.
SAME_DISTRICT = 0.55
#: Similarity from which a name is a likely duplicate when a district is unknown.
ANY_DISTRICT = 0.8
#: Words many businesses' names share (resources/common_business_words.json): they make
#: "Warung Bu Sri" look like "Warung Bu Tini", so the score also compares names without them.
COMMON_WORDS: frozenset[str] = frozenset(
    _resources.load_json("common_business_words.json")["words"]
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")


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
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return " ".join(sorted(_NOT_WORD.sub(" ", plain).split()))


def _trigrams(key: str) -> frozenset[str]:
    padded = f"  {key} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


@dataclass(frozen=True, slots=True)
class _Name:
    key: str
    grams: frozenset[str]  # of the whole key
    own: frozenset[str]  # of the key without the common words (empty when all are common)

    @classmethod
    def of(cls, name: str) -> _Name:
        key = name_key(name)
        own = " ".join(w for w in key.split() if w not in COMMON_WORDS)
        return cls(
            key, _trigrams(key) if key else frozenset(), _trigrams(own) if own else frozenset()
        )


def _score(a: _Name, b: _Name) -> float:
    """The mean of the whole names' trigram Jaccard index and the containment of their own
    words' trigrams in each other ("Salon Dewi" in "Salon Dewi Cantik"); the Jaccard index
    alone when either name is all common words."""
    if not a.key or not b.key:
        return 0.0
    if a.key == b.key:
        return 1.0
    whole = len(a.grams & b.grams) / len(a.grams | b.grams)
    if not a.own or not b.own:
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


def _district(region_code: str | None) -> str | None:
    parts = (region_code or "").split(".")
    return ".".join(parts[:3]) if len(parts) >= 3 else None


def find(new: BusinessKey, existing: Iterable[BusinessKey]) -> list[Candidate]:
    """The likely duplicates of `new` among `existing` (never itself), the surest first."""
    phone, district, name = _phone(new.phone), _district(new.region_code), _Name.of(new.name)
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
            other_district = _district(other.region_code)
            same = district is not None and district == other_district
            unknown = district is None or other_district is None
            if (same and score >= SAME_DISTRICT) or (unknown and score >= ANY_DISTRICT):
                found.append(Candidate(other.id, "name", round(score, 3)))
    return sorted(found, key=lambda c: -c.score)
