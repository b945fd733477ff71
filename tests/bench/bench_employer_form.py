"""Benchmark of the employer registration form with 200 workers (issue 17): the quote must
recompute in under 50 ms for 200 workers, on every change, so the form stays responsive.

Run:  .venv/bin/python tests/bench/bench_employer_form.py [--workers 200] [--repeat 50]

Builds the real form (`agent_app.ui.pages.employers.EmployerForm`) offscreen over the UI
tests' in-memory backend, fills `workers` lines (NIK, name, dates, wage), then prints:
- `quote`: the form's `update_quote()` (read and check every line's wage, `quote_employer`,
  each line's share into the table model, the totals panel), median and worst;
- `edit`: one wage typed into a random line, end to end (the model's change, the line's
  checks, the quote, the table's shares and the panel), median and worst;
- `paint`: the table's visible lines repainted after an edit.
The holiday calendar (the due date's first call, about 1.8 s) is warmed first, as the form
does off the UI thread when it opens.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _timed(runs: int, step: Callable[[int], None]) -> tuple[float, float]:
    seconds = []
    for run in range(runs):
        started = time.perf_counter()
        step(run)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds) * 1000, max(seconds) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from agent_app.ui import i18n, ops
    from agent_app.ui.context import Context
    from agent_app.ui.pages.employers import EmployerForm
    from tests.agent_app.ui import fakes
    from tests.helpers.niks import synthetic_nik

    app = QApplication.instance() or QApplication([])
    i18n.install(app, "id")
    ops.set_runner(ops.ImmediateRunner())
    shell = fakes.FakeShell(backend=fakes.FakeBackend.with_businesses(1))
    account = fakes.Account("PLG-001", "Siti Aminah", "PLG")
    shell.backend.actor = account
    ctx = Context(shell, shell.backend, account, today=lambda: fakes.TODAY)
    form = EmployerForm(ctx)
    form.resize(1366, 768)
    form.show()
    business = next(iter(shell.backend.businesses.values()))
    form.open_for(business)  # warms the holiday calendar (immediate runner: here)
    form.size_class.setCurrentIndex(form.size_class.findData("menengah"))
    lines = [
        {
            "nik": synthetic_nik(i),
            "full_name": f"Pekerja {i}",
            "start_date": "01/09/2026",
            "monthly_wage": str(4_200_000 + 1_337 * i),
            "jkn": i % 2 == 0,
        }
        for i in range(args.workers)
    ]
    form.workers.set_lines(lines)
    form.update_quote()
    assert form.quote_panel.quote is not None, form.quote_panel.error.text()
    rows = random.Random(17)

    def edit(run: int) -> None:
        row = rows.randrange(args.workers)
        form.workers.set_cell(row, "monthly_wage", str(4_300_000 + run))

    quote = _timed(args.repeat, lambda _run: form.update_quote())
    edited = _timed(args.repeat, edit)
    painted = _timed(args.repeat, lambda _run: form.table.viewport().repaint())
    assert form.quote_panel.quote is not None
    print(
        f"employer_form workers={args.workers} quote median_ms={quote[0]:.2f} "
        f"max_ms={quote[1]:.2f}; edit median_ms={edited[0]:.2f} max_ms={edited[1]:.2f}; "
        f"paint median_ms={painted[0]:.2f} max_ms={painted[1]:.2f}"
    )
    form.autosave_timer.stop()
    form.close()


if __name__ == "__main__":
    main()
