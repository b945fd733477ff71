"""Offline bundles from the engine: every pending op in push bodies within the server's batch
limits, each sealed (`bundle_sealer`, built on `sync.bundle.seal`) into a file of its own."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync import client as sync_client
from sync import protocol
from sync.batches import push_request, seq_of, split_by_size, valid_ops
from sync.contract import BODY_MARGIN, CycleReport, LocalStore, utc_now

log = logging.getLogger("sync")

#: Batch limits for offline bundles when the engine has not yet seen the server's config.
BUNDLE_DEFAULT_MAX_OPS = 500
BUNDLE_DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024


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
    bodies: list[dict[str, Any]] = []
    limit_bytes = max(1024, int(bytes_cap * BODY_MARGIN))
    step = max(1, ops_cap)
    for sized in split_by_size(store, ops, limit_bytes, report):
        for start in range(0, len(sized), step):
            request = push_request(store, sized[start : start + step])
            bodies.append(request.model_dump(mode="json"))
    return bodies


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
