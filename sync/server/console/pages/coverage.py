"""Coverage: each target of the branch, its events and its agents, with what was done over the
target's own period (`admin.coverage`, the service of `GET /v1/admin/coverage`), as tables and
as a bar chart drawn on the server (SVG attributes only: the page runs no script)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from agent_app.domain.messages import Text
from sync.server.admin import coverage
from sync.server.admin.common import FieldError
from sync.server.api.state import ServerState, server_state
from sync.server.console import render, session
from sync.server.console.session import ConsoleUser

router = APIRouter()

METRIC_LABELS = {
    "enrollments": Text.of("BPU workers enrolled"),
    "businesses": Text.of("UMKM registered"),
    "employers": Text.of("Employers accepted"),
    "visits": Text.of("Visits"),
}
SCOPE_TITLES = {
    "branch": Text.of("Branch"),
    "event": Text.of("Events"),
    "agent": Text.of("Agents"),
}
#: The chart's geometry (SVG user units): a label column, then the bar up to 100%.
LABEL_WIDTH = 360
BAR_WIDTH = 520
ROW_HEIGHT = 26
BAR_HEIGHT = 16


@dataclass(frozen=True)
class Bar:
    """One bar of the chart: where it goes and what it says."""

    y: int
    label: str
    width: float
    text: str
    reached: bool


@dataclass(frozen=True)
class Section:
    """The lines of one branch and scope (a table of the page)."""

    branch: str
    scope: str
    title: str
    lines: list[coverage.Line]


def _sections(lines: list[coverage.Line], lang: str) -> list[Section]:
    sections: list[Section] = []
    for line in lines:
        if not sections or (sections[-1].branch, sections[-1].scope) != (line.branch, line.scope):
            title = SCOPE_TITLES[line.scope].in_language(lang)
            sections.append(Section(line.branch, line.scope, title, []))
        sections[-1].lines.append(line)
    return sections


def _bars(lines: list[coverage.Line], lang: str) -> list[Bar]:
    bars = []
    for index, line in enumerate(lines):
        metric = METRIC_LABELS[line.metric].in_language(lang)
        label = f"{line.scope_name}: {metric}"
        percent = line.percent
        share = 0.0 if percent is None else min(percent, 100.0) / 100
        shown = "-" if percent is None else f"{render.number(percent, lang)}%"
        done = render.number(line.done, lang)
        waiting = ""
        if line.waiting:
            count = render.number(line.waiting, lang)
            waiting = " · " + Text.of("{count} waiting", count=count).in_language(lang)
        bars.append(
            Bar(
                y=index * ROW_HEIGHT,
                label=label if len(label) <= 48 else label[:47] + "…",
                width=round(share * BAR_WIDTH, 1),
                text=f"{done} / {render.number(line.goal, lang)} ({shown}){waiting}",
                reached=percent is not None and percent >= 100,
            )
        )
    return bars


@router.get("/coverage")
def coverage_page(
    request: Request,
    branch: str = "",
    event: str = "",
    agent: str = "",
    period_from: str = "",
    period_to: str = "",
    user: ConsoleUser = Depends(session.signed_in),  # noqa: B008
    server: ServerState = Depends(server_state),  # noqa: B008
) -> Response:
    """The coverage of the branch (an admin: every branch, or the one chosen); a filter naming
    another branch's event or agent shows the not-found page."""
    filters = {
        "branch": branch.strip()[:32] if user.is_admin else "",
        "event": event.strip()[:64],
        "agent": agent.strip()[:64],
        "period_from": period_from.strip()[:10],
        "period_to": period_to.strip()[:10],
    }
    wanted = coverage.CoverageFilter(
        filters["branch"] or None,
        filters["event"] or None,
        filters["agent"] or None,
        filters["period_from"] or None,
        filters["period_to"] or None,
    )
    errors: dict[str, str] = {}
    status_code = 200
    try:
        lines = coverage.coverage(server.engine, wanted, user.reviewer)
    except FieldError as error:
        field = {"from": "period_from", "to": "period_to"}.get(error.field, error.field)
        errors = {field: error.text.in_language(user.lang)}
        lines, status_code = [], 422
    options = coverage.choices(server.engine, user.reviewer, filters["branch"] or None)
    bars = _bars(lines, user.lang)
    return render.page(
        request,
        user,
        "coverage.html",
        status_code=status_code,
        nav="coverage",
        filters=filters,
        errors=errors,
        options=options,
        sections=_sections(lines, user.lang),
        metric_labels={k: v.in_language(user.lang) for k, v in METRIC_LABELS.items()},
        bars=bars,
        chart={
            "label_width": LABEL_WIDTH,
            "bar_width": BAR_WIDTH,
            "bar_height": BAR_HEIGHT,
            "width": LABEL_WIDTH + BAR_WIDTH + 260,
            "height": max(len(bars), 1) * ROW_HEIGHT + 24,
        },
    )
