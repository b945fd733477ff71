"""Sync from the app: the use cases around `sync.engine` for the logged-in agent (no Qt).

The UI calls these on its network thread; each opens its own units of work from `uow_factory`
(a callable returning a `SqlUnitOfWork`), so nothing here is shared between threads.

- `connect(uow_factory, actor, server_url, password)`: logs in to the central server with the
  agent's password, registering the agent's own bundle-signing key on this laptop (Ed25519,
  made once per agent and laptop). The tokens and that signing key are the account's own
  secrets: they live in the `sync_secrets` table of the encrypted database sealed
  (AES-256-GCM) with the account's key (`Actor.account_key`, which only the account's password
  unwraps), so a co-user of the laptop, who holds the database key, cannot act as this agent
  against the server nor sign a bundle in the agent's name. The server's address and bundle
  key are shared; nothing of it is ever in a file or a log. The role and branch the server
  answers at each login and refresh go to `Actor.on_server_role` (roles come from the
  server, SYNC_PROTOCOL.md 1.1).
- `change_password(uow_factory, actor, server_url, password, new_password)`: the first
  sign-in after a reset: the server refuses the one-time code (`password_change_required`)
  until the agent chooses their own password with it; then `connect` with the new one.
- `run_cycle(uow_factory, actor, server_url)`: one push-then-pull cycle with the stored tokens
  (refreshed tokens are stored again); returns a plain `SyncReport`. Failures are `SyncFailed`
  (a `KnownError` whose `kind` is the engine's: auth, network, server, protocol...).
- `status(uow)`: pending count, last success, clock offset, and the problems (ops the server
  rejected or found in conflict) with the server's message and what to do, in Indonesian and
  English.
- `check_participant(uow_factory, actor, server_url, nik)`: asks the server whether a NIK is
  already enrolled anywhere; `unknown` when it cannot (offline, not connected): offline work is
  never blocked.
- `resolve_conflict(uow_factory, actor, op_id, choice)`: `mine` writes a new update op with
  the server's current version as base and the local values; `server` applies the server's
  record locally. Either way the problem leaves the list.
- `export_bundle(uow_factory, actor, path)`: the unsettled ops to an offline bundle file (USB).
  Exported ops stay unsettled: the bundle and a later online push go through the server's
  ledger, so whichever arrives second changes nothing; a re-export holds every unsettled op
  (`LocalStore.pending_ops(for_bundle=True)`).
- `upload_bundle(uow_factory, actor, server_url, path)`: branch staff upload a bundle from a
  connected machine.

Modules: `connection` (login, the client), `credentials` (the stored tokens and keys),
`cycle`, `status`, `outcome` (the last call's outcome), `problems` and `conflicts`,
`participants`, `bundles`, `messages` (the bilingual texts), `failures` (the errors).
"""

from agent_app.services.sync.bundles import BundleExport, export_bundle, upload_bundle
from agent_app.services.sync.conflicts import resolve_conflict
from agent_app.services.sync.connection import (
    ConnectResult,
    change_password,
    connect,
    disconnect,
)
from agent_app.services.sync.cycle import SyncReport, run_cycle
from agent_app.services.sync.failures import CannotResolve, SyncFailed
from agent_app.services.sync.participants import ParticipantCheck, check_participant
from agent_app.services.sync.problems import SyncProblem
from agent_app.services.sync.status import SyncStatus, status

__all__ = [
    "BundleExport",
    "CannotResolve",
    "ConnectResult",
    "ParticipantCheck",
    "SyncFailed",
    "SyncProblem",
    "SyncReport",
    "SyncStatus",
    "change_password",
    "check_participant",
    "connect",
    "disconnect",
    "export_bundle",
    "resolve_conflict",
    "run_cycle",
    "status",
    "upload_bundle",
]
