"""Signed documents on the server: once a signature names a document, its PDF may only
grow by an incremental update (a countersignature), checked on the bytes themselves."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from assessor_app.server.models import Blob, BlobPart, SyncRow

#: the fields a countersignature changes on a signed document (the file and its hash)
_FILE_FIELDS = frozenset({"content", "sha256"})


def signed_document(s: Session, document_id: str) -> bool:
    return bool(s.scalar(select(exists().where(
        SyncRow.table_name == "signature", SyncRow.deleted.is_(False),
        SyncRow.fields["document_id"].as_string() == document_id))))


def _prefix_sha256(s: Session, sha: str, length: int) -> str:
    h = hashlib.sha256()
    need = length
    for data in s.scalars(select(BlobPart.data).where(BlobPart.sha256 == sha)
                          .order_by(BlobPart.start)):
        if need <= 0:
            break
        piece = data[:need]
        h.update(piece)
        need -= len(piece)
    return h.hexdigest() if need <= 0 else ""


def appended_only(s: Session, current: SyncRow, fields: dict[str, Any], deleted: bool) -> str:
    """"" when the edit only appends to the signed PDF, else why it is refused."""
    new = "make a new version instead."
    if deleted:
        return f"This document is signed and cannot be deleted; {new}"
    changed = {k for k, v in fields.items() if current.fields.get(k) != v}
    if changed - _FILE_FIELDS:
        return f"This document is signed: only a further signature may be added; {new}"
    old_sha, new_sha = current.blob_sha256, fields.get("content")
    old_blob = s.get(Blob, old_sha) if old_sha else None
    new_blob = s.get(Blob, new_sha) if isinstance(new_sha, str) else None
    if new_blob is None or not new_blob.complete:
        return "The signed document's new file has not reached the server; sync again."
    if old_blob is None or not old_blob.complete or new_blob.length <= old_blob.length \
            or _prefix_sha256(s, new_blob.sha256, old_blob.length) != old_sha:
        return ("The new file does not extend the signed one: signing may only append to a "
                f"document, never rewrite it; {new}")
    return ""
