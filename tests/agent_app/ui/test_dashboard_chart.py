"""The Beranda's chart of targets (issue 15): drawn with QPainter (`ui.target_chart`), no
pyqtgraph or numpy loaded; it says the same as the bars beside it, in the person's language,
in words for a screen reader; its bars stand where their percents say; its colours stay
readable under light, dark and high-contrast palettes. `PERISAI_SHOTS=<folder>` saves the
Beranda at 1366x768 in both languages to look at."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import clock
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from agent_app.ui.target_chart import Bar, TargetChart, contrast

from .app_look import app_look
from .test_contrast import SYSTEM_PALETTES, _palette
from .test_dashboard_employers import _window

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("lang", "name", "lines"),
    [
        (
            "id",
            "Capaian terhadap target, dalam persen",
            [
                "Pemberi kerja baru (acara): 50%",
                "Pendaftaran (saya): 27%",
                "Kunjungan (cabang): 14%",
            ],
        ),
        (
            "en",
            "Progress against targets, in percent",
            ["New employers (event): 50%", "Enrollments (mine): 27%", "Visits (branch): 14%"],
        ),
    ],
)
def test_the_chart_says_each_target_in_the_persons_language(
    qtbot: Any, qapp: QApplication, lang: str, name: str, lines: list[str]
) -> None:
    window = _window(qtbot, qapp, lang)
    page = window.workspace.pages["dashboard"]
    chart = page.chart
    assert isinstance(chart, TargetChart) and chart.isVisible()
    assert chart.accessibleName() == name
    assert chart.text().splitlines() == lines
    assert chart.accessibleDescription() == chart.text() == chart.toolTip()
    # the same targets, in the same order, as the bars and counts beside it
    labels = [page.targets_grid.itemAtPosition(r, 0).widget().text() for r in range(3)]
    assert [line.rsplit(":", 1)[0] for line in lines] == labels
    assert chart.focusPolicy() == Qt.FocusPolicy.NoFocus  # as the bars beside it
    QApplication.processEvents()
    assert not chart.grab().isNull()
    shots = os.environ.get("PERISAI_SHOTS")
    if shots:
        window.grab().save(str(Path(shots) / f"dashboard_chart_{lang}.png"))


def test_no_targets_hide_the_chart(qtbot: Any, qapp: QApplication) -> None:
    window = _window(qtbot, qapp, "en")
    page = window.workspace.pages["dashboard"]
    page._show_chart([])
    assert not page.chart.isVisible() and page.chart.text() == ""
    assert page.chart.accessibleDescription() == ""


def test_bars_stand_where_their_percents_say(qtbot: Any) -> None:
    chart = TargetChart()
    qtbot.addWidget(chart)
    chart.resize(420, 260)
    chart.set_bars([Bar("A", 50), Bar("B", 130), Bar("C", 0)], "chart", "% of target")
    image = chart.grab().toImage()
    colours = chart.colours()
    # the plot's geometry as paintEvent lays it out
    line = chart.fontMetrics().height()
    left = line + 6 + chart.fontMetrics().horizontalAdvance("100%") + 6
    top, bottom = line * 0.5, chart.height() - line * 3.0
    slot = (chart.width() - left - 8) / 3

    def at(bar: int, percent: float) -> QColor:
        x = left + slot * bar + slot / 2 + slot * 0.2  # off the percent's text
        y = bottom - (bottom - top) * percent / 112
        return image.pixelColor(round(x), round(y))

    assert at(0, 25) == colours.bar and at(0, 75) == colours.track
    assert at(1, 10) == colours.bar and at(1, 95) == colours.bar  # past its target: full
    assert at(2, 40) == colours.track and at(2, 90) == colours.track
    assert chart.text() == "A: 50%\nB: 130%\nC: 0%"  # the real percent, even past 100


@pytest.mark.parametrize("system", list(SYSTEM_PALETTES))
def test_the_charts_colours_are_readable_under_every_palette(
    qtbot: Any, qapp: QApplication, system: str
) -> None:
    # the app's start-up over the system's palette
    with app_look(qapp, _palette(SYSTEM_PALETTES[system])):
        chart = TargetChart()
        qtbot.addWidget(chart)
        raw = TargetChart()  # a palette of the system's given to the widget itself
        raw.setPalette(_palette({**SYSTEM_PALETTES[system], QPalette.ColorRole.Mid: "#808080"}))
        qtbot.addWidget(raw)
        for widget in (chart, raw):
            colours = widget.colours()
            assert contrast(colours.text, colours.background) >= 4.5, system
            assert contrast(colours.text, colours.track) >= 4.5, system  # percents on it
            assert contrast(colours.bar, colours.background) >= 3, system


def test_the_app_loads_neither_pyqtgraph_nor_numpy(tmp_path: Path) -> None:
    """The app's start, the window and the chart drawn, in a fresh process: neither is
    imported (the warm-up during the login imported both before issue 15)."""
    probe = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "import agent_app.app, agent_app.ui.window, agent_app.ui.pages.dashboard\n"
        "from agent_app.ui.target_chart import Bar, TargetChart\n"
        "chart = TargetChart(); chart.resize(400, 260)\n"
        "chart.set_bars([Bar('A', 50)], 'chart', '%'); chart.grab()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'pyqtgraph')))\n"
    )
    script = tmp_path / "probe.py"
    script.write_text(probe, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "AGENT_APP_HOME": str(tmp_path)}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [*clock.python(), str(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
