"""The workspace of a logged-in window: navigation on the left, the current page on the right.

Each page is built the first time it is shown (a faster login: importing every page costs
seconds, the dashboard's chart most); `PAGES` maps each key to the function that imports and
builds its page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget, QWidget

from agent_app.ui.context import Context


def _dashboard(workspace: Workspace) -> QWidget:
    from agent_app.ui.pages.dashboard import DashboardPage

    return DashboardPage(workspace.ctx)


def _businesses(workspace: Workspace) -> QWidget:
    from agent_app.ui.pages.businesses import BusinessesPage

    page = BusinessesPage(workspace.ctx)
    page.detail_page.enroll.connect(workspace.enroll_worker)
    page.enroll_owner.connect(workspace.enroll_owner)
    return page


def _enrollments(workspace: Workspace) -> QWidget:
    from agent_app.ui.pages.enrollments import EnrollmentsPage

    return EnrollmentsPage(workspace.ctx)


def _followups(workspace: Workspace) -> QWidget:
    from agent_app.ui.pages.followups import FollowUpsPage

    page = FollowUpsPage(workspace.ctx)
    page.open_business.connect(workspace.open_business)
    return page


def _reports(workspace: Workspace) -> QWidget:
    from agent_app.ui.pages.reports import ReportsPage

    return ReportsPage(workspace.ctx)


def _sync(workspace: Workspace) -> QWidget:
    from agent_app.ui.pages.sync import SyncPage

    return SyncPage(workspace.ctx)


def _settings(workspace: Workspace) -> QWidget:
    from agent_app.ui.pages.settings import SettingsPage

    return SettingsPage(workspace.ctx)


#: The pages in the navigation's order (Ctrl+1 ... Ctrl+7): key -> what builds the page.
PAGES: dict[str, Callable[[Workspace], QWidget]] = {
    "dashboard": _dashboard,
    "businesses": _businesses,
    "enrollments": _enrollments,
    "followups": _followups,
    "reports": _reports,
    "sync": _sync,
    "settings": _settings,
}


class _Pages(Mapping[str, QWidget]):
    """The workspace's pages, each built the first time it is needed (a faster login)."""

    def __init__(self, workspace: Workspace, factories: dict[str, Callable[[], QWidget]]):
        self._workspace = workspace
        self._factories = factories
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, key: str) -> QWidget:
        if key not in self._built:
            page = self._factories[key]()
            self._built[key] = page
            self._workspace._install(key, page)
        return self._built[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._factories)

    def __len__(self) -> int:
        return len(self._factories)

    def built(self, key: str) -> bool:
        return key in self._built


class Workspace(QWidget):
    """Navigation on the left, the current page on the right."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(200)
        self.stack = QStackedWidget()
        titles = {
            "dashboard": self.tr("Dashboard"),
            "businesses": self.tr("Businesses (UMKM)"),
            "enrollments": self.tr("Enrollments"),
            "followups": self.tr("Follow-ups"),
            "reports": self.tr("Reports"),
            "sync": self.tr("Sync"),
            "settings": self.tr("Settings"),
        }
        factories: dict[str, Callable[[], QWidget]] = {}
        self._slots: dict[str, QWidget] = {}
        for number, (key, build) in enumerate(PAGES.items(), start=1):
            item = QListWidgetItem(titles[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(self.tr("Ctrl+{n}").format(n=number))
            self.nav.addItem(item)
            factories[key] = functools.partial(build, self)
            slot = QWidget()
            self._slots[key] = slot
            self.stack.addWidget(slot)
        self.pages = _Pages(self, factories)
        self.nav.currentRowChanged.connect(self._show_row)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.nav.setCurrentRow(0)

    def _install(self, key: str, page: QWidget) -> None:
        slot = self._slots.pop(key)
        index = self.stack.indexOf(slot)
        current = self.stack.currentIndex() == index
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(slot)
        slot.deleteLater()
        if current:
            self.stack.setCurrentWidget(page)

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        key = list(self.pages)[row]
        page = self.pages[key]
        self.stack.setCurrentWidget(page)
        activate = getattr(page, "activate", None)
        if callable(activate):
            activate()

    def open_business(self, business_id: str) -> None:
        page = self.show_page("businesses")
        page.open_business(business_id)  # type: ignore[attr-defined]

    def enroll_worker(self, business: Any) -> None:
        page = self.show_page("enrollments")
        page.start_for_business(business)  # type: ignore[attr-defined]

    def enroll_owner(self, owner: Any) -> None:
        """The enrollment form for an employer's owner (their NIK, name, phone, business)."""
        page = self.show_page("enrollments")
        page.start_for_owner(owner)  # type: ignore[attr-defined]

    def show_page(self, key: str) -> QWidget:
        row = list(self.pages).index(key)
        if self.nav.currentRow() == row:
            self._show_row(row)
        else:
            self.nav.setCurrentRow(row)
        return self.pages[key]
