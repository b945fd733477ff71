"""The enrollment form's actions: save a draft, submit (one call to one use case,
`services.enrollments.submit_form`: all of it or nothing), clear, and print the receipt of
the last submit; and what the form shows when an action fails."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal

from agent_app.domain.messages import DomainError
from agent_app.ui import i18n, messages
from agent_app.ui.backend import value
from agent_app.ui.ops import NETWORK, Op
from agent_app.ui.pages.enrollments.booth import BoothMode


class FormActions(BoothMode):
    """What the form's buttons and keys do."""

    submitted = Signal(object)
    saved = Signal(object)

    def _busy(self, busy: bool) -> None:
        for button in (self.submit_button, self.draft_button, self.clear_button):
            button.setEnabled(not busy)

    def save_draft(self) -> None:
        fields = self.fields(for_submit=False)
        backend = self.ctx.backend
        enrollment_id = self.enrollment_id
        self._busy(True)
        Op(self, lambda: backend.save_draft(fields, enrollment_id)).success(
            self._draft_saved
        ).failure(self._failed).run()

    def _draft_saved(self, saved: Any) -> None:
        self._busy(False)
        self.enrollment_id = str(value(saved, "id"))
        self._status(self.message, "ok", self.tr("Draft saved."))
        self.ctx.enrollments_changed.emit()
        self.saved.emit(saved)

    def submit(self) -> None:
        problems = self.problems()
        if problems:
            self.show_problems(problems)
            return
        self.clear_problems()
        if not self._plausible_or_confirmed():
            return
        lang = i18n.current_language()
        try:
            fields = self.fields(for_submit=True)
        except DomainError as exc:
            self.show_problems([(exc.field or "phone", exc.message(lang))])
            return
        backend = self.ctx.backend
        enrollment_id = self.enrollment_id
        nik = fields["nik"]

        def work() -> Any:  # one use case, one transaction: all of it or nothing
            return backend.submit_form(fields, enrollment_id)

        def send() -> None:
            self.submitting = True  # the autosave waits: the submit forgets it
            Op(self, work).success(self._submitted).failure(self._failed).run()

        self._busy(True)
        if not self._ask_server_first():
            send()
            return

        def checked(check: Any) -> None:
            if str(value(check, "state", "")) == "enrolled":
                self._busy(False)
                self._enrolled_at_server(check)
                return
            send()

        # Online: the server knows every branch's enrollments. Offline or no answer: the
        # submit goes on (offline work is never blocked); the server checks again on push.
        Op(self, lambda: backend.check_participant(nik), kind=NETWORK).success(checked).failure(
            lambda _exc: checked(None)
        ).run()

    def _ask_server_first(self) -> bool:
        """A new person (or a draft): ask the server about the NIK when a server is set. A
        correction is skipped: the server already holds that very enrollment."""
        if not (getattr(self.ctx.settings, "server_url", "") or ""):
            return False
        return self.loaded_status in (None, "draft")

    def _enrolled_at_server(self, check: Any) -> None:
        when = value(check, "enrolled_on")
        if isinstance(when, str):
            when = dt.date.fromisoformat(when[:10])
        text = self.tr(
            "This NIK is already enrolled (branch {branch}, since {date}), according to the "
            "server. Do not enroll the person twice: check the NIK with them. Nothing was "
            "submitted."
        ).format(
            branch=value(check, "branch") or "-",
            date=i18n.date(when) if isinstance(when, dt.date) else "-",
        )
        self._status(self.nik_status, "error", text)
        self._status(self.message, "error", text)

    def _submitted(self, enrollment: Any) -> None:
        """The submit forgot the autosaved form in its own transaction: nothing more to send."""
        self.submitting = False
        self._busy(False)
        name = self.full_name.text().strip()
        amount = value(enrollment, "monthly_contribution")
        self.clear(keep_shared=self.booth)  # the queue's business and region stay
        self._status(
            self.message,
            "ok",
            self.tr("Submitted: {name}, {amount} per month. Ready for the next person.").format(
                name=name, amount=i18n.rupiah(amount) if amount else "-"
            ),
        )
        self.last_submitted = str(value(enrollment, "id"))
        for button in (self.print_button, self.pdf_button):
            button.setVisible(True)
        self.ctx.enrollments_changed.emit()
        self.ctx.sync_wanted.emit()  # sent soon when online
        self.submitted.emit(enrollment)

    def print_receipt(self) -> None:
        """The receipt (Bukti pendaftaran) of the last submitted enrollment, to a printer."""
        if self.last_submitted:
            from agent_app.ui import printing

            printing.print_receipt(self, self.ctx.backend, self.last_submitted)

    def save_receipt(self, path: Path | None = None) -> None:
        if self.last_submitted:
            from agent_app.ui import printing

            printing.save_receipt_pdf(self, self.ctx.backend, self.last_submitted, path)

    def _failed(self, exc: BaseException) -> None:
        self.submitting = False
        self._busy(False)
        if getattr(exc, "code", None) == "duplicate_nik" and self.nik_info is not None:
            nik = self.nik_info.nik
            backend = self.ctx.backend
            Op(self, lambda: backend.find_active_by_nik(nik)).success(
                lambda found: self._duplicate_at_submit(found, exc)
            ).run()
            return
        problems = getattr(exc, "problems", None)
        if problems:
            lang = i18n.current_language()
            self.show_problems(
                [
                    (str(getattr(p, "field", "") or ""), p.message(lang))
                    for p in problems
                    if hasattr(p, "message")
                ]
            )
            return
        if messages.is_known(exc):
            self._status(self.message, "error", messages.describe(exc).text)
            return
        messages.show_error(self, exc)

    def _duplicate_at_submit(self, found: Any, exc: BaseException) -> None:
        self.duplicate = found
        text = messages.describe(exc).text if found is None else self._duplicate_text(found)
        self._status(self.nik_status, "error", text)
        self._status(self.message, "error", text)

    def cancel(self) -> None:
        """Esc or Batal: empties the form, after a confirmation when anything is typed."""
        if self.touched() and not messages.confirm(
            self,
            self.tr("Clear the form? What was typed is lost."),
            self.tr("Clear"),
            self.tr("Keep typing"),
        ):
            return
        self.clear()
        self.forget_draft()
