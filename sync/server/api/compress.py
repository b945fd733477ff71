"""Compressed answers: the pull pages (JSON, repetitive, up to ~140 KB a page) go gzipped to a
client that sends `Accept-Encoding: gzip` (requests does by default and decompresses by
itself), through Starlette's own `GZipMiddleware`. Only the paths named here: attachment bytes
(already compressed photos) and the console's pages are left as they are."""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

#: The paths whose answers are worth compressing (a pull page of 1,000 changes: 142,877 bytes,
#: 8,485 gzipped).
COMPRESSED_PATHS = ("/v1/sync/pull",)
#: Answers shorter than this go as they are (a page of a few changes gains nothing).
MIN_BYTES = 1024
#: zlib's level: on a pull page of 1,000 changes (418 KB) 6 gives 42 KB in 4.4 ms, 9 41 KB in
#: 9.6 ms, 1 50 KB in 1.7 ms (docs/benchmarks.md, issue 15).
LEVEL = 6


class PullGZipMiddleware:
    """`GZipMiddleware` for the requests to `paths`; every other request passes untouched."""

    def __init__(
        self,
        app: ASGIApp,
        paths: tuple[str, ...] = COMPRESSED_PATHS,
        minimum_size: int = MIN_BYTES,
        compresslevel: int = LEVEL,
    ) -> None:
        self.app = app
        self.paths = paths
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=compresslevel)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.paths:
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
