"""The request body cap, gzip bodies decompressed as they arrive (413 past the cap)."""

from __future__ import annotations

import zlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.server.api.errors import error_response


class _Refused(Exception):
    """The body is refused; `answer` says why (an error response)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.answer = error_response(status, code, message)


class _Disconnected(Exception):
    """The client went away before the whole body arrived."""


class BodyLimitMiddleware:
    """Caps request bodies at `max_body_bytes`, gzip ones after decompression (413).

    The gzip stream is inflated as it arrives, never more than the cap plus one byte, so a
    small "gzip bomb" is stopped early instead of being expanded in memory.
    """

    def __init__(
        self, app: ASGIApp, max_body_bytes: int, caps: tuple[tuple[str, int], ...] = ()
    ) -> None:
        self.app = app
        self.max = max_body_bytes
        #: (path prefix, cap) of routes whose cap is not `max_body_bytes` (the attachments').
        self.caps = caps

    def cap(self, path: str) -> int:
        for prefix, cap in self.caps:
            if path.startswith(prefix):
                return cap
        return self.max

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        encoding = ""
        declared = -1
        headers = []
        for name, value in scope["headers"]:
            if name == b"content-encoding":
                encoding = value.decode("latin-1").strip().lower()
            elif name != b"content-length":
                headers.append((name, value))
            elif value.isdigit():
                declared = int(value)
        cap = self.cap(scope["path"])
        try:
            if encoding not in ("", "identity", "gzip"):
                raise _Refused(
                    400, "unsupported_encoding", "Request bodies may be gzip or uncompressed."
                )
            if declared > cap:  # refused before a byte of the body is read
                raise self._too_large(cap)
            body = await self._read(receive, cap, gzip=encoding == "gzip")
        except _Refused as refused:
            await refused.answer(scope, receive, send)
            return
        except _Disconnected:
            return
        headers.append((b"content-length", str(len(body)).encode()))
        # In place: the outer middleware reads the matched route from this scope.
        scope["headers"] = headers
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive, cap: int, *, gzip: bool) -> bytearray:
        """The whole body, inflated when `gzip`, never more than the cap plus one byte."""
        inflater = zlib.decompressobj(wbits=31) if gzip else None
        body = bytearray()
        raw_size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            more = message.get("more_body", False)
            raw_size += len(chunk)
            if raw_size > cap:
                raise self._too_large(cap)
            if inflater is None:
                body += chunk
                continue
            try:
                pending = chunk
                while pending and not inflater.eof:
                    body += inflater.decompress(pending, cap + 1 - len(body))
                    if len(body) > cap:
                        raise self._too_large(cap)
                    pending = inflater.unconsumed_tail
            except zlib.error as error:
                raise _Refused(400, "bad_gzip", "The gzip body is damaged.") from error
        if inflater is not None and not inflater.eof and raw_size:
            raise _Refused(400, "bad_gzip", "The gzip body is truncated.")
        return body

    def _too_large(self, cap: int) -> _Refused:
        return _Refused(
            413,
            "body_too_large",
            f"The request body is over {cap} bytes (after decompression).",
        )
