"""The push of one cycle: the outbox sent batch by batch, strictly one request after the other.

The requests go out on a helper thread (the push thread), in the order they were handed to it,
each only after the previous one's answer came back: the server judges batch k+1 against the
committed results of batch k. The cycle's thread stays ahead of it: while the server works on
batch k and batch k+1 waits its turn, the cycle's thread settles the results of batch k-1 and
reads and encodes the ops of batch k+2 (`PIPELINE_DEPTH` batches handed over and not yet
settled), so the server does not wait for the laptop's database work. Store calls stay on the
cycle's thread, in order. After a request fails, the ones queued behind it are not sent (their
ops stay unsettled and go again in the next cycle, like an op read but never sent); a cancel
stops handing new batches over, and the answers of those already handed over are settled.

Every op handed out by the store is marked `sent` first (its payload frozen); a kill at any
moment leaves the ops not yet settled unsettled, and the next cycle sends them again: the
server's ledger answers an op it already applied `duplicate`, with its stored result.

A 413 for a batch the server finds too large (its limits changed since the config call) halves
it; a single op it refuses is settled locally as `too_large`. An op the server leaves out of
its answer is sent again, at most `MAX_SENDS_PER_CYCLE` times a cycle.

The attachments a batch's ops reference go first (`sync.uploads.Uploader`). An op answered
`rejected` `attachment_missing` (the server lacks a blob it references) is not settled: its
attachments are marked not uploaded and it is sent again like an unanswered op, uploads first.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import cast

from sync import protocol
from sync.batches import (
    by_count,
    local_result,
    push_request,
    request_json,
    seq_of,
    split_by_size,
    valid_ops,
)
from sync.client import SyncCancelled, SyncClient, SyncError
from sync.contract import (
    BASE_ENTITIES,
    BODY_MARGIN,
    MAX_SENDS_PER_CYCLE,
    READ_AHEAD_BATCHES,
    WARNING_OPS_UNANSWERED,
    WARNING_OPS_UNSENDABLE,
    CycleReport,
    LocalStore,
    Progress,
)
from sync.transport import Body
from sync.uploads import Uploader, referenced

log = logging.getLogger("sync")

#: Batches handed to the push thread and not yet settled, besides the one being settled: the
#: one on the server and the next one, ready to go the moment its answer is back.
PIPELINE_DEPTH = 2
#: The young generation's collection threshold while a push runs (`collector_spared`).
SPARED_THRESHOLD = 20_000


class _NotSent(SyncCancelled):
    """A batch left unsent because a request before it failed: its ops stay unsettled."""


@dataclass(frozen=True)
class _InFlight:
    """A batch whose push request is on its way (or answered, not yet settled)."""

    ops: list[protocol.Op]
    future: Future[protocol.PushResponse]


class Pusher:
    """One cycle's push (see the module docstring); `run()` once."""

    def __init__(
        self,
        client: SyncClient,
        store: LocalStore,
        cancel: threading.Event,
        config: protocol.SyncConfig,
        batch_size: int | None,
        report: CycleReport,
        notify: Progress,
    ) -> None:
        self.client = client
        self.store = store
        self.cancel = cancel
        self.report = report
        self.notify = notify
        self.max_ops = max(1, config.max_ops_per_batch)
        if batch_size is not None:
            self.max_ops = min(self.max_ops, max(1, batch_size))
        self.max_bytes = max(1024, int(config.max_body_bytes * BODY_MARGIN))
        self.total = 0
        #: The store's device id, read once (`run`): each read is a local transaction.
        self.device_id: uuid.UUID | None = None
        self.carry: list[protocol.Op] = []
        #: Each op's JSON as `split_by_size` made it, by op id, until its body is made.
        self.encoded: dict[uuid.UUID, bytes] = {}
        self.sends: dict[uuid.UUID, int] = {}
        self.after_seq: int | None = None
        #: Batches handed to the push thread, oldest first, not yet settled.
        self.inflight: deque[_InFlight] = deque()
        #: The push thread's requests, one at a time (made by `run`).
        self.pool: ThreadPoolExecutor | None = None
        #: What a request failed with (set on the push thread): nothing after it is sent.
        self.failure: BaseException | None = None
        # A 1.0 server's config has neither: it takes no attachments.
        accepted = config.protocol_minor is not None or config.max_attachment_bytes is not None
        # A server from before `entities` takes the base ones only.
        known = BASE_ENTITIES if config.entities is None else frozenset(config.entities)
        self.uploader = Uploader(
            client, store, report, cancel, config.max_attachment_bytes, notify, accepted, known
        )

    def run(self) -> None:
        with collector_spared():
            self._run()

    def _run(self) -> None:
        self.device_id = uuid.UUID(str(self.store.device_id))
        self.total = self.store.pending_count()
        self.notify("push", 0, self.total)
        pool = self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-push")
        try:
            while not self.cancel.is_set():
                ops, exhausted = self._next_ops()
                if not ops:
                    if self.inflight:
                        # Its answer may free ops the store held back (an update waiting for
                        # its create's version): ask the store again after settling it.
                        self._finish(self.inflight.popleft())
                        continue
                    if exhausted:
                        break
                    continue  # only unsendable ops in this slice, settled locally: go on
                self._send_all(pool, ops)
                if exhausted and not self.carry and not self.inflight:
                    break
            while self.inflight:
                self._finish(self.inflight.popleft())
        finally:
            # A failure or a cancel while batches were out: keep the answers that came.
            while self.inflight:
                self._settle_quietly(self.inflight.popleft())
            pool.shutdown(wait=True)

    def _next_ops(self) -> tuple[list[protocol.Op], bool]:
        """The ops carried over and the next ones from the store, in rising `op_seq`; and
        whether the store has no more."""
        room = self.max_ops * READ_AHEAD_BATCHES - len(self.carry)
        fresh: list[protocol.Op] = []
        exhausted = False
        if room > 0:
            raw = self.store.pending_ops(room, self.after_seq)
            exhausted = not raw
            known = [seq for seq in map(seq_of, raw) if seq is not None]
            if raw and not known:
                log.error("the outbox answered ops without op_seq; stopping the push")
                exhausted = True
            if known:
                after = self.after_seq
                self.after_seq = max(known) if after is None else max(after, *known)
            fresh = valid_ops(self.store, raw, self.report)
        ops = sorted([*self.carry, *fresh], key=lambda op: op.op_seq)
        self.carry = []
        return ops, exhausted

    def _send_all(self, pool: ThreadPoolExecutor, ops: list[protocol.Op]) -> None:
        """Hands `ops` to the push thread batch by batch, settling the oldest batch once
        more than `PIPELINE_DEPTH` are out; before each batch, the attachments its ops
        reference (while earlier batches are out), so that no op waits for the photos of a
        later batch."""
        batches = split_by_size(self.store, ops, self.max_bytes, self.report, self.encoded)
        for cut in by_count(batches, self.max_ops):
            if self.cancel.is_set():
                break
            batch_ops = self.uploader.prepare(cut)
            if not batch_ops:
                continue
            request = push_request(self.store, batch_ops, self.device_id)
            body = self._encode(request)
            self.inflight.append(_InFlight(batch_ops, pool.submit(self._in_turn, request, body)))
            while len(self.inflight) > PIPELINE_DEPTH:
                self._finish(self.inflight.popleft())

    def _encode(self, request: protocol.PushRequest) -> Body | None:
        """The request's body, encoded here on the cycle's thread, off the push thread's
        path, from the ops' JSON `split_by_size` made (a client without `encode_push`, a
        test's model server, gets the request)."""
        texts = [self.encoded.pop(op.op_id, None) for op in request.ops]
        encode = getattr(self.client, "encode_push", None)
        if encode is None:
            return None
        known = [text for text in texts if text is not None]
        if len(known) < len(texts):
            return cast(Body, encode(request))
        return cast(Body, encode(request, raw=request_json(request, known)))

    def _in_turn(
        self, request: protocol.PushRequest, body: Body | None = None
    ) -> protocol.PushResponse:
        """On the push thread, one request after the other in the order handed over; none
        after a failed one (a 413 is no failure: its batch is halved and sent again)."""
        if self.failure is not None:
            raise _NotSent()
        try:
            if body is not None:
                return self.client.push(request, body=body)
            return self.client.push(request)
        except SyncError as error:
            if error.kind != "too_large":
                self.failure = error
            raise
        except BaseException as error:
            self.failure = error
            raise

    def _finish(self, batch: _InFlight) -> None:
        """Settles a batch; its unanswered ops are carried to the next one."""
        for op in self._finish_batch(batch):
            self.sends[op.op_id] = self.sends.get(op.op_id, 1) + 1
            if self.sends[op.op_id] <= MAX_SENDS_PER_CYCLE:
                self.carry.append(op)
        report = self.report
        settled = report.applied + report.duplicate + report.rejected + report.conflict
        self.notify("push", settled, self.total)

    def _finish_batch(self, batch: _InFlight) -> list[protocol.Op]:
        """Waits for a batch's answer and settles it; returns its ops left unanswered."""
        try:
            answer = batch.future.result()
        except SyncError as error:
            if error.kind != "too_large":
                raise
            return self._halve(batch.ops, error)
        return self._settle(batch.ops, answer)

    def _settle_quietly(self, batch: _InFlight) -> None:
        try:
            answer = batch.future.result()
        except Exception:  # the failure being raised already says what went wrong
            return
        self._settle(batch.ops, answer)

    def _send_batch(self, ops: list[protocol.Op]) -> list[protocol.Op]:
        """Pushes one batch (waiting for its answer, in turn on the push thread), hands its
        results to the store; returns the ops left unanswered."""
        request = push_request(self.store, ops, self.device_id)
        try:
            if self.pool is None:
                answer = self.client.push(request)
            else:
                answer = self.pool.submit(self._in_turn, request).result()
        except _NotSent:
            # A batch handed over before this one failed: that failure is the cycle's.
            raise self.failure or SyncCancelled() from None
        except SyncError as error:
            if error.kind != "too_large":
                raise
            return self._halve(ops, error)
        return self._settle(ops, answer)

    def _halve(self, ops: list[protocol.Op], error: SyncError) -> list[protocol.Op]:
        """After a 413: sends each half on its own (synchronously); a lone op is settled
        locally as `too_large`."""
        if len(ops) == 1:
            self.store.mark_results([local_result(ops[0].op_id, "too_large", error.message)])
            self.report.rejected += 1
            self.report.warn(WARNING_OPS_UNSENDABLE)
            return []
        half = len(ops) // 2
        return self._send_batch(ops[:half]) + self._send_batch(ops[half:])

    def _settle(self, ops: list[protocol.Op], answer: protocol.PushResponse) -> list[protocol.Op]:
        """Hands a batch's results to the store; returns the ops left unanswered."""
        report = self.report
        report.batches += 1
        sent = {op.op_id for op in ops}
        results = [result for result in answer.results if result.op_id in sent]
        if len(results) != len(answer.results):
            log.info(
                "the server answered %d op(s) not in the batch", len(answer.results) - len(results)
            )
        seen: set[uuid.UUID] = set()
        unique: list[protocol.OpResult] = []
        lacking: set[uuid.UUID] = set()
        for result in results:
            if result.op_id in seen:
                continue
            seen.add(result.op_id)
            if result.status == "rejected" and _code(result) == protocol.ATTACHMENT_MISSING:
                lacking.add(result.op_id)  # not settled: upload again, then resend
            else:
                unique.append(result)
        if lacking:
            self._lost_attachments([op for op in ops if op.op_id in lacking])
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
        return missing + [op for op in ops if op.op_id in lacking]

    def _lost_attachments(self, ops: list[protocol.Op]) -> None:
        """Ops answered `attachment_missing`: their attachments are to be sent again."""
        shas = sorted({sha for op in ops for sha in referenced(op.fields)})
        log.info("%d op(s) answered attachment_missing; uploading again", len(ops))
        self.store.mark_attachments_not_uploaded(shas)
        self.report.attachments_missing += len(ops)


@contextlib.contextmanager
def collector_spared() -> Iterator[None]:
    """Python's cyclic garbage collector kept off the push's hot path while the block runs.

    A push keeps thousands of ops alive across batches (read ahead, in flight, being
    settled), so they survive the young collections and, every few batches, set off a full
    collection, which walks every object of the process: the app's modules, its tables, its
    windows. The objects alive when the push starts are set aside (`gc.freeze`, unless the
    process has frozen some already, as the server does) and the young generation collects
    every `SPARED_THRESHOLD` allocations instead of 700 (the push's batches are short-lived
    garbage by the hundred). Both are undone at the end: the objects set aside return to
    the oldest generation, to be collected as before. Nothing is disabled: cycles made
    during the push are still collected."""
    thresholds = gc.get_threshold()
    froze = gc.get_freeze_count() == 0
    if froze:
        gc.freeze()
    gc.set_threshold(max(thresholds[0], SPARED_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if froze:
            gc.unfreeze()


def _code(result: protocol.OpResult) -> str | None:
    return result.error.code if result.error is not None else None
