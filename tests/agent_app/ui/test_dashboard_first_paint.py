"""The Beranda asks its figures as it starts building (issue 15: the database thread reads them
while the UI thread builds the page), shows them once both are done, and asks only once for
its first showing; a later showing asks afresh."""

from __future__ import annotations

from typing import Any

from agent_app.ui import ops
from agent_app.ui.context import Context
from agent_app.ui.pages.dashboard import DashboardPage

from . import fakes


class HeldRunner:
    """Keeps each task until `release` (the database thread still busy)."""

    def __init__(self) -> None:
        self.held: list[ops.Op[Any]] = []

    def submit(self, op: ops.Op[Any]) -> None:
        self.held.append(op)

    def release(self) -> None:
        while self.held:
            op = self.held.pop(0)
            op._execute()
            op._deliver()


def _ctx() -> tuple[Context, fakes.FakeBackend]:
    backend = fakes.FakeBackend.with_businesses(5)
    backend.ops = 7  # changes not yet synced
    shell = fakes.FakeShell(backend=backend)
    unlocked = shell.keystore.create_first_account(
        "PLG-001", "Siti Aminah", "Palembang", "agent", "rahasia123"
    )
    return Context(shell, backend, unlocked.account, today=lambda: fakes.TODAY), backend


def test_the_figures_are_asked_while_the_page_builds_and_not_twice(qtbot: Any) -> None:
    held = HeldRunner()
    ops.set_runner(held)
    ctx, backend = _ctx()
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    assert len(held.held) == 1 and page.summary is None  # asked before the page was done
    page.activate()  # its first showing, the figures still on their way
    assert len(held.held) == 1
    held.release()
    assert backend.calls.count("dashboard") == 1
    assert page.work_tiles["unsynced_ops"].number.text() == "7"
    page.activate()  # shown again later: asked afresh
    assert len(held.held) == 1
    held.release()
    assert backend.calls.count("dashboard") == 2


def test_figures_back_before_the_widgets_are_shown_once_they_are(qtbot: Any) -> None:
    """With the immediate runner (the database thread faster than the page) the answer comes
    during the build: the tiles still show it."""
    ctx, backend = _ctx()
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    assert backend.calls.count("dashboard") == 1
    assert page.summary is not None
    assert page.work_tiles["unsynced_ops"].number.text() == "7"
