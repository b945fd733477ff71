"""A 1.1 consent's text (SYNC_PROTOCOL.md "Consent texts"): an enrollment whose consent
carries `text_sha256` is rejected `invalid_field` (`consent`) unless its `text_version` is
published and the hash is that version's text in one of its languages. A 1.0 consent (no
hash) passes as before. The text the app ships with (`agent_app.domain.consent_texts`,
shown by a laptop that has pulled none) counts as published under its version.

Cheap: only an op carrying a hash looks anything up, by primary key (a version's two
language records, `text_id`) once per batch and version, through the batch's own
record cache: a batch of enrollments with the same version reads them once. A published
text never changes (the publisher refuses), so what the batch read stays true for it.
"""

from __future__ import annotations

import uuid
import weakref
from typing import TYPE_CHECKING, Any

from agent_app.domain import consent_texts, keys
from sync.server.push.records import Outcome, rejected

if TYPE_CHECKING:
    from sync.server.push.batch import Batch

ENTITY = "consent_text"
#: The entities that record a person's consent to a published text.
_CONSENTED = ("enrollment", keys.EMPLOYER_REGISTRATION)
LANGUAGES = ("id", "en")
#: Per batch (under its write lock, so no publication interleaves): version -> hashes.
_SEEN: weakref.WeakKeyDictionary[Any, dict[str, frozenset[str]]] = weakref.WeakKeyDictionary()
#: The hashes of the text the app ships with (`domain.consent_texts`): published from the
#: start under its version, in both languages.
_SHIPPED = frozenset(text.sha256 for text in consent_texts.SHIPPED.values())


def text_id(version: str, language: str) -> str:
    """The record id of a version's text in a language (the same on every server)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"perisai-consent-text:{version}:{language}"))


def judge(batch: Batch, entity: str, fields: dict[str, Any]) -> Outcome | None:
    """Why the enrollment's (or employer registration's) consent cannot be accepted, or None
    (also for other entities, and for an update that does not touch the consent)."""
    consent = fields.get("consent") if entity in _CONSENTED else None
    if not isinstance(consent, dict) or consent.get("text_sha256") is None:
        return None
    version, sha256 = str(consent.get("text_version")), consent["text_sha256"]
    if version == consent_texts.SHIPPED_VERSION and sha256 in _SHIPPED:
        return None  # the text the app ships with, shown by a laptop that never synced
    published = _published(batch, version)
    if not published:
        return rejected("invalid_field", "consent", "The consent text's version is not published.")
    if sha256 not in published:
        return rejected(
            "invalid_field",
            "consent",
            "The consent text's hash is not that of the published text of its version.",
        )
    return None


def _published(batch: Batch, version: str) -> frozenset[str]:
    """The hashes of `version`'s published texts, read once per batch (a miss too: a version
    published in one language only is not looked up again for every op)."""
    seen = _SEEN.setdefault(batch, {})
    if version not in seen:
        ids = [text_id(version, language) for language in LANGUAGES]
        batch.load_records(ids)
        seen[version] = frozenset(
            str(rec.fields.get("sha256"))
            for rec in (batch.records.get(i) for i in ids)
            if rec is not None and rec.entity == ENTITY and not rec.deleted
        )
    return seen[version]
