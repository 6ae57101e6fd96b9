"""Attachments' bytes, content-addressed by sha256 and resumable.

Uploads append chunks at the offset the server reports (``Upload-Offset``); once the
declared ``Upload-Length`` has arrived the sha256 is checked (a mismatch drops the upload).
The bytes live in the database so several server instances can share them. A download
is allowed only when a row the caller may read names the blob.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from sqlalchemy import Engine, delete, exists, func, select
from sqlalchemy.orm import Session

from assessor_app.server.admin import utcnow
from assessor_app.server.auth import Caller
from assessor_app.server.db import write_session
from assessor_app.server.models import Blob, BlobHolder, BlobPart, SyncRow
from assessor_app.server.scopes import row_filter

MAX_BLOB_BYTES = 2 * 1024 * 1024 * 1024


class BlobProblem(Exception):
    def __init__(self, status: int, code: str, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.offset = status, code, message, offset


def state(engine: Engine, sha: str, caller: Caller) -> tuple[bool, int]:
    """(complete, bytes held): complete → length; partial → bytes received so far. A file
    the caller neither sent nor may read counts as partial at what they have re-sent."""
    with Session(engine) as s:
        b = s.get(Blob, sha)
        if b is None:
            return False, 0
        if not b.complete:
            return False, int(b.received)
        held = s.get(BlobHolder, (sha, caller.user_id))
        if (held is not None and held.proved >= b.length) or may_download(engine, caller, sha):
            return True, int(b.length)
        return False, int(held.proved) if held is not None else 0


def holds(s: Session, caller: Caller, sha: str) -> bool:
    """True when the caller sent all of the file's bytes (uploaded or re-sent them)."""
    b = s.get(Blob, sha)
    held = s.get(BlobHolder, (sha, caller.user_id))
    return b is not None and b.complete and held is not None and held.proved >= b.length


def _prove(s: Session, b: Blob, user_id: str, offset: int, data: bytes) -> int:
    """A caller re-sending a complete file's bytes (checked against the stored ones)."""
    held = s.get(BlobHolder, (b.sha256, user_id))
    if held is None:
        held = BlobHolder(sha256=b.sha256, user_id=user_id, proved=0)
        s.add(held)
    if held.proved >= b.length:
        return int(b.length)
    if offset != held.proved or offset + len(data) > b.length:
        raise BlobProblem(409, "offset_mismatch", f"The server has {held.proved} bytes of "
                          "this file from you; continue from there.", int(held.proved))
    end = offset + len(data)
    stored = b"".join(
        part[max(0, offset - start):max(0, end - start)]
        for start, part in s.execute(select(BlobPart.start, BlobPart.data).where(
            BlobPart.sha256 == b.sha256, BlobPart.start < end,
            BlobPart.start + func.length(BlobPart.data) > offset).order_by(BlobPart.start)))
    if stored != data:
        held.proved = 0
        raise BlobProblem(409, "sha256_mismatch", "The file's bytes do not match its sha256; "
                          "send it again from the start.", 0)
    held.proved = end
    return end


def append(engine: Engine, sha: str, offset: int, length: int, data: bytes,
           user_id: str = "") -> int:
    """Add ``data`` at ``offset`` of an upload of ``length`` bytes; returns the new offset.
    The user who completes the upload holds the file; others re-send it to hold it."""
    if length < 0 or length > MAX_BLOB_BYTES:
        raise BlobProblem(413, "blob_too_large", "That file is too large for the server.")
    with write_session(engine) as s:
        b = s.get(Blob, sha)
        if b is None:
            b = Blob(sha256=sha, length=length, received=0, complete=False, created_at=utcnow())
            s.add(b)
            s.flush()
        if b.complete:
            if b.length != length:
                raise BlobProblem(409, "length_mismatch", f"This file has length {b.length}, "
                                  f"not {length}.", 0)
            return _prove(s, b, user_id, offset, data)
        if b.length != length:
            raise BlobProblem(409, "length_mismatch", f"This upload was started with length "
                              f"{b.length}, not {length}.", int(b.received))
        if offset != b.received:
            raise BlobProblem(409, "offset_mismatch", f"The server has {b.received} bytes of "
                              f"this file; continue from there.", int(b.received))
        if offset + len(data) > length:
            raise BlobProblem(400, "too_many_bytes", "More bytes were sent than Upload-Length "
                              "declared.", int(b.received))
        if data:
            s.add(BlobPart(sha256=sha, start=offset, data=data))
        b.received = offset + len(data)
        if b.received == length:
            h = hashlib.sha256()
            for part in s.scalars(select(BlobPart.data).where(BlobPart.sha256 == sha)
                                  .order_by(BlobPart.start)):
                h.update(part)
            if h.hexdigest() != sha:
                s.execute(delete(BlobPart).where(BlobPart.sha256 == sha))
                s.delete(b)
                bad = True
            else:
                b.complete = True
                bad = False
                s.merge(BlobHolder(sha256=sha, user_id=user_id, proved=length))
        else:
            bad = False
        new_offset = int(b.received) if not bad else 0
    if bad:
        raise BlobProblem(409, "sha256_mismatch", "The file's bytes do not match its sha256; "
                          "the upload was dropped. Send it again from the start.", 0)
    return new_offset


def may_download(engine: Engine, caller: Caller, sha: str) -> bool:
    cond = SyncRow.blob_sha256 == sha
    extra = row_filter(caller)
    if extra is not None:
        cond = cond & extra
    with Session(engine) as s:
        return bool(s.scalar(select(exists().where(cond))))


def size(engine: Engine, sha: str) -> int | None:
    with Session(engine) as s:
        b = s.get(Blob, sha)
        return int(b.length) if b is not None and b.complete else None


def read(engine: Engine, sha: str, start: int, end: int) -> Iterator[bytes]:
    """Bytes ``start`` to ``end`` (exclusive) of a complete blob, part by part."""
    with Session(engine) as s:
        parts = s.execute(select(BlobPart.start, func.length(BlobPart.data))
                          .where(BlobPart.sha256 == sha).order_by(BlobPart.start)).all()
    for p_start, p_len in parts:
        p_end = p_start + p_len
        if p_end <= start or p_start >= end:
            continue
        with Session(engine) as s:
            data = s.scalar(select(BlobPart.data).where(BlobPart.sha256 == sha,
                                                        BlobPart.start == p_start))
        assert data is not None
        yield data[max(0, start - p_start):min(p_len, end - p_start)]
