"""Nothing typed is lost: the enrollment form is autosaved as the account's own draft
(`services.form_drafts`) within 2 s of a change, and when the window is locked, switched or
closed; the next time that account opens the form, it is offered to resume it."""

from __future__ import annotations

import logging
from typing import Any

from agent_app.ui import messages, widgets
from agent_app.ui.backend import value
from agent_app.ui.ops import Op
from agent_app.ui.pages.enrollments.common import FORM_KEY, when
from agent_app.ui.pages.enrollments.problems import ProblemsView

log = logging.getLogger("ui")


class Autosave(ProblemsView):
    """Autosaves the form and offers an unfinished one back."""

    def _form_changed(self) -> None:
        if not self._quiet:
            self.autosave_timer.start()

    def draft_state(self) -> dict[str, Any]:
        """The form as plain values, for the autosaved draft."""
        business = None
        if self.business is not None:
            business = {
                "id": str(value(self.business, "id")),
                "name": value(self.business, "name", ""),
            }
        return {
            "fields": widgets.form_state(self),
            "enrollment_id": self.enrollment_id,
            "loaded_status": self.loaded_status,
            "birth_date_touched": self.birth_date_touched,
            "business": business,
            "consent": self.consent_box.state(),
        }

    def save_now(self) -> None:
        """Autosaves the form as the account's draft (nothing when it holds nothing typed, or
        while an older draft waits for the person's answer to the offer to resume it). While a
        submit is on its way it waits: the submit forgets the autosaved form, or fails and
        leaves it to be saved."""
        self.autosave_timer.stop()
        if self.submitting:
            self.autosave_timer.start()
            return
        if self.offered is not None or not self.touched():
            return
        state = self.draft_state()
        backend = self.ctx.backend
        Op(self, lambda: backend.save_form_draft(FORM_KEY, state)).failure(
            lambda exc: log.info("form not autosaved: %s", type(exc).__name__)
        ).run()

    def forget_draft(self) -> None:
        """The autosaved draft is not needed any more (cleared on purpose; a submit forgets it in
        its own transaction)."""
        self.autosave_timer.stop()
        backend = self.ctx.backend
        Op(self, lambda: backend.discard_form_draft(FORM_KEY)).failure(
            lambda exc: log.info("autosaved form not discarded: %s", type(exc).__name__)
        ).run()

    def offer_resume(self) -> None:
        """Asks for this account's autosaved form and, if there is one, offers to resume it."""
        backend = self.ctx.backend
        Op(self, lambda: backend.form_draft(FORM_KEY)).success(self._offer).failure(
            lambda exc: log.info("autosaved form unavailable: %s", type(exc).__name__)
        ).run()

    def _offer(self, draft: Any) -> None:
        state = value(draft, "state")
        if not state or not state.get("fields"):
            return
        self.offered = dict(state)
        fields = list(state["fields"])
        name = fields[1] if len(fields) > 1 and isinstance(fields[1], str) else ""
        self.resume_label.setText(
            self.tr("An enrollment was left unfinished ({name}, saved {when}). Resume it?").format(
                name=name.strip() or self.tr("no name yet"),
                when=when(value(draft, "updated_at")) or "-",
            )
        )
        self.resume_bar.setVisible(True)
        self.resume_button.setFocus()

    def resume(self) -> None:
        """Puts the offered autosaved form back, every field as it was typed."""
        state, self.offered = self.offered, None
        self.resume_bar.setVisible(False)
        if state is None:
            return
        self.restore(state)

    def forget_offer(self) -> None:
        if not messages.confirm(
            self,
            self.tr("Discard the unfinished enrollment? What was typed in it is lost."),
            self.tr("Discard"),
            self.tr("Keep it"),
        ):
            return
        self.offered = None
        self.resume_bar.setVisible(False)
        self.forget_draft()
        self.nik.setFocus()

    def restore(self, state: dict[str, Any]) -> None:
        """Fills the form from `draft_state()`."""
        self._quiet = True
        try:
            self.clear()
            self._quiet = True
            self.enrollment_id = state.get("enrollment_id")
            self.loaded_status = state.get("loaded_status")
            if state.get("business"):
                self.set_business(state["business"])
            widgets.restore_form_state(self, list(state.get("fields") or []))
            self.consent_box.restore(state.get("consent") or {})
            self.birth_date_touched = bool(state.get("birth_date_touched"))
            self._check_birth_date()
            self._check_phone()
            self.update_quote()
        finally:
            self._quiet = False
        self.nik.setFocus()
