"""The consent texts the central office published, pulled (table `consent_texts`): the one in
effect on a day in a language, and a version's text."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.domain import records
from agent_app.storage import tables


def _record(row: tables.ConsentText) -> records.ConsentText:
    return records.ConsentText(row.version, row.language, row.text, row.sha256, row.effective_from)


class ConsentTextRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert(self, entity_id: str, text: records.ConsentText, version: int | None) -> None:
        row = self.session.get(tables.ConsentText, entity_id) or tables.ConsentText(id=entity_id)
        row.version, row.language, row.text = text.version, text.language, text.text
        row.sha256, row.effective_from, row.pulled_version = (
            text.sha256,
            text.effective_from,
            version,
        )
        self.session.add(row)
        self.session.flush()

    def drop(self, entity_id: str) -> bool:
        row = self.session.get(tables.ConsentText, entity_id)
        if row is None:
            return False
        self.session.delete(row)
        self.session.flush()
        return True

    def current(self, language: str, on: dt.date) -> records.ConsentText | None:
        """The text in effect on `on` in `language`: the latest `effective_from` not after it
        (of two from the same day, the one published last)."""
        t = tables.ConsentText
        row = self.session.scalars(
            sa.select(t)
            .where(t.language == language, t.effective_from <= on)
            # Pulls come in the server's order: of two in effect from the same day, the row
            # written last is the one published last.
            .order_by(t.effective_from.desc(), sa.literal_column("consent_texts.rowid").desc())
            .limit(1)
        ).first()
        return None if row is None else _record(row)

    def find(self, version: str, language: str) -> records.ConsentText | None:
        t = tables.ConsentText
        row = self.session.scalars(
            sa.select(t).where(t.version == version, t.language == language).limit(1)
        ).first()
        return None if row is None else _record(row)
