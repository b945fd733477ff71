"""Offline bundles (USB): the unsettled ops exported to a signed, sealed file, and branch
staff uploading a bundle from a connected machine.

Exported ops stay unsettled: the bundle and a later online push go through the server's
ledger, so whichever arrives second changes nothing; a re-export holds every unsettled op
(`LocalStore.pending_ops(for_bundle=True)`).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from agent_app import __version__
from agent_app.services.actor import Actor
from agent_app.services.sync import credentials
from agent_app.services.sync.connection import UowFactory, client_for, device_name
from agent_app.services.sync.failures import SyncFailed, failed
from agent_app.storage import store as local_store
from sync import client as sync_client
from sync import engine as sync_engine
from sync import protocol
from sync.engine import BundleExport

__all__ = ["BundleExport", "export_bundle", "upload_bundle"]


class _BundleStore:
    """The app's store as the engine's bundle export sees it (`for_bundle=True`)."""

    def __init__(self, store: local_store.LocalStore) -> None:
        self.store = store
        self.device_id = store.device_id

    def pending_count(self) -> int:
        return self.store.pending_count()

    def pending_ops(self, limit: int, after_seq: int | None = None) -> list[dict[str, Any]]:
        return self.store.pending_ops(limit, after_seq, for_bundle=True)

    def mark_results(self, results: Sequence[Any]) -> None:
        self.store.mark_results(results)

    def attachments_to_upload(self, shas: Sequence[str]) -> list[str]:
        return self.store.attachments_to_upload(shas)

    def attachment_bytes(self, sha256: str) -> tuple[str, bytes] | None:
        return self.store.attachment_bytes(sha256)

    def mark_attachments_uploaded(self, shas: Sequence[str]) -> None:  # pragma: no cover
        raise NotImplementedError  # a bundle proves nothing until the server answers

    def mark_attachments_not_uploaded(self, shas: Sequence[str]) -> None:  # pragma: no cover
        raise NotImplementedError

    def apply_pulled(self, changes: Sequence[Any], cursor: str) -> None:  # pragma: no cover
        raise NotImplementedError

    def get_cursor(self) -> str | None:  # pragma: no cover
        return self.store.get_cursor()

    def reset_cursor(self) -> None:  # pragma: no cover
        raise NotImplementedError

    def record_clock_offset(self, seconds: float) -> None:  # pragma: no cover
        raise NotImplementedError

    def record_success(self, server_time: str | None = None) -> None:  # pragma: no cover
        raise NotImplementedError


def export_bundle(uow_factory: UowFactory, actor: Actor, path: str | Path) -> BundleExport:
    """Writes every unsettled op to an offline bundle (several files past the server's batch
    limits: ``<stem>-1of3<suffix>``...). The ops stay unsettled until a server answer.

    Raises:
        SyncFailed: `not_connected` when this laptop has never logged in to the server (the
            server's bundle key and the device key's registration come from that login).
    """
    with uow_factory() as uow:
        server = credentials.server_info(uow)
        key = credentials.signing_key(uow, actor, make=False)
    if not server or not server.get("public_key") or key is None:
        # The agent's own signing key is made and registered at the agent's server login.
        raise SyncFailed("not_connected", "no_server_key")
    store = local_store.LocalStore(uow_factory().engine)
    client = sync_client.SyncClient(
        server["url"], store.device_id, device_name(), app_version=__version__
    )
    engine = sync_engine.SyncEngine(client, _BundleStore(store))
    seal = sync_engine.bundle_sealer(
        agent_code=actor.agent_code,
        server_public_key=base64.b64decode(server["public_key"]),
        device_private_key=key,
    )
    result = engine.export_bundle(
        path,
        seal,
        max_ops=server.get("max_ops_per_batch"),
        max_body_bytes=server.get("max_body_bytes"),
    )
    client.session.close()
    with uow_factory() as uow:
        uow.audit.add(actor.agent_code, "sync.bundle_export", None, None, {"ops": result.ops})
        uow.commit()
    return result


def upload_bundle(
    uow_factory: UowFactory,
    actor: Actor,
    server_url: str,
    path: str | Path,
    *,
    client_options: Mapping[str, Any] | None = None,
) -> list[protocol.OpResult]:
    """Uploads a bundle file (any laptop's, when the actor may) and answers its op results.

    The results are the bundle's laptop's business: this laptop records nothing of them.

    Raises:
        SyncFailed: not connected, or the server refused the file.
    """
    client = client_for(uow_factory, actor, server_url, options=client_options)
    if not client.logged_in:
        raise SyncFailed("not_connected", "not_logged_in")
    try:
        answer = client.upload_bundle(Path(path).read_bytes())
    except sync_client.SyncError as error:
        raise failed(error) from None
    finally:
        client.session.close()
    return list(answer.results)
