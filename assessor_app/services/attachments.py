"""Attachments' use cases: add a file to a piece of evidence, list, remove, save or open a copy.

The bytes live inside the encrypted store. A file is checked before it is read: its size
from the file system (a 200 MB file is refused without being read) and its type from its
first bytes (a file that is not what its name says is kept as what it is, with a note).
Every call runs on the DB thread.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from assessor_app.domain.attachments import (
    MAX_ATTACHMENT_BYTES,
    SNIFF_BYTES,
    SUFFIXES,
    AttachmentRow,
    sniff,
    too_big_message,
)
from assessor_app.errors import AppError, NotFound, UsageError
from assessor_app.services.report_jobs import PrivateCopies
from assessor_app.store import attachment_repo
from assessor_app.store.database import Database
from assessor_app.store.write_errors import disk_errors

_GONE = ("That attachment is not in this store.", "It may have been removed; reopen the editor.")


def read_file(path: str | Path, limit: int = MAX_ATTACHMENT_BYTES) -> bytes:
    """The file's bytes, refused (UsageError) above ``limit`` before anything is read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise UsageError(f"{path.name} is a folder.", "Choose a file.")
        if size > limit:
            raise UsageError(*too_big_message(size))
        with path.open("rb") as fh:
            data = fh.read(limit + 1)  # never more than the limit, even if the file grew
    except OSError as exc:
        raise UsageError(f"Could not read {path.name}: {exc.strerror or exc}.",
                         "Check the file is there and you may open it.") from None
    if len(data) > limit:
        raise UsageError(*too_big_message(len(data)))
    return data


class AttachmentService:
    def __init__(self, database: Database) -> None:
        self._db = database

    def add_file(self, evidence_id: str, path: str | Path) -> AttachmentRow:
        """Attach the file at ``path``; the row says its sniffed type and any name mismatch."""
        return self.add_bytes(evidence_id, Path(path).name, read_file(path))

    def add_bytes(self, evidence_id: str, filename: str, data: bytes) -> AttachmentRow:
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise UsageError(*too_big_message(len(data)))
        if not data:
            raise UsageError(f"{filename} is empty.", "Choose the file again once it is saved.")
        mime = sniff(data[:SNIFF_BYTES], data)
        digest = hashlib.sha256(data).hexdigest()
        name = filename.strip().replace("/", "_").replace("\\", "_")[:255] or "attachment"
        with disk_errors("The attachment"), self._db.uow(actor="assessor") as uow:
            self._check_draft(uow.session, evidence_id)
            row = attachment_repo.add(uow.session, evidence_id, name, mime, digest, data)
            uow.commit()
        return row

    @staticmethod
    def _check_draft(session, evidence_id: str) -> None:  # type: ignore[no-untyped-def]
        status = attachment_repo.evidence_status(session, evidence_id)
        if status is None:
            raise NotFound("That evidence is not in this store.",
                           "It may have been removed; refresh the page (F5).")
        if status != "draft":
            raise UsageError("This record is final, so its attachments were not changed.",
                             "Choose Edit again to correct it.")

    def list(self, evidence_id: str) -> list[AttachmentRow]:
        with self._db.uow() as uow:
            return attachment_repo.live(uow.session, evidence_id)

    def remove(self, attachment_id: str) -> None:
        """Tombstone the attachment (``deleted_at``), so a sync passes the removal on."""
        with disk_errors("The removal"), self._db.uow(actor="assessor") as uow:
            row = attachment_repo.get(uow.session, attachment_id)
            if row is None:
                raise NotFound(*_GONE)
            self._check_draft(uow.session, row.evidence_id)
            attachment_repo.tombstone(uow.session, attachment_id)
            uow.commit()

    def content(self, attachment_id: str) -> bytes:
        with self._db.uow() as uow:
            data = attachment_repo.content(uow.session, attachment_id)
        if data is None:
            raise NotFound(*_GONE)
        return data

    def thumbnail_bytes(self, attachment_id: str) -> bytes:
        """The picture's bytes, for a thumbnail (the GUI scales it down)."""
        return self.content(attachment_id)

    def save_copy(self, attachment_id: str, out: str | Path) -> Path:
        """Write a copy to ``out`` through a temporary file: nothing half-written is left."""
        out = Path(out)
        data = self.content(attachment_id)
        tmp = out.with_name(f".{out.name}.part")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, out)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise AppError(f"Could not save a copy to {out}: {exc.strerror or exc}.",
                           "Free some space or choose another folder; the attachment is "
                           "still safe in your store.") from None
        return out

    def open_copy(self, attachment_id: str, copies: PrivateCopies) -> Path:
        """A private decrypted copy (0600 in a 0700 folder) to hand to the system viewer."""
        with self._db.uow() as uow:
            row = attachment_repo.get(uow.session, attachment_id)
            data = attachment_repo.content(uow.session, attachment_id)
        if row is None or data is None:
            raise NotFound(*_GONE)
        name = f"attachment-{row.id[:8]}{SUFFIXES.get(row.mime, '')}"  # no personal details
        try:
            return copies.write(name, data)
        except OSError as exc:
            raise AppError(f"Could not make a copy to open ({exc.strerror or exc}).",
                           "Free some space, or use Save a copy as… instead.") from None
