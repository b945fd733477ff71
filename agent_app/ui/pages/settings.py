"""Pengaturan: the current event (booth mode), language, idle lock, server address, and adding
another account to this laptop (a shared booth laptop holds several)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from agent_app import settings as app_settings
from agent_app.domain import clock
from agent_app.ui import context, i18n, messages, widgets
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.ops import Op


class SettingsPage(QWidget):
    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        form = self._settings_form()
        accounts = self._accounts_form()
        self._lay_out(form, accounts)
        ctx.event_changed.connect(self._fill_events)
        ctx.events_loaded.connect(self._fill_events)

    def _settings_form(self) -> QFormLayout:
        """The laptop's settings: event, language, idle lock, booth mode, server, zone."""
        self.event_combo = QComboBox()
        self.event_combo.setMinimumContentsLength(30)
        self.language = QComboBox()
        self.language.addItem("Bahasa Indonesia", "id")
        self.language.addItem("English", "en")
        self.idle = QSpinBox()
        self.idle.setRange(0, 240)
        self.idle.setSuffix(self.tr(" minutes"))
        self.idle.setSpecialValueText(self.tr("Never"))
        self.server_url = QLineEdit()
        self.server_url.setPlaceholderText(self.tr("e.g. https://perisai.example.id"))
        self.server_error = widgets.hint()
        self.server_error.setObjectName("error")
        self.server_error.setVisible(False)
        self.server_url.textEdited.connect(lambda _text: self.server_error.setVisible(False))
        self.save_button = QPushButton(self.tr("Save settings"))
        self.save_button.clicked.connect(self.save)
        self.note = widgets.hint()
        form = QFormLayout()
        form.addRow(self.tr("Current event"), self.event_combo)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Lock after idle"), self.idle)
        self.booth = QCheckBox(self.tr("Booth mode: open on the enrollment form after each login"))
        self.booth.setToolTip(
            self.tr("For a laptop shared at an event booth; visits are recorded as booth visits")
        )
        form.addRow("", self.booth)
        self.record_place = QCheckBox(self.tr("Record where a visit or a new business is made"))
        self.record_place.setToolTip(
            self.tr("Only when this laptop knows its position; the form shows it each time")
        )
        form.addRow("", self.record_place)
        form.addRow(self.tr("Server address"), self.server_url)
        form.addRow("", self.server_error)
        self.time_zone = QLabel()
        self.time_zone.setWordWrap(True)
        form.addRow(self.tr("Time zone"), self.time_zone)
        return form

    def _accounts_form(self) -> QFormLayout:
        """Another account on this laptop (a shared booth laptop holds several)."""
        self.new_code = QLineEdit()
        self.new_name = QLineEdit()
        self.new_branch = QLineEdit()
        self.new_role = QComboBox()
        self.new_role.addItem(self.tr("Agent"), "agent")
        self.new_role.addItem(self.tr("Supervisor"), "supervisor")
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_button = QPushButton(self.tr("Add account"))
        self.add_button.clicked.connect(self.add_account)
        accounts = QFormLayout()
        accounts.addRow(self.tr("Agent code"), self.new_code)
        accounts.addRow(self.tr("Full name"), self.new_name)
        accounts.addRow(self.tr("Branch office"), self.new_branch)
        accounts.addRow(self.tr("Role"), self.new_role)
        accounts.addRow(self.tr("Password"), self.new_password)
        self.account_note = widgets.hint()
        return accounts

    def _lay_out(self, form: QFormLayout, accounts: QFormLayout) -> None:
        outer = QVBoxLayout(self)
        outer.addWidget(widgets.heading(self.tr("Settings")))
        content = QWidget()
        outer.addWidget(widgets.FormScroll(content), 1)  # a short screen scrolls the page
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.save_button)
        layout.addWidget(self.note)
        layout.addWidget(widgets.heading(self.tr("Another account on this laptop"), 2))
        layout.addWidget(
            widgets.hint(
                self.tr("At a shared booth laptop each person logs in with their own account.")
            )
        )
        layout.addLayout(accounts)
        layout.addWidget(self.add_button)
        layout.addWidget(self.account_note)
        self.about_button = QPushButton(self.tr("About Perisai Agent…"))
        self.about_button.setToolTip(
            self.tr("The version, the server, and the licences of the software it bundles")
        )
        self.about_button.clicked.connect(self.show_about)
        self.about: Any = None
        layout.addWidget(self.about_button)
        layout.addStretch(1)

    def activate(self) -> None:
        settings = self.ctx.settings
        self._fill_events()
        self.ctx.reload_events()  # events pulled since the login are choosable too
        widgets.select_data(self.language, getattr(settings, "language", "id"))
        self.idle.setValue(int(getattr(settings, "idle_lock_minutes", 0) or 0))
        self.booth.setChecked(bool(getattr(settings, "booth_mode", False)))
        self.record_place.setChecked(getattr(settings, "record_place", True) is not False)
        self.server_url.setText(getattr(settings, "server_url", "") or "")
        self._show_account_power()
        zone = self.ctx.backend.time_zone()
        self.time_zone.setText(
            self.tr(
                "{abbreviation} ({zone}): dates, quotes, targets and summaries follow your "
                "branch's day. The server sets it at login."
            ).format(abbreviation=clock.ABBREVIATIONS.get(zone, zone), zone=zone)
        )
        self.event_combo.setFocus()

    def show_about(self) -> None:
        from agent_app.ui.about import AboutDialog

        url = getattr(self.ctx.settings, "server_url", "") or None
        self.about = AboutDialog(url, self)
        self.about.open()

    def _fill_events(self) -> None:
        fill_event_combo(self.event_combo, self.ctx)

    def save(self) -> None:
        settings = self.ctx.settings
        problem = app_settings.server_url_problem(self.server_url.text())
        if problem is not None:  # nothing is saved; what was typed stays to be corrected
            self.server_error.setText(problem.in_language(i18n.current_language()))
            self.server_error.setVisible(True)
            self.note.setText("")
            self.server_url.setFocus()
            return
        self.server_error.setVisible(False)
        language_changed = self.language.currentData() != getattr(settings, "language", "id")
        settings.language = self.language.currentData()
        settings.idle_lock_minutes = self.idle.value()
        settings.booth_mode = self.booth.isChecked()
        settings.record_place = self.record_place.isChecked()
        settings.server_url = self.server_url.text().strip()
        event_id = self.event_combo.currentData()
        if event_id != self.ctx.event_id:
            self.ctx.set_event(event_id)
        else:
            context.save_settings(settings)
        self.note.setText(
            self.tr("Saved. The new language applies the next time the app starts.")
            if language_changed
            else self.tr("Saved.")
        )
        window = self.window()
        idle = getattr(window, "idle", None)
        if idle is not None:
            idle.set_minutes(float(self.idle.value()))

    def _show_account_power(self) -> None:
        """The new-account fields are for those who may add accounts (a supervisor the server
        confirmed, or the owner of a laptop never connected): others see why, before typing a
        whole account that would be refused (the key store checks it again when adding)."""
        unlocked = getattr(self.window(), "unlocked", None)
        store = self.ctx.shell.keystore
        Op(self, lambda: store.may_add_accounts(unlocked)).success(self._account_power).run()

    def _account_power(self, allowed: bool) -> None:
        for edit in (
            self.new_code,
            self.new_name,
            self.new_branch,
            self.new_role,
            self.new_password,
            self.add_button,
        ):
            edit.setEnabled(allowed)
        self.account_note.setText(
            ""
            if allowed
            else self.tr(
                "Only a supervisor the server has confirmed may add accounts on this laptop."
            )
        )

    def add_account(self) -> None:
        unlocked = getattr(self.window(), "unlocked", None)
        args = (
            self.new_code.text().strip(),
            self.new_name.text().strip(),
            self.new_branch.text().strip(),
            self.new_role.currentData(),
            self.new_password.text(),
        )
        if not all(args[:3]) or len(args[4]) < 8:
            self.account_note.setText(
                self.tr("Fill in every field; the password needs at least 8 characters.")
            )
            return
        store = self.ctx.shell.keystore
        Op(self, lambda: store.add_account(unlocked, *args)).success(self._added).failure(
            lambda exc: messages.show_error(self, exc)
        ).run()

    def _added(self, _result: Any) -> None:
        self.account_note.setText(self.tr("Account added."))
        for edit in (self.new_code, self.new_name, self.new_password):
            edit.clear()


def fill_event_combo(combo: QComboBox, ctx: Context) -> None:
    """The events this laptop has pulled (chosen offline), the current one selected."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(QCoreApplication.translate("SettingsPage", "(no event)"), None)
    for event in ctx.events:
        starts, ends = value(event, "starts_on"), value(event, "ends_on")
        text = str(value(event, "name", ""))
        venue = value(event, "venue")
        if venue:
            text += f" · {venue}"
        if starts and ends:
            text += f" ({i18n.date(starts)} – {i18n.date(ends)})"
        combo.addItem(text, value(event, "id"))
    widgets.select_data(combo, ctx.event_id)
    combo.blockSignals(False)
