"""Sinkronisasi: the changes waiting to be sent, the last successful sync, "Sync now" with a
progress bar, logging in to the server (the agent's password, once per laptop), every record
the server refused or found in conflict with the server's message and what to do, and a
conflict dialog (this laptop's values beside the server's, field by field) to settle one
(keep mine / take the server's). Offline bundles: "Export for USB" writes the waiting changes
to a file; "Send a bundle file" uploads one from a laptop that had no internet.

Network work runs on the network pool, never on the database thread nor the UI thread.
`SyncController` (one per window, `controller(ctx)`) runs one cycle at a time and forwards the
engine's `progress(phase, done, total)` to the UI thread by a signal. `AutoSync` starts a quiet
cycle when the laptop comes online (`QNetworkInformation`, when a backend is available), soon
after each submit, and periodically: every `sync_interval_seconds` after a success, and after
failures with a capped exponential backoff (30 s doubling to 15 min, reset on success).

Modules: `controller` (the one cycle at a time), `page` (the page), `bundles` (its offline
bundles' export and upload), `conflict_dialog` (mine beside the server's), `problems` (how a
problem and a field's value read), `autosync` (the retry scheduler).
"""

from agent_app.ui.pages.sync.autosync import AutoSync
from agent_app.ui.pages.sync.conflict_dialog import ConflictDialog
from agent_app.ui.pages.sync.controller import SyncController, controller
from agent_app.ui.pages.sync.page import SyncPage

__all__ = ["AutoSync", "ConflictDialog", "SyncController", "SyncPage", "controller"]
