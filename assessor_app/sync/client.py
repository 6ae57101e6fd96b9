"""HTTP transport to the employer's sync server (httpx, imported only here, on first use).

Every failure becomes a ``SyncError`` whose message says what happened in plain
words and what to do: the server cannot be reached, its TLS certificate is not
trusted, the device's token was refused (enrol again), the protocol is too new,
the server failed. No token, row text or key is ever put in a message.
"""

from __future__ import annotations

import functools
import ssl
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from assessor_app.errors import AppError
from assessor_app.sync.protocol import (
    BLOB_CHUNK_BYTES,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    EnrolRequest,
    EnrolResponse,
    PullPage,
    PushBatch,
    PushResponse,
    WhoAmI,
)

if TYPE_CHECKING:
    import httpx

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 60.0
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class SyncError(AppError):
    """Sync could not finish; nothing already saved on this device was lost."""

    exit_code = 11


class ServerUnreachable(SyncError):
    pass


class TlsNotTrusted(SyncError):
    pass


class TokenRefused(SyncError):
    """401: revoked, unknown or idle token: the device must be enrolled again."""


class ProtocolTooNew(SyncError):
    pass


class ServerFailed(SyncError):
    pass


class RequestRefused(SyncError):
    """A 4xx other than 401/426: the server's own message is shown."""

    def __init__(self, message: str, hint: str = "", status: int = 400) -> None:
        super().__init__(message, hint)
        self.status = status


class NotEnrolled(SyncError):
    pass


_NOTHING_LOST = "Nothing on this computer was lost; your changes wait for the next sync."


def check_url(url: str) -> str:
    """The server's base URL, normalised; https except for this computer (tests, local servers)."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise SyncError(f"{url!r} is not a server address.",
                        "Give the address your coordinator sent, e.g. https://sync.example.org")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise SyncError(f"{url} is not encrypted (http).",
                        "Use the server's https:// address; records never travel unencrypted.")
    return url


def _server_message(resp: httpx.Response) -> str:
    try:
        detail = resp.json().get("detail")
    except ValueError:
        return ""
    if isinstance(detail, dict):
        return str(detail.get("message") or "")
    return detail if isinstance(detail, str) else ""


def _is_tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@functools.lru_cache(maxsize=8)
def _tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    """Built once per bundle (loading the default trust store takes a quarter of a second)."""
    import httpx

    if not ca_bundle:
        return httpx.create_ssl_context()
    try:
        return ssl.create_default_context(cafile=ca_bundle)
    except (OSError, ssl.SSLError):
        raise SyncError(f"The CA bundle {ca_bundle} cannot be read.",
                        "Give the PEM file your IT team sent (--ca-bundle FILE).") from None


class SyncClient:
    """One server, one device token. Use as a context manager (one HTTP connection pool)."""

    def __init__(self, url: str, token: str | None = None, ca_bundle: str | None = None,
                 *, timeout: float = READ_TIMEOUT_S) -> None:
        import httpx

        self.url = check_url(url)
        # plain http is only allowed to this computer (check_url): no TLS context to build
        verify: Any = _tls_context(ca_bundle) if self.url.startswith("https:") else False
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=self.url, headers=headers, verify=verify, follow_redirects=False,
            timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT_S))

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- requests --------------------------------------------------------------------------
    def _send(self, method: str, path: str, **kw: Any) -> httpx.Response:
        import httpx

        try:
            resp = self._http.request(method, path, **kw)
        except httpx.TimeoutException:
            raise ServerUnreachable(f"The sync server at {self.url} did not answer in time.",
                                    _NOTHING_LOST) from None
        except (httpx.TransportError, ssl.SSLError) as exc:
            if _is_tls_failure(exc):
                raise TlsNotTrusted(
                    f"The sync server at {self.url} did not show a certificate this computer "
                    "trusts, so nothing was sent.",
                    "If your employer uses its own certificate authority, enrol with "
                    "--ca-bundle FILE (the CA file from your IT team).") from None
            raise ServerUnreachable(
                f"The sync server at {self.url} cannot be reached (the connection failed or "
                "was cut).", "Check the network and try again. " + _NOTHING_LOST) from None
        if resp.status_code >= 400:
            self._raise_for(resp)
        return resp

    def _raise_for(self, resp: httpx.Response) -> None:
        msg = _server_message(resp)
        code = resp.status_code
        if code == 401:
            raise TokenRefused(
                msg or "The sync server no longer accepts this computer's token.",
                "Enrol this computer again with a new code from your coordinator "
                "(assessor-app enrol --server URL --code CODE). " + _NOTHING_LOST)
        if code == 426:
            raise ProtocolTooNew(
                msg or f"The sync server does not speak this app's sync protocol "
                f"(version {PROTOCOL_VERSION}).",
                "Ask your IT team to update the server, or use the app version they give you.")
        if code >= 500:
            raise ServerFailed(f"The sync server had a problem (HTTP {code}).",
                               "Try again later. " + _NOTHING_LOST)
        raise RequestRefused(msg or f"The sync server refused the request (HTTP {code}).",
                             _NOTHING_LOST, status=code)

    def _json(self, resp: httpx.Response, model: Any) -> Any:
        from pydantic import ValidationError

        try:
            return model.model_validate_json(resp.content)
        except ValidationError:
            raise ServerFailed(f"The sync server at {self.url} sent an answer this app does "
                               "not understand.", _NOTHING_LOST) from None

    # -- endpoints -------------------------------------------------------------------------
    def enrol(self, req: EnrolRequest) -> EnrolResponse:
        try:
            resp = self._send("POST", "/v1/enrol", content=req.model_dump_json(),
                              headers={"Content-Type": "application/json"})
        except (TokenRefused, RequestRefused) as exc:  # a wrong, used or expired code
            raise RequestRefused(exc.message, "Check the code (each works once, for a few "
                                 "days) or ask your coordinator for a new one.",
                                 status=getattr(exc, "status", 401)) from None
        return self._json(resp, EnrolResponse)  # type: ignore[no-any-return]

    def whoami(self) -> WhoAmI:
        return self._json(self._send("GET", "/v1/whoami"), WhoAmI)  # type: ignore[no-any-return]

    def pull(self, cursor: str, limit: int) -> PullPage:
        resp = self._send("GET", "/v1/pull", params={"cursor": cursor, "limit": limit})
        return self._json(resp, PullPage)  # type: ignore[no-any-return]

    def pull_raw(self, cursor: str, limit: int) -> dict[str, Any]:
        """The page as plain dicts (no per-row validation: first syncs bring 10,000s)."""
        resp = self._send("GET", "/v1/pull", params={"cursor": cursor, "limit": limit})
        try:
            page = resp.json()
            if not isinstance(page, dict) or not isinstance(page.get("rows"), list):
                raise ValueError
            return page
        except ValueError:
            raise ServerFailed(f"The sync server at {self.url} sent an answer this app does "
                               "not understand.", _NOTHING_LOST) from None

    def push(self, batch: PushBatch) -> PushResponse:
        resp = self._send("POST", "/v1/push", content=batch.model_dump_json(),
                          headers={"Content-Type": "application/json"})
        return self._json(resp, PushResponse)  # type: ignore[no-any-return]

    def blob_state(self, sha256: str) -> tuple[bool, int]:
        """(the server holds the whole file, bytes received of a partial upload)."""
        import httpx

        try:
            resp = self._http.head(f"/v1/blobs/{sha256}")
        except httpx.HTTPError:
            return self._send("HEAD", f"/v1/blobs/{sha256}") and (False, 0)  # raises
        if resp.status_code == 200:
            return True, int(resp.headers.get("Content-Length", "0"))
        if resp.status_code == 404:
            return False, int(resp.headers.get("Upload-Offset", "0"))
        self._raise_for(resp)
        return False, 0

    def upload_blob(self, sha256: str, data: bytes) -> None:
        """Send the bytes the server does not have yet, resuming where it stopped."""
        complete, offset = self.blob_state(sha256)
        refusals = 0
        while not complete and offset < len(data):
            chunk = data[offset:offset + BLOB_CHUNK_BYTES]
            try:
                resp = self._send("PATCH", f"/v1/blobs/{sha256}", content=chunk, headers={
                    "Content-Type": "application/octet-stream", "Upload-Offset": str(offset),
                    "Upload-Length": str(len(data))})
            except RequestRefused as exc:
                refusals += 1
                if exc.status != 409 or refusals > 3:  # bytes that do not match: never loop
                    raise
                complete, offset = self.blob_state(sha256)  # another attempt moved on: resume
                continue
            offset = int(resp.headers.get("Upload-Offset", offset + len(chunk)))
            if offset >= len(data):
                complete = True
        if not data and not complete:
            self._send("PATCH", f"/v1/blobs/{sha256}", content=b"", headers={
                "Content-Type": "application/octet-stream", "Upload-Offset": "0",
                "Upload-Length": "0"})

    def download_blob(self, sha256: str) -> bytes:
        resp = self._send("GET", f"/v1/blobs/{sha256}")
        return resp.content
