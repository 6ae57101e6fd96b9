"""Sync protocol (version 2): the messages client and server exchange (JSON over HTTPS, ``/v1/...``).

Every request carries ``X-Sync-Protocol: <PROTOCOL_VERSION>`` and a bearer device
token (except ``/v1/enrol``). A server answers a newer protocol with 426 and a
message naming both versions. Field values are JSON: dates and datetimes as ISO
8601 strings, binary columns never inline (see ``tables.TableSpec.blob_column``:
the row carries the sha256, the bytes go through ``/v1/blobs/{sha256}``).

Endpoints (all JSON unless said):
- ``POST /v1/enrol``  EnrolRequest → EnrolResponse (one-time code → device token, certificate)
- ``GET  /v1/whoami`` → WhoAmI
- ``GET  /v1/pull?cursor=<str>&limit=<int>`` → PullPage (rows in the caller's scope, in seq order,
  and from protocol 2 ``revoked``: what left the caller's scope, to be dropped from the device)
- ``POST /v1/push``   PushBatch → PushResponse (one transaction; replaying a batch_id returns
  the stored answer; the same batch_id with different rows is 409)
- ``HEAD /v1/blobs/{sha256}`` → 200 (complete; ``Content-Length``) or 404 with ``Upload-Offset``
  (bytes received so far of a partial upload, 0 when none)
- ``PATCH /v1/blobs/{sha256}`` body = raw bytes, header ``Upload-Offset`` = where they start;
  → 204 with the new ``Upload-Offset``; the server checks the sha256 once the declared
  ``Upload-Length`` has arrived (409 and the partial upload dropped on a mismatch)
- ``GET  /v1/blobs/{sha256}`` → the bytes (``Range`` honoured), only if a row in scope names it
Errors are ``{"detail": {"code": str, "message": str}}`` with a status code; ``message`` is
written for the person at the laptop.

Versions: 1 is the first; 2 adds ``PullPage.revoked``. A server answers each device in the
version its header names, so a version 1 app keeps syncing, except that once a pull would
have to tell it to drop records (which it cannot do) the server answers 426 and asks for
the app to be updated, rather than let it think it is up to date.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_VERSION = 2
PROTOCOL_HEADER = "X-Sync-Protocol"

MAX_BATCH_ROWS = 500
MAX_PULL_LIMIT = 2000
MAX_BODY_BYTES = 16 * 1024 * 1024  # a push batch; blobs go in chunks of at most this
BLOB_CHUNK_BYTES = 1024 * 1024

Role = Literal["assessor", "practitioner", "manager", "coordinator"]


class _Msg(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Row(_Msg):
    """One row of a syncable table as it travels. ``fields`` holds every column but the
    bookkeeping ones of ``tables.SYNC_COLUMNS`` (and never a blob column's bytes)."""

    table: str = Field(max_length=64)
    id: str = Field(min_length=1, max_length=36)
    #: push: the server revision the edit started from (0 = a new row); pull: the current revision
    base_rev: int = Field(ge=0)
    rev: int = Field(default=0, ge=0)
    deleted: bool = False
    updated_at: str = Field(default="", max_length=40)  # the writer's clock, for display only
    updated_by: str = Field(default="", max_length=64)
    fields: dict[str, Any]


class EnrolRequest(_Msg):
    code: str = Field(min_length=6, max_length=64)
    device_name: str = Field(min_length=1, max_length=200)
    #: PEM certificate signing request for the user's signing key; the server's CA signs it
    csr_pem: str | None = Field(default=None, max_length=20_000)
    protocol: int = PROTOCOL_VERSION


class WhoAmI(_Msg):
    user_id: str
    user_name: str
    role: Role
    device_id: str
    server_id: str
    #: the practitioner row this user *is* (role practitioner), else None
    practitioner_id: str | None = None


class EnrolResponse(_Msg):
    token: str  # shown once; the server keeps only its hash
    whoami: WhoAmI
    ca_pem: str  # the employer's root certificate, to verify reports against
    cert_pem: str | None = None  # the user's signing certificate, issued from csr_pem


class Revocation(_Msg):
    """Records the device may no longer keep (protocol 2): it drops its copies, after
    sending or keeping aside any change of its own that was not sent yet.

    ``table`` and ``id`` None: practitioner ``practitioner_id`` (and everything of theirs) left
    the caller's scope. Otherwise that row and what hangs from it moved from practitioner
    ``practitioner_id`` to one outside the caller's scope. ``reason``: unassigned, reassigned
    (to another assessor), role (the user's role changed) or moved; a newer server may
    send other words, which mean the same as unassigned."""

    seq: int = Field(ge=0)
    practitioner_id: str = Field(min_length=1, max_length=36)
    table: str | None = Field(default=None, max_length=64)
    id: str | None = Field(default=None, max_length=36)
    reason: str = Field(default="unassigned", max_length=32)


class PullPage(_Msg):
    rows: list[Row]
    #: opaque; pass it back as ``cursor`` to get what came after this page
    cursor: str
    more: bool
    #: the server's current position, so a client can show "n of m" progress
    head: int = 0
    #: protocol 2: what left the caller's scope among this page's positions
    revoked: list[Revocation] = Field(default_factory=list)


class PushBatch(_Msg):
    batch_id: str = Field(min_length=8, max_length=64)  # idempotency key, a UUID
    rows: list[Row] = Field(max_length=MAX_BATCH_ROWS)
    protocol: int = PROTOCOL_VERSION


RowStatus = Literal["accepted", "merged", "conflict", "refused"]


class RowResult(_Msg):
    table: str
    id: str
    #: accepted: taken as sent; merged: combined with changes made elsewhere (``row`` has the
    #: result); conflict: the same field changed on both sides, the server kept its value and
    #: wrote a ``conflict`` row holding both; refused: not taken (``reason`` says why: a signed
    #: record, out of scope, a missing parent)
    status: RowStatus
    rev: int = 0
    seq: int = 0
    reason: str = ""
    #: the server's row after this push (for merged and conflict; refused: the server's current row
    #: if it has one)
    row: Row | None = None
    conflict_ids: list[str] = Field(default_factory=list)


class PushResponse(_Msg):
    batch_id: str
    results: list[RowResult]


class ErrorDetail(_Msg):
    code: str
    message: str
