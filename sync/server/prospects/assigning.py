"""An imported prospect list as its console page shows it, and its businesses given to an agent
in bulk (issue 18, item 3).

`find_list` is the list a caller may see (another branch's is `NotFound`, like a missing id).
`list_page` reads the list's header, the counts per status and per district, and the rows the
filters keep (district, status, event: `ListFilter`), at most `limit` of them. `assign` chooses
the businesses by the same filters, or the ticked ones (each must be on the list), and gives
them to an agent through `admin.assignments.create_many`: one assignment per business, by the
rules of the one-at-a-time form, in one transaction with one row in the administration trail.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain.messages import Text
from sync.server import branches, db
from sync.server.admin import assignment_batch, assignments
from sync.server.admin.common import REGION, FieldError, NotFound
from sync.server.admin.events import check_line
from sync.server.admin.review import Reviewer
from sync.server.prospects import progress
from sync.server.prospects.tables import ProspectList, ProspectSource

#: How to choose the businesses of a bulk assignment.
WHICH = ("filter", "ticked")


class NoList(NotFound):
    def __init__(self) -> None:
        super().__init__(Text.of("There is no such prospect list."))


@dataclass(frozen=True)
class ListInfo:
    """An imported list's header."""

    id: str
    branch: str
    zone: str
    source: str
    file_name: str
    imported_by: str
    imported_at: dt.datetime
    event_id: str | None
    event_name: str | None
    rows_created: int
    rows_linked: int


@dataclass(frozen=True)
class ListFilter:
    """Which of the list's businesses: a kecamatan code, a `progress` status, an event id
    (empty: any)."""

    district: str = ""
    status: str = ""
    event: str = ""


@dataclass
class ListPage:
    info: ListInfo
    total: int = 0
    matching: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    #: (kecamatan code, name, businesses), by name.
    districts: list[tuple[str, str, int]] = field(default_factory=list)
    #: (event id, name) of the list's event and its businesses' events.
    events: list[tuple[str, str]] = field(default_factory=list)
    rows: list[progress.Item] = field(default_factory=list)
    #: The shown businesses' open assignments: business id -> agent code.
    assigned: dict[str, str] = field(default_factory=dict)


def _event_names(conn: sa.Connection, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    c = db.table(db.Record).c
    rows = conn.execute(
        sa.select(c.entity_id, c.fields).where(c.entity == "event", c.entity_id.in_(wanted))
    )
    return {row.entity_id: str((row.fields or {}).get("name") or row.entity_id) for row in rows}


def find_list(conn: sa.Connection, list_id: str, who: Reviewer) -> ListInfo:
    """The list when the caller may see it (a supervisor: their branch's)."""
    try:
        list_id = str(uuid.UUID(str(list_id)))
    except ValueError as error:
        raise NoList() from error
    lists, sources = db.table(ProspectList), db.table(ProspectSource)
    row = conn.execute(
        sa.select(lists, sources.c.name.label("source"))
        .select_from(lists.join(sources, sources.c.id == lists.c.source_id))
        .where(lists.c.id == list_id)
    ).first()
    if row is None or (who.branch is not None and row.branch_code != who.branch):
        raise NoList()
    event_name = _event_names(conn, [row.event_id or ""]).get(row.event_id or "")
    return ListInfo(
        id=row.id,
        branch=row.branch_code,
        zone=branches.time_zone(conn, row.branch_code),
        source=row.source,
        file_name=row.file_name,
        imported_by=row.imported_by,
        imported_at=row.imported_at,
        event_id=row.event_id,
        event_name=event_name,
        rows_created=row.rows_created,
        rows_linked=row.rows_linked,
    )


def check_filter(view: ListFilter) -> ListFilter:
    """`view` if each filter is one the page offers (FieldError on the filter otherwise)."""
    district = check_line("district", view.district.strip(), 16)
    if district and (not REGION.fullmatch(district) or district.count(".") != 2):
        raise FieldError("district", Text.of("Choose a district from the list."))
    if view.status and view.status not in progress.STATUSES:
        raise FieldError("status", Text.of("Choose a status from the list."))
    return ListFilter(district, view.status, check_line("event", view.event.strip(), 64))


def matches(item: progress.Item, view: ListFilter, info: ListInfo) -> bool:
    """Whether the filters keep `item` (an event: the list's own keeps every business)."""
    if view.district and item.district != view.district:
        return False
    if view.status and item.status != view.status:
        return False
    return not view.event or view.event in (item.event_id, info.event_id)


def list_page(
    engine: Engine, list_id: str, view: ListFilter, who: Reviewer, limit: int = 500
) -> ListPage:
    """The list's header, counts (per status and district, over the whole list) and at most
    `limit` of the rows the filters keep."""
    view = check_filter(view)
    with engine.connect() as conn:
        info = find_list(conn, list_id, who)
        page = ListPage(info)
        districts: Counter[str] = Counter()
        events: set[str] = {info.event_id} if info.event_id else set()
        for item in progress.items(conn, info.id, info.branch, info.zone):
            page.total += 1
            page.counts[item.status] += 1
            if item.district:
                districts[item.district] += 1
            if item.event_id:
                events.add(item.event_id)
            if matches(item, view, info):
                page.matching += 1
                if len(page.rows) < limit:
                    page.rows.append(item)
        names = _event_names(conn, events)
        shown = [item.business_id for item in page.rows]
        page.assigned = assignment_batch.open_for(conn, info.branch, shown)
    page.districts = sorted(
        ((code, progress.district_name(code), n) for code, n in districts.items()),
        key=lambda d: (d[1].lower(), d[0]),
    )
    page.events = sorted(((i, names.get(i, i)) for i in events), key=lambda e: e[1].lower())
    return page


@dataclass(frozen=True)
class Choice:
    """Which businesses a bulk assignment takes: `which` "filter" (every live business the
    filters keep) or "ticked" (the ids ticked on the page)."""

    which: str
    view: ListFilter = ListFilter()
    ticked: Sequence[str] = ()


def _chosen(items: Iterator[progress.Item], choice: Choice, info: ListInfo) -> list[str]:
    if choice.which not in WHICH:
        raise FieldError("which", Text.of("Choose which businesses to assign."))
    ticked = set(choice.ticked)
    if choice.which == "ticked" and not ticked:
        raise FieldError(
            "which", Text.of("Tick at least one business, or choose all that the filter shows.")
        )
    if choice.which == "filter" and ticked:  # never more than the person meant
        raise FieldError(
            "which",
            Text.of(
                "You ticked businesses: choose to assign only the ticked ones, or untick them "
                "to assign every business the filter shows."
            ),
        )
    chosen: dict[str, None] = {}
    for item in items:
        if item.gone:
            continue
        if choice.which == "ticked":
            if item.business_id in ticked:
                chosen[item.business_id] = None
        elif matches(item, choice.view, info):
            chosen[item.business_id] = None
    if choice.which == "ticked" and len(chosen) != len(ticked):
        raise FieldError("which", Text.of("A ticked business is not on this list."))
    if not chosen:
        raise FieldError("which", Text.of("No business of the list matches the filter."))
    return list(chosen)


def assign(
    engine: Engine,
    list_id: str,
    choice: Choice,
    form: assignments.ManyAssignments,
    who: Reviewer,
) -> assignments.Assigned:
    """Gives the chosen businesses of the list to one agent (see the module's docstring)."""
    choice = Choice(choice.which, check_filter(choice.view), choice.ticked)
    with engine.connect() as conn:
        info = find_list(conn, list_id, who)
        chosen = _chosen(progress.items(conn, info.id, info.branch, info.zone), choice, info)
    return assignments.create_many(engine, chosen, form, scoped(who, info), source=info.id)


def scoped(who: Reviewer, info: ListInfo) -> Reviewer:
    """`who` within the list's branch (an admin assigns the list's businesses to its agents)."""
    return Reviewer(who.name, who.branch or info.branch)
