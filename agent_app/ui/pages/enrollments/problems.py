"""What must be fixed before a submit, shown under each field in the person's words, and the
confirmation that unlikely values (an income, an age) are right."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QWidget

from agent_app.domain import identity, plausibility, validation
from agent_app.domain.messages import DomainError
from agent_app.ui import i18n, messages
from agent_app.ui.pages.enrollments.values import FormValues


class ProblemsView(FormValues):
    """The form's problems before a submit, each under its own field."""

    def problems(self) -> list[tuple[str, str]]:
        """What must be fixed before a submit: (field, message in the person's words), in the
        form's order. Which fields are required is domain.validation's rule (the one the
        services and the server apply); the form only says it in the person's words."""
        found: dict[str, str] = {}
        if self.nik_info is None:
            found["nik"] = self.tr("The NIK is not valid.")
        elif self.duplicate is not None:
            found["nik"] = self._duplicate_text(self.duplicate)
        for name in self.missing_fields():
            found.setdefault(name, self._missing_text(name))
        if self.birth_date_mismatch and not self.override_reason.text().strip():
            found["birth_date_override_reason"] = self.tr(
                "The birth date differs from the NIK: give a reason."
            )
        phone = self.phone.text().strip()
        if phone:
            try:
                identity.normalize_phone(phone)
            except DomainError as exc:
                found["phone"] = exc.message(i18n.current_language())
        if self.errors["declared_income"].text():
            found["declared_income"] = self.errors["declared_income"].text()
        elif self.quote is None:
            found["declared_income"] = self.quote_error.text()
        return [(name, found[name]) for name in self.field_labels if name in found]

    def missing_fields(self) -> list[str]:
        """The required fields (validation.ENROLLMENT) the form has a place for and leaves
        empty; the monthly contribution is the quote's, never typed."""
        wire = self.fields(for_submit=False)
        return [
            name
            for name in self.field_labels
            if name in validation.ENROLLMENT.required and wire.get(name) in (None, "", [])
        ]

    def _missing_text(self, name: str) -> str:
        """How the form asks for a missing field (the rule's own word for any other)."""
        asks = {
            "full_name": self.tr("Fill in the full name."),
            "gender": self.tr("Choose the gender."),
            "phone": self.tr("Fill in the mobile number."),
            "occupation": self.tr("Choose the occupation."),
            "consent": self.tr("The worker's consent is needed."),
        }
        if name == "birth_date":
            return self.birth_date.problem() or self.tr("Fill in the date of birth.")
        return asks.get(name) or validation.REQUIRED.in_language(i18n.current_language())

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
