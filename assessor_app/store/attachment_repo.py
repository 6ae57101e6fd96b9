"""Attachment rows: the file's bytes inside the encrypted store, with their sha256.

``sha256`` and ``content`` are written together and never changed afterwards (sync sends
the bytes as a blob keyed by ``sha256``); removing an attachment tombstones the row.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessor_app.domain.attachments import AttachmentRow, mismatch_note
from assessor_app.store.base import utcnow
from assessor_app.store.models import Attachment, Evidence


def _row(a: Attachment) -> AttachmentRow:
    return AttachmentRow(a.id, a.evidence_id, a.filename, a.mime, a.size, a.sha256,
                         mismatch_note(a.filename, a.mime))


def evidence_status(session: Session, evidence_id: str) -> str | None:
    ev = session.get(Evidence, evidence_id)
    return None if ev is None or ev.deleted_at is not None else ev.status


def add(session: Session, evidence_id: str, filename: str, mime: str, sha256: str,
        content: bytes) -> AttachmentRow:
    row = Attachment(evidence_id=evidence_id, filename=filename, mime=mime, sha256=sha256,
                     size=len(content), content=content)
    session.add(row)
    session.flush()
    return _row(row)


def live(session: Session, evidence_id: str) -> list[AttachmentRow]:
    rows = session.scalars(
        select(Attachment)
        .where(Attachment.evidence_id == evidence_id, Attachment.deleted_at.is_(None))
        .order_by(Attachment.created_at, Attachment.id))
    return [_row(a) for a in rows]


def get(session: Session, attachment_id: str) -> AttachmentRow | None:
    a = session.get(Attachment, attachment_id)
    return None if a is None or a.deleted_at is not None else _row(a)


def content(session: Session, attachment_id: str) -> bytes | None:
    found = session.execute(
        select(Attachment.content)
        .where(Attachment.id == attachment_id, Attachment.deleted_at.is_(None))).first()
    return None if found is None else bytes(found[0])


def tombstone(session: Session, attachment_id: str) -> bool:
    a = session.get(Attachment, attachment_id)
    if a is None or a.deleted_at is not None:
        return False
    a.deleted_at = utcnow()
    return True
