"""The contribution quote beside the enrollment form (domain.contributions), updated live as
the income, the programs, the period, the occupation or the state's payment change."""

from __future__ import annotations

from agent_app.domain import contributions
from agent_app.domain.messages import DomainError
from agent_app.ui import i18n
from agent_app.ui.pages.enrollments.panels import FormPanels


class QuoteView(FormPanels):
    """Shows the quote of what the form says."""

    def programs(self) -> list[str]:
        return ["JKK", "JKM", *(["JHT"] if self.jht.isChecked() else [])]

    def update_quote(self) -> None:
        lang = i18n.current_language()
        try:
            quote = contributions.quote(
                self.income.value(),
                self.programs(),
                int(self.period.currentData()),
                self.ctx.today(),
                occupation=self.occupation.currentData(),
                paid_by_state=self.paid_by_state.isChecked(),
            )
        except DomainError as exc:
            self.quote = None
            self.quote_lines.setText("")
            self.quote_total.setText("-")
            self.quote_period.setText("")
            self.quote_discount.setText("")
            self.quote_error.setText(exc.message(lang))
            return
        self.quote = quote
        self.quote_error.setText("")
        lines = []
        for program, amount in quote.per_program.items():
            full = quote.full_per_program.get(program, amount)
            shown = i18n.rupiah(amount)
            if full != amount:
                shown = f"<s>{i18n.rupiah(full)}</s> {shown}"
            lines.append(f"{program}: {shown}")
        self.quote_lines.setText("<br>".join(lines))
        self.quote_total.setText(
            self.tr("{amount} per month").format(amount=i18n.rupiah(quote.monthly_total))
        )
        self.quote_period.setText(
            self.tr("To pay now for {months}: {amount}").format(
                months=self._months(quote.period_months),
                amount=i18n.rupiah(quote.period_total),
            )
        )
        if quote.discount is not None:
            label = quote.discount.label.in_language(lang)
            if quote.discount.regulation not in label:
                label = f"{label} ({quote.discount.regulation})"
            self.quote_discount.setText(self.tr("Discount: {label}").format(label=label))
        else:
            self.quote_discount.setText("")
