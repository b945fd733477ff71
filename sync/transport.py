"""HTTP for the sync client: one logical call with a timeout, retries of transient failures
(connection errors, timeouts, 5xx, 429/503 honouring `Retry-After`) with exponential backoff
and full jitter, gzipped JSON bodies above a small size, and every failure a `SyncError`.

Nothing here logs a body, a token or personal data: the `sync` logger gets the method, the
path, the status, the duration and the request id. This module never imports `agent_app`.
"""

from __future__ import annotations

import gzip
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pydantic
import requests

from sync.errors import SyncCancelled, SyncError, error_from_response

log = logging.getLogger("sync")

#: Request bodies at least this long are sent gzip-compressed.
GZIP_MIN_BYTES = 1024
#: Statuses worth another try (the server or a proxy was overloaded or restarting).
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)


@dataclass(frozen=True, slots=True)
class Body:
    """A request body as it goes on the wire: its bytes (gzipped when worth it) and the
    headers that say what they are. Made ahead of the call (`Transport.encode_body`), e.g. on
    another thread than the one sending it."""

    data: bytes
    headers: dict[str, str]


def encode_json(body: Any) -> bytes:
    """A request body as the client sends it (before gzip): compact JSON, UTF-8."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class Transport:
    """The server's base URL over a `requests.Session`, with retries (see the module
    docstring); `sync.client.SyncClient` documents the arguments."""

    def __init__(
        self,
        base_url: str,
        *,
        session: requests.Session | None,
        timeout: tuple[float, float],
        max_retries: int,
        backoff_base: float,
        backoff_cap: float,
        sleep: Callable[[float], Any],
        rng: Callable[[], float],
        max_retry_after: float,
        gzip_min_bytes: int,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session if session is not None else requests.Session()
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_retry_after = max_retry_after
        self.gzip_min_bytes = gzip_min_bytes
        self._sleep = sleep
        self._rng = rng
        #: When set, a call waiting to retry gives up with `SyncCancelled`. `SyncEngine`
        #: shares its cancel event here, and its default `sleep` wakes up when it is set.
        self.cancel_event: threading.Event | None = None

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

    def encode_body(self, raw_body: bytes, content_type: str) -> Body:
        """`raw_body` ready to send, as `_send` would send it (JSON above
        `gzip_min_bytes` gzipped)."""
        data, headers = self._encode(None, raw_body, content_type)
        return Body(data or b"", headers)

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
        body: Body | None = None,
    ) -> requests.Response:
        """One logical call, with retries of transient failures; 2xx or SyncError. `body`:
        one encoded beforehand (`encode_body`), instead of `json_body` or `raw_body`."""
        if body is not None:
            data: bytes | None = body.data
            headers = dict(body.headers)
        else:
            data, headers = self._encode(json_body, raw_body, content_type)
        request_id = uuid.uuid4().hex
        headers["X-Request-ID"] = request_id
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        call = _Call(method, path, self.base_url + path, data, headers, params, request_id)
        attempt = 0
        while True:
            answer = self._try(call, attempt)
            if isinstance(answer, requests.Response):
                return answer
            if attempt >= self.max_retries:
                raise answer
            if answer.retry_after is not None and answer.retry_after > self.max_retry_after:
                raise answer
            self._wait(self.backoff(attempt, answer.retry_after))
            attempt += 1

    def _try(self, call: _Call, attempt: int) -> requests.Response | SyncError:
        """One try: the 2xx answer, or the failure worth another try; raises the rest."""
        started = time.monotonic()
        method, path, request_id = call.method, call.path, call.request_id
        try:
            response = self.session.request(
                method,
                call.url,
                data=call.data,
                headers=call.headers,
                params=call.params,
                timeout=self.timeout,
            )
        except requests.exceptions.SSLError as failure:
            _log(method, path, None, started, request_id, attempt, "tls")
            raise SyncError(
                "network", "tls_failed", "The server's certificate could not be verified."
            ) from failure
        except requests.Timeout:
            _log(method, path, None, started, request_id, attempt, "timeout")
            return SyncError("network", "timeout", "The server did not answer in time.")
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
            _log(method, path, None, started, request_id, attempt, "connection")
            return SyncError("network", "connection_failed", "Could not connect to the server.")
        except requests.RequestException as failure:
            _log(method, path, None, started, request_id, attempt, "request")
            raise SyncError("network", "request_failed", type(failure).__name__) from failure
        _log(method, path, response.status_code, started, request_id, attempt)
        if 200 <= response.status_code < 300:
            return response
        error = error_from_response(response)
        response.close()
        if response.status_code not in RETRY_STATUSES or error.kind != "server":
            raise error
        return error

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


@dataclass(frozen=True, slots=True)
class _Call:
    """What every try of one logical call sends."""

    method: str
    path: str
    url: str
    data: bytes | None
    headers: dict[str, str]
    params: Mapping[str, Any] | None
    request_id: str


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
