"""The enrollment form's panels around the fields: the contribution quote, the consent, the
buttons, the banners, the bar that offers an autosaved form back, and the booth bar; and the
page layout that keeps the buttons in view on a short screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent_app.ui import widgets
from agent_app.ui.context import Context
from agent_app.ui.pages.enrollments import photos
from agent_app.ui.pages.enrollments.consent import ConsentBox
from agent_app.ui.pages.enrollments.fields import FormFields


class FormPanels(FormFields):
    """The whole form's widgets, laid out (no behaviour yet: `EnrollmentForm` connects it)."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._build_identity()
        self._build_notes()
        quote_box = self._build_quote_box()
        consent_box = self._build_consent_box()
        buttons = self._build_buttons()
        self._build_banners()
        form = self._form_layout()
        self.photos = photos.PhotosPanel(self.ctx)  # issue 14: the KTP and storefront photos
        self._build_resume_bar()
        self._build_booth_bar()
        self._lay_out(form, quote_box, consent_box, buttons)

    def _build_quote_box(self) -> QFrame:
        self.quote_lines = QLabel()
        self.quote_lines.setTextFormat(Qt.TextFormat.RichText)
        self.quote_total = QLabel()
        self.quote_total.setObjectName("quoteTotal")
        self.quote_period = QLabel()
        self.quote_discount = QLabel()
        self.quote_discount.setObjectName("ok")
        self.quote_discount.setWordWrap(True)
        self.quote_error = QLabel()
        self.quote_error.setObjectName("error")
        self.quote_error.setWordWrap(True)
        quote_box = QFrame()
        quote_box.setObjectName("quote")
        quote_layout = QVBoxLayout(quote_box)
        quote_layout.addWidget(widgets.heading(self.tr("Contribution (monthly)"), 2))
        quote_layout.addWidget(self.quote_lines)
        quote_layout.addWidget(self.quote_total)
        quote_layout.addWidget(self.quote_period)
        quote_layout.addWidget(self.quote_discount)
        quote_layout.addWidget(self.quote_error)
        return quote_box

    def _build_consent_box(self) -> QFrame:
        self.consent_box = ConsentBox(self.ctx, self.consent, self.errors["consent"])
        return self.consent_box

    def _build_buttons(self) -> QHBoxLayout:
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.submit_button = QPushButton(self.tr("Submit"))
        self.submit_button.setDefault(True)
        self.submit_button.setMinimumWidth(120)
        self.submit_button.setToolTip(self.tr("Enter"))
        self.draft_button = QPushButton(self.tr("Save draft"))
        self.draft_button.setToolTip(self.tr("Ctrl+S"))
        self.clear_button = QPushButton(self.tr("Cancel"))
        self.clear_button.setToolTip(self.tr("Esc: clear the form"))
        self.print_button = QPushButton(self.tr("Print receipt"))
        self.print_button.setToolTip(self.tr("Print the enrollment receipt of the last submit"))
        self.pdf_button = QPushButton(self.tr("Receipt as PDF"))
        self.pdf_button.setToolTip(self.tr("Save the enrollment receipt of the last submit"))
        for button in (self.print_button, self.pdf_button):
            button.setVisible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.draft_button)
        buttons.addWidget(self.submit_button)
        return buttons

    def _build_banners(self) -> None:
        self.business_banner = QLabel()
        self.business_banner.setObjectName("ok")
        self.business_banner.setWordWrap(True)
        self.business_banner.setVisible(False)
        self.correction_banner = QLabel()
        self.correction_banner.setObjectName("warning")
        self.correction_banner.setWordWrap(True)
        self.correction_banner.setVisible(False)

    def _build_resume_bar(self) -> None:
        """Offers an autosaved form back."""
        self.resume_label = QLabel()
        self.resume_label.setWordWrap(True)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.forget_button = QPushButton(self.tr("Discard"))
        self.resume_bar = QFrame()
        self.resume_bar.setObjectName("card")
        resume_layout = QHBoxLayout(self.resume_bar)
        resume_layout.addWidget(self.resume_label, 1)
        resume_layout.addWidget(self.resume_button)
        resume_layout.addWidget(self.forget_button)
        self.resume_bar.setVisible(False)

    def _build_booth_bar(self) -> None:
        """Booth mode: the queue's shared values and keys (issue 11, item 11)."""
        self.booth_event = QComboBox()
        self.booth_event.setMinimumContentsLength(24)
        self.booth_event.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.keep_region = QCheckBox(self.tr("Keep the region for the next worker"))
        self.drop_business = QPushButton(self.tr("End the business link"))
        self.drop_business.setVisible(False)
        self.booth_keys = widgets.hint(
            self.tr("Enter: submit · Ctrl+P: print the receipt · Ctrl+N or F2: next worker")
        )
        self.booth_bar = QFrame()
        self.booth_bar.setObjectName("card")
        booth_layout = QGridLayout(self.booth_bar)
        booth_layout.addWidget(QLabel(self.tr("Booth: event")), 0, 0)
        booth_layout.addWidget(self.booth_event, 0, 1)
        booth_layout.addWidget(self.drop_business, 0, 2)
        booth_layout.addWidget(self.keep_region, 1, 0, 1, 2)
        booth_layout.addWidget(self.booth_keys, 2, 0, 1, 3)
        booth_layout.setColumnStretch(1, 1)
        self.booth_bar.setVisible(False)
        self.booth_bar.setProperty(widgets.NOT_FORM_STATE, True)  # the queue's, not the person's

    def _lay_out(
        self, form: QFormLayout, quote_box: QFrame, consent_box: QFrame, buttons: QHBoxLayout
    ) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.booth_bar)
        left_layout.addWidget(self.resume_bar)
        left_layout.addWidget(self.business_banner)
        left_layout.addWidget(self.correction_banner)
        left_layout.addLayout(form)
        left_layout.addWidget(self.photos)
        left_layout.addStretch(1)
        scroll = widgets.FormScroll(left)
        # The quote and the consent scroll too on a short screen; the message and the
        # buttons stay below, always in view (a 768-pixel screen, issue 11 item 4).
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(quote_box)
        side_layout.addWidget(consent_box)
        side_layout.addStretch(1)
        self.side_scroll = widgets.FormScroll(side)
        right = QVBoxLayout()
        right.addWidget(self.side_scroll, 1)
        right.addWidget(self.message)
        receipt_row = QHBoxLayout()
        receipt_row.addStretch(1)
        receipt_row.addWidget(self.print_button)
        receipt_row.addWidget(self.pdf_button)
        right.addLayout(receipt_row)
        right.addLayout(buttons)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(scroll, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setColumnMinimumWidth(1, 320)
