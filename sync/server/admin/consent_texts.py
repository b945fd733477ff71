"""Published consent texts (SYNC_PROTOCOL.md 1.1 "Consent texts"): the words a worker agrees
to, published by the central office from the command line (`publish-consent-text`) or the
console, pulled by every laptop (`consent_text`, branch-less), and the reference the push
check holds a 1.1 consent's `text_sha256` against (sync/server/push/consent.py).

A text is identified by its version and language (`text_id`, a uuid5) and is immutable once
published: publishing the same text again changes nothing; another text under the same
version and language is refused (publish a new version instead), since enrollments already
record its hash.

The text is kept as given, with one change: line endings become `\\n`. A browser submits a
textarea with `\\r\\n` and a file edited on Windows has them too; without this the same words
would get a different hash depending on where they were pasted. The hash is of the stored
text, exactly what the laptops pull and show. NUL and other control characters (but tab and
newline), bidirectional controls (which can make a text display other than it reads) and a
byte-order mark are refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import consent_texts as shipped_texts
from agent_app.domain.messages import Text
from sync import protocol
from sync.server import db
from sync.server.admin.common import FieldError, lock_seq, put_record, record_action
from sync.server.admin.events import check_day
from sync.server.push.consent import ENTITY, LANGUAGES, text_id

TEXT_MAX = 20_000
VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
#: Bidirectional controls (embeddings, overrides, isolates, marks) and the byte-order mark.
_REFUSED = frozenset(
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)


def check_version(version: str) -> str:
    version = (version or "").strip()
    if not version:
        raise FieldError("version", Text.of("This field is required."))
    if not VERSION.fullmatch(version):
        raise FieldError(
            "version",
            Text.of("A version is letters, digits, dots, dashes or underscores (e.g. 2026.1)."),
        )
    return version


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise FieldError("language", Text.of("The language is id or en."))
    return language


def check_consent_text(text: str, field: str = "text") -> str:
    """The text as it will be stored (line endings `\\n`), or FieldError on `field`."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise FieldError(field, Text.of("This field is required."))
    if len(text) > TEXT_MAX:
        raise FieldError(field, Text.of("At most {count} characters.", count=TEXT_MAX))
    for ch in text:
        if (ord(ch) < 32 and ch not in "\t\n") or ord(ch) == 127 or ch in _REFUSED:
            raise FieldError(
                field,
                Text.of(
                    "The text holds a hidden control character (U+{code}); remove it.",
                    code=f"{ord(ch):04X}",
                ),
            )
    return text


def consent_view(row: Any) -> dict[str, Any]:
    fields = row.fields
    return {
        "id": row.entity_id,
        "version": fields["version"],
        "language": fields["language"],
        "text": fields["text"],
        "sha256": fields["sha256"],
        "effective_from": dt.date.fromisoformat(fields["effective_from"]),
        "published_at": row.created_at,
    }


def publish(
    engine: Engine,
    version: str,
    texts: Mapping[str, str],
    effective_from: str | dt.date,
    by: str | None = None,
) -> list[tuple[dict[str, Any], bool]]:
    """Publishes `texts` (language -> text; one or both of `LANGUAGES`) as `version`, in
    effect from `effective_from`, in one transaction; returns each one's view and whether it
    was new (False: the very same text and date were already published). FieldError, before
    anything is written, for bad input (a text's field is `text_<language>`) or another text
    under the same version and language. `by`: the console's account (None: the command
    line's operator)."""
    version = check_version(version)
    start = check_day("effective_from", effective_from)
    wanted = {check_language(lang): text for lang, text in texts.items()}
    if not any((text or "").strip() for text in wanted.values()):
        raise FieldError(f"text_{LANGUAGES[0]}", Text.of("Give the text in at least one language."))
    records = {}
    for language, text in wanted.items():
        if not (text or "").strip() and len(wanted) > 1:
            continue  # the console's other language left empty
        stored = check_consent_text(text, f"text_{language}")
        shipped = shipped_texts.SHIPPED[language]
        if version == shipped.version and stored != shipped.text:
            raise FieldError(
                "version",
                Text.of(
                    "Version {version} is the app's own text; give another version.",
                    version=version,
                ),
            )
        fields = {
            "version": version,
            "language": language,
            "text": stored,
            "sha256": protocol.consent_text_sha256(stored),
            "effective_from": start.isoformat(),
        }
        protocol.ConsentTextFields.model_validate(fields)  # what every laptop will parse
        records[text_id(version, language)] = fields
    with db.write_transaction(engine) as conn:
        lock_seq(conn)  # one publisher at a time: the checks below hold until commit
        return [_put(conn, entity_id, fields, by) for entity_id, fields in records.items()]


def _put(
    conn: sa.Connection, entity_id: str, fields: dict[str, Any], by: str | None
) -> tuple[dict[str, Any], bool]:
    table = db.table(db.Record)
    row = conn.execute(sa.select(table).where(table.c.entity_id == entity_id)).first()
    if row is not None:
        if row.fields == fields:
            return consent_view(row), False
        raise FieldError(
            "version",
            Text.of(
                "Version {version} ({language}) is already published with other words or "
                "another date; a published text cannot change: give it a new version.",
                version=fields["version"],
                language=fields["language"],
            ),
        )
    record_action(
        conn,
        "publish-consent-text",
        entity_id,
        by=by,
        version=fields["version"],
        language=fields["language"],
        sha256=fields["sha256"],
    )
    put_record(conn, ENTITY, entity_id, None, None, fields)
    row = conn.execute(sa.select(table).where(table.c.entity_id == entity_id)).one()
    return consent_view(row), True


def list_texts(engine: Engine) -> list[dict[str, Any]]:
    """Every published text, the most recently published first."""
    table = db.table(db.Record)
    query = (
        sa.select(table)
        .where(table.c.entity == ENTITY, table.c.deleted.is_(False))
        .order_by(table.c.server_seq.desc())
    )
    with engine.connect() as conn:
        return [consent_view(row) for row in conn.execute(query)]


def publish_command(
    engine: Engine, version: str, language: str, text: str, effective_from: str
) -> str:
    """The command line's `publish-consent-text`: the line it prints."""
    [(view, new)] = publish(engine, version, {language: text}, effective_from)
    what = "published" if new else "already published, unchanged:"
    return (
        f"{what} consent text {view['version']} ({view['language']}), sha256 {view['sha256']}, "
        f"in effect from {view['effective_from']}"
    )
