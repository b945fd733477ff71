"""The Businesses page: the list and a business's page in one stack, the business and visit
forms it opens, and the offer to resume a form left unfinished."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from agent_app.ui import i18n, widgets
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.ops import Op
from agent_app.ui.pages.businesses.business_form import BusinessDialog
from agent_app.ui.pages.businesses.detail_page import BusinessDetailPage
from agent_app.ui.pages.businesses.guarded_dialog import GuardedDialog
from agent_app.ui.pages.businesses.list_page import BusinessListPage
from agent_app.ui.pages.businesses.visit_form import VisitDialog

if TYPE_CHECKING:
    from agent_app.ui.pages.employers import EmployerForm

log = logging.getLogger("ui")


class BusinessesPage(QWidget):
    """The list and the detail page, in one stack (and an employer registration)."""

    #: "Enroll the owner as a BPU participant": the owner's NIK, name, phone and business.
    enroll_owner = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.list_page = BusinessListPage(ctx)
        self.detail_page = BusinessDetailPage(ctx)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list_page)
        self.stack.addWidget(self.detail_page)
        # A business or visit form left unfinished (a crash, a restart, a switch of user):
        # offered back here, the most recent first; the form refills itself when it opens.
        self.unfinished: list[Any] = []
        self.resume_label = QLabel()
        self.resume_label.setObjectName("warning")
        self.resume_label.setWordWrap(True)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.clicked.connect(self.resume)
        self.resume_bar = QWidget()
        resume_row = QHBoxLayout(self.resume_bar)
        resume_row.setContentsMargins(8, 4, 8, 4)
        resume_row.addWidget(self.resume_label, 1)
        resume_row.addWidget(self.resume_button)
        self.resume_bar.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.resume_bar)
        layout.addWidget(self.stack)
        self.list_page.open_business.connect(self.open_business)
        self.list_page.new_business.connect(self.new_business)
        self.detail_page.back.connect(self.show_list)
        self.detail_page.edit.connect(self.edit_business)
        self.detail_page.visit.connect(self.record_visit)
        self.detail_page.register_employer.connect(self.register_employer)
        self.employer_form: EmployerForm | None = None  # built the first time it is opened
        self.current_id: str | None = None
        self.dialog: QDialog | None = None
        ctx.businesses_changed.connect(self._reload_detail)
        ctx.account_changed.connect(self.offer_resume)
        self.offer_resume()

    def offer_resume(self) -> None:
        """Asks for this account's unfinished business and visit forms and offers the most
        recent (nothing while a form is open)."""
        if self.dialog is not None:
            return
        backend = self.ctx.backend
        Op(self, backend.unfinished_business_forms).success(self._offer).failure(
            lambda exc: log.info("unfinished forms unavailable: %s", type(exc).__name__)
        ).run()

    def _offer(self, drafts: Any) -> None:
        self.unfinished = list(drafts or [])
        if not self.unfinished or self.dialog is not None:
            self.resume_bar.setVisible(False)
            return
        latest = self.unfinished[0]
        form = str(value(latest, "form"))
        if form == "business:new":
            what = self.tr("A new business form")
        elif form.startswith("visit:"):
            what = self.tr("A visit record")
        elif form.startswith("employer:"):
            what = self.tr("An employer registration")
        else:
            what = self.tr("A change to a business")
        try:
            when = i18n.date_time(dt.datetime.fromisoformat(str(value(latest, "updated_at"))))
        except ValueError:
            when = "-"
        text = self.tr("{what} was left unfinished (saved {when}). Resume it?").format(
            what=what, when=when
        )
        if len(self.unfinished) > 1:
            text += " " + self.tr("({n} more after it)").format(
                n=i18n.number(len(self.unfinished) - 1)
            )
        self.resume_label.setText(text)
        self.resume_bar.setVisible(True)

    def resume(self) -> None:
        """Opens the offered form; it gives back what was typed in it."""
        if not self.unfinished:
            return
        form = str(value(self.unfinished.pop(0), "form"))
        self.resume_bar.setVisible(False)
        if form == "business:new":
            self.new_business()
            return
        kind, _, business_id = form.partition(":")
        backend = self.ctx.backend

        def reopen(detail: Any) -> None:
            self.current_id = business_id
            self._show_detail(detail)
            business = value(detail, "business")
            if kind == "visit":
                self.record_visit(business)
            elif kind == "employer":
                self.register_employer(business)
            else:
                self.edit_business(business)

        Op(self, lambda: backend.business_detail(business_id)).success(reopen).run()

    def activate(self) -> None:
        if self.stack.currentWidget() is self.list_page:
            self.list_page.activate()

    def show_list(self) -> None:
        self.current_id = None
        self.stack.setCurrentWidget(self.list_page)
        self.list_page.activate()

    def open_business(self, business_id: str) -> None:
        self.current_id = business_id
        backend = self.ctx.backend
        Op(self, lambda: backend.business_detail(business_id)).success(self._show_detail).run()

    def _show_detail(self, detail: Any) -> None:
        # the business asked for, or the one it was merged into on the server (issue 18)
        shown = value(value(detail, "business"), "id")
        if shown:
            self.current_id = str(shown)
        self.detail_page.show_detail(detail)
        self.stack.setCurrentWidget(self.detail_page)
        self.detail_page.visit_button.setFocus()

    def _reload_detail(self) -> None:
        if self.current_id and self.stack.currentWidget() is self.detail_page:
            self.open_business(self.current_id)

    def _run(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.setModal(True)
        dialog.finished.connect(lambda _: self._closed())
        self.resume_bar.setVisible(False)
        dialog.open()

    def _closed(self) -> None:
        self.dialog = None
        self.offer_resume()  # another unfinished form, if any

    def register_employer(self, business: Any) -> None:
        """The business's registration as an employer, in the stack (Esc comes back)."""
        if business is None:
            return
        form = self.employer_form
        if form is None:
            from agent_app.ui.pages.employers import EmployerForm

            form = self.employer_form = EmployerForm(self.ctx)
            form.back.connect(self._employer_closed)
            form.enroll_owner.connect(self.enroll_owner.emit)
            self.stack.addWidget(form)
        self.resume_bar.setVisible(False)
        self.stack.setCurrentWidget(form)
        form.open_for(business)

    def _employer_closed(self) -> None:
        business = self.employer_form.business if self.employer_form is not None else None
        if business is not None:
            self.open_business(str(value(business, "id")))
        else:
            self.show_list()

    def save_forms(self) -> None:
        """Autosaves the open form now (before a lock, a switch of user, a close)."""
        form = self.employer_form
        if form is not None and form.isVisible():
            form.save_now()
        if isinstance(self.dialog, GuardedDialog) and self.dialog.isVisible():
            self.dialog.save_now()

    def park_dialog(self) -> tuple[str, Any, list[Any]] | None:
        """The open form (new business, edit, visit) as plain values, to give back to the same
        person later; None when no form is open. The caller closes the dialog."""
        dialog = self.dialog
        if dialog is None or not dialog.isVisible():
            return None
        if isinstance(dialog, VisitDialog):
            kind = "visit"
        elif isinstance(dialog, BusinessDialog):
            kind = "edit" if dialog.business is not None else "new"
        else:
            return None
        return kind, getattr(dialog, "business", None), widgets.form_state(dialog)

    def restore_dialog(self, parked: tuple[str, Any, list[Any]]) -> None:
        """Reopens a form `park_dialog` kept, with what was typed in it."""
        kind, business, state = parked
        if kind == "new":
            self.new_business()
        elif kind == "edit":
            self.edit_business(business)
        else:
            self.record_visit(business)
        if self.dialog is not None:
            widgets.restore_form_state(self.dialog, state)

    def new_business(self) -> None:
        dialog = BusinessDialog(self.ctx, None, self)
        dialog.accepted.connect(
            lambda: self.open_business(dialog.saved_id) if dialog.saved_id else None
        )
        self._run(dialog)

    def edit_business(self, business: Any) -> None:
        if business is not None:
            self._run(BusinessDialog(self.ctx, business, self))

    def record_visit(self, business: Any) -> None:
        if business is not None:
            self._run(VisitDialog(self.ctx, business, self))
