"""Pendaftaran: the BPU enrollment form and the lists of enrollments (sent back for
correction, drafts, the agent's own).

The form reads the NIK as it is typed and shows the birth date, gender and region it encodes
(or why it is invalid); a declared birth date that disagrees with the NIK is a warning that
needs a reason. The contribution quote (domain.contributions) updates live with any discount.
Before submitting, the form checks this laptop for an active enrollment with the same NIK.

Booth mode (Settings, or the booth bar above the form) makes the form a queue tool: the event
of the day is chosen on the bar from the pulled events (offline), what the queue shares (the
event, the business the workers come from, the region when "keep" is ticked) is carried to the
next worker, the optional fields leave the Tab chain (a click still reaches them), and so do the
birth date and gender while they are what the NIK says. After a submit the form clears the
person's fields and the NIK field takes the focus. Enter submits (from any single-line field),
Ctrl+P prints the receipt of the last submit, Ctrl+N or F2 starts the next worker (clears the
person's fields, after a confirmation when anything is typed), Ctrl+S saves a draft, Esc (or
Batal) clears the form, after a confirmation when anything is typed.

Nothing typed is lost: the form is autosaved as the account's own draft
(`services.form_drafts`) within 2 s of a change, and when the window is locked, switched or
closed; the next time that account opens the form, it is offered to resume it. A submit is one
call to one use case (`services.enrollments.submit_form`): all of it or nothing.

The window loads this module as the page `enrollments` and reads `EnrollmentsPage` from it; the
form's parts are in `form` (see its docstring for the one module per job).
"""

from agent_app.ui.pages.enrollments.common import CONSENT_VERSION
from agent_app.ui.pages.enrollments.form import EnrollmentForm
from agent_app.ui.pages.enrollments.page import EnrollmentsPage

__all__ = ["CONSENT_VERSION", "EnrollmentForm", "EnrollmentsPage"]
