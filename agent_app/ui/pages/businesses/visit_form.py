"""The visit form: channel, outcome, reason, notes, the time of the visit and the next
follow-up."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from typing import Any

from PySide6.QtCore import QDate, QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from agent_app.ui import datefields, labels, messages, place, widgets
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.ops import Op
from agent_app.ui.pages.businesses.guarded_dialog import GuardedDialog
from agent_app.ui.photo_field import PhotoField


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class VisitDialog(GuardedDialog):
    """Record a visit: channel, outcome, reason, notes, next follow-up date."""

    def __init__(self, ctx: Context, business: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ctx = ctx
        self.business = business
        self.setWindowTitle(
            self.tr("Record a visit: {name}").format(name=value(business, "name", ""))
        )
        self.setMinimumWidth(480)
        self._inputs(ctx)
        form = self._form()
        self.error = widgets.hint()
        self.error.setObjectName("error")
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setDefault(True)
        self.buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._lay_out(form, self.error, self.buttons)
        self._tab_order()
        self._guard()

    def _tab_order(self) -> None:
        order = [
            self.outcome,
            self.visit_date,
            self.visit_time,
            self.channel,
            self.reason,
            self.notes,
            self.has_follow_up,
            self.follow_up,
            *self.photo.keyboard_chain(),
            self.save_button,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        form.addRow(self.tr("Outcome"), self.outcome)  # first: it takes the focus
        when = QHBoxLayout()
        when.addWidget(self.visit_date, 1)
        when.addWidget(self.visit_time)
        form.addRow(self.tr("Time of the visit"), when)
        form.addRow(self.tr("Channel"), self.channel)
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Notes"), self.notes)
        row = QHBoxLayout()
        row.addWidget(self.has_follow_up)
        row.addWidget(self.follow_up, 1)
        form.addRow(self.tr("Next follow-up"), row)
        form.addRow(self.tr("Photo"), self.photo)
        form.addRow(self.tr("Location"), self.place)
        return form

    def _inputs(self, ctx: Context) -> None:
        # Python's clock, as everywhere else in the app (Qt's own would be a second clock)
        now = QDateTime.fromSecsSinceEpoch(int(time.time()))
        self.latest = now.addSecs(300)
        # a date and a time, one tab stop each, that take typed digits (issue 11, item 3)
        self.visit_date = datefields.DateField()
        self.visit_date.today = ctx.today
        self.visit_date.setDate(now.date())
        self.visit_date.setMaximumDate(self.latest.date())
        self.visit_time = datefields.TimeField()
        self.visit_time.setTime(now.time())
        self.channel = QComboBox()
        for key, text in labels.channels().items():
            self.channel.addItem(text, key)
        if ctx.event_id or getattr(ctx.settings, "booth_mode", False):
            widgets.select_data(self.channel, "booth")
        self.outcome = QComboBox()
        for key, text in labels.outcomes().items():
            self.outcome.addItem(text, key)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("e.g. waiting for the owner's husband"))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(90)
        self.has_follow_up = QCheckBox(self.tr("Plan a follow-up"))
        self.follow_up = datefields.DateField()
        self.follow_up.today = ctx.today
        self.follow_up.setDate(_qdate(ctx.today() + dt.timedelta(days=7)))
        self.follow_up.setEnabled(False)
        self.has_follow_up.toggled.connect(self.follow_up.setEnabled)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self.photo = PhotoField(
            ctx,
            "storefront_photo",
            kinds={
                "storefront_photo": self.tr("Storefront photo"),
                "document": self.tr("Document"),
            },
        )
        # a visit records where it was made (issue 14, item 7)
        self.place = place.PlaceFinder(
            enabled=getattr(ctx.settings, "record_place", True) is not False
        )

    def form_key(self) -> str | None:
        return f"visit:{value(self.business, 'id')}"

    def visited_at(self) -> dt.datetime | None:
        """The time of the visit typed, on this laptop's clock; None when it does not parse."""
        day, moment = self.visit_date.value(), self.visit_time.value()
        if day is None or moment is None:
            return None
        return dt.datetime.combine(day, moment).astimezone()

    def _outcome_changed(self) -> None:
        if self.outcome.currentData() == "follow_up":
            self.has_follow_up.setChecked(True)

    def fields(self) -> dict[str, Any]:
        when = self.visited_at()
        follow_up = self.follow_up.value()
        return {
            "visited_at": when.isoformat(timespec="seconds") if when else None,
            "channel": self.channel.currentData(),
            "outcome": self.outcome.currentData(),
            "reason": self.reason.text().strip() or None,
            "notes": self.notes.toPlainText().strip() or None,
            "next_follow_up": follow_up.isoformat()
            if follow_up and self.has_follow_up.isChecked()
            else None,
            "event_id": self.ctx.event_id,
            "attachments": [photo] if (photo := self.photo.attachment()) else [],
            **self.place.fields(),
        }

    def save(self) -> None:
        fields = self.fields()
        problem = self.visit_date.problem() or self.visit_time.problem()
        if problem is None and fields["visited_at"] is None:
            problem = self.tr("Fill in the date and time of the visit.")
        when = self.visited_at()
        latest: dt.datetime = self.latest.toPython()  # type: ignore[assignment]
        if problem is None and when is not None and when > latest.astimezone():
            problem = self.tr("The time of the visit is in the future.")
        if problem is None and self.has_follow_up.isChecked():
            problem = self.follow_up.problem()
        if problem is not None:
            self.error.setText(problem)  # the typed value stays as it is, marked
            return
        if fields["outcome"] == "follow_up" and not fields["next_follow_up"]:
            self.error.setText(self.tr("Choose the date of the next follow-up."))
            return
        backend = self.ctx.backend
        business_id = str(value(self.business, "id"))
        self.save_button.setEnabled(False)
        Op(self, lambda: backend.record_visit(business_id, fields)).success(self._saved).failure(
            self._failed
        ).run()

    def _saved(self, _result: Any) -> None:
        self.ctx.businesses_changed.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        messages.show_error(self, exc)
