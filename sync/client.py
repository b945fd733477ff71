"""The laptop's HTTP transport to the central server (SYNC_PROTOCOL.md), over `requests`.

`SyncClient` speaks the wire contract of `sync.protocol`: it logs in and keeps the access and
refresh tokens (refreshing once on a 401, then repeating the call), puts a timeout on every
request, retries transient failures (connection errors, timeouts, 5xx, 429/503 honouring
`Retry-After`) with exponential backoff and full jitter, gzips request bodies above a small
size, and turns every failure into a `SyncError` whose `kind` tells the caller what to do
(auth: log in again; network: try later; server; protocol: a bug on one side; conflict;
cursor_expired: pull from the start; too_large: send less). Every operation of the protocol is
idempotent, so POSTs are retried too.

Nothing here logs a body, a token or personal data: the `sync` logger gets the method, the
path, the status, the duration and the request id. This module never imports `agent_app`.
"""

from __future__ import annotations

import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pydantic
import requests

from sync import protocol
from sync.errors import (
    AUTH_ERROR_CODES,
    ERROR_KINDS,
    ErrorKind,
    SyncCancelled,
    SyncError,
    kind_for_status,
    parse_retry_after,
)
from sync.tokens import Tokens
from sync.transport import GZIP_MIN_BYTES, RETRY_STATUSES, Body, Transport, encode_json

__all__ = [
    "AUTH_ERROR_CODES",
    "ERROR_KINDS",
    "GZIP_MIN_BYTES",
    "REFRESH_MARGIN_SECONDS",
    "RETRY_STATUSES",
    "ErrorKind",
    "SyncCancelled",
    "SyncClient",
    "SyncError",
    "Tokens",
    "encode_json",
    "kind_for_status",
    "parse_retry_after",
]

#: Refresh the access token this many seconds before it expires instead of waiting for a 401.
REFRESH_MARGIN_SECONDS = 30.0
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: The most NIKs one list check takes (the server's limit: an employer registration's most
#: workers).
MAX_CHECKED_NIKS = 500


class _ParticipantList(pydantic.BaseModel):
    """The answer of `POST /v1/participants/check-list` (1.1)."""

    results: list[protocol.ParticipantCheckResponse]


class SyncClient(Transport):
    """The central server, as the laptop sees it.

    Args:
        base_url: e.g. ``https://sync.example.id`` (no trailing `/v1`).
        device_id: this laptop's UUID (sent at login; the token names it afterwards).
        device_name: a human name for the laptop, shown to administrators.
        session: a `requests.Session` to use (a new one by default).
        timeout: (connect, read) seconds for every request.
        max_retries: further tries after the first for a transient failure.
        backoff_base: the first backoff ceiling in seconds; it doubles at each try.
        backoff_cap: the largest backoff ceiling in seconds.
        sleep: how to wait (tests pass a recorder). With the default `time.sleep` and a
            `cancel_event`, the wait is the event's `wait`, so a cancel cuts a backoff short.
        rng: a uniform [0, 1) source for the full jitter.
        max_retry_after: a `Retry-After` longer than this is not waited for: the call fails
            with `retry_after` set so the caller can come back later.
        gzip_min_bytes: bodies at least this long are gzip-compressed.
        on_tokens: called with the new `Tokens` after every login and refresh (to persist them).
        clock: Unix time now (tests move it to expire tokens).
        app_version: the app's version, sent in every request's `User-Agent`
            (`perisai-agent/<version> (<platform>)`); by default the installed
            distribution's.
    """

    def __init__(
        self,
        base_url: str,
        device_id: str | uuid.UUID,
        device_name: str,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (5, 30),
        max_retries: int = 5,
        backoff_base: float = 0.5,
        backoff_cap: float = 30,
        sleep: Callable[[float], Any] = time.sleep,
        rng: Callable[[], float] = random.random,
        max_retry_after: float = 120,
        gzip_min_bytes: int = GZIP_MIN_BYTES,
        on_tokens: Callable[[Tokens], None] | None = None,
        clock: Callable[[], float] = time.time,
        app_version: str | None = None,
    ) -> None:
        super().__init__(
            base_url,
            session=session,
            timeout=timeout,
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            sleep=sleep,
            rng=rng,
            max_retry_after=max_retry_after,
            gzip_min_bytes=gzip_min_bytes,
        )
        self.device_id = str(uuid.UUID(str(device_id)))
        self.device_name = device_name
        self.app_version = app_version or protocol.installed_app_version()
        self.session.headers["User-Agent"] = protocol.user_agent(self.app_version)
        self.on_tokens = on_tokens
        self._clock = clock
        self._tokens: Tokens | None = None
        self._auth_lock = threading.Lock()
        #: The optional pulled entities this build parses and applies, declared on every pull
        #: (`with`); the server leaves the others out.
        self.understands: tuple[str, ...] = protocol.OPTIONAL_PULLED
        #: The agent and the server's bundle key from the last login or refresh.
        self.agent: protocol.AgentInfo | None = None
        self.server_public_key: str | None = None

    # --- tokens ---------------------------------------------------------------------------

    @property
    def tokens(self) -> Tokens | None:
        return self._tokens

    def set_tokens(self, tokens: Tokens | None) -> None:
        """Restores tokens persisted earlier (or forgets them with None)."""
        with self._auth_lock:
            self._tokens = tokens

    @property
    def logged_in(self) -> bool:
        return self._tokens is not None

    def logout(self) -> None:
        """Forgets the tokens (the server lets them expire)."""
        self.set_tokens(None)
        self.agent = None

    def _store_login(self, answer: protocol.LoginResponse) -> None:
        self._tokens = Tokens(
            answer.access_token, answer.refresh_token, self._clock() + answer.expires_in
        )
        self.agent = answer.agent
        if answer.server_public_key is not None:
            self.server_public_key = answer.server_public_key
        if self.on_tokens is not None:
            self.on_tokens(self._tokens)

    def login(
        self, agent_code: str, password: str, *, device_public_key: str | None = None
    ) -> protocol.LoginResponse:
        """Logs in as an agent on this device and keeps the tokens.

        Raises:
            SyncError: kind `auth` for a wrong password or a locked account.
        """
        body = protocol.LoginRequest(
            agent_code=agent_code,
            password=password,
            device_id=uuid.UUID(self.device_id),
            device_name=self.device_name,
            device_public_key=device_public_key,
        ).model_dump(mode="json", exclude_none=True)
        response = self._send("POST", "/v1/auth/login", json_body=body, token=None)
        answer = self._parse(response, protocol.LoginResponse)
        with self._auth_lock:
            self._store_login(answer)
        return answer

    def change_password(self, agent_code: str, password: str, new_password: str) -> None:
        """Replaces the agent's password on the server (after a reset, `password` is the
        one-time code the server answers `password_change_required` to); log in after.

        Raises:
            SyncError: kind `auth` for a wrong password or a locked account; `protocol`
                (`invalid_field`) when the server refuses the new password.
        """
        body = protocol.ChangePasswordRequest(
            agent_code=agent_code, password=password, new_password=new_password
        ).model_dump(mode="json")
        self._send("POST", "/v1/auth/change-password", json_body=body, token=None)

    def refresh(self, *, used_access_token: str | None = None) -> None:
        """Trades the refresh token for new tokens.

        Args:
            used_access_token: the access token that was refused; if another thread already
                replaced it, nothing is done.

        Raises:
            SyncError: kind `auth`, code `session_expired` when the refresh token is refused
                (the person must log in again), or `not_logged_in`.
        """
        with self._auth_lock:
            tokens = self._tokens
            if tokens is None:
                raise SyncError("auth", "not_logged_in", "Not logged in.")
            if used_access_token is not None and tokens.access_token != used_access_token:
                return
            body = protocol.RefreshRequest(refresh_token=tokens.refresh_token).model_dump()
            try:
                response = self._send("POST", "/v1/auth/refresh", json_body=body, token=None)
            except SyncError as error:
                if error.kind == "auth":
                    self._tokens = None
                    raise SyncError(
                        "auth",
                        "session_expired",
                        f"The session can no longer be renewed ({error.code}); log in again.",
                        error.status,
                    ) from error
                raise
            self._store_login(self._parse(response, protocol.LoginResponse))

    def _access_token(self) -> str:
        tokens = self._tokens
        if tokens is None:
            raise SyncError("auth", "not_logged_in", "Not logged in.")
        if tokens.expires_at - self._clock() < REFRESH_MARGIN_SECONDS:
            self.refresh(used_access_token=tokens.access_token)
            tokens = self._tokens
            if tokens is None:  # pragma: no cover - refresh raises instead
                raise SyncError("auth", "not_logged_in", "Not logged in.")
        return tokens.access_token

    # --- calls ----------------------------------------------------------------------------

    def health(self) -> protocol.Health:
        return self._parse(self._send("GET", "/v1/health", token=None), protocol.Health)

    def config(self) -> protocol.SyncConfig:
        return self._parse(self._authed("GET", "/v1/sync/config"), protocol.SyncConfig)

    def encode_push(self, batch: protocol.PushRequest, *, raw: bytes | None = None) -> Body:
        """A push body ready for `push(batch, body=...)`: pydantic's own compact UTF-8 JSON
        (the bytes `encode_json` makes of its `model_dump(mode="json")`, in one pass);
        `raw`: those bytes, made already (`sync.batches.request_json`)."""
        data = raw if raw is not None else batch.model_dump_json().encode("utf-8")
        return self.encode_body(data, "application/json")

    def push(
        self, batch: protocol.PushRequest | Mapping[str, Any], *, body: Body | None = None
    ) -> protocol.PushResponse:
        """Sends a batch of ops (`body`: as `encode_push` made it); answers the per-op
        results (HTTP 200 whatever their fates)."""
        if body is None and isinstance(batch, protocol.PushRequest):
            body = self.encode_push(batch)
        json_body = None if body is not None else dict(batch)
        response = self._authed("POST", "/v1/sync/push", json_body=json_body, body=body)
        return self._parse(response, protocol.PushResponse)

    def pull(self, cursor: str | None = None, limit: int = 500) -> protocol.PullResponse:
        """One page of changes after `cursor` (None: from the start), declaring the optional
        entities this build understands (`understands`, sent as `with`).

        Raises:
            SyncError: kind `cursor_expired` (410) when the server can no longer serve the
                cursor: pull again from None, keeping the outbox.
        """
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        if self.understands:
            params["with"] = ",".join(self.understands)
        response = self._authed("GET", "/v1/sync/pull", params=params)
        return self._parse(response, protocol.PullResponse)

    def check_participant(self, nik: str) -> protocol.ParticipantCheckResponse:
        """Whether a NIK is already enrolled in any branch (only branch and date come back)."""
        body = protocol.ParticipantCheckRequest(nik=nik).model_dump()
        response = self._authed("POST", "/v1/participants/check", json_body=body)
        return self._parse(response, protocol.ParticipantCheckResponse)

    def check_participant_list(
        self, niks: Sequence[str]
    ) -> list[protocol.ParticipantCheckResponse]:
        """1.1: many NIKs in one check (an employer registration's workers; at most
        `MAX_CHECKED_NIKS`), one answer per NIK in their order. A server without the list
        check answers 404 (`SyncError` with `status` 404): ask one NIK at a time there."""
        response = self._authed(
            "POST", "/v1/participants/check-list", json_body={"niks": list(niks)}
        )
        answer = self._parse(response, _ParticipantList)
        if len(answer.results) != len(niks):
            raise SyncError(
                "protocol", "bad_answer", "The server answered another number of NIKs.", 200
            )
        return answer.results

    def head_attachment(self, sha256: str) -> bool:
        """Whether the server holds the attachment `sha256` (1.1: HEAD 200, or 404)."""
        try:
            self._authed("HEAD", _attachment_path(sha256))
        except SyncError as error:
            if error.status == 404:
                return False
            raise
        return True

    def put_attachment(self, sha256: str, media_type: str, data: bytes) -> bool:
        """Uploads an attachment's bytes; True when the server stored them now (201), False
        when it held them already (200).

        Raises:
            SyncError: status 413 (kind `too_large`: over `max_attachment_bytes`) or 400
                (kind `protocol`: the bytes do not hash to `sha256` or are not an image of
                `media_type`) are not retried: that one attachment cannot be sent.
        """
        response = self._authed(
            "PUT", _attachment_path(sha256), raw_body=data, content_type=media_type
        )
        return response.status_code == 201

    def upload_bundle(self, data: bytes) -> protocol.PushResponse:
        """Uploads a sealed offline bundle; its ops go through the same ledger as a push."""
        response = self._authed(
            "POST",
            "/v1/sync/bundle",
            raw_body=data,
            content_type="application/octet-stream",
        )
        return self._parse(response, protocol.PushResponse)

    # --- plumbing -------------------------------------------------------------------------

    def _authed(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        raw_body: bytes | None = None,
        content_type: str | None = None,
        params: Mapping[str, Any] | None = None,
        body: Body | None = None,
    ) -> requests.Response:
        """A call with the access token; on a 401, refreshes once and calls again."""

        def send(token: str) -> requests.Response:
            return self._send(
                method,
                path,
                json_body=json_body,
                raw_body=raw_body,
                content_type=content_type,
                params=params,
                token=token,
                body=body,
            )

        token = self._access_token()
        try:
            return send(token)
        except SyncError as error:
            if error.status != 401:
                raise
        self.refresh(used_access_token=token)
        return send(self._access_token())


def _attachment_path(sha256: str) -> str:
    if not _SHA256.fullmatch(sha256):
        raise ValueError("not a lowercase hex SHA-256")
    return f"/v1/attachments/{sha256}"
