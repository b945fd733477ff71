"""Usaha (UMKM): the business list, a business's page with its visit history, the business
form and the visit form.

The list is a lazy model over the services' search (see ui/models.py): each keystroke in the
search box queries SQL at once (keystrokes typed while a query runs are coalesced); the filters
(status, sector, follow-up due, event) are SQL filters too. Enter or a double click opens a
business; Esc goes back to the list.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import time
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_app.domain import identity, validation
from agent_app.domain.messages import DomainError
from agent_app.ui import datefields, i18n, labels, messages, regions, widgets
from agent_app.ui.backend import BusinessFilter, value
from agent_app.ui.context import Context
from agent_app.ui.models import ID_ROLE, BusinessTableModel, ListModel
from agent_app.ui.ops import Op

log = logging.getLogger("ui")

#: Keystrokes within this many ms make one query; slower typing is coalesced by the model
#: while a query runs (see BusinessTableModel.set_filter). At 0 a keystroke asks at once,
#: before the search box repaints: the query runs on the database thread meanwhile.
SEARCH_DEBOUNCE_MS = 0


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class BusinessListPage(QWidget):
    """Search, filters and the lazy table."""

    open_business = Signal(str)
    new_business = Signal()

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = BusinessTableModel(lambda: ctx.backend, self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, owner, phone or NIB"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(self.tr("Ctrl+F"))
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        self.status = QComboBox()
        self.status.addItem(self.tr("All statuses"), None)
        for key, text in labels.business_statuses().items():
            self.status.addItem(text, key)
        self.sector = widgets.key_combo("sectors", blank=self.tr("All sectors"))
        self.due = QCheckBox(self.tr("Follow-up due"))
        self.due.setToolTip(self.tr("Only businesses whose next follow-up is today or earlier"))
        self.this_event = QCheckBox(self.tr("Current event only"))
        self.new_button = QPushButton(self.tr("New business"))
        self.new_button.setShortcut(QKeySequence("Ctrl+N"))
        self.new_button.clicked.connect(self.new_business.emit)
        self.count_label = widgets.hint()
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.status, 1)
        filters.addWidget(self.sector, 1)
        filters.addWidget(self.due)
        filters.addWidget(self.this_event)
        filters.addWidget(self.new_button)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((250, 170, 170, 130, 250, 120)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.activated.connect(lambda index: self._open_row(index.row()))
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.heading(self.tr("Businesses (UMKM)")))
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self.debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._text_changed)
        self.search.returnPressed.connect(self._enter_in_search)
        self.status.currentIndexChanged.connect(lambda _: self.apply_filter())
        self.sector.currentIndexChanged.connect(lambda _: self.apply_filter())
        self.due.toggled.connect(lambda _: self.apply_filter())
        self.this_event.toggled.connect(lambda _: self.apply_filter())
        self.model.loaded.connect(self._show_count)
        ctx.businesses_changed.connect(self.model.reload)
        ctx.event_changed.connect(self._event_changed)
        self.setTabOrder(self.search, self.status)
        self.setTabOrder(self.status, self.sector)
        self.setTabOrder(self.sector, self.due)
        self.setTabOrder(self.due, self.this_event)
        self.setTabOrder(self.this_event, self.new_button)
        self.setTabOrder(self.new_button, self.table)
        self._started = False

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def current_filter(self) -> BusinessFilter:
        return BusinessFilter(
            text=self.search.text().strip(),
            status=self.status.currentData(),
            sector=self.sector.currentData(),
            event_id=self.ctx.event_id if self.this_event.isChecked() else None,
            follow_up_due_on=self.ctx.today() if self.due.isChecked() else None,
        )

    def activate(self) -> None:
        if not self._started:
            self._started = True
            self.apply_filter()
        self.search.setFocus()

    def _text_changed(self, _text: str) -> None:
        if SEARCH_DEBOUNCE_MS > 0:
            self.debounce.start()
        else:
            self.apply_filter()

    def apply_filter(self) -> None:
        self.debounce.stop()
        self.model.set_filter(self.current_filter())

    def _event_changed(self) -> None:
        self.this_event.setEnabled(bool(self.ctx.event_id))
        if self.this_event.isChecked():
            self.apply_filter()

    def _show_count(self) -> None:
        self.count_label.setText(
            self.tr("{n} businesses").format(n=i18n.number(self.model.rowCount()))
        )

    def _enter_in_search(self) -> None:
        if self.debounce.isActive():
            self.apply_filter()
        if self.model.rowCount() > 0:
            self.table.setFocus()
            self.table.selectRow(0)
            self._open_row(0)

    def _open_row(self, row: int) -> None:
        business_id = self.model.business_id(row)
        if business_id:
            self.open_business.emit(business_id)


class BusinessDetailPage(QWidget):
    """One business: its data and its visit history, newest first."""

    back = Signal()
    edit = Signal(object)
    visit = Signal(object)
    enroll = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.business: Any = None
        self.title = widgets.heading("")
        self.back_button = QPushButton(self.tr("Back to the list"))
        self.back_button.setToolTip(self.tr("Esc"))
        self.back_button.clicked.connect(self.back.emit)
        self.edit_button = QPushButton(self.tr("Edit"))
        self.edit_button.clicked.connect(lambda: self.edit.emit(self.business))
        self.visit_button = QPushButton(self.tr("Record a visit"))
        self.visit_button.setShortcut(QKeySequence("Ctrl+K"))
        self.visit_button.clicked.connect(lambda: self.visit.emit(self.business))
        self.enroll_button = QPushButton(self.tr("Enroll a worker"))
        self.enroll_button.setToolTip(
            self.tr("Open the enrollment form for a worker of this business")
        )
        self.enroll_button.clicked.connect(lambda: self.enroll.emit(self.business))
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.edit_button)
        top.addWidget(self.enroll_button)
        top.addWidget(self.visit_button)
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, caption in (
            ("owner_name", self.tr("Owner")),
            ("phone", self.tr("Mobile number")),
            ("sector", self.tr("Sector")),
            ("size_class", self.tr("Size")),
            ("workers_count", self.tr("Number of workers")),
            ("address", self.tr("Address")),
            ("region_code", self.tr("Region")),
            ("nib", self.tr("NIB")),
            ("status", self.tr("Status")),
            ("sync_state", self.tr("Sync state")),
        ):
            label = QLabel()
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            self.fields[key] = label
            form.addRow(caption, label)
        self.visits = ListModel(
            [
                self.tr("Date"),
                self.tr("Channel"),
                self.tr("Outcome"),
                self.tr("Reason"),
                self.tr("Notes"),
                self.tr("Next follow-up"),
                self.tr("Agent"),
            ],
            [
                lambda v: i18n.date_time(value(v, "visited_at")),
                lambda v: labels.of(labels.channels(), value(v, "channel")),
                lambda v: labels.of(labels.outcomes(), value(v, "outcome")),
                lambda v: value(v, "reason") or "",
                lambda v: value(v, "notes") or "",
                lambda v: (
                    i18n.date(value(v, "next_follow_up")) if value(v, "next_follow_up") else ""
                ),
                lambda v: value(v, "agent_code") or "",
            ],
            self,
        )
        self.visits_table = QTableView()
        self.visits_table.setModel(self.visits)
        self.visits_table.verticalHeader().setVisible(False)
        self.visits_table.horizontalHeader().setStretchLastSection(True)
        self.visits_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for column, width in enumerate((150, 150, 150, 200, 260, 170)):
            self.visits_table.setColumnWidth(column, width)
        self.visits_title = widgets.heading(self.tr("Visit history"), 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(self.visits_title)
        layout.addWidget(self.visits_table, 1)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.back.emit)

    def show_detail(self, detail: Any) -> None:
        business = value(detail, "business", detail)
        self.business = business
        self.title.setText(str(value(business, "name", "")))
        for key, label in self.fields.items():
            raw = value(business, key)
            if key == "sector":
                text = labels.sector(raw)
            elif key == "size_class":
                text = labels.of(labels.size_classes(), raw)
            elif key == "status":
                text = labels.of(labels.business_statuses(), raw)
            elif key == "region_code":
                text = regions.path(raw)
            elif key == "phone":
                text = i18n.phone(raw)
            elif key == "sync_state":
                sync = value(detail, "sync")
                text = labels.of(labels.sync_states(), value(sync, "sync_state"))
                if value(sync, "sync_state") in ("rejected", "conflict"):
                    # The server's words are English: the Sync page explains it in theirs.
                    text = self.tr("{state}: see the Sync page for what to do").format(state=text)
            else:
                text = "" if raw is None else str(raw)
            label.setText(text or "-")
        visits = sorted(
            value(detail, "visits", []) or [],
            key=lambda v: value(v, "visited_at") or dt.datetime.min,
            reverse=True,
        )
        self.visits.set_records(visits)
        self.visits_title.setText(self.tr("Visit history ({n})").format(n=i18n.number(len(visits))))


class GuardedDialog(widgets.FittingDialog):
    """A form dialog that never loses what was typed: it is autosaved as the account's draft
    (`services.form_drafts`, under `form_key`) within 2 s of a change and given back the
    next time the same form is opened; Esc or Batal with typed content asks first."""

    AUTOSAVE_MS = 1500

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.initial: list[Any] = []
        self.restored = widgets.hint()
        self.restored.setVisible(False)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(self.AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.save_now)
        self._done = False

    def form_key(self) -> str | None:
        """Where the form is autosaved; None: it is not."""
        return None

    def _guard(self) -> None:
        """Called at the end of a subclass's __init__: the form as it opened, the autosave, and
        what this person left in the same form before."""
        self.initial = widgets.form_state(self)
        widgets.on_any_change(self, self.autosave_timer.start)
        key = self.form_key()
        if key is not None:
            backend = self.ctx.backend
            Op(self, lambda: backend.form_draft(key)).success(self._give_back).failure(
                lambda exc: log.info("autosaved form unavailable: %s", type(exc).__name__)
            ).run()

    def _give_back(self, draft: Any) -> None:
        state = value(draft, "state")
        if not state or not state.get("fields"):
            return
        widgets.restore_form_state(self, list(state["fields"]))
        self.autosave_timer.stop()
        when = value(draft, "updated_at")
        try:
            shown = i18n.date_time(dt.datetime.fromisoformat(str(when)))
        except ValueError:
            shown = "-"
        self.restored.setText(
            self.tr("What you typed here before was kept (saved {when}).").format(when=shown)
        )
        self.restored.setVisible(True)

    def has_typed(self) -> bool:
        return widgets.form_state(self) != self.initial

    def save_now(self) -> None:
        """Autosaves the form now (nothing when nothing is typed)."""
        self.autosave_timer.stop()
        key = self.form_key()
        if key is None or self._done or not self.has_typed():
            return
        state = {"fields": widgets.form_state(self)}
        backend = self.ctx.backend
        Op(self, lambda: backend.save_form_draft(key, state)).failure(
            lambda exc: log.info("form not autosaved: %s", type(exc).__name__)
        ).run()

    def _forget(self) -> None:
        self._done = True
        self.autosave_timer.stop()
        key = self.form_key()
        if key is None:
            return
        backend = self.ctx.backend
        Op(None, lambda: backend.discard_form_draft(key)).failure(
            lambda exc: log.info("autosaved form not discarded: %s", type(exc).__name__)
        ).run()

    def reject(self) -> None:
        """Esc, Batal or the window's close button: asks before typed content is lost."""
        if self.has_typed() and not messages.confirm(
            self,
            self.tr("Close this form? What was typed in it is lost."),
            self.tr("Close and discard"),
            self.tr("Keep typing"),
        ):
            return
        self._forget()
        super().reject()

    def set_aside(self) -> None:
        """Closes the dialog without asking and without forgetting its autosaved draft (a
        lock or a switch of user: the window keeps the form for its person)."""
        self.save_now()
        self._done = True
        super().reject()

    def discard(self) -> None:
        """Closes the dialog without asking and forgets what was typed (the program closing a
        form it filled itself, as the screenshot tool does)."""
        self._forget()
        super().reject()

    def accept(self) -> None:
        self._forget()
        super().accept()


class BusinessDialog(GuardedDialog):
    """Create or edit a business."""

    def __init__(self, ctx: Context, business: Any = None, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.ctx = ctx
        self.business = business
        self.setWindowTitle(self.tr("Edit business") if business else self.tr("New business"))
        self.setMinimumWidth(560)
        self.name = QLineEdit()
        self.owner = QLineEdit()
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(self.tr("08…"))
        self.sector = widgets.key_combo("sectors", blank=self.tr("(choose)"))
        self.size_class = QComboBox()
        for key, text in labels.size_classes().items():
            self.size_class.addItem(text, key)
        self.workers = widgets.NumberEdit()  # never drops a digit (a spin box did)
        self.address = QLineEdit()
        self.region = regions.RegionPicker()
        self.nib = QLineEdit()
        self.nib.setPlaceholderText(self.tr("13 digits, optional"))
        self.status = QComboBox()
        for key, text in labels.business_statuses().items():
            self.status.addItem(text, key)
        self.error = widgets.hint()
        self.error.setObjectName("error")
        #: each field: its label, its widget, and its error shown under it (issue 11, item 6)
        self.field_rows: dict[str, tuple[str, QWidget]] = {
            "name": (self.tr("Business name"), self.name),
            "owner_name": (self.tr("Owner"), self.owner),
            "phone": (self.tr("Mobile number"), self.phone),
            "sector": (self.tr("Sector"), self.sector),
            "size_class": (self.tr("Size"), self.size_class),
            "workers_count": (self.tr("Number of workers"), self.workers),
            "address": (self.tr("Address"), self.address),
            "region_code": (self.tr("Region"), self.region),
            "nib": (self.tr("NIB"), self.nib),
            "status": (self.tr("Status"), self.status),
        }
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, (caption, widget) in self.field_rows.items():
            form.addRow(caption, widget)
            error = QLabel()
            error.setObjectName("error")
            error.setWordWrap(True)
            error.setVisible(False)
            self.errors[name] = error
            form.addRow("", error)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(
            self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.heading(self.windowTitle(), 2))
        layout.addWidget(self.restored)
        layout.addWidget(widgets.form_scroll(form), 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.saved_id: str | None = None
        if business is not None:
            self.name.setText(value(business, "name") or "")
            self.owner.setText(value(business, "owner_name") or "")
            self.phone.setText(i18n.phone(value(business, "phone")))
            widgets.select_data(self.sector, value(business, "sector"))
            widgets.select_data(self.size_class, str(value(business, "size_class") or "mikro"))
            self.workers.setValue(int(value(business, "workers_count") or 0))
            self.address.setText(value(business, "address") or "")
            self.region.set_code(value(business, "region_code"))
            self.nib.setText(value(business, "nib") or "")
            widgets.select_data(self.status, str(value(business, "status") or "prospect"))
        self._guard()

    def form_key(self) -> str | None:
        if self.business is None:
            return "business:new"
        return f"business:{value(self.business, 'id')}"

    def fields(self) -> dict[str, Any]:
        """The form in wire form (SYNC_PROTOCOL.md, business); raises DomainError on a bad
        phone or NIB."""
        phone = self.phone.text().strip()
        nib = self.nib.text().strip()
        return {
            "name": self.name.text().strip(),
            "owner_name": self.owner.text().strip() or None,
            "phone": identity.normalize_phone(phone) if phone else None,
            "sector": self.sector.currentData(),
            "size_class": self.size_class.currentData(),
            "workers_count": self.workers.value(),
            "address": self.address.text().strip() or None,
            "region_code": self.region.code(),
            "nib": identity.check_nib(nib) if nib else None,
            "status": self.status.currentData(),
        }

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        """Each problem under its own field (one the form has no place for: by its label in
        the message line); the focus goes to the first field in error."""
        for shown in self.errors.values():
            shown.setVisible(False)
            shown.setText("")
        general: list[str] = []
        first: QWidget | None = None
        for name, text in problems:
            label = self.errors.get(name)
            if label is None:
                general.append(text)
                continue
            label.setText("\n".join(filter(None, [label.text(), text])))
            label.setVisible(True)
            if first is None:
                widget = self.field_rows[name][1]
                first = widget.search if isinstance(widget, regions.RegionPicker) else widget
        self.error.setText("\n".join(general))
        if first is not None:
            first.setFocus()

    def _field_problems(self) -> list[tuple[str, str]]:
        """The phone and NIB as the form reads them (a bad one is a problem of its field), and
        a number of workers that is not a number."""
        lang = i18n.current_language()
        found = []
        if self.workers.has_junk():
            found.append(("workers_count", self.tr("Type the number of workers in digits.")))
        for name, edit, check in (
            ("phone", self.phone, identity.normalize_phone),
            ("nib", self.nib, identity.check_nib),
        ):
            if edit.text().strip():
                try:
                    check(edit.text().strip())
                except DomainError as exc:
                    found.append((name, exc.message(lang)))
        return found

    def save(self) -> None:
        lang = i18n.current_language()
        typed = self._field_problems()
        if typed:
            self.show_problems(typed)
            return
        fields = self.fields()
        fields = {k: v for k, v in fields.items() if v is not None or self.business is not None}
        problems = validation.validate_business(fields, partial=self.business is not None)
        if problems:
            self.show_problems([(p.field, p.message(lang)) for p in problems])
            return
        self.show_problems([])
        backend = self.ctx.backend
        self.save_button.setEnabled(False)
        if self.business is None:
            event_id = self.ctx.event_id
            op = Op(self, lambda: backend.register_business(fields, event_id))
        else:
            business_id = str(value(self.business, "id"))
            old = {k: value(self.business, k) for k in fields}
            changes = {k: v for k, v in fields.items() if _plain(old[k]) != v}
            op = Op(self, lambda: backend.update_business(business_id, changes))
        op.success(self._saved).failure(self._failed).run()

    def _saved(self, result: Any) -> None:
        self.saved_id = str(value(result, "id", result)) if result is not None else None
        self.ctx.businesses_changed.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        problems = getattr(exc, "problems", None)
        if problems:
            lang = i18n.current_language()
            self.show_problems([(p.field, p.message(lang)) for p in problems])
            return
        messages.show_error(self, exc)


def _plain(raw: Any) -> Any:
    return getattr(raw, "value", raw)


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
        layout = QVBoxLayout(self)
        layout.addWidget(widgets.heading(self.windowTitle(), 2))
        layout.addWidget(self.restored)
        layout.addWidget(widgets.form_scroll(form), 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        order = [
            self.outcome,
            self.visit_date,
            self.visit_time,
            self.channel,
            self.reason,
            self.notes,
            self.has_follow_up,
            self.follow_up,
            self.save_button,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)
        self._guard()

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


class BusinessesPage(QWidget):
    """The list and the detail page, in one stack."""

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

    def save_forms(self) -> None:
        """Autosaves the open form now (before a lock, a switch of user, a close)."""
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


__all__ = ["ID_ROLE", "BusinessesPage"]
