"""A throwaway fault injector on loopback: answers scripted statuses, delays and bodies.

It stands in for a broken network or an overloaded proxy in front of the server (503 with
Retry-After, 429, 502, a socket that never answers), which the real server cannot be made to do
on demand. It is not a model of our server: tests of the protocol's meaning use the real one.
Each request is recorded (method, path, headers, raw body) so tests can check what the client
sent; the scripted answers are used in order, the last one repeating.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    #: Close the connection without any answer (a reset).
    drop: bool = False


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FaultServer:
    base_url: str
    replies: list[Reply]
    seen: list[Seen]

    def script(self, *replies: Reply) -> None:
        self.replies[:] = list(replies)
        self.seen.clear()


@contextmanager
def fault_server(*replies: Reply) -> Iterator[FaultServer]:
    state = FaultServer("", list(replies), [])
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock:
                state.seen.append(
                    Seen(self.command, self.path, {k: v for k, v in self.headers.items()}, body)
                )
                index = min(len(state.seen), len(state.replies)) - 1
                reply = state.replies[index] if state.replies else Reply(404)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.drop:
                self.close_connection = True
                self.connection.close()
                return
            payload = b"" if reply.body is None else json.dumps(reply.body).encode()
            head = self.command == "HEAD"  # a HEAD answer has headers only
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if not head:
                    self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = _handle
        do_POST = _handle
        do_PUT = _handle
        do_HEAD = _handle

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)
