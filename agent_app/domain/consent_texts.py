"""The consent text this app ships with (UU PDP 27/2022: proof of which words the worker
agreed to), in both languages, with its version and SHA-256: what the enrollment form shows
on a laptop that has pulled no published text yet (SYNC_PROTOCOL.md 1.1 "Consent texts"),
and what the server accepts as published under `SHIPPED_VERSION` without a publication.

These words are a legal text, not interface wording: they do not go through the message
catalogue (a translation fix there must not change what a consent's hash proves)."""

from __future__ import annotations

import datetime as dt
import hashlib

from agent_app.domain import records

#: The version the form has shown since 1.0 (`consent.text_version` of its enrollments).
SHIPPED_VERSION = "persetujuan-bpu-2026.1"
SHIPPED_FROM = dt.date(2026, 1, 1)
_SHIPPED_WORDS = {
    "id": (
        "Bacakan atau jelaskan kepada pekerja: BPJS Ketenagakerjaan menyimpan data pada "
        "formulir ini (identitas, kontak, pekerjaan dan penghasilan yang dilaporkan) untuk "
        "mendaftarkan dan melayani peserta, selama kepesertaan berlaku dan sesuai ketentuan "
        "hukum. Pekerja berhak melihat, memperbaiki, atau meminta penghapusan datanya."
    ),
    "en": (
        "Read or explain to the worker: BPJS Ketenagakerjaan keeps the data on this form "
        "(identity, contact, occupation and declared income) to register and serve the "
        "participant, for as long as the membership lasts and as the law requires. The "
        "worker may see, correct or ask to delete their data."
    ),
}
LANGUAGES = ("id", "en")


def sha256(text: str) -> str:
    """The SHA-256 (lowercase hex) of a consent text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: The shipped text in each language.
SHIPPED: dict[str, records.ConsentText] = {
    language: records.ConsentText(SHIPPED_VERSION, language, words, sha256(words), SHIPPED_FROM)
    for language, words in _SHIPPED_WORDS.items()
}
