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
   behind them. One batch is in flight while the results of the previous one are settled
   and the next ops are read (store calls stay on the cycle's thread). An op missing from the
   results is sent again in a later batch (at most `MAX_SENDS_PER_CYCLE` times a cycle, then
   in the next cycle). An op the engine cannot send
   at all (not a valid op, or alone larger than the server takes) gets a local `rejected`
   result with code `invalid_op` or `too_large`, so it never blocks the outbox.
3. Pull: pages from `LocalStore.get_cursor()` until `has_more` is false; each page and its
   `next_cursor` go to `LocalStore.apply_pulled` in one call (one local transaction). On 410
   `cursor_expired` the engine calls `LocalStore.reset_cursor()` and pulls from the start; the
   outbox is kept.

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
- ``reset_cursor() -> None`` - forgets the cursor (the next pull starts from the beginning);
  keeps the outbox and the records.
- ``record_clock_offset(seconds: float) -> None`` - remembers server time minus local time.
- ``record_success(server_time: str | None = None) -> None`` - called once a cycle has pushed
  everything it could and pulled to the end (not after a failure or a cancel), with the
  server's time of the last pull page (ISO 8601): "last synced at".

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
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pydantic

from sync import client as sync_client
from sync import protocol
from sync.client import SyncCancelled, SyncClient, SyncError

log = logging.getLogger("sync")

#: Past this offset between the server's clock and ours the report warns (`clock_skew`).
CLOCK_SKEW_WARNING_SECONDS = 300.0
#: How often one op is sent in one cycle when the server keeps leaving it out of its answer.
MAX_SENDS_PER_CYCLE = 3
#: Batches' worth of ops read from the store at a time: each read marks its ops `sent` in one
#: durable local commit, so reading two batches at once halves those commits.
READ_AHEAD_BATCHES = 2
#: Share of `max_body_bytes` a batch body may fill (room for the envelope and rounding).
BODY_MARGIN = 0.9

#: Batch limits for offline bundles when the engine has not yet seen the server's config.
BUNDLE_DEFAULT_MAX_OPS = 500
BUNDLE_DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024

#: Warning codes a `CycleReport` may carry.
WARNING_CLOCK_SKEW = "clock_skew"
WARNING_CURSOR_RESET = "cursor_reset"
WARNING_OPS_UNANSWERED = "ops_unanswered"
WARNING_OPS_UNSENDABLE = "ops_unsendable"

Progress = Callable[[str, int, "int | None"], None]
"""`progress(phase, done, total)`: phase is `config`, `push` or `pull`; `total` is None when
unknown (pull: `done` counts changes applied so far). It is called on the thread running the
cycle: a Qt caller passes it on by signal."""


@runtime_checkable
class LocalStore(Protocol):
    """The laptop's database as the sync engine needs it (see the module docstring)."""

    @property
    def device_id(self) -> str: ...

    def pending_count(self) -> int: ...

    def pending_ops(
        self, limit: int, after_seq: int | None = None
    ) -> Sequence[protocol.Op | Mapping[str, Any]]: ...

    def mark_results(self, results: Sequence[protocol.OpResult]) -> object: ...

    def apply_pulled(self, changes: Sequence[protocol.Change], cursor: str) -> object: ...

    def get_cursor(self) -> str | None: ...

    def reset_cursor(self) -> object: ...

    def record_clock_offset(self, seconds: float) -> object: ...

    def record_success(self, server_time: str | None = None) -> object: ...


@dataclass
class CycleReport:
    """What one cycle did. Counts are of ops (push) and changes (pull)."""

    pushed: int = 0
    applied: int = 0
    duplicate: int = 0
    rejected: int = 0
    conflict: int = 0
    unanswered: int = 0
    pulled: int = 0
    pages: int = 0
    batches: int = 0
    duration: float = 0.0
    clock_offset: float | None = None
    cursor_reset: bool = False
    cancelled: bool = False
    warnings: list[str] = field(default_factory=list)

    def warn(self, code: str) -> None:
        if code not in self.warnings:
            self.warnings.append(code)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _local_result(op_id: uuid.UUID, code: str, message: str) -> protocol.OpResult:
    return protocol.OpResult(
        op_id=op_id,
        status="rejected",
        error=protocol.OpError(code=code, message=message),
    )


def _op_size(op: protocol.Op) -> int:
    """Bytes the op takes in a push body (as `sync.client` encodes it), with its comma."""
    return len(op.model_dump_json().encode("utf-8")) + 1


class SyncEngine:
    """Runs push-then-pull cycles between a `LocalStore` and the server.

    Args:
        client: a logged-in `SyncClient`.
        store: the laptop's `LocalStore`.
        clock: the local time now (aware); tests shift it to fake a wrong laptop clock.
        cancel: an event that stops the cycle between batches and pages when set.
        pull_limit: changes asked for per pull page (1..1000).
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
            if str(uuid.UUID(str(self.store.device_id))) != self.client.device_id:
                raise SyncError(
                    "protocol",
                    "device_mismatch",
                    "The store's device_id is not the one the client logged in with.",
                )
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
            if str(uuid.UUID(str(self.store.device_id))) != self.client.device_id:
                raise SyncError(
                    "protocol",
                    "device_mismatch",
                    "The store's device_id is not the one the client logged in with.",
                )
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
        """Sends the outbox batch by batch, one request in flight at a time.

        While the server works on batch k (on a helper thread), this thread settles the
        results of batch k-1 and reads the ops of batch k+1: the laptop's database work and
        the server's overlap. Store calls stay on this thread, in order.
        """
        max_ops = max(1, config.max_ops_per_batch)
        if self.batch_size is not None:
            max_ops = min(max_ops, max(1, self.batch_size))
        max_bytes = max(1024, int(config.max_body_bytes * BODY_MARGIN))
        total = self.store.pending_count()
        notify("push", 0, total)
        carry: list[protocol.Op] = []
        sends: dict[uuid.UUID, int] = {}
        after_seq: int | None = None
        inflight: _InFlight | None = None

        def finish(batch: _InFlight) -> None:
            for op in self._finish_batch(batch, report):
                sends[op.op_id] = sends.get(op.op_id, 1) + 1
                if sends[op.op_id] <= MAX_SENDS_PER_CYCLE:
                    carry.append(op)
            notify("push", _settled(report), total)

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-push")
        try:
            while not self.cancelled:
                room = max_ops * READ_AHEAD_BATCHES - len(carry)
                fresh: list[protocol.Op] = []
                exhausted = False
                if room > 0:
                    raw = self.store.pending_ops(room, after_seq)
                    exhausted = not raw
                    known = [seq for seq in map(_seq_of, raw) if seq is not None]
                    if raw and not known:
                        log.error("the outbox answered ops without op_seq; stopping the push")
                        exhausted = True
                    if known:
                        after_seq = max(known) if after_seq is None else max(after_seq, *known)
                    fresh = self._valid_ops(raw, report)
                ops = sorted([*carry, *fresh], key=lambda op: op.op_seq)
                carry = []
                if not ops:
                    if inflight is not None:
                        # Its answer may free ops the store held back (an update waiting for
                        # its create's version): ask the store again after settling it.
                        batch, inflight = inflight, None
                        finish(batch)
                        continue
                    if exhausted:
                        break
                    continue  # only unsendable ops in this slice, settled locally: go on
                for batch_ops in _by_count(self._split_by_size(ops, max_bytes, report), max_ops):
                    if self.cancelled:
                        break
                    request = self._push_request(batch_ops)
                    started = _InFlight(batch_ops, pool.submit(self.client.push, request))
                    if inflight is not None:
                        previous, inflight = inflight, None
                        try:
                            finish(previous)
                        finally:
                            inflight = started
                    inflight = started
                if exhausted and not carry and inflight is None:
                    break
            if inflight is not None:
                batch, inflight = inflight, None
                finish(batch)
        finally:
            if inflight is not None:
                # A failure or a cancel while a batch was out: keep its answer if one came.
                self._settle_quietly(inflight, report)
            pool.shutdown(wait=True)

    def _push_request(self, ops: list[protocol.Op]) -> protocol.PushRequest:
        return protocol.PushRequest(
            protocol_version=protocol.PROTOCOL_VERSION,
            device_id=uuid.UUID(str(self.store.device_id)),
            batch_id=uuid.uuid4(),
            ops=ops,
        )

    def _finish_batch(self, batch: _InFlight, report: CycleReport) -> list[protocol.Op]:
        """Waits for a batch's answer and settles it; returns its ops left unanswered."""
        try:
            answer = batch.future.result()
        except SyncError as error:
            if error.kind != "too_large":
                raise
            return self._halve(batch.ops, error, report)
        return self._settle(batch.ops, answer, report)

    def _settle_quietly(self, batch: _InFlight, report: CycleReport) -> None:
        try:
            answer = batch.future.result()
        except Exception:  # the failure being raised already says what went wrong
            return
        self._settle(batch.ops, answer, report)

    def _valid_ops(
        self, raw: Sequence[protocol.Op | Mapping[str, Any]], report: CycleReport
    ) -> list[protocol.Op]:
        ops: list[protocol.Op] = []
        broken: list[protocol.OpResult] = []
        # Every op carries the offset this cycle measured (SYNC_PROTOCOL.md 1.1); it is not
        # part of the op's payload, so a resent op with a newer measurement is the same op.
        offset = None if report.clock_offset is None else round(report.clock_offset, 3)
        for item in raw:
            if isinstance(item, protocol.Op):
                ops.append(item.model_copy(update={"clock_offset_seconds": offset}))
                continue
            try:
                op = protocol.Op.model_validate(item)
                ops.append(op.model_copy(update={"clock_offset_seconds": offset}))
            except pydantic.ValidationError as error:
                op_id = _op_id_of(item)
                fields = sorted({str(part["loc"][0]) for part in error.errors() if part["loc"]})
                log.error("an outbox op is not a valid op (fields %s)", fields)
                if op_id is not None:
                    broken.append(
                        _local_result(op_id, "invalid_op", f"Not a valid op: {', '.join(fields)}.")
                    )
        if broken:
            self.store.mark_results(broken)
            report.rejected += len(broken)
            report.warn(WARNING_OPS_UNSENDABLE)
        return ops

    def _split_by_size(
        self, ops: list[protocol.Op], max_bytes: int, report: CycleReport
    ) -> list[list[protocol.Op]]:
        """Cuts rising ops into batches whose JSON body stays under `max_bytes`."""
        envelope = 200
        batches: list[list[protocol.Op]] = []
        current: list[protocol.Op] = []
        size = envelope
        too_large: list[protocol.OpResult] = []
        for op in ops:
            op_bytes = _op_size(op)
            if envelope + op_bytes > max_bytes:
                too_large.append(
                    _local_result(
                        op.op_id, "too_large", "The op is larger than the server accepts."
                    )
                )
                continue
            if current and size + op_bytes > max_bytes:
                batches.append(current)
                current, size = [], envelope
            current.append(op)
            size += op_bytes
        if current:
            batches.append(current)
        if too_large:
            self.store.mark_results(too_large)
            report.rejected += len(too_large)
            report.warn(WARNING_OPS_UNSENDABLE)
        return batches

    def _send_batch(self, ops: list[protocol.Op], report: CycleReport) -> list[protocol.Op]:
        """Pushes one batch, hands its results to the store; returns the ops left unanswered.

        A 413 for a batch the server finds too large (its limits changed since the config
        call) halves it; a single op it refuses is settled locally as `too_large`.
        """
        request = self._push_request(ops)
        try:
            answer = self.client.push(request)
        except SyncError as error:
            if error.kind != "too_large":
                raise
            return self._halve(ops, error, report)
        return self._settle(ops, answer, report)

    def _halve(
        self, ops: list[protocol.Op], error: SyncError, report: CycleReport
    ) -> list[protocol.Op]:
        """After a 413: sends each half on its own (synchronously); a lone op is settled
        locally as `too_large`."""
        if len(ops) == 1:
            self.store.mark_results([_local_result(ops[0].op_id, "too_large", error.message)])
            report.rejected += 1
            report.warn(WARNING_OPS_UNSENDABLE)
            return []
        half = len(ops) // 2
        return self._send_batch(ops[:half], report) + self._send_batch(ops[half:], report)

    def _settle(
        self, ops: list[protocol.Op], answer: protocol.PushResponse, report: CycleReport
    ) -> list[protocol.Op]:
        """Hands a batch's results to the store; returns the ops left unanswered."""
        report.batches += 1
        sent = {op.op_id for op in ops}
        results = [result for result in answer.results if result.op_id in sent]
        if len(results) != len(answer.results):
            log.info(
                "the server answered %d op(s) not in the batch", len(answer.results) - len(results)
            )
        seen: set[uuid.UUID] = set()
        unique: list[protocol.OpResult] = []
        for result in results:
            if result.op_id not in seen:
                seen.add(result.op_id)
                unique.append(result)
        if unique:
            self.store.mark_results(unique)
        for result in unique:
            report.pushed += 1
            if result.status == "applied":
                report.applied += 1
            elif result.status == "duplicate":
                report.duplicate += 1
            elif result.status == "rejected":
                report.rejected += 1
            else:
                report.conflict += 1
        missing = [op for op in ops if op.op_id not in seen]
        if missing:
            report.unanswered += len(missing)
            report.warn(WARNING_OPS_UNANSWERED)
        return missing

    # --- pull -----------------------------------------------------------------------------

    def _pull(self, report: CycleReport, notify: Progress) -> str | None:
        """Pulls to the end (or a cancel); returns the server time of the last page.

        The next page is asked for (on a helper thread) while this thread applies the
        current one; requests still go out one at a time, in order.
        """
        server_time: str | None = None
        cursor = self.store.get_cursor()
        notify("pull", 0, None)
        reset_done = False
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull")
        try:
            coming: Future[protocol.PullResponse] | None = pool.submit(
                self.client.pull, cursor, self.pull_limit
            )
            while coming is not None and not self.cancelled:
                try:
                    page = coming.result()
                except SyncError as error:
                    if error.kind != "cursor_expired" or reset_done or cursor is None:
                        raise
                    log.info("the pull cursor expired; pulling from the start")
                    self.store.reset_cursor()
                    report.cursor_reset = True
                    report.warn(WARNING_CURSOR_RESET)
                    reset_done = True
                    cursor = None
                    coming = pool.submit(self.client.pull, None, self.pull_limit)
                    continue
                coming = (
                    pool.submit(self.client.pull, page.next_cursor, self.pull_limit)
                    if page.has_more
                    else None
                )
                self.store.apply_pulled(page.changes, page.next_cursor)
                server_time = page.server_time.isoformat()
                cursor = page.next_cursor
                report.pages += 1
                report.pulled += len(page.changes)
                notify("pull", report.pulled, None)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return server_time

    # --- offline bundle -------------------------------------------------------------------

    def bundle_bodies(
        self, *, max_ops: int | None = None, max_body_bytes: int | None = None
    ) -> list[dict[str, Any]]:
        """Push bodies holding every pending op, each within the server's batch limits.

        The limits are the arguments, else those of the last `/v1/sync/config` this engine
        saw, else `BUNDLE_DEFAULT_MAX_OPS` and `BUNDLE_DEFAULT_MAX_BODY_BYTES`. An op that
        cannot be sent at all is settled locally as for a push.
        """
        config = self.last_config
        ops_cap = max_ops or (config.max_ops_per_batch if config else BUNDLE_DEFAULT_MAX_OPS)
        bytes_cap = max_body_bytes or (
            config.max_body_bytes if config else BUNDLE_DEFAULT_MAX_BODY_BYTES
        )
        report = CycleReport()
        ops: list[protocol.Op] = []
        after_seq: int | None = None
        while True:
            raw = self.store.pending_ops(ops_cap, after_seq)
            known = [seq for seq in map(_seq_of, raw) if seq is not None]
            if not raw or not known:
                break
            after_seq = max(known) if after_seq is None else max(after_seq, *known)
            ops.extend(self._valid_ops(raw, report))
        ops.sort(key=lambda op: op.op_seq)
        bodies: list[dict[str, Any]] = []
        limit_bytes = max(1024, int(bytes_cap * BODY_MARGIN))
        for sized in self._split_by_size(ops, limit_bytes, report):
            for start in range(0, len(sized), max(1, ops_cap)):
                request = protocol.PushRequest(
                    protocol_version=protocol.PROTOCOL_VERSION,
                    device_id=uuid.UUID(str(self.store.device_id)),
                    batch_id=uuid.uuid4(),
                    ops=sized[start : start + max(1, ops_cap)],
                )
                bodies.append(request.model_dump(mode="json"))
        return bodies

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
        target = Path(path)
        if len(bodies) == 1:
            targets = [target]
        else:
            targets = [
                target.with_name(f"{target.stem}-{n}of{len(bodies)}{target.suffix}")
                for n in range(1, len(bodies) + 1)
            ]
        for body, destination in zip(bodies, targets, strict=True):
            data = seal(body)
            temporary = destination.with_name(destination.name + ".part")
            temporary.write_bytes(data)
            temporary.replace(destination)
        count = sum(len(body["ops"]) for body in bodies)
        log.info("offline bundle: %d ops in %d file(s)", count, len(bodies))
        return BundleExport(targets if bodies else [], count)


@dataclass(frozen=True)
class _InFlight:
    """A batch whose push request is on its way (or answered, not yet settled)."""

    ops: list[protocol.Op]
    future: Future[protocol.PushResponse]


@dataclass(frozen=True)
class BundleExport:
    paths: list[Path]
    ops: int


def bundle_sealer(
    *,
    agent_code: str,
    server_public_key: bytes,
    device_private_key: Any,
    clock: Callable[[], dt.datetime] = utc_now,
) -> Callable[[dict[str, Any]], bytes]:
    """A `seal` for `SyncEngine.export_bundle` built on `sync.bundle.seal`.

    Args:
        agent_code: the agent the ops were recorded by.
        server_public_key: the server's raw X25519 public key (from the login answer, base64
            decoded).
        device_private_key: the device's Ed25519 private key (cryptography object).
    """
    from sync import bundle

    def seal(body: dict[str, Any]) -> bytes:
        return bundle.seal(
            sync_client.encode_json(body),
            agent_code=agent_code,
            server_public_key=server_public_key,
            device_private_key=device_private_key,
            created_at=clock().isoformat(),
        )

    return seal


def _by_count(batches: list[list[protocol.Op]], max_ops: int) -> list[list[protocol.Op]]:
    """Batches cut again so none holds more than `max_ops` ops."""
    return [
        batch[start : start + max_ops]
        for batch in batches
        for start in range(0, len(batch), max_ops)
    ]


def _settled(report: CycleReport) -> int:
    return report.applied + report.duplicate + report.rejected + report.conflict


def _seq_of(item: protocol.Op | Mapping[str, Any]) -> int | None:
    if isinstance(item, protocol.Op):
        return item.op_seq
    value = item.get("op_seq")
    return value if isinstance(value, int) else None


def _op_id_of(item: Mapping[str, Any]) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(item.get("op_id")))
    except ValueError:
        return None
