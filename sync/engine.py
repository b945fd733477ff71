"""One sync cycle of the laptop: push the outbox, then pull what changed (SYNC_PROTOCOL.md).

`SyncEngine.run_cycle` is synchronous (the UI runs it on a worker thread) and can be cancelled
between batches and between pages (`SyncEngine.cancel`, or the `threading.Event` passed in).
It talks to the server through `sync.client.SyncClient` and to the laptop's database through a
`LocalStore`, which the app's storage implements. This module never imports `agent_app`.

The cycle:

1. `GET /v1/sync/config`: batch limits, the server's clock, and the app versions it serves
   (an app below `min_app_version` stops here: `app_too_old`). The offset
   (server time - local time, seconds) goes to `LocalStore.record_clock_offset`; past five
   minutes the report carries the warning `clock_skew`. Every op the cycle pushes carries
   that offset as `clock_offset_seconds` (SYNC_PROTOCOL.md 1.1).
2. Push: pending ops in rising `op_seq`, in batches of at most `max_ops_per_batch` ops whose
   JSON body stays under `max_body_bytes`. Each batch's results go to `LocalStore.mark_results`
   in one call: `applied` and `duplicate` are done; `rejected` and `conflict` keep the op with
   the server's `error` (and `current`) for the person to see, and never hold back the ops
   behind them. Requests go strictly one after the other (the next only once the previous
   one is answered), on a helper thread that the cycle's thread keeps supplied: while the
   server works on one batch and the next waits its turn, the previous one's results are
   settled and the next ops read (`sync.pusher`; store calls stay on the cycle's thread). An
   op missing from the
   results is sent again in a later batch (at most `MAX_SENDS_PER_CYCLE` times a cycle, then
   in the next cycle). An op the engine cannot send
   at all (not a valid op, or alone larger than the server takes) gets a local `rejected`
   result with code `invalid_op` or `too_large`, so it never blocks the outbox.
3. Pull: pages from `LocalStore.get_cursor()` until `has_more` is false; each page and its
   `next_cursor` go to `LocalStore.apply_pulled` in one call (one local transaction). On 410
   `cursor_expired` the engine calls `LocalStore.reset_cursor()` and pulls from the start; the
   outbox is kept. Every pull declares the optional entities this build understands
   (`SyncClient.understands`, sent as `with`); a cursor made by an older app that declared
   fewer is answered 410, so an upgraded laptop pulls from the start once and skips nothing.
   The next page is asked for while the current one is applied (`sync.puller`).

A failure the cycle cannot get past (auth, network after retries, server, protocol) is raised
as `sync.client.SyncError` carrying the partial `CycleReport` as `error.report`; whatever was
handed to the store before it stays handed.

The `LocalStore` contract (what the storage side implements; see the Protocol below):

- ``device_id: str`` - this laptop's UUID (the one the client logged in with).
- ``pending_count() -> int`` - how many ops are waiting to be sent (for progress only).
- ``pending_ops(limit: int, after_seq: int | None = None) -> Sequence[Op | Mapping]`` - up to
  `limit` ops not yet settled (no result yet, or one missing from the server's answer), in
  rising `op_seq`, only those with `op_seq > after_seq` when given. Ops marked `rejected` or
  `conflict` are settled: not returned again (a new op resolves them). Each op is a
  `sync.protocol.Op` or a mapping with its wire fields (`op_id, op_seq, entity, entity_id,
  kind, base_version, fields, recorded_at`). It may answer fewer than `limit` (e.g. to hold
  back an update until its create is answered); an empty answer ends the push for this cycle.
  A resent op must be the same op (same `op_id`, same payload), or the server answers
  `key_reuse`.
- ``mark_results(results: Sequence[OpResult]) -> None`` - in one local transaction: `applied`
  and `duplicate` leave the outbox (the record's local version becomes `entity_version`);
  `rejected` and `conflict` stay, marked, with `error` (code, field, message) and, for a
  conflict, `current`. Results for unknown op_ids are ignored.
- ``apply_pulled(changes: Sequence[Change], cursor: str) -> None`` - in one local transaction:
  write each change (`deleted` removes or marks deleted; `fields` is the whole record; `version`
  is the record's new base_version), skipping a record that has a pending (unsettled) op, and
  store `cursor` as the new cursor.
- ``get_cursor() -> str | None`` - the stored cursor; None before the first pull.
- ``pull_started() -> None``, ``pull_ended() -> None`` (optional) - a pull begins; it stopped,
  at its end or not (the app's store builds a first pull's search indexes once, there).
- ``reset_cursor() -> None`` - forgets the cursor (the next pull starts from the beginning);
  keeps the outbox and the records.
- ``record_clock_offset(seconds: float) -> None`` - remembers server time minus local time.
- ``record_success(server_time: str | None = None) -> None`` - called once a cycle has pushed
  everything it could and pulled to the end (not after a failure or a cancel), with the
  server's time of the last pull page (ISO 8601): "last synced at".

- ``attachments_to_upload(shas: Sequence[str]) -> Sequence[str]`` - those of `shas` (the
  SHA-256 of attachments that ops about to be pushed reference) the store has not seen the
  server hold: not marked uploaded, or not on this laptop at all.
- ``attachment_bytes(sha256) -> (media_type, bytes) | None`` - an attachment's media type and
  bytes, or None when this laptop does not have it.
- ``mark_attachments_uploaded(shas) -> None`` - the server holds them (it answered HEAD 200 or
  took the PUT); they are not sent again.
- ``mark_attachments_not_uploaded(shas) -> None`` - after an op referencing them was answered
  `attachment_missing` (the server lost them): they are sent again.

Attachments: see `sync.uploads` (uploads before each batch; `attachment_missing` resends).

Return values of the writing methods are ignored (a store may return counts). Every call
comes from the thread running the cycle, one at a time; each writing call is one local
transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sync import protocol
from sync.bundle_export import (
    BUNDLE_DEFAULT_MAX_BODY_BYTES,
    BUNDLE_DEFAULT_MAX_OPS,
    BundleExport,
    bundle_bodies,
    bundle_sealer,
    write_bundle,
)
from sync.client import SyncCancelled, SyncClient, SyncError
from sync.contract import (
    BODY_MARGIN,
    CLOCK_SKEW_WARNING_SECONDS,
    MAX_SENDS_PER_CYCLE,
    READ_AHEAD_BATCHES,
    WARNING_ATTACHMENTS_UNSUPPORTED,
    WARNING_CLOCK_SKEW,
    WARNING_CURSOR_RESET,
    WARNING_ENTITY_UNSUPPORTED,
    WARNING_OPS_UNANSWERED,
    WARNING_OPS_UNSENDABLE,
    CycleReport,
    LocalStore,
    Progress,
    utc_now,
)
from sync.puller import Puller
from sync.pusher import Pusher

__all__ = [
    "BODY_MARGIN",
    "BUNDLE_DEFAULT_MAX_BODY_BYTES",
    "BUNDLE_DEFAULT_MAX_OPS",
    "CLOCK_SKEW_WARNING_SECONDS",
    "MAX_SENDS_PER_CYCLE",
    "READ_AHEAD_BATCHES",
    "WARNING_ATTACHMENTS_UNSUPPORTED",
    "WARNING_CLOCK_SKEW",
    "WARNING_CURSOR_RESET",
    "WARNING_ENTITY_UNSUPPORTED",
    "WARNING_OPS_UNANSWERED",
    "WARNING_OPS_UNSENDABLE",
    "BundleExport",
    "CycleReport",
    "LocalStore",
    "Progress",
    "SyncEngine",
    "bundle_sealer",
    "utc_now",
]

log = logging.getLogger("sync")


class SyncEngine:
    """Runs push-then-pull cycles between a `LocalStore` and the server.

    Args:
        client: a logged-in `SyncClient`.
        store: the laptop's `LocalStore`.
        clock: the local time now (aware); tests shift it to fake a wrong laptop clock.
        cancel: an event that stops the cycle between batches and pages when set.
        pull_limit: changes asked for per pull page; at most the server's `max_pull_limit`
            (1000 when its config does not say).
        batch_size: a cap on ops per batch below the server's `max_ops_per_batch`.
    """

    def __init__(
        self,
        client: SyncClient,
        store: LocalStore,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
        cancel: threading.Event | None = None,
        pull_limit: int = 500,
        batch_size: int | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.clock = clock
        self.cancel_event = cancel if cancel is not None else threading.Event()
        if client.cancel_event is None:
            client.cancel_event = self.cancel_event
        self.pull_limit = pull_limit
        self.batch_size = batch_size
        #: The server's limits and time from the last cycle (None before the first).
        self.last_config: protocol.SyncConfig | None = None

    def cancel(self) -> None:
        """Asks the running cycle to stop at the next batch or page boundary."""
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    # --- the cycle ------------------------------------------------------------------------

    def run_cycle(self, progress: Progress | None = None) -> CycleReport:
        """Pushes the outbox, then pulls; see the module docstring.

        A cycle starts uncancelled (the event is cleared): `cancel` stops the running cycle.

        Raises:
            SyncError: a failure the cycle cannot get past, with `.report` (partial).
        """
        self.cancel_event.clear()
        report = CycleReport()
        started = time.monotonic()
        notify: Progress = progress if progress is not None else (lambda *_: None)
        try:
            self._check_device()
            notify("config", 0, 1)
            config = self._config(report)
            notify("config", 1, 1)
            if self.cancelled:
                report.cancelled = True
                return report
            self._push(config, report, notify)
            if self.cancelled:
                report.cancelled = True
                return report
            server_time = self._pull(report, notify)
            if self.cancelled:
                report.cancelled = True
            else:
                self.store.record_success(server_time)
            return report
        except SyncCancelled:
            report.cancelled = True
            return report
        except SyncError as error:
            error.report = report
            raise
        finally:
            report.duration = time.monotonic() - started
            log.info(
                "sync cycle: pushed %d (applied %d, duplicate %d, rejected %d, conflict %d, "
                "unanswered %d) in %d batches, pulled %d in %d pages, %.2f s%s",
                report.pushed,
                report.applied,
                report.duplicate,
                report.rejected,
                report.conflict,
                report.unanswered,
                report.batches,
                report.pulled,
                report.pages,
                report.duration,
                ", cancelled" if report.cancelled else "",
            )

    def push_only(self, progress: Progress | None = None) -> CycleReport:
        """Pushes the store's ops and stops: no pull, no `record_success`. For a second
        stream of ops after a cycle (the laptop's audit trail, SYNC_PROTOCOL.md 1.1).

        Raises:
            SyncError: as `run_cycle`, with `.report` (partial).
        """
        self.cancel_event.clear()
        report = CycleReport()
        started = time.monotonic()
        notify: Progress = progress if progress is not None else (lambda *_: None)
        try:
            self._check_device()
            self._push(self._config(report), report, notify)
            report.cancelled = self.cancelled
        except SyncCancelled:
            report.cancelled = True
        except SyncError as error:
            error.report = report
            raise
        finally:
            report.duration = time.monotonic() - started
        return report

    def _check_device(self) -> None:
        if str(uuid.UUID(str(self.store.device_id))) != self.client.device_id:
            raise SyncError(
                "protocol",
                "device_mismatch",
                "The store's device_id is not the one the client logged in with.",
            )

    def _config(self, report: CycleReport) -> protocol.SyncConfig:
        before = self.clock()
        config = self.client.config()
        after = self.clock()
        if config.protocol_version != protocol.PROTOCOL_VERSION:
            raise SyncError(
                "protocol",
                "protocol_version",
                f"The server speaks protocol {config.protocol_version}, "
                f"this laptop {protocol.PROTOCOL_VERSION}.",
            )
        if config.min_app_version and protocol.is_older(
            self.client.app_version, config.min_app_version
        ):
            # The server would refuse the push (426 app_too_old): say so before sending.
            raise SyncError(
                "protocol",
                protocol.APP_TOO_OLD,
                f"The server serves the app from version {config.min_app_version}; "
                f"this one is {self.client.app_version}.",
            )
        self.last_config = config
        local = before + (after - before) / 2
        offset = (config.server_time - local).total_seconds()
        report.clock_offset = offset
        self.store.record_clock_offset(offset)
        if abs(offset) > CLOCK_SKEW_WARNING_SECONDS:
            report.warn(WARNING_CLOCK_SKEW)
            log.info("the laptop's clock is %.0f s off the server's", -offset)
        return config

    # --- push -----------------------------------------------------------------------------

    def _push(self, config: protocol.SyncConfig, report: CycleReport, notify: Progress) -> None:
        """Sends the outbox batch by batch, one request in flight at a time (`sync.pusher`)."""
        Pusher(
            self.client, self.store, self.cancel_event, config, self.batch_size, report, notify
        ).run()

    # --- pull -----------------------------------------------------------------------------

    def _pull(self, report: CycleReport, notify: Progress) -> str | None:
        """Pulls to the end (or a cancel); returns the server time of the last page."""
        config = self.last_config
        cap = (config.max_pull_limit if config else None) or protocol.LEGACY_PULL_LIMIT
        limit = max(1, min(self.pull_limit, cap))
        return Puller(self.client, self.store, self.cancel_event, limit, report, notify).run()

    # --- offline bundle -------------------------------------------------------------------

    def bundle_bodies(
        self, *, max_ops: int | None = None, max_body_bytes: int | None = None
    ) -> list[dict[str, Any]]:
        """Push bodies holding every pending op, each within the server's batch limits.

        The limits are the arguments, else those of the last `/v1/sync/config` this engine
        saw, else `BUNDLE_DEFAULT_MAX_OPS` and `BUNDLE_DEFAULT_MAX_BODY_BYTES`. An op that
        cannot be sent at all is settled locally as for a push.
        """
        return bundle_bodies(
            self.store, self.last_config, max_ops=max_ops, max_body_bytes=max_body_bytes
        )

    def export_bundle(
        self,
        path: str | Path,
        seal: Callable[[dict[str, Any]], bytes],
        *,
        max_ops: int | None = None,
        max_body_bytes: int | None = None,
    ) -> BundleExport:
        """Writes the pending ops to offline bundle files.

        Args:
            path: the file to write, e.g. ``E:/perisai-2026-11-21.perisai``. When the ops do
                not fit one batch of the server, the files are ``<stem>-1of3<suffix>``...
            seal: turns a push body into a bundle's bytes; see `bundle_sealer`.
            max_ops, max_body_bytes: the server's limits; see `bundle_bodies`.

        Returns:
            The files written (none when nothing is pending) and how many ops they hold.

        The ops stay in the outbox: only the server's answer to a push settles them, and its
        ledger makes sending them twice (bundle, then online) harmless. Each file is written
        to a temporary name and then renamed, so a pulled USB stick leaves no half file.
        """
        bodies = self.bundle_bodies(max_ops=max_ops, max_body_bytes=max_body_bytes)
        return write_bundle(bodies, path, seal)
