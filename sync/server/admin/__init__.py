"""Administration of the central server: branches, agents, events, targets, compaction.

Each function checks its input, changes the database in one transaction and returns a line
saying what it did; bad input raises `AdminError` with a clear message (the CLI prints it and
exits non-zero). Events and targets are records pulled by the laptops, so they take the
`seq_counter` lock like any push.
"""

from sync.server.admin.agents import ROLES as ROLES
from sync.server.admin.agents import account_lines as account_lines
from sync.server.admin.agents import create_agent as create_agent
from sync.server.admin.agents import reset_password as reset_password
from sync.server.admin.agents import set_agent_active as set_agent_active
from sync.server.admin.agents import unlock_agent as unlock_agent
from sync.server.admin.common import AdminError as AdminError
from sync.server.admin.devices import device_lines as device_lines
from sync.server.admin.devices import reset_device as reset_device
from sync.server.admin.devices import revoke_device as revoke_device
from sync.server.admin.erasure import compact as compact
from sync.server.admin.erasure import erase_enrollment as erase_enrollment
from sync.server.admin.erasure import purge_attachments as purge_attachments
from sync.server.admin.people import create_branch as create_branch
from sync.server.admin.people import set_branch_time_zone as set_branch_time_zone
from sync.server.admin.records import METRICS as METRICS
from sync.server.admin.records import SCOPES as SCOPES
from sync.server.admin.records import create_event as create_event
from sync.server.admin.records import publish_rate_table as publish_rate_table
from sync.server.admin.records import set_target as set_target
from sync.server.admin.review import REVIEW_STATUSES as REVIEW_STATUSES
from sync.server.admin.review import SEND_BACK_REASONS as SEND_BACK_REASONS
from sync.server.admin.review import review_employer as review_employer
from sync.server.admin.review import review_enrollment as review_enrollment
from sync.server.admin.trails import check_log as check_log
from sync.server.admin.trails import laptop_audit as laptop_audit
from sync.server.admin.trails import trail as trail
