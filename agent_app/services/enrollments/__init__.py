"""Use cases for BPU enrollments: drafts, submission, corrections, look-ups and search.

A draft stays on the laptop (no outbox op) and may be incomplete. `submit` validates the whole
record with the rules the server applies, computes the monthly contribution from the quote
(never typed), refuses a NIK already active in another enrollment on this laptop, and asks for
a reason when the birth date disagrees with the NIK. The first submission writes the `create`
op (status `submitted`); a resubmission after `needs_correction` writes an `update` op with
the fields changed since the server's version. A submitted or accepted enrollment is frozen;
one whose create the server refused (rejected, or a conflict) can be edited again: it goes
back to draft.

One module per job: `drafts` (save and discard a draft), `submitting` (submit, and the form's
submit in one transaction), `lookups` (read one, find by NIK, lists and search).
"""

from __future__ import annotations

from agent_app.services.enrollments.drafts import discard_draft, save_draft
from agent_app.services.enrollments.lookups import (
    EnrollmentDetail,
    count,
    find_active_by_nik,
    first_page,
    get,
    get_detail,
    list_needing_correction,
    open_record,
    search,
)
from agent_app.services.enrollments.submitting import submit, submit_form
from agent_app.storage.rows import EnrollmentRow

__all__ = [
    "EnrollmentDetail",
    "EnrollmentRow",
    "count",
    "discard_draft",
    "find_active_by_nik",
    "first_page",
    "get",
    "get_detail",
    "list_needing_correction",
    "open_record",
    "save_draft",
    "search",
    "submit",
    "submit_form",
]
