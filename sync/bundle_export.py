"""Offline bundles from the engine: every pending op in push bodies within the server's batch
limits, each sealed (`bundle_sealer`, built on `sync.bundle.seal`) into a file of its own.

A body carries the attachments its ops reference that the server is not known to hold, as
``"attachments": [{"sha256", "media_type", "data" (base64)}]`` (SYNC_PROTOCOL.md 1.1); they
have a size cap of their own (`BUNDLE_DEFAULT_MAX_ATTACHMENT_BYTES`), as the server counts
them apart from the ops (`max_body_bytes`); past either, the ops go on in another file."""

from __future__ import annotations

import base64
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync import client as sync_client
from sync import protocol
from sync.batches import ENVELOPE_BYTES, op_size, push_request, seq_of, split_by_size, valid_ops
from sync.contract import BODY_MARGIN, CycleReport, LocalStore, utc_now
from sync.uploads import referenced, referenced_by

log = logging.getLogger("sync")

#: Bytes an attachment's item takes in a body besides its data (keys, hash, media type): the
#: server counts them with the ops.
_ITEM_BYTES = 140

#: Batch limits for offline bundles when the engine has not yet seen the server's config.
BUNDLE_DEFAULT_MAX_OPS = 500
BUNDLE_DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
#: The attachments (base64) one bundle file carries besides its ops: half the server's default
#: `max_bundle_attachment_bytes` (64 MiB), which the laptop is not told.
BUNDLE_DEFAULT_MAX_ATTACHMENT_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class BundleExport:
    """The files an export wrote (none when nothing was pending) and how many ops they hold."""

    paths: list[Path]
    ops: int


def bundle_bodies(
    store: LocalStore,
    config: protocol.SyncConfig | None,
    *,
    max_ops: int | None = None,
    max_body_bytes: int | None = None,
    max_attachment_bytes: int | None = None,
) -> list[dict[str, Any]]:
    """Push bodies holding every pending op, each within the server's batch limits.

    The limits are the arguments, else those of `config` (the last `/v1/sync/config` seen),
    else `BUNDLE_DEFAULT_MAX_OPS` and `BUNDLE_DEFAULT_MAX_BODY_BYTES`. An op that cannot be
    sent at all is settled locally as for a push.
    """
    ops_cap = max_ops or (config.max_ops_per_batch if config else BUNDLE_DEFAULT_MAX_OPS)
    bytes_cap = max_body_bytes or (
        config.max_body_bytes if config else BUNDLE_DEFAULT_MAX_BODY_BYTES
    )
    report = CycleReport()
    ops: list[protocol.Op] = []
    after_seq: int | None = None
    while True:
        raw = store.pending_ops(ops_cap, after_seq)
        known = [seq for seq in map(seq_of, raw) if seq is not None]
        if not raw or not known:
            break
        after_seq = max(known) if after_seq is None else max(after_seq, *known)
        ops.extend(valid_ops(store, raw, report))
    ops.sort(key=lambda op: op.op_seq)
    limit_bytes = max(1024, int(bytes_cap * BODY_MARGIN))
    sendable = [op for sized in split_by_size(store, ops, limit_bytes, report) for op in sized]
    blobs = _Blobs(store)
    bodies: list[dict[str, Any]] = []
    blob_cap = max_attachment_bytes or BUNDLE_DEFAULT_MAX_ATTACHMENT_BYTES
    for group in _groups(sendable, blobs, max(1, ops_cap), limit_bytes, blob_cap):
        body = push_request(store, group).model_dump(mode="json")
        body["attachments"] = blobs.wire(referenced_by(group))
        bodies.append(body)
    return bodies


class _Blobs:
    """The attachments a bundle carries: those the ops reference that the laptop holds and
    has not seen the server hold (one the laptop lacks is left to the server: it may hold
    it, else it answers `attachment_missing` and the op stays for an online sync)."""

    def __init__(self, store: LocalStore) -> None:
        self.store = store
        self.held: dict[str, tuple[str, bytes]] = {}
        self.asked: set[str] = set()

    def carried(self, shas: list[str]) -> list[str]:
        fresh = [sha for sha in shas if sha not in self.asked]
        if fresh:
            self.asked.update(fresh)
            for sha in self.store.attachments_to_upload(fresh):
                held = self.store.attachment_bytes(sha)
                if held is not None:
                    self.held[sha] = held
        return [sha for sha in shas if sha in self.held]

    def size(self, sha: str) -> int:
        """Bytes the attachment's data takes in a body (base64)."""
        return (len(self.held[sha][1]) + 2) // 3 * 4

    def wire(self, shas: list[str]) -> list[dict[str, str]]:
        return [
            {
                "sha256": sha,
                "media_type": self.held[sha][0],
                "data": base64.b64encode(self.held[sha][1]).decode("ascii"),
            }
            for sha in self.carried(shas)
        ]


def _groups(
    ops: list[protocol.Op], blobs: _Blobs, max_ops: int, max_bytes: int, max_blob_bytes: int
) -> list[list[protocol.Op]]:
    """Rising ops cut into bodies of at most `max_ops` ops whose JSON without the attachments
    stays under `max_bytes` and whose attachments (base64) stay under `max_blob_bytes` (the
    server caps them apart). An op whose attachments alone pass that goes alone in a body of
    its own (the server then refuses that one file with 413; the op goes online)."""
    groups: list[list[protocol.Op]] = []
    current: list[protocol.Op] = []
    inside: set[str] = set()
    size, blob_size = ENVELOPE_BYTES, 0
    for op in ops:
        shas = blobs.carried(referenced(op.fields))
        fresh = [sha for sha in shas if sha not in inside]
        if current and (
            len(current) >= max_ops
            or size + op_size(op) + _ITEM_BYTES * len(fresh) > max_bytes
            or blob_size + sum(map(blobs.size, fresh)) > max_blob_bytes
        ):
            groups.append(current)
            current, inside, size, blob_size = [], set(), ENVELOPE_BYTES, 0
            fresh = shas
        current.append(op)
        inside.update(fresh)
        size += op_size(op) + _ITEM_BYTES * len(fresh)
        blob_size += sum(map(blobs.size, fresh))
    if current:
        groups.append(current)
    return groups


def write_bundle(
    bodies: list[dict[str, Any]], path: str | Path, seal: Callable[[dict[str, Any]], bytes]
) -> BundleExport:
    """Writes sealed `bodies` to `path`, or to ``<stem>-1of3<suffix>``... when there are
    several. Each file is written to a temporary name and then renamed, so a pulled USB
    stick leaves no half file."""
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
