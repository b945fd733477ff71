"""An agent's push of an assignment (SYNC_PROTOCOL.md 1.1): only an `update` of its own
assignment's `status`, only open -> done (or done -> open, an undo). Supervisors make and
cancel assignments in the branch console (`sync.server.admin.assignments`), never by push.
Another agent's assignment is not visible (`Batch._visible`: "unknown_reference")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent_app.domain import keys
from sync.server.push import edits
from sync.server.push.prepare import Prepared
from sync.server.push.records import Outcome, Rec, rejected, unknown_record

if TYPE_CHECKING:
    from sync.server.push.batch import Batch

OPEN, DONE = keys.AssignmentStatus.OPEN.value, keys.AssignmentStatus.DONE.value
#: The changes of status an agent may make: (from, to).
MOVES = frozenset({(OPEN, DONE), (DONE, OPEN), (OPEN, OPEN), (DONE, DONE)})


def judge(batch: Batch, prep: Prepared, rec: Rec | None) -> Outcome:
    op = prep.op
    if op.kind != "update":
        return rejected(
            "forbidden", None, f"An agent may not {op.kind} an assignment; only mark it done."
        )
    if rec is None or rec.entity != keys.ASSIGNMENT:
        return unknown_record()
    if rec.deleted:
        return rejected("deleted", None, "The record was deleted.")
    if prep.problem is not None:
        return prep.problem
    for name in prep.sent:
        if name != "status":
            return rejected("forbidden", name, f"Only a supervisor may change {name}.")
    if "status" in prep.sent:
        move = (rec.fields.get("status"), prep.sent["status"])
        if move not in MOVES:
            message = (
                "The assignment was cancelled."
                if move[0] == keys.AssignmentStatus.CANCELLED
                else "An agent may only mark an open assignment done (or undo it)."
            )
            return rejected("forbidden", "status", message)
    return edits.update(batch, prep, rec)
