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
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
import sqlalchemy.orm
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from agent_app import __version__
from agent_app.domain import keys, validation
from agent_app.domain.messages import Text
from agent_app.errors import KnownError
from agent_app.services import rates, retention, zones
from agent_app.services.actor import Actor
from agent_app.storage import store as local_store
from agent_app.storage import tables, wire
from agent_app.storage.repositories import now
from agent_app.storage.uow import SqlUnitOfWork
from sync import bundle as sync_bundle
from sync import client as sync_client
from sync import engine as sync_engine
from sync import protocol

__all__ = [
    "BundleExport",
    "ConnectResult",
    "ParticipantCheck",
    "SyncFailed",
    "SyncProblem",
    "SyncReport",
    "SyncStatus",
    "check_participant",
    "connect",
    "disconnect",
    "export_bundle",
    "resolve_conflict",
    "run_cycle",
    "status",
    "upload_bundle",
]

log = logging.getLogger("sync")

UowFactory = Callable[[], SqlUnitOfWork]
Progress = Callable[[str, int, "int | None"], None]

#: Time-outs of the participant check: the enrollment form waits for it.
CHECK_TIMEOUT = (3.0, 5.0)
_SERVER = "server"
_LAST_CYCLE = "last_cycle"
_RESOLVED = "resolved"
_TABLES: Mapping[str, Any] = {
    keys.Entity.BUSINESS: tables.Business,
    keys.Entity.VISIT: tables.Visit,
    keys.Entity.ENROLLMENT: tables.Enrollment,
}


# --- what crosses to the UI -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncProblem:
    """An op the server refused (`rejected`) or found in `conflict`, still to be dealt with.

    `problem` says what is wrong and `advice` what to do, in both languages; `server_message`
    is the server's own (English) text, kept as a detail for support. `current` is the
    server's record for a conflict the agent may resolve (`resolvable`); for
    `nik_already_enrolled` it holds only `branch` and `enrolled_on`.
    """

    op_id: str
    entity: str
    entity_id: str
    kind: str
    status: str
    code: str
    field: str | None
    server_message: str
    problem: Text
    advice: Text
    current: dict[str, Any] | None = None
    server_version: int | None = None
    resolvable: bool = False
    #: The fields the op carried (the agent's values), to show beside `current`.
    mine: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SyncStatus:
    pending_ops: int
    online: bool
    last_success: dt.datetime | None
    clock_offset: float | None
    problems: list[SyncProblem]
    server_url: str | None = None
    connected_agents: list[str] = field(default_factory=list)
    last_error: str | None = None
    #: The newest app the server announced (`latest_app_version`) when it is newer than this
    #: one: the quiet update notice. None when this app is current or nothing was announced.
    update_available: str | None = None

    @property
    def app_too_old(self) -> bool:
        """The last sync was refused because this app is below the server's minimum."""
        return self.last_error == protocol.APP_TOO_OLD


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one cycle did (counts of ops pushed and changes pulled)."""

    pushed: int
    applied: int
    duplicate: int
    rejected: int
    conflict: int
    unanswered: int
    pulled: int
    duration: float
    cancelled: bool
    clock_offset: float | None
    warnings: list[str]
    pending_ops: int
    problems: list[SyncProblem]


@dataclass(frozen=True, slots=True)
class ConnectResult:
    agent_code: str
    name: str
    branch: str
    role: str
    server_url: str


@dataclass(frozen=True, slots=True)
class ParticipantCheck:
    """`state`: `enrolled`, `not_enrolled` or `unknown` (the server could not be asked)."""

    state: Literal["enrolled", "not_enrolled", "unknown"]
    branch: str | None = None
    enrolled_on: dt.date | None = None
    reason: str | None = None

    @property
    def enrolled(self) -> bool | None:
        return None if self.state == "unknown" else self.state == "enrolled"


@dataclass(frozen=True, slots=True)
class BundleExport:
    paths: list[Path]
    ops: int


_KIND_TEXT: Mapping[str, Text] = {
    "auth": Text(
        "Sesi server berakhir atau kata sandi ditolak. Masuk ke server lagi.",
        "The server session ended or the password was refused. Log in to the server again.",
    ),
    "network": Text(
        "Server tidak dapat dihubungi. Data tetap tersimpan di laptop; coba lagi nanti.",
        "The server cannot be reached. Your data stays on this laptop; try again later.",
    ),
    "server": Text(
        "Server sedang bermasalah atau sibuk. Coba lagi beberapa saat lagi.",
        "The server has a problem or is busy. Try again in a while.",
    ),
    "protocol": Text(
        "Laptop dan server tidak saling memahami (versi berbeda?). Hubungi dukungan.",
        "The laptop and the server do not understand each other (another version?). "
        "Contact support.",
    ),
    "too_large": Text(
        "Data yang dikirim terlalu besar untuk server. Hubungi dukungan.",
        "What was sent is too large for the server. Contact support.",
    ),
    "cursor_expired": Text(
        "Server meminta sinkron ulang dari awal. Coba lagi.",
        "The server asks to sync again from the start. Try again.",
    ),
    "conflict": Text("Terjadi konflik dengan server.", "A conflict with the server."),
    "not_connected": Text(
        "Laptop ini belum masuk ke server untuk akun ini. Masuk ke server dengan kata sandi "
        "Anda dulu.",
        "This laptop has not logged in to the server for this account. Log in to the server "
        "with your password first.",
    ),
}


#: Refusals that logging in again does not cure (the server's error code).
_CODE_TEXT: Mapping[str, Text] = {
    protocol.APP_TOO_OLD: Text(
        "Versi Perisai Agent di laptop ini terlalu lama untuk server: sinkronisasi ditolak. "
        "Perbarui aplikasi (minta ke kantor cabang), lalu sinkronkan lagi. Data tetap "
        "tersimpan di laptop.",
        "This version of Perisai Agent is too old for the server: sync is refused. Update "
        "the app (ask your branch office), then sync again. Your data stays on this laptop.",
    ),
    "device_other_branch": Text(
        "Laptop ini terdaftar di server untuk cabang lain. Hubungi administrator server.",
        "This laptop is registered with the server for another branch. Contact the server "
        "administrator.",
    ),
    "device_revoked": Text(
        "Laptop ini dicabut aksesnya di server. Hubungi administrator server untuk "
        "mengaktifkannya lagi.",
        "This laptop was cut off by the server. Contact the server administrator to reset it.",
    ),
    "device_key_mismatch": Text(
        "Server sudah menyimpan kunci tanda tangan lain untuk akun Anda di laptop ini. "
        "Hubungi administrator server untuk mengatur ulang (reset-device).",
        "The server holds another signing key for your account on this laptop. Contact the "
        "server administrator to reset it (reset-device).",
    ),
}


class SyncFailed(KnownError):
    """A sync call that could not be done; `kind` is what to do (see `sync.client.SyncError`).

    `report` is the partial `SyncReport` of a cycle when there is one.
    """

    def __init__(self, kind: str, code: str, report: SyncReport | None = None) -> None:
        text = _CODE_TEXT.get(code) or _KIND_TEXT.get(kind, _KIND_TEXT["server"])
        super().__init__(text, code=f"sync_{kind}")
        self.kind = kind
        self.error_code = code
        self.report = report


def _failed(error: sync_client.SyncError) -> SyncFailed:
    return SyncFailed(error.kind, error.code)


# --- secrets in the encrypted database ------------------------------------------------------


def _get_secret(uow: SqlUnitOfWork, name: str) -> dict[str, Any] | None:
    row = uow.session.get(tables.SyncSecret, name)
    return None if row is None else dict(row.value)


def _put_secret(uow: SqlUnitOfWork, name: str, value: Mapping[str, Any] | None) -> None:
    row = uow.session.get(tables.SyncSecret, name)
    if value is None:
        if row is not None:
            uow.session.delete(row)
    elif row is None:
        uow.session.add(tables.SyncSecret(name=name, value=dict(value), updated_at=now()))
    else:
        row.value = dict(value)
        row.updated_at = now()
    uow.session.flush()


def _tokens_name(agent_code: str) -> str:
    return f"tokens:{agent_code}"


def _signing_name(agent_code: str) -> str:
    return f"signing_key:{agent_code}"


def _account_key(actor: Actor) -> bytes:
    if len(actor.account_key) != 32:
        raise SyncFailed("not_connected", "no_account_key")
    return actor.account_key


def _put_sealed(uow: SqlUnitOfWork, actor: Actor, name: str, value: Mapping[str, Any]) -> None:
    """Stores an account's own secret sealed with its account key (the name is bound as
    associated data, so a sealed value cannot be moved to another name)."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_account_key(actor)).encrypt(
        nonce, json.dumps(dict(value)).encode("utf-8"), name.encode("utf-8")
    )
    _put_secret(uow, name, {"sealed": sync_bundle.b64(nonce + sealed)})


def _get_sealed(uow: SqlUnitOfWork, actor: Actor, name: str) -> dict[str, Any] | None:
    """An account's own secret, or None when absent, of the first format (stored unsealed:
    not trusted) or not sealed with this account's key."""
    stored = _get_secret(uow, name)
    if stored is None or not isinstance(stored.get("sealed"), str):
        return None
    try:
        raw = sync_bundle.unb64(stored["sealed"])
        opened = AESGCM(_account_key(actor)).decrypt(raw[:12], raw[12:], name.encode("utf-8"))
        value = json.loads(opened)
    except (InvalidTag, ValueError):
        log.warning("a sealed secret of this account could not be opened")
        return None
    return value if isinstance(value, dict) else None


def _normal_url(url: str) -> str:
    return url.strip().rstrip("/")


def _signing_key(uow: SqlUnitOfWork, actor: Actor, *, make: bool) -> Ed25519PrivateKey | None:
    """The agent's own bundle-signing key on this laptop, made on first use when `make`
    (committed by the caller)."""
    name = _signing_name(actor.agent_code)
    stored = _get_sealed(uow, actor, name)
    if stored is not None:
        return Ed25519PrivateKey.from_private_bytes(sync_bundle.unb64(stored["private"]))
    if not make:
        return None
    key = Ed25519PrivateKey.generate()
    _put_sealed(uow, actor, name, {"private": sync_bundle.b64(sync_bundle.raw_private(key))})
    return key


def _load_tokens(
    uow_factory: UowFactory, actor: Actor, server_url: str
) -> sync_client.Tokens | None:
    with uow_factory() as uow:
        stored = _get_sealed(uow, actor, _tokens_name(actor.agent_code))
    if stored is None or stored.get("server_url") != _normal_url(server_url):
        return None
    return sync_client.Tokens(
        stored["access_token"], stored["refresh_token"], float(stored["expires_at"])
    )


def _token_saver(
    uow_factory: UowFactory, actor: Actor, server_url: str, client: sync_client.SyncClient
) -> Callable[[sync_client.Tokens], None]:
    def save(tokens: sync_client.Tokens) -> None:
        with uow_factory() as uow:
            _put_sealed(
                uow,
                actor,
                _tokens_name(actor.agent_code),
                {
                    "access_token": tokens.access_token,
                    "refresh_token": tokens.refresh_token,
                    "expires_at": tokens.expires_at,
                    "server_url": _normal_url(server_url),
                },
            )
            uow.commit()
        agent = client.agent
        if (
            agent is not None
            and actor.on_server_role is not None
            and agent.code.casefold() == actor.agent_code.casefold()
        ):
            actor.on_server_role(str(agent.role), agent.branch)

    return save


def _device_id(uow_factory: UowFactory) -> str:
    with uow_factory() as uow:
        device = uow.sync_state.get().device_id
        uow.commit()
    return device


def _client(
    uow_factory: UowFactory,
    actor: Actor,
    server_url: str,
    *,
    device_id: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> sync_client.SyncClient:
    """A client for the actor on this laptop, with the stored tokens (if any)."""
    client = sync_client.SyncClient(
        _normal_url(server_url),
        device_id or _device_id(uow_factory),
        _device_name(),
        **{"app_version": __version__, **dict(options or {})},
    )
    client.on_tokens = _token_saver(uow_factory, actor, server_url, client)
    tokens = _load_tokens(uow_factory, actor, server_url)
    if tokens is not None:
        client.set_tokens(tokens)
    return client


def _device_name() -> str:
    return (socket.gethostname() or "laptop")[:200]


# --- the last cycle, for `online` ----------------------------------------------------------

_last_outcome: dict[str, tuple[float, bool, str | None]] = {}
_outcome_lock = threading.Lock()


def _remember(device_id: str, ok: bool, code: str | None = None) -> None:
    with _outcome_lock:
        _last_outcome[device_id] = (time.time(), ok, code)


# --- use cases ------------------------------------------------------------------------------


def connect(
    uow_factory: UowFactory,
    actor: Actor,
    server_url: str,
    password: str,
    *,
    client_options: Mapping[str, Any] | None = None,
) -> ConnectResult:
    """Logs in to the server as `actor` with the agent's password, on this laptop.

    Registers the agent's own bundle-signing key with the server and keeps the tokens and
    that key sealed with the account's key, and the server's bundle key and address, in the
    encrypted database. The password is not kept.

    Raises:
        SyncFailed: kind `auth` (wrong password, locked account, another agent's account
            answered, a device bound elsewhere) or `network`/`server`.
    """
    url = _normal_url(server_url)
    with uow_factory() as uow:
        key = _signing_key(uow, actor, make=True)
        assert key is not None
        device_id = uow.sync_state.get().device_id
        uow.commit()
    client = _client(uow_factory, actor, url, device_id=device_id, options=client_options)
    public = sync_bundle.b64(sync_bundle.raw_public(key))
    try:
        answer = client.login(actor.agent_code, password, device_public_key=public)
    except sync_client.SyncError as error:
        _remember(device_id, False, error.code)
        raise _failed(error) from None
    with uow_factory() as uow:
        server = _get_secret(uow, _SERVER) or {}
        if server.get("url") != url:
            server = {"url": url}
        if answer.server_public_key:
            server["public_key"] = answer.server_public_key
        _put_secret(uow, _SERVER, server)
        uow.sync_state.update(server_url=url)
        uow.commit()
    zones.remember(uow_factory(), answer.agent.branch, answer.agent.time_zone)
    _remember(device_id, True)
    log.info("connected to the server as %s", actor.agent_code)
    return ConnectResult(
        answer.agent.code, answer.agent.name, answer.agent.branch, str(answer.agent.role), url
    )


def disconnect(uow_factory: UowFactory, actor: Actor) -> None:
    """Forgets the actor's server tokens on this laptop (the server lets them expire)."""
    with uow_factory() as uow:
        _put_secret(uow, _tokens_name(actor.agent_code), None)
        uow.commit()


def run_cycle(
    uow_factory: UowFactory,
    actor: Actor,
    server_url: str,
    *,
    password: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    client_options: Mapping[str, Any] | None = None,
    batch_size: int | None = None,
    pull_limit: int = 1000,
) -> SyncReport:
    """One sync cycle (push, then pull) for the actor; see `sync.engine.SyncEngine`.

    Args:
        password: logs in first when given (else the stored tokens are used).
        progress: `progress(phase, done, total)`, called on this thread.
        cancel: set it to stop between batches and pages.

    Raises:
        SyncFailed: not connected (`not_connected`), or the cycle could not finish; `report`
            holds what it did before.
    """
    if not server_url or not server_url.strip():
        raise SyncFailed("not_connected", "no_server")
    if password is not None:
        connect(uow_factory, actor, server_url, password, client_options=client_options)
    engine = uow_factory().engine
    store = local_store.LocalStore(engine, actor.agent_code)  # the account's own cursor
    device_id = store.device_id
    client = _client(uow_factory, actor, server_url, device_id=device_id, options=client_options)
    if not client.logged_in:
        raise SyncFailed("not_connected", "not_logged_in")
    sync = sync_engine.SyncEngine(
        client, store, cancel=cancel, batch_size=batch_size, pull_limit=pull_limit
    )
    try:
        cycle = sync.run_cycle(progress)
        if not cycle.cancelled:
            _push_audit_trail(client, engine, actor.agent_code, cancel, batch_size)
    except sync_client.SyncError as error:
        _remember(device_id, False, error.code)
        if error.kind == "auth":
            disconnect(uow_factory, actor)
        partial = error.report if isinstance(error.report, sync_engine.CycleReport) else None
        failure = _failed(error)
        if partial is not None:
            failure.report = _report(uow_factory, partial)
        raise failure from None
    finally:
        client.session.close()
    _remember(device_id, True)
    if client.agent is not None:  # a token refresh during the cycle: the branch's zone
        zones.remember(uow_factory(), client.agent.branch, client.agent.time_zone)
    try:
        if cycle.pulled:
            rates.install(uow_factory())  # a newly published contribution table
        retention.purge(uow_factory(), actor.agent_code)
    except sa.exc.SQLAlchemyError:  # the sync itself succeeded; the next one does these
        log.exception("after-sync housekeeping failed")
    if sync.last_config is not None:
        with uow_factory() as uow:
            server = _get_secret(uow, _SERVER) or {"url": _normal_url(server_url)}
            server["max_ops_per_batch"] = sync.last_config.max_ops_per_batch
            server["max_body_bytes"] = sync.last_config.max_body_bytes
            server["latest_app_version"] = sync.last_config.latest_app_version
            _put_secret(uow, _SERVER, server)
            uow.commit()
    return _report(uow_factory, cycle)


def _push_audit_trail(
    client: sync_client.SyncClient,
    engine: sa.Engine,
    agent_code: str,
    cancel: threading.Event | None,
    batch_size: int | None,
) -> None:
    """Sends the laptop's audit trail (`audit_event` ops, SYNC_PROTOCOL.md 1.1) after a
    cycle, as a stream of its own: the cycle's report stays about people's records. A failure
    here is logged, not raised; the events wait for the next sync."""
    store = local_store.LocalStore(engine, agent_code, audit_trail=True)
    if not store.pending_count():
        return
    pusher = sync_engine.SyncEngine(client, store, cancel=cancel, batch_size=batch_size)
    try:
        report = pusher.push_only()
    except sync_client.SyncError as error:
        log.info("audit trail not sent this time: %s", error.code)
        return
    log.info(
        "audit trail: %d events sent (%d taken, %d refused)",
        report.pushed,
        report.applied + report.duplicate,
        report.rejected + report.conflict,
    )


def _report(uow_factory: UowFactory, cycle: sync_engine.CycleReport) -> SyncReport:
    with uow_factory() as uow:
        pending = uow.outbox.count_unsettled()
        problems = _problems(uow)
    return SyncReport(
        pushed=cycle.pushed,
        applied=cycle.applied,
        duplicate=cycle.duplicate,
        rejected=cycle.rejected,
        conflict=cycle.conflict,
        unanswered=cycle.unanswered,
        pulled=cycle.pulled,
        duration=cycle.duration,
        cancelled=cycle.cancelled,
        clock_offset=cycle.clock_offset,
        warnings=list(cycle.warnings),
        pending_ops=pending,
        problems=problems,
    )


def status(uow: SqlUnitOfWork) -> SyncStatus:
    """The sync page's figures (one read transaction)."""
    with uow:
        info = uow.sync_state.get()
        pending = uow.outbox.count_unsettled()
        problems = _problems(uow)
        server = _get_secret(uow, _SERVER) or {}
        agents = [
            name.split(":", 1)[1]
            for name in uow.session.scalars(
                sa.select(tables.SyncSecret.name).where(tables.SyncSecret.name.like("tokens:%"))
            )
        ]
        uow.commit()
    last = info.last_success_at
    with _outcome_lock:
        outcome = _last_outcome.get(info.device_id)
    return SyncStatus(
        pending_ops=pending,
        online=bool(outcome and outcome[1]),
        last_success=dt.datetime.fromisoformat(last) if last else None,
        clock_offset=info.clock_offset_seconds,
        problems=problems,
        server_url=info.server_url,
        connected_agents=sorted(agents),
        last_error=outcome[2] if outcome and not outcome[1] else None,
        update_available=_newer_app(server.get("latest_app_version")),
    )


def _newer_app(latest: str | None) -> str | None:
    return latest if latest and protocol.is_older(__version__, latest) else None


def check_participant(
    uow_factory: UowFactory,
    actor: Actor,
    server_url: str | None,
    nik: str,
    *,
    client_options: Mapping[str, Any] | None = None,
) -> ParticipantCheck:
    """Whether the server knows the NIK as enrolled (any branch); never raises for offline.

    Returns `unknown` (with `reason`) when there is no server, no session, or no answer.
    """
    if not server_url:
        return ParticipantCheck("unknown", reason="no_server")
    options: dict[str, Any] = {"timeout": CHECK_TIMEOUT, "max_retries": 0}
    options.update(client_options or {})
    try:
        client = _client(uow_factory, actor, server_url, options=options)
    except Exception:  # a broken local state must not block the form
        log.exception("participant check: no client")
        return ParticipantCheck("unknown", reason="local_error")
    if not client.logged_in:
        return ParticipantCheck("unknown", reason="not_connected")
    digits = "".join(ch for ch in nik if ch.isdigit())
    try:
        answer = client.check_participant(digits)
    except sync_client.SyncError as error:
        log.info("participant check: %s/%s", error.kind, error.code)
        return ParticipantCheck("unknown", reason=error.code)
    finally:
        client.session.close()
    if not answer.enrolled:
        return ParticipantCheck("not_enrolled")
    return ParticipantCheck("enrolled", answer.branch, answer.enrolled_on)


# --- problems and their resolution ----------------------------------------------------------

#: What is wrong, by the server's error code, in the person's language. The server's own
#: message is English and stays available as a detail (`SyncProblem.server_message`).
_PROBLEM: Mapping[str, Text] = {
    "invalid_field": Text(
        "Server menolak isian {field}.",
        "The server refused the field {field}.",
    ),
    "forbidden": Text(
        "Akun Anda tidak berhak membuat perubahan ini.",
        "Your account may not make this change.",
    ),
    "unknown_reference": Text(
        "Data yang dirujuk ({field}) tidak ada di server.",
        "A record it refers to ({field}) is not on the server.",
    ),
    "deleted": Text("Data ini sudah dihapus di server.", "This record was deleted on the server."),
    "key_reuse": Text(
        "Perubahan dikirim ulang dengan isi berbeda.",
        "A change was sent again with other contents.",
    ),
    "nik_already_enrolled": Text(
        "NIK ini sudah terdaftar sebagai peserta (cabang {branch}, sejak {enrolled_on}).",
        "This NIK is already enrolled (branch {branch}, since {enrolled_on}).",
    ),
    "field_changed": Text(
        "{field} diubah orang lain di server sejak Anda terakhir sinkron.",
        "Someone else changed {field} on the server since you last synced.",
    ),
    "enrollment_accepted": Text(
        "Pendaftaran ini sudah diterima di server.",
        "This enrollment was already accepted on the server.",
    ),
    "invalid_op": Text(
        "Perubahan ini rusak dan tidak dapat dikirim.",
        "This change is damaged and cannot be sent.",
    ),
    "too_large": Text(
        "Perubahan ini terlalu besar untuk server.",
        "This change is too large for the server.",
    ),
}
_DEFAULT_PROBLEM = Text(
    "Server tidak menerima perubahan ini (kode {code}).",
    "The server did not take this change (code {code}).",
)
#: Rules only the server can judge, by the field it names (`invalid_field`).
_SERVER_FIELD_PROBLEM: Mapping[str, Text] = {
    "monthly_contribution": Text(
        "Iuran per bulan tidak sama dengan tarif yang berlaku di server (tarif mungkin sudah "
        "berubah).",
        "The monthly contribution differs from the server's current rates (they may have changed).",
    ),
    "base_version": Text(
        "Versi data tidak cocok dengan server.",
        "The record's version does not match the server's.",
    ),
    "entity_id": Text(
        "Nomor data ini dipakai data lain di server.",
        "This record's id belongs to another record on the server.",
    ),
}

_UNKNOWN_RECORD = Text(
    "Data ini belum ada di server (pembuatannya ditolak atau belum terkirim).",
    "The server does not have this record (its creation was refused or not sent).",
)
#: `invalid_field` naming no field: the record as a whole.
_WHOLE_RECORD_REFUSED = Text("Server menolak data ini.", "The server refused this record.")
_WHOLE_RECORD_ADVICE = Text(
    "Buka datanya, periksa semua isian, lalu simpan atau ajukan lagi.",
    "Open the record, check every field, then save or submit it again.",
)

_SUPPORT = Text(
    "Kirim berkas log ke dukungan.",
    "Send the log file to support.",
)
#: What to do about it.
_ADVICE: Mapping[str, Text] = {
    "invalid_field": Text(
        "Buka datanya, perbaiki {field}, lalu simpan atau ajukan lagi.",
        "Open the record, correct {field}, then save or submit it again.",
    ),
    "forbidden": Text(
        "Minta supervisor cabang untuk membuat perubahan ini.",
        "Ask the branch supervisor to make this change.",
    ),
    "unknown_reference": Text(
        "Periksa pilihan usaha/acara, lalu simpan lagi.",
        "Check the business/event chosen, then save again.",
    ),
    "deleted": Text(
        "Perubahan Anda tidak dapat diterapkan. Jika data ini masih diperlukan, hubungi "
        "supervisor cabang.",
        "Your change cannot be applied. If the record is still needed, ask the branch supervisor.",
    ),
    "key_reuse": _SUPPORT,
    "nik_already_enrolled": Text(
        "Jangan daftarkan dua kali; periksa NIK dengan calon peserta. Jika NIK salah ketik, "
        "perbaiki lalu ajukan lagi.",
        "Do not enroll the person twice; check the NIK with them. If it was mistyped, "
        "correct it and submit again.",
    ),
    "field_changed": Text(
        "Bandingkan, lalu pilih: pakai data Anda, atau pakai data server.",
        "Compare, then choose: keep yours, or take the server's.",
    ),
    "enrollment_accepted": Text(
        "Perubahan tidak dapat dikirim lagi. Pakai data server.",
        "Changes can no longer be sent. Take the server's data.",
    ),
    "invalid_op": _SUPPORT,
    "too_large": _SUPPORT,
}
_SERVER_FIELD_ADVICE: Mapping[str, Text] = {
    "monthly_contribution": Text(
        "Buka pendaftaran ini dan ajukan lagi: iuran dihitung ulang dengan tarif yang berlaku.",
        "Open this enrollment and submit it again: the contribution is worked out anew with "
        "the current rates.",
    ),
    "base_version": _SUPPORT,
    "entity_id": _SUPPORT,
}
_DEFAULT_ADVICE = Text(
    "Hubungi supervisor cabang atau dukungan; pesan asli server ada di keterangan.",
    "Ask the branch supervisor or support; the server's own message is in the details.",
)
#: Conflicts the person settles by choosing a side (`resolve_conflict`).
_RESOLVABLE = frozenset({"field_changed", "enrollment_accepted"})


def _explain(
    code: str,
    field_name: str | None,
    current: Any,
    entity: str = "",
    fields: Mapping[str, Any] | None = None,
) -> tuple[Text, Text]:
    """What is wrong with a refused or conflicting op, and what to do, in both languages.

    The server's message is English; where the laptop can judge the same field itself (the
    domain rules are shared), the person reads the domain's own message in their language,
    and the rules only the server knows have their own texts here.
    """
    problem = _PROBLEM.get(code, _DEFAULT_PROBLEM)
    advice = _ADVICE.get(code, _DEFAULT_ADVICE)
    local = None
    if code == "invalid_field":
        local = _local_problem(entity, field_name, fields or {})
        if local is None and field_name is not None and field_name in _SERVER_FIELD_PROBLEM:
            problem = _SERVER_FIELD_PROBLEM[field_name]
            advice = _SERVER_FIELD_ADVICE[field_name]
        elif not field_name:
            problem = _WHOLE_RECORD_REFUSED
            advice = _WHOLE_RECORD_ADVICE
    elif code == "unknown_reference" and field_name not in ("business_id", "event_id"):
        problem = _UNKNOWN_RECORD  # the record itself (or its refused create), not a reference
    texts: dict[str, tuple[str, str]] = {}
    for lang in ("id", "en"):
        label = keys.label("fields", field_name, lang) if field_name else "-"
        values = {"field": label, "code": code, "branch": "-", "enrolled_on": "-"}
        if isinstance(current, Mapping):
            values["branch"] = str(current.get("branch") or "-")
            values["enrolled_on"] = str(current.get("enrolled_on") or "-")
        said = (
            f"{label}: {local.message(lang)}"
            if local
            else problem.in_language(lang).format(**values)
        )
        texts[lang] = (said, advice.in_language(lang).format(**values))
    return Text(texts["id"][0], texts["en"][0]), Text(texts["id"][1], texts["en"][1])


def _local_problem(
    entity: str, field_name: str | None, fields: Mapping[str, Any]
) -> validation.Problem | None:
    validate = validation.VALIDATORS.get(entity)
    if validate is None or not field_name or field_name not in fields:
        return None
    for problem in validate({field_name: fields[field_name]}, partial=True):
        if problem.field == field_name:
            return problem
    return None


def _problems(uow: SqlUnitOfWork) -> list[SyncProblem]:
    """Refused and conflicting ops not yet resolved nor followed by a newer op of the record."""
    t = tables.OutboxOp
    newer = sa.orm.aliased(t)
    stmt = (
        sa.select(t)
        .where(
            t.status.in_(("rejected", "conflict")),
            t.entity != protocol.AUDIT_EVENT,  # nothing a person can correct: logged only
            ~sa.exists().where(newer.entity_id == t.entity_id, newer.op_seq > t.op_seq),
        )
        .order_by(t.op_seq)
    )
    found: list[SyncProblem] = []
    for row in uow.session.scalars(stmt):
        result = dict(row.result or {})
        error = dict(result.get("error") or {})
        code = str(row.error_code or error.get("code") or "unknown")
        current = result.get("current")
        explained = _explain(code, error.get("field"), current, row.entity, row.fields)
        found.append(
            SyncProblem(
                op_id=row.op_id,
                entity=row.entity,
                entity_id=row.entity_id,
                kind=row.kind,
                status=row.status,
                code=code,
                field=error.get("field"),
                server_message=str(row.error_message or error.get("message") or ""),
                problem=explained[0],
                advice=explained[1],
                current=dict(current) if isinstance(current, Mapping) else None,
                server_version=result.get("entity_version"),
                resolvable=row.status == "conflict" and code in _RESOLVABLE,
                mine=dict(row.fields),
            )
        )
    return found


class CannotResolve(KnownError):
    def __init__(self, reason: Text) -> None:
        super().__init__(reason, code="cannot_resolve")


def resolve_conflict(
    uow_factory: UowFactory, actor: Actor, op_id: str, choice: Literal["mine", "server"]
) -> SyncProblem | None:
    """Settles a conflict the server answered for op `op_id`.

    `mine`: a new update op carries the op's fields with the local values, on the server's
    current version (`field_changed` only: an accepted enrollment cannot change). `server`:
    the server's record (`current`) replaces the local one. Returns the problem as it was.

    Raises:
        CannotResolve: no such conflict, or not one a choice settles.
    """
    if choice not in ("mine", "server"):
        raise ValueError(f"choice must be 'mine' or 'server', not {choice!r}")
    with uow_factory() as uow:
        problems = {p.op_id: p for p in _problems(uow)}
        problem = problems.get(op_id)
        row = uow.outbox.get_row(op_id)
        if problem is None or row is None or not problem.resolvable or problem.current is None:
            raise CannotResolve(
                Text(
                    "Konflik ini tidak dapat diselesaikan dengan memilih salah satu data.",
                    "This conflict cannot be settled by choosing one side.",
                )
            )
        if choice == "mine" and problem.code == "enrollment_accepted":
            raise CannotResolve(_ADVICE["enrollment_accepted"])
        table = _TABLES.get(row.entity)
        if table is None:
            raise CannotResolve(Text("Jenis data tidak dikenal.", "Unknown kind of record."))
        record = uow.session.scalars(
            sa.select(table).where(table.id == row.entity_id)
        ).one_or_none()
        if record is None:
            raise CannotResolve(Text("Data tidak ditemukan.", "Record not found."))
        version = problem.server_version
        if choice == "mine":
            # The op holds the values the agent chose; the record may since show the server's
            # (a pull after the conflict), so they are written back too.
            fields = dict(row.fields)
            if row.entity == keys.Entity.ENROLLMENT:
                for name in wire.ENROLLMENT_PROTECTED:
                    fields.pop(name, None)
            for name, value in wire.from_wire(row.entity, row.entity_id, fields).items():
                if name != "id":
                    setattr(record, name, value)
            record.version = version
            record.sync_state = "pending"
            record.sync_error_code = record.sync_error_message = None
            uow.outbox.add(row.entity, row.entity_id, keys.OpKind.UPDATE, version, fields)
        else:
            values = wire.from_wire(row.entity, row.entity_id, problem.current)
            for name, value in values.items():
                if name != "id":
                    setattr(record, name, value)
            record.version = version
            if row.entity == keys.Entity.ENROLLMENT:
                record.confirmed_fields = {
                    k: v for k, v in problem.current.items() if k in wire.ENROLLMENT_FIELDS
                }
            if not uow.outbox.has_unsettled(row.entity_id):
                record.sync_state = "synced"
                record.sync_error_code = record.sync_error_message = None
            if row.entity == keys.Entity.VISIT:
                uow.businesses.refresh_visit_summary(record.business_id)
        row.status = _RESOLVED
        uow.audit.add(
            actor.agent_code,
            f"sync.resolve_{choice}",
            row.entity,
            row.entity_id,
            {"op_id": op_id, "code": problem.code},
        )
        uow.commit()
    log.info("conflict of op %s settled: %s", op_id, choice)
    return problem


# --- offline bundles ------------------------------------------------------------------------


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
        server = _get_secret(uow, _SERVER)
        key = _signing_key(uow, actor, make=False)
    if not server or not server.get("public_key") or key is None:
        # The agent's own signing key is made and registered at the agent's server login.
        raise SyncFailed("not_connected", "no_server_key")
    store = local_store.LocalStore(uow_factory().engine)
    client = sync_client.SyncClient(
        server["url"], store.device_id, _device_name(), app_version=__version__
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
    return BundleExport(list(result.paths), result.ops)


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
    client = _client(uow_factory, actor, server_url, options=client_options)
    if not client.logged_in:
        raise SyncFailed("not_connected", "not_logged_in")
    try:
        answer = client.upload_bundle(Path(path).read_bytes())
    except sync_client.SyncError as error:
        raise _failed(error) from None
    finally:
        client.session.close()
    return list(answer.results)
