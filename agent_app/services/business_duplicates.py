"""One record per business (issue 18): before a new business is saved, the businesses this
laptop holds that it likely duplicates (the same NIB, the same mobile number in any local form,
a similar name in the same district, or a very similar one when a district is unknown).

The storage narrows the candidates in SQL (indexes on NIB, phone and region code, the names'
trigram index), so the check stays fast with tens of thousands of businesses; the domain
(`agent_app.domain.duplicates.find`) judges them. Nothing here refuses or merges anything: the
form shows the candidates and the agent chooses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agent_app.domain import duplicates, identity
from agent_app.storage.rows import BusinessBrief
from agent_app.storage.uow import SqlUnitOfWork

__all__ = ["BusinessBrief", "DuplicateCandidate", "likely_duplicates"]

#: How many candidates the form shows at most (the surest first).
SHOWN = 5


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    business: BusinessBrief
    reason: str  # "nib" | "phone" | "name"
    score: float


def _phones(text: str | None) -> list[str]:
    """The forms a stored phone may take: E.164 (how the app stores it), 08..., 628..."""
    if not text:
        return []
    try:
        e164 = identity.normalize_phone(text)
    except ValueError:
        return [text]
    local = e164[3:]
    return [e164, "0" + local, "62" + local]


def name_words(name: str) -> list[str]:
    """The words a business without a district must share with the name to be compared with
    it: its own words of three letters or more (not the common ones, "warung", "toko"; all of
    them when every word is common). A name very similar to it (score 0.8 and more) shares
    most of its own words' letters, so in practice one of these words; the trigram index
    finds them anywhere in a name ("molek" in "Pempek Molek, Cek")."""
    words = [w for w in duplicates.name_key(name).split() if len(w) >= 3]
    own = [w for w in words if w not in duplicates.COMMON_WORDS]
    return sorted(set(own or words))


def likely_duplicates(
    uow: SqlUnitOfWork, fields: Mapping[str, Any], limit: int = SHOWN
) -> list[DuplicateCandidate]:
    """The businesses a new one with these wire `fields` likely duplicates, the surest first
    (at most `limit`); [] when there are none."""
    name = str(fields.get("name") or "")
    new = duplicates.BusinessKey(
        id="",
        name=name,
        nib=fields.get("nib") or None,
        phone=fields.get("phone") or None,
        region_code=fields.get("region_code") or None,
    )
    with uow:
        found = uow.businesses.duplicate_candidates(
            nib=new.nib,
            phones=_phones(new.phone),
            district=identity.district_of(new.region_code),
            name_words=name_words(name),
        )
    by_id = {b.id: b for b in found}
    keys = [duplicates.BusinessKey(b.id, b.name, b.nib, b.phone, b.region_code) for b in found]
    return [
        DuplicateCandidate(by_id[c.business_id], c.reason, c.score)
        for c in duplicates.find(new, keys)[:limit]
    ]
