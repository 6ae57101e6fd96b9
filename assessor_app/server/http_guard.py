"""ASGI guard in front of the API: protocol version (426 when newer) and body size (413).

Pure ASGI so an oversized body is cut off while it streams in, not after it is held.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from assessor_app.sync.protocol import MAX_BODY_BYTES, PROTOCOL_HEADER, PROTOCOL_VERSION

_HEADER = PROTOCOL_HEADER.lower().encode()
log = logging.getLogger("assessor_app.server")
SERVER_ERROR_MESSAGE = ("The server hit a problem and saved nothing from this request. Try "
                        "again; if it keeps happening, tell your administrator.")


class _TooLarge(BaseException):  # not Exception: the framework must not turn it into a 500
    pass


def error_body(code: str, message: str) -> bytes:
    return json.dumps({"detail": {"code": code, "message": message}}).encode()


def too_new_message(theirs: int) -> str:
    return (f"This app speaks sync protocol {theirs}, but the server only speaks protocol "
            f"{PROTOCOL_VERSION}. Ask your administrator to update the server.")


class Guard:
    def __init__(self, app: Any, max_body: int = MAX_BODY_BYTES + 64 * 1024) -> None:
        self.app = app
        self.max_body = max_body

    async def _reply(self, send: Any, status: int, code: str, message: str) -> None:
        body = error_body(code, message)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        raw = headers.get(_HEADER)
        if raw is not None:
            try:
                version = int(raw.decode("latin-1").strip())
            except ValueError:
                await self._reply(send, 400, "protocol_invalid",
                                  f"The {PROTOCOL_HEADER} header must be a whole number.")
                return
            if version > PROTOCOL_VERSION:
                await self._reply(send, 426, "protocol_too_new", too_new_message(version))
                return
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = -1
            if declared < 0:
                await self._reply(send, 400, "bad_length", "Content-Length is not a number.")
                return
            if declared > self.max_body:
                await self._reply(send, 413, "too_large", self._large_message())
                return
        seen = 0
        started = False

        async def counting_receive() -> Any:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge()
            return msg

        async def tracking_send(msg: Any) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._reply(send, 413, "too_large", self._large_message())
        except Exception:
            # a bug or a database failure: the transaction was rolled back; say so plainly
            log.exception("unexpected server error")
            if not started:
                await self._reply(send, 500, "server_error", SERVER_ERROR_MESSAGE)

    def _large_message(self) -> str:
        return (f"The request is larger than the server accepts ({MAX_BODY_BYTES // (1024 * 1024)}"
                " MB). Send fewer rows per batch, or the file in smaller chunks.")
