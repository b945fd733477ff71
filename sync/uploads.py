"""The attachments (photos, signatures) an op references, sent before the op (SYNC_PROTOCOL.md
1.1 "Attachments").

Before a batch goes out, every attachment its ops reference that the store has not yet seen
the server hold (`LocalStore.attachments_to_upload`) is asked for (`HEAD`): what the server
has is only marked uploaded; the rest is sent (`PUT`) and marked uploaded. An attachment that
cannot be sent (over the server's size: 413; bytes the server refuses: 400, 415 or 422; no
longer on this laptop) holds back only the ops that reference it: they are settled locally
as `rejected` with the codes below, for the person to see in the sync problems, and every
other op goes on. A 1.0 server takes no attachments: nothing is uploaded, the ops that
reference one are not sent but left pending (`WARNING_ATTACHMENTS_UNSUPPORTED`), and every
other op goes on. Progress is reported as the phase `photos`. A network failure is raised
like a push's: the cycle ends and the next one tries again (nothing is marked uploaded that
the server has not confirmed).

Like all of the laptop side of `sync`, this imports nothing of `agent_app`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sync import protocol
from sync.batches import local_result
from sync.client import SyncCancelled, SyncClient, SyncError
from sync.contract import (
    WARNING_ATTACHMENTS_UNSUPPORTED,
    WARNING_ENTITY_UNSUPPORTED,
    WARNING_OPS_UNSENDABLE,
    CycleReport,
    LocalStore,
    Progress,
)

log = logging.getLogger("sync")

#: Local refusal codes of an op whose attachment cannot be sent.
ATTACHMENT_TOO_LARGE = "attachment_too_large"
ATTACHMENT_INVALID = "attachment_invalid"
ATTACHMENT_UNAVAILABLE = "attachment_unavailable"
#: A PUT answer that refuses these bytes (not the image they claim to be, or of a type the
#: server does not take): that attachment only, never retried.
_REFUSED_BYTES = frozenset({400, 415, 422})
_MESSAGES = {
    ATTACHMENT_TOO_LARGE: "An attachment is larger than the server accepts.",
    ATTACHMENT_INVALID: "The server refused an attachment (not the image it claims to be).",
    ATTACHMENT_UNAVAILABLE: "An attachment is neither on this laptop nor on the server.",
}


def referenced(fields: Mapping[str, Any]) -> list[str]:
    """The SHA-256 of every attachment a record's (or an op's) fields reference, in order."""
    found: list[str] = []
    items = fields.get("attachments")
    if not isinstance(items, list):
        return found
    for item in items:
        sha = item.get("sha256") if isinstance(item, Mapping) else None
        if isinstance(sha, str) and sha not in found:
            found.append(sha)
    return found


def referenced_by(ops: Iterable[protocol.Op]) -> list[str]:
    """The attachments `ops` reference, each once, in order."""
    seen: dict[str, None] = {}
    for op in ops:
        for sha in referenced(op.fields):
            seen[sha] = None
    return list(seen)


class Uploader:
    """One cycle's attachment uploads (see the module docstring)."""

    def __init__(
        self,
        client: SyncClient,
        store: LocalStore,
        report: CycleReport,
        cancel: threading.Event,
        max_bytes: int | None = None,
        notify: Progress | None = None,
        accepted: bool = True,
        entities: frozenset[str] | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.report = report
        self.cancel = cancel
        self.max_bytes = max_bytes
        self.notify: Progress = notify if notify is not None else (lambda *_: None)
        #: Whether the server takes attachments at all (False: a 1.0 server).
        self.accepted = accepted
        #: Attachments that cannot be sent this cycle, with the local refusal code.
        self.failed: dict[str, str] = {}
        #: The entities the server takes (None: all this build pushes).
        self.entities = entities
        #: The records whose ops are held back this cycle (a server without attachments, or
        #: without their entity).
        self.held: set[str] = set()
        #: This cycle's uploads: done, and found to send so far.
        self.done = 0
        self.total = 0

    def prepare(self, ops: Sequence[protocol.Op]) -> list[protocol.Op]:
        """Sends what `ops` reference and the server lacks; answers the ops that may go, in
        their order, after settling locally those whose attachment cannot be sent."""
        ops = self._hold_back_entities(ops)
        if not self.accepted:
            return self._hold_back(ops)
        wanted = [sha for sha in referenced_by(ops) if sha not in self.failed]
        if wanted:
            to_send = list(self.store.attachments_to_upload(wanted))
            self.total += len(to_send)
            for sha in to_send:
                if self.cancel.is_set():
                    raise SyncCancelled()
                self.notify("photos", self.done, self.total)
                self._upload(sha)
                self.done += 1
            if to_send:
                self.notify("photos", self.done, self.total)
        ready: list[protocol.Op] = []
        refused: list[protocol.OpResult] = []
        for op in ops:
            codes = [self.failed[sha] for sha in referenced(op.fields) if sha in self.failed]
            if codes:
                refused.append(local_result(op.op_id, codes[0], _MESSAGES[codes[0]]))
            else:
                ready.append(op)
        if refused:
            self.store.mark_results(refused)
            self.report.rejected += len(refused)
            self.report.warn(WARNING_OPS_UNSENDABLE)
        return ready

    def _hold_back_entities(self, ops: Sequence[protocol.Op]) -> list[protocol.Op]:
        """A server that does not take an entity: its ops stay pending (unsent, unsettled), and
        so do those referring to a record held back; the others go."""
        if self.entities is None:
            return list(ops)
        ready = [op for op in ops if not self._holds(op, op.entity not in self.entities)]
        if len(ready) < len(ops):
            self.report.held_back += len(ops) - len(ready)
            self.report.warn(WARNING_ENTITY_UNSUPPORTED)
        return ready

    def _holds(self, op: protocol.Op, unsendable: bool) -> bool:
        """Whether `op` is held back: it is `unsendable`, or its record or one it refers to is
        held already (then its record is held too)."""
        if not unsendable and not self.held:  # nothing held yet: nothing to refer to
            return False
        refers = {str(op.entity_id)} | {v for v in op.fields.values() if isinstance(v, str)}
        if unsendable or refers & self.held:
            self.held.add(str(op.entity_id))
            return True
        return False

    def _hold_back(self, ops: Sequence[protocol.Op]) -> list[protocol.Op]:
        """A server without attachments: the ops that reference one stay pending (unsent,
        unsettled), and so do those of a record held back or referring to one (a visit of a
        new business whose photo waits: the server would not know the business); the others
        go."""
        ready = [op for op in ops if not self._holds(op, bool(referenced(op.fields)))]
        if len(ready) < len(ops):
            self.report.held_back += len(ops) - len(ready)
            self.report.warn(WARNING_ATTACHMENTS_UNSUPPORTED)
        return ready

    def _upload(self, sha: str) -> None:
        if self.client.head_attachment(sha):
            self.store.mark_attachments_uploaded([sha])
            return
        held = self.store.attachment_bytes(sha)
        if held is None:
            log.warning("attachment %s is neither on this laptop nor on the server", sha[:12])
            self.failed[sha] = ATTACHMENT_UNAVAILABLE
            return
        media_type, data = held
        if self.max_bytes is not None and len(data) > self.max_bytes:
            self.failed[sha] = ATTACHMENT_TOO_LARGE
            return
        try:
            self.client.put_attachment(sha, media_type, data)
        except SyncError as error:
            if error.status == 413:
                self.failed[sha] = ATTACHMENT_TOO_LARGE
            elif error.status in _REFUSED_BYTES:
                log.warning("the server refused attachment %s: %s", sha[:12], error.code)
                self.failed[sha] = ATTACHMENT_INVALID
            else:
                raise
            return
        self.store.mark_attachments_uploaded([sha])
        self.report.attachments += 1
        self.report.attachment_bytes += len(data)
