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

import datetime as dt
import email.utils
import gzip
import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import pydantic
import requests

from sync import protocol

log = logging.getLogger("sync")

ErrorKind = Literal[
    "auth", "network", "server", "protocol", "conflict", "cursor_expired", "too_large"
]
ERROR_KINDS: tuple[str, ...] = (
    "auth",
    "network",
    "server",
    "protocol",
    "conflict",
    "cursor_expired",
    "too_large",
)

#: Request bodies at least this long are sent gzip-compressed.
GZIP_MIN_BYTES = 1024
#: Statuses worth another try (the server or a proxy was overloaded or restarting).
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Refresh the access token this many seconds before it expires instead of waiting for a 401.
REFRESH_MARGIN_SECONDS = 30.0

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)


class SyncError(Exception):
    """A sync call that failed; `kind` says whose move it is.

    Attributes:
        kind: one of ERROR_KINDS.
        code: a stable machine-readable code: the server's `error.code` when it sent one,
            else one of ours (`connection_failed`, `timeout`, `http_502`, `bad_answer`,
            `not_logged_in`, `session_expired`...).
        message: a short English description without personal data (for logs and support).
        status: the HTTP status, or None when no answer came.
        retry_after: seconds the server asked us to wait (429/503), if any.
    """

    def __init__(
        self,
        kind: ErrorKind,
        code: str,
        message: str,
        status: int | None = None,
        *,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{kind}/{code}: {message}")
        self.kind: ErrorKind = kind
        self.code = code
        self.message = message
        self.status = status
        self.retry_after = retry_after
        #: What was done before the failure, when the caller has such a thing to tell
        #: (`SyncEngine.run_cycle` puts its partial `CycleReport` here).
        self.report: Any = None

    def __repr__(self) -> str:
        return (
            f"SyncError(kind={self.kind!r}, code={self.code!r}, "
            f"message={self.message!r}, status={self.status!r})"
        )


@dataclass(frozen=True)
class Tokens:
    """What a login (or refresh) leaves us: enough to call the server until it expires.

    `expires_at` is a Unix time (seconds). The server rotates the refresh token at each refresh
    (the old one is honoured again only briefly, for an answer lost on the way), so whoever
    persists tokens must persist every new pair (`on_tokens`).
    """

    access_token: str
    refresh_token: str
    expires_at: float


#: Error codes that are the person's business whatever their status (a locked account is
#: answered 429 with a long Retry-After: not an overload to wait out).
AUTH_ERROR_CODES = frozenset({"account_locked"})


class SyncCancelled(SyncError):
    """The call was given up because `SyncClient.cancel_event` was set while it waited."""

    def __init__(self) -> None:
        super().__init__("network", "cancelled", "Cancelled.")


def encode_json(body: Any) -> bytes:
    """A request body as the client sends it (before gzip): compact JSON, UTF-8."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def kind_for_status(status: int, code: str | None = None) -> ErrorKind:
    """The error kind of an HTTP status that is not 2xx (and the server's error code)."""
    if code in AUTH_ERROR_CODES:
        return "auth"
    if status in (401, 403):
        return "auth"
    if status == 409:
        return "conflict"
    if status == 410:
        return "cursor_expired"
    if status == 413:
        return "too_large"
    if status == 429 or status >= 500:
        return "server"
    return "protocol"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP-date.

    Returns None when the header is absent or unreadable; never a negative number.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _error_from_response(response: requests.Response) -> SyncError:
    status = response.status_code
    code = f"http_{status}"
    message = f"HTTP {status}"
    try:
        parsed = protocol.ErrorResponse.model_validate(response.json())
    except (ValueError, pydantic.ValidationError):
        pass
    else:
        code = parsed.error.code
        message = parsed.error.message
    return SyncError(
        kind_for_status(status, code),
        code,
        message,
        status,
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
    )


class SyncClient:
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
        self.base_url = base_url.rstrip("/")
        self.device_id = str(uuid.UUID(str(device_id)))
        self.device_name = device_name
        self.session = session if session is not None else requests.Session()
        self.app_version = app_version or protocol.installed_app_version()
        self.session.headers["User-Agent"] = protocol.user_agent(self.app_version)
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_retry_after = max_retry_after
        self.gzip_min_bytes = gzip_min_bytes
        self.on_tokens = on_tokens
        self._sleep = sleep
        self._rng = rng
        self._clock = clock
        self._tokens: Tokens | None = None
        self._auth_lock = threading.Lock()
        #: The agent and the server's bundle key from the last login or refresh.
        self.agent: protocol.AgentInfo | None = None
        self.server_public_key: str | None = None
        #: When set, a call waiting to retry gives up with `SyncCancelled`. `SyncEngine`
        #: shares its cancel event here, and its default `sleep` wakes up when it is set.
        self.cancel_event: threading.Event | None = None

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

    def push(self, batch: protocol.PushRequest | Mapping[str, Any]) -> protocol.PushResponse:
        """Sends a batch of ops; answers the per-op results (HTTP 200 whatever their fates)."""
        if isinstance(batch, protocol.PushRequest):
            # pydantic's own JSON encoder (compact, UTF-8): the same bytes as `encode_json`
            # of its `model_dump(mode="json")`, made in one pass.
            response = self._authed(
                "POST",
                "/v1/sync/push",
                raw_body=batch.model_dump_json().encode("utf-8"),
                content_type="application/json",
            )
        else:
            response = self._authed("POST", "/v1/sync/push", json_body=dict(batch))
        return self._parse(response, protocol.PushResponse)

    def pull(self, cursor: str | None = None, limit: int = 500) -> protocol.PullResponse:
        """One page of changes after `cursor` (None: from the start).

        Raises:
            SyncError: kind `cursor_expired` (410) when the server can no longer serve the
                cursor: pull again from None, keeping the outbox.
        """
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        response = self._authed("GET", "/v1/sync/pull", params=params)
        return self._parse(response, protocol.PullResponse)

    def check_participant(self, nik: str) -> protocol.ParticipantCheckResponse:
        """Whether a NIK is already enrolled in any branch (only branch and date come back)."""
        body = protocol.ParticipantCheckRequest(nik=nik).model_dump()
        response = self._authed("POST", "/v1/participants/check", json_body=body)
        return self._parse(response, protocol.ParticipantCheckResponse)

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
    ) -> requests.Response:
        """A call with the access token; on a 401, refreshes once and calls again."""
        token = self._access_token()
        try:
            return self._send(
                method,
                path,
                json_body=json_body,
                raw_body=raw_body,
                content_type=content_type,
                params=params,
                token=token,
            )
        except SyncError as error:
            if error.status != 401:
                raise
        self.refresh(used_access_token=token)
        return self._send(
            method,
            path,
            json_body=json_body,
            raw_body=raw_body,
            content_type=content_type,
            params=params,
            token=self._access_token(),
        )

    def _encode(
        self, json_body: Any, raw_body: bytes | None, content_type: str | None
    ) -> tuple[bytes | None, dict[str, str]]:
        headers: dict[str, str] = {"Accept": "application/json"}
        if json_body is not None:
            data: bytes | None = encode_json(json_body)
            headers["Content-Type"] = "application/json"
        elif raw_body is not None:
            data = raw_body
            headers["Content-Type"] = content_type or "application/octet-stream"
        else:
            return None, headers
        is_json = headers["Content-Type"] == "application/json"
        if data is not None and len(data) >= self.gzip_min_bytes and is_json:
            data = gzip.compress(data, compresslevel=6)
            headers["Content-Encoding"] = "gzip"
        return data, headers

    def backoff(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before try number `attempt + 1` (attempt counts from 0).

        Full jitter: uniform in [0, min(cap, base * 2**attempt)]; a `Retry-After` from the
        server is a floor.
        """
        ceiling = min(self.backoff_cap, self.backoff_base * (2**attempt))
        delay = self._rng() * ceiling
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    def _send(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        raw_body: bytes | None = None,
        content_type: str | None = None,
        params: Mapping[str, Any] | None = None,
        token: str | None,
    ) -> requests.Response:
        """One logical call, with retries of transient failures; 2xx or SyncError."""
        data, headers = self._encode(json_body, raw_body, content_type)
        request_id = uuid.uuid4().hex
        headers["X-Request-ID"] = request_id
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        url = self.base_url + path
        attempt = 0
        while True:
            started = time.monotonic()
            error: SyncError
            try:
                response = self.session.request(
                    method,
                    url,
                    data=data,
                    headers=headers,
                    params=params,
                    timeout=self.timeout,
                )
            except requests.exceptions.SSLError as failure:
                self._log(method, path, None, started, request_id, attempt, "tls")
                raise SyncError(
                    "network", "tls_failed", "The server's certificate could not be verified."
                ) from failure
            except requests.Timeout:
                self._log(method, path, None, started, request_id, attempt, "timeout")
                error = SyncError("network", "timeout", "The server did not answer in time.")
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                self._log(method, path, None, started, request_id, attempt, "connection")
                error = SyncError(
                    "network", "connection_failed", "Could not connect to the server."
                )
            except requests.RequestException as failure:
                self._log(method, path, None, started, request_id, attempt, "request")
                raise SyncError("network", "request_failed", type(failure).__name__) from failure
            else:
                self._log(method, path, response.status_code, started, request_id, attempt)
                if 200 <= response.status_code < 300:
                    return response
                error = _error_from_response(response)
                response.close()
                if response.status_code not in RETRY_STATUSES or error.kind != "server":
                    raise error
            if attempt >= self.max_retries:
                raise error
            if error.retry_after is not None and error.retry_after > self.max_retry_after:
                raise error
            self._wait(self.backoff(attempt, error.retry_after))
            attempt += 1

    def _wait(self, seconds: float) -> None:
        cancel = self.cancel_event
        if cancel is not None and cancel.is_set():
            raise SyncCancelled()
        if cancel is not None and self._sleep is time.sleep:
            cancel.wait(seconds)
        else:
            self._sleep(seconds)
        if cancel is not None and cancel.is_set():
            raise SyncCancelled()

    def _parse(self, response: requests.Response, model: type[ModelT]) -> ModelT:
        try:
            return model.model_validate_json(response.content)
        except pydantic.ValidationError as failure:
            raise SyncError(
                "protocol",
                "bad_answer",
                f"The server's answer is not a valid {model.__name__}.",
                response.status_code,
            ) from failure

    @staticmethod
    def _log(
        method: str,
        path: str,
        status: int | None,
        started: float,
        request_id: str,
        attempt: int,
        failure: str | None = None,
    ) -> None:
        duration_ms = (time.monotonic() - started) * 1000
        log.info(
            "%s %s -> %s in %.0f ms (request %s, try %d)",
            method,
            path,
            status if status is not None else failure,
            duration_ms,
            request_id,
            attempt + 1,
        )
