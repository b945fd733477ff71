"""A fault-injecting TCP proxy for tests: a broken network between the laptop and the server.

`FaultProxy(upstream_port)` listens on a free loopback port and forwards HTTP/1.1 traffic to
`127.0.0.1:upstream_port`, one thread per client connection. It reads whole requests and whole
responses (Content-Length or chunked), so it can fault one request and leave the others alone:

- stream faults, set with `set(...)` and applying to every request until `heal()`:
  `latency` (seconds before each message is passed on) with `jitter` (uniform extra seconds),
  `bandwidth` (bytes per second, both directions), `chunk` (bytes per write: data sliced into
  small pieces), and random per-request faults with probabilities `p_reset` (the connection is
  reset mid-request or mid-response), `p_hang` (nothing more is sent; the connection stays open
  until `heal()` or `hang_seconds`), `p_drop_response` (see below);
- one-shot faults, queued with `fail_next(mode, path=..., times=...)` for the next requests
  whose path starts with `path`:
  `reset` (reset before forwarding), `hang` (never forwarded; held open), `drop_request`
  (closed without forwarding), `drop_response` (forwarded, the server's whole answer read, then
  the client's connection reset without it: the server committed, the laptop never knows),
  `hold_response` (forwarded, answer read, then held open like `hang`), `duplicate` (sent
  to the server twice at once on two connections; the client gets one answer), `stash`
  (kept aside and the client's connection closed; `release_stash()` delivers it late, after
  whatever the client sent since: out-of-order arrival).

`heal()` clears every fault and wakes up held connections (they are closed). Counters in
`stats` say what happened. Only loopback addresses are used; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

HOST = "127.0.0.1"
MAX_HEADER_BYTES = 64 * 1024
#: No message may take longer than this to arrive in full (bounds every read loop).
READ_SECONDS = 120.0
ONE_SHOT_MODES = frozenset(
    {"reset", "hang", "drop_request", "drop_response", "hold_response", "duplicate", "stash"}
)


class _Closed(Exception):
    """The peer closed the connection (or the proxy gave up on it)."""


@dataclass
class _Rule:
    mode: str
    path: str
    remaining: int


@dataclass
class Message:
    """One HTTP message as read off the wire."""

    raw: bytes
    start_line: str
    headers: dict[str, str]

    @property
    def path(self) -> str:
        parts = self.start_line.split(" ")
        return parts[1] if len(parts) > 1 else ""

    @property
    def status(self) -> int:
        parts = self.start_line.split(" ")
        return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _recv(sock: socket.socket, deadline: float) -> bytes:
    if time.monotonic() > deadline:
        raise _Closed("read deadline")
    try:
        data = sock.recv(65536)
    except (TimeoutError, OSError) as error:
        raise _Closed(str(error)) from error
    if not data:
        raise _Closed("eof")
    return data


def read_message(sock: socket.socket, buffer: bytearray, *, response: bool = False) -> Message:
    """Reads one whole HTTP/1.1 message from `sock` (`buffer` keeps what was read past it)."""
    deadline = time.monotonic() + READ_SECONDS
    while b"\r\n\r\n" not in buffer:
        if len(buffer) > MAX_HEADER_BYTES:
            raise _Closed("header too long")
        buffer += _recv(sock, deadline)
    head_end = buffer.index(b"\r\n\r\n") + 4
    head = bytes(buffer[:head_end]).decode("latin-1")
    lines = head.split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    start = lines[0]
    status = 0
    if response:
        parts = start.split(" ")
        status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    if response and (status in (204, 304) or 100 <= status < 200):
        end = head_end
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        pos = head_end
        while True:
            while b"\r\n" not in buffer[pos:]:
                buffer += _recv(sock, deadline)
            line_end = buffer.index(b"\r\n", pos)
            size = int(bytes(buffer[pos:line_end]).split(b";")[0] or b"0", 16)
            pos = line_end + 2
            if size == 0:
                while b"\r\n" not in buffer[pos:]:
                    buffer += _recv(sock, deadline)
                # trailers (none expected): skip to the blank line
                while not buffer[pos:].startswith(b"\r\n"):
                    while b"\r\n" not in buffer[pos:]:
                        buffer += _recv(sock, deadline)
                    pos = buffer.index(b"\r\n", pos) + 2
                pos += 2
                break
            while len(buffer) < pos + size + 2:
                buffer += _recv(sock, deadline)
            pos += size + 2
        end = pos
    elif "content-length" in headers:
        end = head_end + int(headers["content-length"])
        while len(buffer) < end:
            buffer += _recv(sock, deadline)
    elif response:
        try:
            while True:
                buffer += _recv(sock, deadline)
        except _Closed:
            pass
        end = len(buffer)
    else:
        end = head_end
    raw = bytes(buffer[:end])
    del buffer[:end]
    return Message(raw, start, headers)


def _reset(sock: socket.socket) -> None:
    """Closes with a TCP RST (SO_LINGER 0) instead of a FIN."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    _close(sock)


def _close(sock: socket.socket | None) -> None:
    if sock is None:
        return
    with contextlib.suppress(OSError):
        sock.close()


class FaultProxy:
    def __init__(self, upstream_port: int, *, seed: int = 0, hang_seconds: float = 30.0) -> None:
        self.upstream = (HOST, upstream_port)
        self.hang_seconds = hang_seconds
        self.rng = random.Random(seed)
        self.stats: Counter[str] = Counter()
        self.stashed: list[bytes] = []
        #: Paths of the requests that reached the server, in order (for tests to wait on).
        self.forwarded: list[str] = []
        self._lock = threading.Lock()
        self._healed = threading.Event()
        self._rules: list[_Rule] = []
        self._closing = threading.Event()
        self._conns: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self.latency = 0.0
        self.jitter = 0.0
        self.bandwidth: float | None = None
        self.chunk: int | None = None
        self.p_reset = 0.0
        self.p_hang = 0.0
        self.p_drop_response = 0.0
        self.fault_paths: tuple[str, ...] = ("/",)
        self._listener = socket.create_server((HOST, 0))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://{HOST}:{self.port}"
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    # --- control ---------------------------------------------------------------------------

    def set(self, **faults: Any) -> FaultProxy:
        """Sets stream faults: latency, jitter, bandwidth, chunk, p_reset, p_hang,
        p_drop_response, fault_paths (path prefixes the random faults apply to)."""
        with self._lock:
            for name, value in faults.items():
                if not hasattr(self, name) or name.startswith("_"):
                    raise AttributeError(name)
                setattr(self, name, value)
            self._healed.clear()
        return self

    def fail_next(self, mode: str, *, path: str = "/v1/sync/push", times: int = 1) -> None:
        if mode not in ONE_SHOT_MODES:
            raise ValueError(mode)
        with self._lock:
            self._rules.append(_Rule(mode, path, times))
            self._healed.clear()

    def heal(self) -> None:
        """Clears every fault; held connections are let go (closed)."""
        with self._lock:
            self._rules.clear()
            self.latency = self.jitter = 0.0
            self.bandwidth = None
            self.chunk = None
            self.p_reset = self.p_hang = self.p_drop_response = 0.0
            self._healed.set()

    def pending_rules(self) -> int:
        with self._lock:
            return sum(rule.remaining for rule in self._rules)

    def wait_for(self, counter: str, at_least: int = 1, timeout: float = 30.0) -> bool:
        """Waits until `stats[counter] >= at_least` (bounded); True when it got there."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stats[counter] >= at_least:
                return True
            time.sleep(0.02)
        return False

    def release_stash(self) -> list[int]:
        """Delivers the stashed requests to the server now; returns the statuses it answered."""
        with self._lock:
            stashed, self.stashed = self.stashed, []
        statuses = []
        for raw in stashed:
            answer = self._roundtrip(raw)
            statuses.append(answer.status if answer is not None else 0)
            self.stats["released"] += 1
        return statuses

    def close(self) -> None:
        self._closing.set()
        self._healed.set()
        _close(self._listener)
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            _close(conn)
        self._acceptor.join(timeout=5)
        for thread in list(self._threads):
            thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the work --------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._closing.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn.settimeout(READ_SECONDS)
            with self._lock:
                self._conns.add(conn)
                self._threads = [t for t in self._threads if t.is_alive()]
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _pick(self, path: str) -> str | None:
        with self._lock:
            for rule in self._rules:
                if rule.remaining > 0 and path.startswith(rule.path):
                    rule.remaining -= 1
                    self._rules = [r for r in self._rules if r.remaining > 0]
                    return rule.mode
            if not any(path.startswith(prefix) for prefix in self.fault_paths):
                return None
            roll = self.rng.random()
            for mode, p in (
                ("random_reset", self.p_reset),
                ("hang", self.p_hang),
                ("drop_response", self.p_drop_response),
            ):
                if roll < p:
                    return mode
                roll -= p
        return None

    def _delay(self) -> None:
        with self._lock:
            wait = self.latency + (self.rng.uniform(0, self.jitter) if self.jitter else 0.0)
        if wait > 0:
            time.sleep(min(wait, 10.0))

    def _send_shaped(self, sock: socket.socket, data: bytes, *, cut_at: int | None = None) -> None:
        """Sends `data` in pieces (chunk, bandwidth); resets the connection at `cut_at` bytes."""
        with self._lock:
            chunk = self.chunk
            bandwidth = self.bandwidth
        if chunk is None and bandwidth is not None:
            chunk = 1024
        step = chunk or len(data) or 1
        sent = 0
        deadline = time.monotonic() + READ_SECONDS
        while sent < len(data):
            if cut_at is not None and sent >= cut_at:
                raise _Closed("cut")
            piece = data[sent : sent + step]
            if cut_at is not None:
                piece = piece[: max(1, cut_at - sent)]
            try:
                sock.sendall(piece)
            except OSError as error:
                raise _Closed(str(error)) from error
            sent += len(piece)
            self.stats["bytes"] += len(piece)
            if bandwidth:
                time.sleep(min(len(piece) / bandwidth, 5.0))
            if time.monotonic() > deadline:
                raise _Closed("send deadline")

    def _hold(self, conn: socket.socket) -> None:
        self.stats["held"] += 1
        self._healed.wait(timeout=self.hang_seconds)
        _reset(conn)

    def _connect(self) -> socket.socket:
        upstream = socket.create_connection(self.upstream, timeout=10)
        upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        upstream.settimeout(READ_SECONDS)
        return upstream

    def _roundtrip(self, raw: bytes) -> Message | None:
        """Sends one request on a new connection and reads the answer (None if it failed)."""
        try:
            upstream = self._connect()
        except OSError:
            return None
        try:
            upstream.sendall(raw)
            return read_message(upstream, bytearray(), response=True)
        except (OSError, _Closed):
            return None
        finally:
            _close(upstream)

    def _serve(self, conn: socket.socket) -> None:
        upstream: socket.socket | None = None
        client_buffer = bytearray()
        upstream_buffer = bytearray()
        try:
            while not self._closing.is_set():
                request = read_message(conn, client_buffer)
                self.stats["requests"] += 1
                mode = self._pick(request.path)
                if mode is not None:
                    self.stats[mode] += 1
                if mode == "reset":
                    _reset(conn)
                    return
                if mode == "drop_request":
                    _close(conn)
                    return
                if mode == "hang":
                    self._hold(conn)
                    return
                if mode == "stash":
                    with self._lock:
                        self.stashed.append(request.raw)
                    _reset(conn)
                    return
                self._delay()
                twin: threading.Thread | None = None
                if mode == "duplicate":
                    twin = threading.Thread(
                        target=self._roundtrip, args=(request.raw,), daemon=True
                    )
                    twin.start()
                if upstream is None:
                    upstream = self._connect()
                if mode == "random_reset" and self.rng.random() < 0.5:
                    self._send_shaped(upstream, request.raw, cut_at=len(request.raw) // 2)
                self._send_shaped(upstream, request.raw)
                self.forwarded.append(request.path)
                self.stats["forwarded"] += 1
                response = read_message(upstream, upstream_buffer, response=True)
                self.stats["answered"] += 1
                if twin is not None:
                    twin.join(timeout=READ_SECONDS)
                if mode == "drop_response":
                    _reset(conn)
                    return
                if mode == "hold_response":
                    self._hold(conn)
                    return
                self._delay()
                cut = len(response.raw) // 2 if mode == "random_reset" else None
                self._send_shaped(conn, response.raw, cut_at=cut)
                if response.headers.get("connection", "").lower() == "close":
                    return
        except _Closed as error:
            self.stats["closed"] += 1
            if str(error) == "cut":
                _reset(conn)
        except OSError:
            self.stats["os_error"] += 1
        finally:
            _close(conn)
            _close(upstream)
            with self._lock:
                self._conns.discard(conn)
