"""The preview and the import of an uploaded partner list (issue 18).

The preview reads the upload, makes each row ready (`normalise`) and judges it against the
branch's businesses and the earlier rows of the same file (`duplicates.branch_index`:
`Index.find`, then `add` each row that becomes a new business):

- `bad`: the row's problems (no name, a bad phone or NIB, a formula...) or it repeats an
  earlier row of the file by NIB or phone; left out, listed with its problems;
- `link`: the same NIB or phone as a business the branch has: linked to it (that business
  gets `partner_source`) instead of a second record;
- `create`: a new business record (status `prospect`); its name-only look-alikes (the
  `SUSPECTS_KEPT` surest) are kept for a supervisor (`duplicates.record_new_suspects`: the
  bulk `record_suspects` of records new in this transaction).

The import is one transaction: it claims the upload (a second import of it finds nothing),
computes the preview again on the data as it is now, writes the records the way the server
writes pulled records (`put_record`: a new `server_seq` each, a block of them taken under the
`seq_counter` lock, so the branch's laptops pull them), the `prospect_list` with its items, the
suspected pairs and one row of the administration trail (ids and counts only). Anything failing
writes nothing.
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_app.domain import duplicates as rules
from agent_app.domain.messages import Text
from sync.server import db
from sync.server.admin import events
from sync.server.admin.common import (
    FieldError,
    insert_new_records,
    put_record,
    record_action,
)
from sync.server.admin.review import Reviewer
from sync.server.prospects import duplicates, mapping, reading, uploads
from sync.server.prospects.normalise import Normaliser
from sync.server.prospects.regions import Resolver
from sync.server.prospects.tables import ProspectList, ProspectListItem, ProspectSource

SOURCE_MAX = 100
#: A new record's likely duplicates by name kept for a supervisor at most (the surest).
SUSPECTS_KEPT = 5


@dataclass(slots=True)
class RowView:
    number: int
    cells: tuple[str, ...]
    action: str  # create | link | bad
    fields: dict[str, Any]
    problems: list[Text] = field(default_factory=list)
    warnings: list[Text] = field(default_factory=list)
    #: The new record's id (create) or the existing business (link).
    business_id: str | None = None
    #: A new record's likely duplicates by name (create).
    suspects: list[rules.Candidate] = field(default_factory=list)


@dataclass(slots=True)
class Preview:
    upload: uploads.Upload
    headers: tuple[str, ...]
    targets: list[str]
    rows: list[RowView]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


@dataclass(frozen=True, slots=True)
class Imported:
    list_id: str
    created: int
    linked: int
    left_out: int


@functools.lru_cache(maxsize=8)
def resolver(region_code: str | None) -> Resolver:
    """The branch region's resolver (its names load once per process)."""
    return Resolver(region_code)


def _region_of(conn: sa.Connection, branch: str) -> str | None:
    branch_t = db.table(db.Branch)
    code = conn.execute(sa.select(branch_t.c.region_code).where(branch_t.c.code == branch)).scalar()
    return str(code) if code else None


def preview_in(
    conn: sa.Connection, upload: uploads.Upload, targets: Sequence[str] | None
) -> Preview:
    """The upload's rows judged on `conn`'s data; `targets`: the columns' fields (None: the
    guess). A mapping without a name column is `FieldError` on `mapping`."""
    try:
        sheet = reading.read(upload.content, upload.file_name)
    except reading.Refused as refused:
        raise FieldError("file", refused.text) from refused
    if targets is None:
        chosen = mapping.propose(sheet.header)
    else:
        chosen, problem = mapping.checked(sheet.header, targets)
        if problem is not None:
            raise FieldError("mapping", problem)
    region = _region_of(conn, upload.branch_code)
    key = (upload.id, tuple(chosen), region, _businesses_state(conn, upload.branch_code))
    views = _JUDGED.get(key)
    if views is None:
        rows = Normaliser(chosen, resolver(region))
        index = duplicates.branch_index(conn, upload.branch_code)
        views = _judge(sheet.rows, rows, index)
        _JUDGED.put(key, views)
    return Preview(upload, sheet.header, chosen, views)


def _businesses_state(conn: sa.Connection, branch: str) -> tuple[int, int]:
    """What the judgement of a list depends on in the database: the branch's businesses,
    by the latest `server_seq` among them (any create, change or delete gives a new one)
    and their number."""
    table = db.table(db.Record)
    row = conn.execute(
        sa.select(sa.func.max(table.c.server_seq), sa.func.count()).where(
            table.c.entity == "business", table.c.branch_code == branch
        )
    ).one()
    return int(row[0] or 0), int(row[1])


class _Judged:
    """The last judgements of uploads in this process, so the import right after its preview
    does not judge every row again (10,000 rows: about 10 s of CPU). The key holds the
    upload, the mapping, the branch's region and the state of its businesses: any change
    judges again. A process that did not show the preview (another worker) judges again."""

    SIZE = 2

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[Any, ...], list[RowView]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> list[RowView] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], views: list[RowView]) -> None:
        with self._lock:
            self._items[key] = views
            while len(self._items) > self.SIZE:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_JUDGED = _Judged()


def _judge(rows: list[reading.Row], normaliser: Normaliser, index: rules.Index) -> list[RowView]:
    mine: dict[str, int] = {}  # new record id -> its row
    linked: dict[str, int] = {}  # existing business -> the row linked to it
    views: list[RowView] = []
    for row in rows:
        ready = normaliser.prepare(row)
        view = RowView(row.number, row.cells, "bad", ready.fields, ready.problems, ready.warnings)
        views.append(view)
        if not ready.good:
            continue
        new_id = str(uuid.uuid4())
        key = duplicates.key_of(new_id, ready.fields)
        found = index.find(key)
        same = next((c for c in found if c.reason in ("nib", "phone")), None)
        if same is None:
            view.action, view.business_id = "create", new_id
            view.suspects = found
            index.add(key)
            mine[new_id] = row.number
            continue
        earlier = mine.get(same.business_id) or linked.get(same.business_id)
        if earlier is not None:
            view.problems.append(
                Text.of("The same NIB or mobile number as row {row}.", row=earlier)
            )
            continue
        view.action, view.business_id = "link", same.business_id
        linked[same.business_id] = row.number
    return views


def preview(
    engine: Engine, upload_id: str, who: Reviewer, targets: Sequence[str] | None
) -> Preview:
    with engine.connect() as conn:
        return preview_in(conn, uploads.load(conn, upload_id, who), targets)


def _source(conn: sa.Connection, branch: str, name: str, chosen: dict[str, str]) -> int:
    name = events.check_line("source_name", name, SOURCE_MAX, required=True)
    table = db.table(ProspectSource)
    now = db.utcnow()
    found = conn.execute(
        sa.select(table.c.id).where(table.c.branch_code == branch, table.c.name == name)
    ).scalar()
    if found is not None:
        conn.execute(
            table.update().where(table.c.id == found).values(mapping=chosen, updated_at=now)
        )
        return int(found)
    return int(
        conn.execute(
            table.insert()
            .values(branch_code=branch, name=name, mapping=chosen, created_at=now, updated_at=now)
            .returning(table.c.id)
        ).scalar_one()
    )


def _event(conn: sa.Connection, event_id: str, who: Reviewer, branch: str) -> str | None:
    if not event_id.strip():
        return None
    row = events.visible_record(conn, "event", event_id.strip(), who)
    if row is None or row.branch_code != branch:
        raise FieldError("event_id", Text.of("There is no such event."))
    return str(row.entity_id)


def import_list(
    engine: Engine,
    upload_id: str,
    who: Reviewer,
    targets: Sequence[str],
    source_name: str,
    event_id: str = "",
) -> Imported:
    """Imports the upload's good rows (see the module); `FieldError` and nothing written when
    the source, the event or the mapping is wrong or no row can be imported."""
    # The write lock at once: a second import of the upload (a double click) waits for the
    # first and finds nothing, rather than failing to write after its read.
    with db.write_transaction(engine) as conn:
        return _import_in(conn, upload_id, who, targets, source_name, event_id)


def _import_in(
    conn: sa.Connection,
    upload_id: str,
    who: Reviewer,
    targets: Sequence[str],
    source_name: str,
    event_id: str,
) -> Imported:
    upload = uploads.load(conn, upload_id, who, claim=True)
    branch = upload.branch_code
    source_name = events.check_line("source_name", source_name, SOURCE_MAX, required=True)
    event = _event(conn, event_id, who, branch)
    seen = preview_in(conn, upload, targets)
    if not any(row.action != "bad" for row in seen.rows):
        raise FieldError("file", Text.of("No row of this list can be imported."))
    remembered = mapping.as_remembered(seen.headers, seen.targets)
    source_id = _source(conn, branch, source_name, remembered)
    list_id = str(uuid.uuid4())
    _write_records(conn, seen, branch, source_name, event)
    _write_list(conn, seen, list_id, source_id, event, who)
    created, linked, left_out = seen.count("create"), seen.count("link"), seen.count("bad")
    record_action(
        conn,
        "import-prospects",
        list_id,
        by=who.name,
        branch=branch,
        source_id=source_id,
        created=created,
        linked=linked,
        left_out=left_out,
    )
    return Imported(list_id, created, linked, left_out)


def _write_records(
    conn: sa.Connection, seen: Preview, branch: str, source: str, event: str | None
) -> None:
    creates = [row for row in seen.rows if row.action == "create"]
    last = conn.execute(
        sa.text("UPDATE seq_counter SET value = value + :n WHERE id = 1 RETURNING value"),
        {"n": len(creates)},
    ).scalar_one()
    now = db.utcnow()
    records: list[tuple[str, str | None, dict[str, Any]]] = []
    for row in creates:
        fields = dict(row.fields, status="prospect", partner_source=source)
        if event:
            fields["event_id"] = event
        records.append((str(row.business_id), None, fields))
    insert_new_records(conn, "business", branch, last - len(creates) + 1, records, now)
    pairs = [
        (row.business_id, candidate)
        for row in creates
        if row.business_id
        for candidate in row.suspects[:SUSPECTS_KEPT]
    ]
    duplicates.record_new_suspects(conn, branch, pairs, now)
    table = db.table(db.Record)
    for row in seen.rows:
        if row.action == "link" and row.business_id:
            current = conn.execute(
                sa.select(table).where(table.c.entity_id == row.business_id)
            ).one()
            if current.fields.get("partner_source") != source:
                fields = dict(current.fields, partner_source=source)
                put_record(conn, "business", row.business_id, branch, current.owner_code, fields)


def _write_list(
    conn: sa.Connection,
    seen: Preview,
    list_id: str,
    source_id: int,
    event: str | None,
    who: Reviewer,
) -> None:
    upload = seen.upload
    conn.execute(
        db.table(ProspectList)
        .insert()
        .values(
            id=list_id,
            source_id=source_id,
            branch_code=upload.branch_code,
            file_name=upload.file_name,
            sha256=upload.sha256,
            event_id=event,
            imported_by=who.name or "",
            imported_at=db.utcnow(),
            rows_created=seen.count("create"),
            rows_linked=seen.count("link"),
        )
    )
    items = [
        {
            "list_id": list_id,
            "row_number": row.number,
            "business_id": row.business_id,
            "linked": row.action == "link",
        }
        for row in seen.rows
        if row.action != "bad"
    ]
    conn.execute(db.table(ProspectListItem).insert(), items)
