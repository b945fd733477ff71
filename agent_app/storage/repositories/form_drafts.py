"""Form drafts: a form's unsaved state, per agent and form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_app.storage import rows, tables
from agent_app.storage.repositories.sql import (
    now,
)


class FormDraftRepository:
    """Autosaved forms, one per account and form (tables.FormDraft)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def put(self, agent_code: str, form: str, state: Mapping[str, Any]) -> None:
        row = self.session.get(tables.FormDraft, (agent_code, form)) or tables.FormDraft(
            agent_code=agent_code, form=form
        )
        row.state, row.updated_at = dict(state), now()
        self.session.add(row)
        self.session.flush()

    def get(self, agent_code: str, form: str) -> rows.FormDraft | None:
        row = self.session.get(tables.FormDraft, (agent_code, form))
        if row is None:
            return None
        return rows.FormDraft(row.form, dict(row.state), row.updated_at)

    def list_for(self, agent_code: str) -> list[rows.FormDraft]:
        """The account's autosaved forms, the most recently saved first."""
        t = tables.FormDraft
        found = self.session.scalars(
            sa.select(t).where(t.agent_code == agent_code).order_by(t.updated_at.desc())
        )
        return [rows.FormDraft(row.form, dict(row.state), row.updated_at) for row in found]

    def delete(self, agent_code: str, form: str) -> None:
        row = self.session.get(tables.FormDraft, (agent_code, form))
        if row is not None:
            self.session.delete(row)
            self.session.flush()
