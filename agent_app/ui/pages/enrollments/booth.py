"""Booth mode (Settings, or the booth bar above the form) makes the enrollment form a queue
tool: the event of the day is chosen on the bar from the pulled events (offline), what the
queue shares (the event, the business the workers come from, the region when "keep" is
ticked) is carried to the next worker, and the optional fields leave the Tab chain (a click
still reaches them). Ctrl+N or F2 starts the next worker."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from agent_app.ui import messages
from agent_app.ui.pages.enrollments.autosave import Autosave


class BoothMode(Autosave):
    """The booth bar and the queue's keys."""

    def optional_fields(self) -> list[QWidget]:
        """Fields a booth worker rarely needs: out of the Tab chain in booth mode."""
        return [
            self.birth_place,
            self.email,
            self.address,
            self.region.search,
            *self.region.combos,
            self.income,
            self.jht,
            self.period,
            self.paid_by_state,
            *self.photos.keyboard_chain(),
            self.draft_button,
            self.clear_button,
        ]

    def set_booth_mode(self, on: bool) -> None:
        """Shows the booth bar and takes the optional fields out of the Tab chain (a click
        still reaches them), or puts everything back."""
        self.booth = on
        self.booth_bar.setVisible(on)
        policy = Qt.FocusPolicy.ClickFocus if on else Qt.FocusPolicy.StrongFocus
        for widget in self.optional_fields():
            widget.setFocusPolicy(policy)
        self._fill_booth_events()
        self._booth_focus()

    def _fill_booth_events(self) -> None:
        from agent_app.ui.pages.settings import fill_event_combo

        fill_event_combo(self.booth_event, self.ctx)

    def _booth_event_chosen(self, _index: int) -> None:
        event_id = self.booth_event.currentData()
        if event_id != self.ctx.event_id:
            self.ctx.set_event(event_id)

    def next_worker(self) -> None:
        """Ctrl+N / F2: the person's fields are cleared (after a confirmation when anything
        is typed), what the queue shares stays, and the NIK field takes the focus."""
        if self.touched() and not messages.confirm(
            self,
            self.tr("Start the next worker? What was typed for this one is lost."),
            self.tr("Next worker"),
            self.tr("Keep typing"),
        ):
            return
        if self.touched():
            self.forget_draft()
        self.clear(keep_shared=True)
        self.message.setText("")
