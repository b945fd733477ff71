"""Autosaved forms: what a person was typing, kept so that nothing typed is lost.

The enrollment form, the "Usaha baru" form and the visit form save their plain values here
within seconds of each change, and at a lock, a switch of user, a log-out and a close; after a
crash or a restart the app offers the same account to resume it. A draft belongs to the account
that typed it (the laptop is shared at a booth): nobody else is offered it. It is kept in the
encrypted database only, is never sent to the server, and writes no audit entry (a form saved
every few seconds is not an action on a record; the submit that follows is audited).
"""

from __future__ import annotations

import logging
from typing import Any

from agent_app.services.actor import Actor
from agent_app.storage.rows import FormDraft
from agent_app.storage.uow import SqlUnitOfWork

log = logging.getLogger("db")

#: The forms that autosave (a visit's key is `visit:<business id>`).
ENROLLMENT = "enrollment"
NEW_BUSINESS = "business:new"
#: A business form's key: `business:new`, or `business:<id>` while editing one.
BUSINESS_PREFIX = "business:"
VISIT_PREFIX = "visit:"
#: An employer registration's key: `employer:<business id>` (one per business).
EMPLOYER_PREFIX = "employer:"
#: The forms the Usaha page offers to resume.
_RESUMED_HERE = (BUSINESS_PREFIX, VISIT_PREFIX, EMPLOYER_PREFIX)


def save(uow: SqlUnitOfWork, actor: Actor, form: str, state: dict[str, Any]) -> None:
    """Keeps `state` as the actor's draft of `form`, replacing the previous one."""
    with uow:
        uow.form_drafts.put(actor.agent_code, form, state)
        uow.commit()


def get(uow: SqlUnitOfWork, actor: Actor, form: str) -> FormDraft | None:
    """The actor's own draft of `form`, if any (never another account's)."""
    with uow:
        return uow.form_drafts.get(actor.agent_code, form)


def unfinished_business_forms(uow: SqlUnitOfWork, actor: Actor) -> list[FormDraft]:
    """The actor's autosaved business, visit and employer registration forms, the most recent
    first (the enrollment form offers its own): what the Usaha page offers to resume after a
    restart."""
    with uow:
        return [
            draft
            for draft in uow.form_drafts.list_for(actor.agent_code)
            if draft.form.startswith(_RESUMED_HERE) and draft.state
        ]


def discard(uow: SqlUnitOfWork, actor: Actor, form: str) -> None:
    """Forgets the actor's draft of `form` (submitted, or cleared on purpose)."""
    with uow:
        uow.form_drafts.delete(actor.agent_code, form)
        uow.commit()
