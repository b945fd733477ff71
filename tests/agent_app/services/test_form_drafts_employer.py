"""The employer registration form's autosaved draft (`employer:<business id>`): the account's
own, and offered back by the Usaha page after a restart with the business and visit forms."""

from __future__ import annotations

from agent_app.services import form_drafts
from agent_app.services.actor import Actor
from agent_app.storage.uow import SqlUnitOfWork

BUSINESS_ID = "00000000-0000-0000-0000-000000000001"


def test_an_employer_draft_is_offered_with_the_business_forms(
    uow: SqlUnitOfWork, actor: Actor
) -> None:
    key = f"{form_drafts.EMPLOYER_PREFIX}{BUSINESS_ID}"
    state = {"lines": [{"nik": "1671", "monthly_wage": "2.500.000,50"}], "programs": ["JKK"]}
    form_drafts.save(uow, actor, key, state)
    form_drafts.save(uow, actor, form_drafts.ENROLLMENT, {"fields": ["x"]})
    offered = form_drafts.unfinished_business_forms(uow, actor)
    assert [draft.form for draft in offered] == [key]
    assert offered[0].state == state  # as typed, never tidied
    assert form_drafts.unfinished_business_forms(uow, Actor("AG002", "Lain", "PLG")) == []
    form_drafts.discard(uow, actor, key)
    assert form_drafts.unfinished_business_forms(uow, actor) == []
