"""What the sync engine works with: the `LocalStore` it drives, the `CycleReport` it answers,
the progress callback, and the limits and warning codes of a cycle (see `sync.engine`).

Like all of the laptop side of `sync`, this imports nothing of `agent_app`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, runtime_checkable

from sync import protocol

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
#: The server takes no attachments (a 1.0 server: its config has neither `protocol_minor` nor
#: `max_attachment_bytes`): the ops that reference one stay pending until it is updated.
WARNING_ATTACHMENTS_UNSUPPORTED = "attachments_unsupported"
#: The server does not take an entity this laptop pushes (an employer registration to a server
#: from before them, whose config lists no `entities`): those ops stay pending until it is
#: updated; a batch holding one would be refused whole.
WARNING_ENTITY_UNSUPPORTED = "entity_unsupported"
#: The entities every server takes: those of the servers before `SyncConfig.entities`.
BASE_ENTITIES = frozenset({"business", "visit", "enrollment", "audit_event", "assignment"})

Progress = Callable[[str, int, "int | None"], None]
"""`progress(phase, done, total)`: phase is `config`, `photos` (attachments uploaded so far
of those found to send so far in this cycle), `push` or `pull`; `total` is None when unknown
(pull: `done` counts changes applied so far). It is called on the thread running the
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

    def attachments_to_upload(self, shas: Sequence[str]) -> Sequence[str]: ...

    def attachment_bytes(self, sha256: str) -> tuple[str, bytes] | None: ...

    def mark_attachments_uploaded(self, shas: Sequence[str]) -> object: ...

    def mark_attachments_not_uploaded(self, shas: Sequence[str]) -> object: ...


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
    #: Attachments sent (PUT) and their bytes; ops answered `attachment_missing` (resent).
    attachments: int = 0
    attachment_bytes: int = 0
    attachments_missing: int = 0
    #: Ops left pending because they reference attachments the server cannot take (1.0).
    held_back: int = 0
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
