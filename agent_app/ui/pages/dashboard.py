"""Beranda: today and the current event at a glance.

Numbers come from `services.dashboard.summary` (read by name, so a summary given as a
dataclass or a mapping both work): today's visits, enrollments and businesses registered,
follow-ups due, the event's totals, progress against each target (new employers: the
accepted registrations, with those awaiting review beside them), and the targets' percents
as bars, drawn by `ui.target_chart` with QPainter (no plotting library: issue 15).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from agent_app.ui import i18n, widgets
from agent_app.ui.backend import value
from agent_app.ui.context import Context
from agent_app.ui.ops import Op
from agent_app.ui.pages.assignments import AssignmentsView
from agent_app.ui.target_chart import Bar, TargetChart


class Tile(QFrame):
    """One number with its caption."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setObjectName("tile")
        self.number = QLabel("-")
        self.number.setObjectName("tileNumber")
        self.caption = QLabel(caption)
        self.caption.setObjectName("tileCaption")
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)

    def set_value(self, amount: int | None) -> None:
        self.number.setText(i18n.number(amount or 0))


class DashboardPage(QWidget):
    """Beranda."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summary: Any = None
        self.chart: TargetChart | None = None
        # The figures are read on the database thread while the page builds its widgets (a
        # faster login, issue 15); an activation while they are on their way does not ask
        # them again.
        self._built = False
        self._asked_at_build = True
        self._ask(ctx.today())
        top = self._top_bar()
        today_row, event_row = self._tiles()
        self._targets()
        self._lay_out(top, today_row, event_row)
        self.date_label.setText(i18n.date(ctx.today()))
        self._built = True
        if self.summary is not None:  # it came back before the widgets were there
            self.show_summary(self.summary)
        ctx.event_changed.connect(self.refresh)
        ctx.events_loaded.connect(self.refresh)
        ctx.businesses_changed.connect(self.refresh)
        ctx.enrollments_changed.connect(self.refresh)
        ctx.account_changed.connect(self.refresh)

    def _top_bar(self) -> QHBoxLayout:
        self.title = widgets.heading(self.tr("Dashboard"))
        self.date_label = widgets.hint()
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.date_label)
        top.addWidget(self.refresh_button)
        return top

    def _tiles(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        """Today's counts, and the work waiting (drafts, corrections, unsynced changes)."""
        self.today_tiles = {
            "visits_today": Tile(self.tr("Visits today")),
            "enrollments_today": Tile(self.tr("Enrollments today")),
            "businesses_today": Tile(self.tr("Businesses registered today")),
            "follow_ups_due": Tile(self.tr("Follow-ups due")),
        }
        today_row = QHBoxLayout()
        for tile in self.today_tiles.values():
            today_row.addWidget(tile)

        self.event_title = widgets.heading(self.tr("Current event"), 2)
        self.event_info = widgets.hint()
        self.work_tiles = {
            "drafts": Tile(self.tr("Enrollment drafts")),
            "needing_correction": Tile(self.tr("Enrollments needing correction")),
            "employers_needing_correction": Tile(
                self.tr("Employer registrations needing correction")
            ),
            "unsynced_ops": Tile(self.tr("Changes not yet synced")),
        }
        event_row = QHBoxLayout()
        for tile in self.work_tiles.values():
            event_row.addWidget(tile)
        return today_row, event_row

    def _targets(self) -> None:
        """Progress against targets: a grid of bars and a chart beside it."""
        self.targets_title = widgets.heading(self.tr("Progress against targets"), 2)
        self.targets_box = QWidget()
        self.targets_grid = QGridLayout(self.targets_box)
        self.targets_grid.setColumnStretch(1, 1)
        self.no_targets = widgets.hint(self.tr("No targets have been received from the server."))

        self.chart_title = widgets.heading(self.tr("Targets at a glance"), 2)
        self.chart_holder = QVBoxLayout()

    def _lay_out(self, top: QHBoxLayout, today_row: QHBoxLayout, event_row: QHBoxLayout) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(top)
        self.today_title = widgets.heading(self.tr("Today"), 2)
        layout.addWidget(self.today_title)
        layout.addLayout(today_row)
        layout.addWidget(widgets.heading(self.tr("Waiting for you"), 2))
        layout.addLayout(event_row)
        layout.addWidget(widgets.heading(self.tr("Assignments from your supervisor"), 2))
        self.assignments = AssignmentsView(lambda: self.ctx.today())
        self.assignments.setMaximumHeight(220)
        layout.addWidget(self.assignments)
        layout.addWidget(self.event_title)
        layout.addWidget(self.event_info)
        layout.addWidget(self.targets_title)
        layout.addWidget(self.no_targets)
        targets_row = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.targets_box)
        left.addStretch(1)
        targets_row.addLayout(left, 1)
        right = QVBoxLayout()
        right.addLayout(self.chart_holder)
        targets_row.addLayout(right, 1)
        layout.addLayout(targets_row)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def activate(self) -> None:
        if self._asked_at_build:
            self._asked_at_build = False
            return
        self.refresh()

    def refresh(self) -> None:
        on = self.ctx.today()
        self.date_label.setText(i18n.date(on))
        self._ask(on)

    def _ask(self, on: Any) -> None:
        event_id = self.ctx.event_id
        backend = self.ctx.backend
        Op(self, lambda: backend.dashboard(on, event_id)).success(self.show_summary).run()

    def show_summary(self, summary: Any) -> None:
        self.summary = summary
        self._asked_at_build = False  # an activation from now on asks afresh
        if not self._built:
            return
        for key, tile in {**self.today_tiles, **self.work_tiles}.items():
            tile.set_value(value(summary, key, 0))
        event = next((e for e in self.ctx.events if value(e, "id") == self.ctx.event_id), None)
        self.today_title.setText(
            self.tr("Today at {event}").format(event=value(event, "name", ""))
            if event is not None
            else self.tr("Today")
        )
        if event is None:
            self.event_title.setText(self.tr("Current event: none chosen"))
            self.event_info.setText(
                self.tr("Pick the event of your booth in Settings; new records are tagged with it.")
            )
        else:
            self.event_title.setText(
                self.tr("Current event: {name}").format(name=value(event, "name", ""))
            )
            self.event_info.setText(
                self.tr("{venue}, {start} – {end}").format(
                    venue=value(event, "venue", "") or "-",
                    start=i18n.date(value(event, "starts_on")),
                    end=i18n.date(value(event, "ends_on")),
                )
            )
        self.assignments.set_assignments(list(value(summary, "assignments", ()) or ()))
        targets = [_Target.of(t) for t in (value(summary, "targets", []) or [])]
        self._show_targets(targets)
        self._show_chart(targets)

    def _metric_name(self, metric: str) -> str:
        return {
            "enrollments": self.tr("Enrollments"),
            "businesses": self.tr("Businesses registered"),
            "visits": self.tr("Visits"),
            "employers": self.tr("New employers"),
        }.get(metric, metric)

    def _scope_name(self, scope: str) -> str:
        return {
            "agent": self.tr("mine"),
            "branch": self.tr("branch"),
            "event": self.tr("event"),
        }.get(scope, scope)

    def _target_label(self, target: _Target) -> str:
        return self.tr("{metric} ({scope})").format(
            metric=self._metric_name(target.metric), scope=self._scope_name(target.scope)
        )

    def _show_targets(self, targets: list[_Target]) -> None:
        while self.targets_grid.count():
            item = self.targets_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.no_targets.setVisible(not targets)
        self.targets_box.setVisible(bool(targets))
        self.chart_title.setVisible(False)
        for row, target in enumerate(targets):
            bar = QProgressBar()
            bar.setRange(0, max(target.goal, 1))
            bar.setValue(min(target.reached, max(target.goal, 1)))
            bar.setTextVisible(False)
            self.targets_grid.addWidget(QLabel(self._target_label(target)), row, 0)
            self.targets_grid.addWidget(bar, row, 1)
            self.targets_grid.addWidget(QLabel(self._target_count(target)), row, 2)

    def _target_count(self, target: _Target) -> str:
        """ "12 of 50 (24%)"; for employers, with what it counts and what awaits review
        ("12 accepted, 5 awaiting review")."""
        count = self.tr("{reached} of {goal} ({percent}%)").format(
            reached=i18n.number(target.reached),
            goal=i18n.number(target.goal),
            percent=target.percent,
        )
        if target.metric != "employers":
            return count
        detail = self.tr("{accepted} accepted, {pending} awaiting review").format(
            accepted=i18n.number(target.reached), pending=i18n.number(target.pending)
        )
        return f"{count}\n{detail}"

    def _show_chart(self, targets: list[_Target]) -> None:
        if self.chart is None:
            self.chart = TargetChart()
            self.chart.setObjectName("targetsChart")
            self.chart_holder.addWidget(self.chart)
        self.chart.setVisible(bool(targets))
        self.chart.set_bars(
            [
                Bar(f"{self._metric_name(t.metric)}\n({self._scope_name(t.scope)})", t.percent)
                for t in targets
            ],
            self.tr("Progress against targets, in percent"),
            self.tr("% of target"),
        )


class _Target:
    """A target's progress, read from the services' TargetProgress (or a mapping)."""

    def __init__(self, metric: str, scope: str, goal: int, reached: int, pending: int = 0) -> None:
        self.metric = metric
        self.scope = scope
        self.goal = goal
        self.reached = reached
        #: Submitted, awaiting review (employers: not yet counted in `reached`).
        self.pending = pending

    @property
    def percent(self) -> int:
        return round(100 * self.reached / self.goal) if self.goal else 0

    @classmethod
    def of(cls, progress: Any) -> _Target:
        target = value(progress, "target", progress)
        return cls(
            str(value(target, "metric", "")),
            str(value(target, "scope", "")),
            int(value(progress, "goal", None) or value(target, "goal", 0) or 0),
            int(value(progress, "achieved", None) or value(progress, "reached", 0) or 0),
            int(value(progress, "pending", 0) or 0),
        )
