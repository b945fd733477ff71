"""An employer (PU) registration's push (SYNC_PROTOCOL.md, `employer_registration`): its field
rules and quote for the op's month, and its workers' NIKs in the unique-NIK guard.

Every worker NIK of a registration that is not deleted holds a row of `active_nik` naming the
registration, exactly as an enrollment's NIK does: a worker cannot be a second active
participant anywhere (another registration's worker or a BPU enrollment, in any branch), and
an enrollment of an active worker's NIK is refused by the same guard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from agent_app.domain import clock, keys, validation
from agent_app.domain.validation.problem import Problem
from sync.server.push.records import NikRow, Outcome, Rec, refusal

if TYPE_CHECKING:
    from sync.server.push.batch import Batch

ENTITY = keys.EMPLOYER_REGISTRATION
#: The fields an update must be judged whole on, for its month (the quote, the minimum
#: wage): as an enrollment's quote is checked again only when the update touches it.
QUOTED = frozenset(
    {"workers", "programs", "size_class", "risk_group", "region_code", "monthly_contribution"}
)


def months(recorded_at: dt.datetime, today: dt.date, zone: str) -> list[dt.date]:
    """The contribution months a registration's quote may be for, the op's first: the month
    `recorded_at` falls in in the branch's `zone` (by default WIB), in the offset the laptop
    wrote, and the branch's month today (a registration quoted offline and sent later), as
    the enrollment's quote is judged (`prepare.check_contribution`)."""
    days = [clock.local_date(recorded_at, zone), recorded_at.date(), today]
    return list(dict.fromkeys(day.replace(day=1) for day in days))


def problems(
    fields: Mapping[str, Any],
    partial: bool,
    recorded_at: dt.datetime,
    today: dt.date,
    zone: str,
) -> list[Problem]:
    """The domain's problems with the registration (`validate_employer_registration`) for
    the first of its `months` it passes in, or the op's month's problems when none."""
    first: list[Problem] | None = None
    for month in months(recorded_at, today, zone):
        found = validation.validate_employer_registration(fields, partial=partial, month=month)
        if not found:
            return []
        if first is None:
            first = found
    return first or []


def worker_niks(fields: Mapping[str, Any]) -> list[str]:
    """The NIKs of the registration's workers (in the lines' order)."""
    workers = fields.get("workers")
    if not isinstance(workers, list):
        return []
    return [
        worker["nik"]
        for worker in workers
        if isinstance(worker, Mapping) and isinstance(worker.get("nik"), str)
    ]


def prefetch(fields: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every worker NIK of the given registrations' fields (one guard query per batch)."""
    return [nik for one in fields for nik in worker_niks(one)]


def take_niks(
    batch: Batch, rec_id: str, version: int | None, fields: Mapping[str, Any], on: dt.date
) -> Outcome | None:
    """Takes the workers' NIKs for the registration `rec_id` (those it holds stay its own),
    or the conflict of the first worker whose NIK another active participant holds."""
    niks = worker_niks(fields)
    batch.load_niks(niks)
    for index, nik in enumerate(niks):
        problem = batch.nik_conflict(nik, rec_id, version, f"workers[{index}].nik")
        if problem is not None:
            return problem
    branch = batch.caller.branch_code
    for nik in niks:
        held = batch.niks.get(nik)
        if held is None or held.entity_id != rec_id:
            batch.niks[nik] = NikRow(rec_id, branch, on)
    return None


def release_niks(batch: Batch, rec_id: str, niks: Iterable[str]) -> None:
    """Frees those of `niks` the registration `rec_id` holds."""
    wanted = list(niks)
    batch.load_niks(wanted)
    for nik in wanted:
        held = batch.niks.get(nik)
        if held is not None and held.entity_id == rec_id:
            batch.niks[nik] = None


def create(batch: Batch, rec_id: str, fields: dict[str, Any], on: dt.date) -> Outcome | None:
    """Completes a new registration's `fields` (status, agent) and takes its workers' NIKs,
    or says why it cannot be created."""
    caller = batch.caller
    problem = batch.protected(fields, {"status": "submitted"}, ENTITY)
    if problem is not None:
        return problem
    if not caller.is_supervisor or "status" not in fields:
        fields["status"] = "submitted"
    fields["agent_code"] = caller.agent_code
    return take_niks(batch, rec_id, None, fields, on)


def merge(
    batch: Batch, rec: Rec, sent: Mapping[str, Any], merged: dict[str, Any], prep_at: dt.datetime
) -> Outcome | None:
    """An updated registration: its status after an agent's correction, the whole record
    judged again for the op's month when the update touches its quote (`QUOTED`), and its
    workers' NIKs moved to the new list (or why the update cannot be applied)."""
    if not batch.caller.is_supervisor and rec.fields.get("status") == "needs_correction":
        merged["status"] = "submitted"
    if QUOTED & sent.keys():
        found = problems(merged, False, prep_at, batch.today, batch.zone)
        if found:
            return refusal(found[0])
    if "workers" not in sent:
        return None
    old = worker_niks(rec.fields)
    batch.load_niks(old)
    rows = (batch.niks.get(nik) for nik in old)
    held = [row for row in rows if row is not None and row.entity_id == rec.entity_id]
    on = min((row.enrolled_on for row in held), default=clock.local_date(prep_at, batch.zone))
    problem = take_niks(batch, rec.entity_id, rec.version, merged, on)
    if problem is not None:
        return problem
    kept = set(worker_niks(merged))
    release_niks(batch, rec.entity_id, [n for n in worker_niks(rec.fields) if n not in kept])
    return None
