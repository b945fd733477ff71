"""The employer registration's actions: autosave (nothing typed is lost: within 2 s of a
change, and at Esc, a lock, a switch of user), submit (one call to `services.employers.submit`
through the backend: all of it or nothing; its problems come back per field, a worker's beside
that line's cell), the registration's status after it, and the printable summary."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from agent_app.domain import validation
from agent_app.ui import i18n, labels, messages
from agent_app.ui.backend import value
from agent_app.ui.ops import NETWORK, Op
from agent_app.ui.pages.employers.values import FormValues

log = logging.getLogger("ui")

_WORKER_FIELD = re.compile(r"workers\[([0-9]+)\]\.(\w+)")
#: The statuses after which the registration is the branch's to judge: not editable here.
_LOCKED = ("submitted", "accepted")


def _status_of(record: Any) -> str:
    status = value(record, "status")
    return str(getattr(status, "value", status) or "")


class FormActions(FormValues):
    """What the buttons and keys do."""

    submitted = Signal(object)

    # -- autosave ----------------------------------------------------------------------------

    def _form_changed(self) -> None:
        if not self._quiet and self.business is not None:
            self.dirty = True
            self.autosave_timer.start()

    def save_now(self) -> None:
        """Autosaves the form as the account's draft of this business's registration."""
        self.autosave_timer.stop()
        if self.submitting:
            self.autosave_timer.start()
            return
        if self.business is None or not self.touched() or not self.isEnabledEditing():
            return
        key, state, backend = self.draft_key(), self.draft_state(), self.ctx.backend
        Op(self, lambda: backend.save_form_draft(key, state)).failure(
            lambda exc: log.info("employer form not autosaved: %s", type(exc).__name__)
        ).run()

    def isEnabledEditing(self) -> bool:
        return self.business_box.isEnabled()

    def forget_draft(self) -> None:
        self.autosave_timer.stop()
        key, backend = self.draft_key(), self.ctx.backend
        Op(self, lambda: backend.discard_form_draft(key)).failure(
            lambda exc: log.info("employer draft not discarded: %s", type(exc).__name__)
        ).run()

    # -- problems ----------------------------------------------------------------------------

    def problems(self) -> list[tuple[str, str]]:
        """What must be fixed before a submit, by wire field (`workers[3].nik`): the domain's
        rules (those the service and the server apply), then the lines' live checks."""
        language = i18n.current_language()
        found: dict[str, str] = {}
        for problem in validation.validate_employer_registration(
            self.fields(), month=self.ctx.today()
        ):
            if problem.field != "monthly_contribution":  # the service's to compute
                found.setdefault(problem.field, problem.message(language))
        if not self.consent.isChecked():
            found["consent"] = self.tr("The owner's consent is needed.")
        for row in range(self.workers.rowCount()):
            for field, text in self.workers.problems(row).items():
                found[f"workers[{row}].{field}"] = text
        return list(found.items())

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        """Each problem beside its field; a worker's on its line's cell."""
        self.clear_problems()
        general: list[str] = []
        first_line: tuple[int, str] | None = None
        first_field: QWidget | None = None
        captions = self.captions()
        for name, text in problems:
            line = _WORKER_FIELD.fullmatch(name)
            if line is not None and int(line.group(1)) < self.workers.rowCount():
                row, field = int(line.group(1)), line.group(2)
                self.workers.sent_back[(row, field)] = text
                first_line = first_line or (row, field)
            elif name in self.errors:
                label = self.errors[name]
                self._show(label, "\n".join(filter(None, [label.text(), text])))
                first_field = first_field or self.field_widgets()[name]
            else:
                caption = captions.get(name)
                general.append(f"{caption}: {text}" if caption else text)
        self.workers.recheck()
        summary = ""
        if first_line or first_field:
            summary = self.tr("Check the fields and the worker lines marked in red.")
        self._status(self.message, "error", "\n".join(filter(None, [summary, *general])))
        if first_field is not None:
            first_field.setFocus()
        elif first_line is not None:
            self.table.go_to(*first_line)

    def clear_problems(self) -> None:
        for label in self.errors.values():
            self._show(label, None)
        self.workers.sent_back = {}
        self.workers.recheck()

    # -- submit ------------------------------------------------------------------------------

    def submit(self) -> None:
        problems = self.problems()
        if problems:
            self.show_problems(problems)
            return
        self.clear_problems()
        fields, backend = self.fields(), self.ctx.backend
        if not (getattr(self.ctx.settings, "server_url", "") or ""):
            self._send(fields)
            return
        niks = [w["nik"] for w in fields["workers"]]
        self._busy(True)

        def checked(answer: Any) -> None:
            conflicts = self.server_conflicts(answer)
            if conflicts:
                self._busy(False)
                self.workers.conflicts.update(conflicts)
                self.show_problems([])
                self.workers.recheck()
                row = next(i for i, w in enumerate(fields["workers"]) if w["nik"] in conflicts)
                self._status(self.message, "error", self.tr("Nothing was submitted."))
                self.table.go_to(row, "nik")
                return
            self._send(fields)

        # Offline or no answer: the submit goes on; the server checks again on push.
        Op(self, lambda: backend.check_participants(niks), kind=NETWORK).success(checked).failure(
            lambda _exc: checked(None)
        ).run()

    def _send(self, fields: dict[str, Any]) -> None:
        backend, registration_id = self.ctx.backend, self.registration_id
        self.submitting = True
        self._busy(True)
        Op(self, lambda: backend.submit_employer(fields, registration_id)).success(
            self._submitted
        ).failure(self._failed).run()

    def _busy(self, busy: bool) -> None:
        self.submit_button.setEnabled(not busy)

    def _submitted(self, registration: Any) -> None:
        self.submitting = False
        self._busy(False)
        self.forget_draft()
        self.show_registration(registration)
        self.ctx.businesses_changed.emit()  # the Beranda's employers target counts it
        self.ctx.sync_wanted.emit()
        self.submitted.emit(registration)

    def _failed(self, exc: BaseException) -> None:
        self.submitting = False
        self._busy(False)
        problems = getattr(exc, "problems", None)
        if problems:
            language = i18n.current_language()
            self.show_problems(
                [(str(getattr(p, "field", "") or ""), p.message(language)) for p in problems]
            )
            return
        if messages.is_known(exc):
            self._status(self.message, "error", messages.describe(exc).text)
            return
        messages.show_error(self, exc)

    # -- the registration's status -----------------------------------------------------------

    def show_registration(self, registration: Any) -> None:
        """The stored registration and what happens next: submitted (the branch reviews it),
        needs correction (the reason; editable again), accepted (the NPP)."""
        self.registration = registration
        self.load(registration)
        status = _status_of(registration)
        shown = labels.of(labels.enrollment_statuses(), status)
        if status == "needs_correction":
            text = self.tr("Needs correction: {reason}. Correct it and submit it again.").format(
                reason=value(registration, "review_reason") or "-"
            )
            kind = "warning"
        elif status == "accepted":
            text = self.tr("Accepted. Employer membership number (NPP): {npp}.").format(
                npp=value(registration, "npp") or "-"
            )
            kind = "ok"
        else:
            text = self.tr("{status}: the branch reviews it; the owner pays once it is accepted.")
            text, kind = text.format(status=shown), "ok"
        self._status(self.status_banner, kind, text)
        # sent back, or refused by the server (nothing exists there): editable again
        editable = bool(value(registration, "editable", status not in _LOCKED))
        for part in (self.business_box, self.programs_box, self.table):
            part.setEnabled(editable)
        self.submit_button.setVisible(editable)
        for button in (self.print_button, self.pdf_button):
            button.setVisible(True)

    def print_summary(self) -> None:
        if self.registration_id:
            from agent_app.ui import printing

            printing.print_employer_summary(self, self.ctx.backend, self.registration_id)

    def save_summary(self, path: Path | None = None) -> None:
        if self.registration_id:
            from agent_app.ui import printing

            printing.save_employer_summary_pdf(self, self.ctx.backend, self.registration_id, path)
