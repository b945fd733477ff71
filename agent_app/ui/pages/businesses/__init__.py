"""Usaha (UMKM): the business list, a business's page with its visit history, the business
form and the visit form.

The list is a lazy model over the services' search (see ui/models.py): each keystroke in the
search box queries SQL at once (keystrokes typed while a query runs are coalesced); the filters
(status, sector, follow-up due, event) are SQL filters too. Enter or a double click opens a
business; Esc goes back to the list.

Modules: `list_page` (search, filters, the table), `detail_page` (one business and its visits),
`guarded_dialog` (a form that never loses what was typed), `business_form`, `visit_form`, and
`page` (the page holding them all).
"""

from agent_app.ui.pages.businesses.business_form import BusinessDialog
from agent_app.ui.pages.businesses.detail_page import BusinessDetailPage
from agent_app.ui.pages.businesses.guarded_dialog import GuardedDialog
from agent_app.ui.pages.businesses.list_page import BusinessListPage
from agent_app.ui.pages.businesses.page import BusinessesPage
from agent_app.ui.pages.businesses.visit_form import VisitDialog

__all__ = [
    "BusinessDetailPage",
    "BusinessDialog",
    "BusinessListPage",
    "BusinessesPage",
    "GuardedDialog",
    "VisitDialog",
]
