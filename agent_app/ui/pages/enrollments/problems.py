"""What must be fixed before a submit, shown under each field in the person's words, and the
confirmation that unlikely values (an income, an age) are right."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QWidget

from agent_app.domain import identity, plausibility
from agent_app.domain.messages import DomainError
from agent_app.ui import i18n, messages
from agent_app.ui.pages.enrollments.checks import LiveChecks


class ProblemsView(LiveChecks):
    """The form's problems before a submit, each under its own field."""

    def problems(self) -> list[tuple[str, str]]:
        """What must be fixed before a submit: (field, message in the person's words)."""
        found: list[tuple[str, str]] = []
        if self.nik_info is None:
            found.append(("nik", self.tr("The NIK is not valid.")))
        elif self.duplicate is not None:
            found.append(("nik", self._duplicate_text(self.duplicate)))
        if not self.full_name.text().strip():
            found.append(("full_name", self.tr("Fill in the full name.")))
        if self.birth_date.value() is None:
            found.append(
                ("birth_date", self.birth_date.problem() or self.tr("Fill in the date of birth."))
            )
        if self.birth_date_mismatch and not self.override_reason.text().strip():
            found.append(
                (
                    "birth_date_override_reason",
                    self.tr("The birth date differs from the NIK: give a reason."),
                )
            )
        if self.gender.currentData() is None:
            found.append(("gender", self.tr("Choose the gender.")))
        phone = self.phone.text().strip()
        if not phone:
            found.append(("phone", self.tr("Fill in the mobile number.")))
        else:
            try:
                identity.normalize_phone(phone)
            except DomainError as exc:
                found.append(("phone", exc.message(i18n.current_language())))
        if self.occupation.currentData() is None:
            found.append(("occupation", self.tr("Choose the occupation.")))
        if self.errors["declared_income"].text():
            found.append(("declared_income", self.errors["declared_income"].text()))
        elif self.quote is None:
            found.append(("declared_income", self.quote_error.text()))
        if not self.consent.isChecked():
            found.append(("consent", self.tr("The worker's consent is needed.")))
        return found

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        """Each problem under its own field (a field the form has no place for: by its label
        in the message area); the focus goes to the first field in error."""
        self.clear_problems()
        general = []
        first: QWidget | None = None
        for name, text in problems:
            label = self.errors.get(name)
            if label is None:
                caption = self.field_labels.get(name)
                general.append(f"{caption}: {text}" if caption else text)
                continue
            self._show(label, "\n".join(filter(None, [label.text(), text])))
            if first is None:
                first = self.field_widgets[name]
        summary = self.tr("Check the fields marked in red.") if first is not None else ""
        self._status(self.message, "error", "\n".join(filter(None, [summary, *general])))
        if first is not None:
            first.setFocus()
            scroll = self.findChild(QScrollArea)
            inner = scroll.widget() if scroll is not None else None
            if scroll is not None and inner is not None and inner.isAncestorOf(first):
                scroll.ensureWidgetVisible(first)

    def clear_problems(self) -> None:
        for name, label in self.errors.items():
            if name == "declared_income":
                continue  # kept live by _check_income
            self._show(label, None)

    def _plausible_or_confirmed(self) -> bool:
        """Unlikely values (an income, an age) need the person's confirmation."""
        lang = i18n.current_language()
        warnings = plausibility.warnings(
            self.income.value(), self._birth_date_value(), self.ctx.today()
        )
        pending = [w for w in warnings if f"{w.field}:{w.text.en}" not in self.confirmed_warnings]
        if not pending:
            return True
        text = "\n".join(w.text.in_language(lang) for w in pending)
        if not messages.confirm(
            self,
            self.tr("{warnings}\n\nIs this right?").format(warnings=text),
            self.tr("Yes, it is right"),
            self.tr("Check again"),
        ):
            self.field_widgets[pending[0].field].setFocus()
            return False
        self.confirmed_warnings.update(f"{w.field}:{w.text.en}" for w in pending)
        return True
