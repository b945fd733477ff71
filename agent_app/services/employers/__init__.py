"""Use cases for employer registrations (PU) with their workers (issue 17).

`submit` checks the registration with the rules the server applies, computes the monthly
contribution (`quote_employer`, this month; never typed), refuses a worker whose NIK is
already active on this laptop (an enrollment, a worker of another registration) on that
worker's line, and writes the registration (`submitted`) with its outbox op and audit entry in
one transaction: a `create`, or after the branch sent it back an `update` of the corrected
fields. A registration whose create the server refused (rejected, or a conflict) can be
submitted again (as a new create). The form's unfinished work lives in `form_drafts`, not
here: a registration exists only once submitted.

`get`, `for_business` read them; `local_nik_conflicts` is the form's live flag;
`owner_enrollment_prefill` opens the owner's own BPU enrollment (an ordinary enrollment with
`business_id`) with what the registration says about the owner.
"""

from __future__ import annotations

from agent_app.services.employers.lookups import for_business, get, local_nik_conflicts
from agent_app.services.employers.owner import owner_enrollment_prefill
from agent_app.services.employers.submitting import TYPED, submit

__all__ = [
    "TYPED",
    "for_business",
    "get",
    "local_nik_conflicts",
    "owner_enrollment_prefill",
    "submit",
]
