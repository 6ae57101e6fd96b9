"""A TCP proxy on loopback that cuts chosen HTTP requests: the network failing for real.

Each request is read from the device, sent to the server on a fresh connection
(``Connection: close``) and the answer relayed back. A fault armed for the n-th
request from now cuts it in one of three places:

- ``"request"``: half the request reaches the server, then both sides are closed
  (the server never acts on it);
- ``"response"``: the server gets the whole request and answers (a push batch is
  committed), then the device's connection is closed before any answer byte;
- ``"response-mid"``: as ``response`` but half the answer reaches the device
  (a page or a file cut in the middle).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

MODES = ("request", "response", "response-mid")


def _read_request(conn: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return b"", b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body


class FaultProxy:
    def __init__(self, upstream_url: str) -> None:
        parts = urlsplit(upstream_url)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._lock = threading.Lock()
        self._count = 0
        self._faults: dict[int, str] = {}
        self.log: list[tuple[str, str]] = []  # (method, path) of every request
        self.batch_ids: list[str] = []  # the batch id of every push, in order
        #: (mode, method, path, push batch id or "") of every cut made
        self.cuts: list[tuple[str, str, str, str]] = []
        #: called with (method, path) as each request arrives, before it is forwarded (a test
        #: types on the device while the request is on the wire)
        self.on_request: Callable[[str, str], None] | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._serve, daemon=True, name="fault-proxy")
        self._thread.start()

    def arm(self, nth: int, mode: str) -> None:
        """Cut the ``nth`` request from now (0: the next one)."""
        assert mode in MODES
        with self._lock:
            self._faults[self._count + nth] = mode

    def retarget(self, upstream_url: str) -> None:
        """Send later requests to another server (a restarted one on another port)."""
        parts = urlsplit(upstream_url)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)

    def disarm(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def count(self) -> int:
        return self._count

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._sock.close()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            head, body = _read_request(conn)
            if not head:
                return
            lines = head.split(b"\r\n")
            method, path = lines[0].decode("latin-1").split(" ")[:2]
            with self._lock:
                mode = self._faults.pop(self._count, None)
                self._count += 1
                self.log.append((method, path))
                if method == "POST" and path == "/v1/push":
                    self.batch_ids.append(json.loads(body)["batch_id"])
                if mode:
                    batch = self.batch_ids[-1] if path == "/v1/push" else ""
                    self.cuts.append((mode, method, path, batch))
            if self.on_request is not None:
                self.on_request(method, path)
            kept = [ln for ln in lines[1:] if not ln.lower().startswith(b"connection:")]
            request = b"\r\n".join([lines[0], *kept, b"Connection: close"]) + b"\r\n\r\n" + body
            try:
                up = socket.create_connection(self._upstream, timeout=60)
            except OSError:  # the server is gone: the device's connection just closes
                return
            with up:
                if mode == "request":
                    up.sendall(request[:len(request) // 2])
                    return
                up.sendall(request)
                answer = b""
                while chunk := up.recv(65536):
                    answer += chunk
            if mode == "response":
                return
            if mode == "response-mid":
                conn.sendall(answer[:len(answer) // 2])
                return
            conn.sendall(answer)
