"""The sync client's errors: `SyncError` (whose `kind` says whose move it is), how an HTTP
answer becomes one, and `Retry-After`. This module never imports `agent_app`."""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from typing import Any, Literal

import pydantic
import requests

from sync import protocol

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


#: Error codes that are the person's business whatever their status (a locked account is
#: answered 429 with a long Retry-After: not an overload to wait out).
AUTH_ERROR_CODES = frozenset({"account_locked"})


class SyncCancelled(SyncError):
    """The call was given up because `SyncClient.cancel_event` was set while it waited."""

    def __init__(self) -> None:
        super().__init__("network", "cancelled", "Cancelled.")


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


def error_from_response(response: requests.Response) -> SyncError:
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
