"""Beranda: today and the current event at a glance.

Numbers come from `services.dashboard.summary` (read by name, so a summary given as a
dataclass or a mapping both work): today's visits, enrollments and businesses registered,
follow-ups due, the event's totals, progress against each target, and a day-by-day series
drawn with pyqtgraph.
"""

from __future__ import annotations

import datetime as dt
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
        self.chart: Any = None
        self.title = widgets.heading(self.tr("Dashboard"))
        self.date_label = widgets.hint()
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.date_label)
        top.addWidget(self.refresh_button)

        self.today_tiles = {
            "visits_today": Tile(self.tr("Visits today")),
            "enrollments_today": Tile(self.tr("Enrollments today")),
            "businesses_today": Tile(self.tr("Businesses registered today")),
            "followups_due": Tile(self.tr("Follow-ups due")),
        }
        today_row = QHBoxLayout()
        for tile in self.today_tiles.values():
            today_row.addWidget(tile)

        self.event_title = widgets.heading(self.tr("Current event"), 2)
        self.event_tiles = {
            "event_visits": Tile(self.tr("Visits during the event")),
            "event_enrollments": Tile(self.tr("Enrollments during the event")),
            "event_businesses": Tile(self.tr("Businesses registered during the event")),
        }
        event_row = QHBoxLayout()
        for tile in self.event_tiles.values():
            event_row.addWidget(tile)

        self.targets_title = widgets.heading(self.tr("Progress against targets"), 2)
        self.targets_box = QWidget()
        self.targets_grid = QGridLayout(self.targets_box)
        self.targets_grid.setColumnStretch(1, 1)
        self.no_targets = widgets.hint(self.tr("No targets have been received from the server."))

        self.chart_title = widgets.heading(self.tr("Per day"), 2)
        self.chart_holder = QVBoxLayout()

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(top)
        layout.addWidget(widgets.heading(self.tr("Today"), 2))
        layout.addLayout(today_row)
        layout.addWidget(self.event_title)
        layout.addLayout(event_row)
        layout.addWidget(self.targets_title)
        layout.addWidget(self.no_targets)
        layout.addWidget(self.targets_box)
        layout.addWidget(self.chart_title)
        layout.addLayout(self.chart_holder)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        ctx.event_changed.connect(self.refresh)
        ctx.businesses_changed.connect(self.refresh)
        ctx.enrollments_changed.connect(self.refresh)
        ctx.account_changed.connect(self.refresh)

    def activate(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        on = self.ctx.today()
        event_id = self.ctx.event_id
        backend = self.ctx.backend
        self.date_label.setText(i18n.date(on))
        Op(self, lambda: backend.dashboard(on, event_id)).success(self.show_summary).run()

    def show_summary(self, summary: Any) -> None:
        self.summary = summary
        for key, tile in {**self.today_tiles, **self.event_tiles}.items():
            tile.set_value(value(summary, key, 0))
        name = self.ctx.event_name()
        self.event_title.setText(
            self.tr("Current event: {name}").format(name=name)
            if name
            else self.tr("Current event: none chosen (pick one in Settings)")
        )
        self._show_targets(list(value(summary, "targets", []) or []))
        self._show_chart(list(value(summary, "daily", []) or []))

    def _metric_name(self, metric: str) -> str:
        return {
            "enrollments": self.tr("Enrollments"),
            "businesses": self.tr("Businesses registered"),
            "visits": self.tr("Visits"),
            "employers": self.tr("New employers"),
        }.get(metric, metric)

    def _show_targets(self, targets: list[Any]) -> None:
        while self.targets_grid.count():
            item = self.targets_grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.no_targets.setVisible(not targets)
        self.targets_box.setVisible(bool(targets))
        for row, target in enumerate(targets):
            goal = int(value(target, "goal", 0) or 0)
            reached = int(value(target, "reached", 0) or 0)
            bar = QProgressBar()
            bar.setRange(0, max(goal, 1))
            bar.setValue(min(reached, max(goal, 1)))
            bar.setTextVisible(False)
            percent = round(100 * reached / goal) if goal else 0
            self.targets_grid.addWidget(
                QLabel(self._metric_name(str(value(target, "metric")))), row, 0
            )
            self.targets_grid.addWidget(bar, row, 1)
            self.targets_grid.addWidget(
                QLabel(
                    self.tr("{reached} of {goal} ({percent}%)").format(
                        reached=i18n.number(reached), goal=i18n.number(goal), percent=percent
                    )
                ),
                row,
                2,
            )

    def _show_chart(self, daily: list[Any]) -> None:
        import pyqtgraph as pg

        if self.chart is None:
            pg.setConfigOptions(antialias=True, background="w", foreground="#333")
            self.chart = pg.PlotWidget()
            self.chart.setObjectName("dailyChart")
            self.chart.setMinimumHeight(260)
            self.chart.setMenuEnabled(False)
            self.chart.setMouseEnabled(x=False, y=False)
            self.chart.showGrid(y=True, alpha=0.2)
            self.chart.addLegend(offset=(10, 10))
            self.chart_holder.addWidget(self.chart)
        plot = self.chart.getPlotItem()
        plot.clear()
        days = [value(d, "day") for d in daily]
        xs = list(range(len(days)))
        visits = [int(value(d, "visits", 0) or 0) for d in daily]
        enrollments = [int(value(d, "enrollments", 0) or 0) for d in daily]
        width = 0.38
        plot.addItem(
            pg.BarGraphItem(
                x=[x - width / 2 for x in xs],
                height=visits,
                width=width,
                brush="#8fb8de",
                pen=None,
                name=self.tr("Visits"),
            )
        )
        plot.addItem(
            pg.BarGraphItem(
                x=[x + width / 2 for x in xs],
                height=enrollments,
                width=width,
                brush="#1b7a43",
                pen=None,
                name=self.tr("Enrollments"),
            )
        )
        ticks = [
            (x, _short_date(day))
            for x, day in zip(xs, days, strict=True)
            if isinstance(day, dt.date)
        ]
        plot.getAxis("bottom").setTicks([ticks])
        plot.setLabel("left", self.tr("Count"))
        if xs:
            plot.setXRange(-0.6, len(xs) - 0.4, padding=0)
        plot.setYRange(0, max([*visits, *enrollments, 1]) * 1.15, padding=0)
        self.chart.setAccessibleName(self.tr("Visits and enrollments per day"))


def _short_date(day: dt.date) -> str:
    text = i18n.date(day)
    return text.rsplit(" ", 1)[0]
