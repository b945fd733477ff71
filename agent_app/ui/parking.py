"""What a person left unfinished when their session ended (a switch of user, a log out, another
person unlocking): kept for them in memory only, and given back at their next login."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject

from agent_app.ui import backend as backend_mod
from agent_app.ui import widgets
from agent_app.ui.context import Context
from agent_app.ui.ops import Op
from agent_app.ui.workspace import Workspace

log = logging.getLogger("ui")


@dataclass
class Parked:
    """What a person left unfinished, given back at their next login (memory only)."""

    dialogs: list[tuple[str, Any, list[Any]]] = field(default_factory=list)
    # The enrollment form, saved as a draft: its id; reopened in the form.
    enrollment_id: str | None = None
    # The enrollment form as typed, when saving it as a draft failed.
    enrollment_form: list[Any] | None = None

    def __bool__(self) -> bool:
        return bool(self.dialogs or self.enrollment_id or self.enrollment_form)


def park_enrollment_form(parent: QObject, kept: dict[str, Parked], ctx: Context, form: Any) -> None:
    """The enrollment form being typed becomes its person's draft (kept in memory, in their
    `kept` entry, when saving it fails), and the form is emptied."""
    if not form.touched():
        return
    parked = kept.setdefault(ctx.account.agent_code, Parked())
    state = widgets.form_state(form)
    fields = form.fields(for_submit=False)
    enrollment_id = form.enrollment_id
    backend = ctx.backend

    def saved(draft: Any) -> None:
        parked.enrollment_id = str(backend_mod.value(draft, "id"))
        # the form is the person's enrollment draft now: no second copy to offer
        Op(None, lambda: backend.discard_form_draft("enrollment")).failure(
            lambda exc: log.info("autosaved form kept: %s", type(exc).__name__)
        ).run()

    def failed(exc: BaseException) -> None:
        log.warning("form not saved as a draft, kept in memory: %s", type(exc).__name__)
        parked.enrollment_form = state

    Op(parent, lambda: backend.save_draft(fields, enrollment_id)).success(saved).failure(
        failed
    ).run()
    form.clear()


def give_back(workspace: Workspace, parked: Parked) -> None:
    """Reopens what a person left unfinished: their draft, their business or visit form."""
    if parked.enrollment_id or parked.enrollment_form is not None:
        page = workspace.show_page("enrollments")
        if parked.enrollment_id:
            page.open_enrollment(parked.enrollment_id)  # type: ignore[attr-defined]
        else:
            page.tabs.setCurrentWidget(page.form)  # type: ignore[attr-defined]
            widgets.restore_form_state(page.form, parked.enrollment_form or [])  # type: ignore[attr-defined]
    for dialog in parked.dialogs:
        page = workspace.show_page("businesses")
        page.restore_dialog(dialog)  # type: ignore[attr-defined]
