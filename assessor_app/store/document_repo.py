"""Generated PDFs (``Document``) and their signatures (``Signature``) in the store.

Services get frozen ``DocumentInfo`` values, never mapped rows. The rules (what
may change, versioning) live in ``services.documents``; this module only reads
and writes rows inside the caller's unit of work.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessor_app.store.base import new_id
from assessor_app.store.models import Document, Enrolment, Person, Practitioner, Signature

# The end of a revision: "%%EOF" and its end-of-line, where an incremental update may start.
_EOF = re.compile(rb"%%EOF(\r\n|\r|\n)?")


@dataclass(frozen=True)
class SignatureInfo:
    signer_name: str
    role: str
    cert_fingerprint: str
    signed_at: datetime
    field_name: str


@dataclass(frozen=True)
class DocumentInfo:
    id: str
    enrolment_id: str | None
    kind: str
    version: int
    supersedes_id: str | None
    sha256: str  # of the current content
    evidence_set_sha256: str
    size: int
    created_at: datetime
    signatures: tuple[SignatureInfo, ...] = ()
    subject_id: str = ""  # the review or evidence a report is about; "" for the others

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    def signed_by(self, role: str) -> bool:
        return any(s.role == role for s in self.signatures)


@dataclass(frozen=True)
class Party:
    """Someone who may sign a document of an enrolment."""

    role: str  # assessor / practitioner / manager
    subject_kind: str  # person / practitioner
    subject_id: str
    name: str
    registration_number: str
    employer: str


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def revision_hashes(content: bytes) -> list[str]:
    """sha256 of every state the file had: each prefix that ends a revision (``%%EOF``).

    Incremental updates only append, so every earlier state of a signed file is
    one of these prefixes. One pass over the bytes.
    """
    h = hashlib.sha256()
    out: list[str] = []
    pos = 0
    for m in _EOF.finditer(content):
        h.update(content[pos:m.end()])
        pos = m.end()
        out.append(h.copy().hexdigest())
    if pos < len(content):
        h.update(content[pos:])
        out.append(h.hexdigest())
    return out


class DocumentRepository:
    """Reads and writes Document and Signature rows inside one unit of work."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def _signatures(self, document_id: str) -> tuple[SignatureInfo, ...]:
        rows = self._s.execute(
            select(Signature).where(Signature.document_id == document_id,
                                    Signature.deleted_at.is_(None))
            .order_by(Signature.signed_at, Signature.created_at)
        ).scalars()
        return tuple(SignatureInfo(r.signer_name, r.role, r.cert_fingerprint, _utc(r.signed_at),
                                   r.field_name) for r in rows)

    def _info(self, row: Document, size: int | None = None) -> DocumentInfo:
        if size is None:
            size = self._s.execute(
                select(func.length(Document.content)).where(Document.id == row.id)).scalar_one()
        return DocumentInfo(row.id, row.enrolment_id, row.kind, row.version, row.supersedes_id,
                            row.sha256, row.evidence_set_sha256, int(size or 0),
                            _utc(row.created_at), self._signatures(row.id), row.subject_id or "")

    def _row(self, document_id: str) -> Document | None:
        row = self._s.get(Document, document_id)
        return row if row is not None and row.deleted_at is None else None

    def get(self, document_id: str) -> DocumentInfo | None:
        row = self._row(document_id)
        return self._info(row) if row is not None else None

    def content(self, document_id: str) -> bytes | None:
        return self._s.execute(
            select(Document.content).where(Document.id == document_id,
                                           Document.deleted_at.is_(None))
        ).scalar_one_or_none()

    def latest(self, enrolment_id: str | None, kind: str, subject_id: str = "") -> DocumentInfo | None:
        """The highest version of a document kind (about one subject) for an enrolment."""
        same = (Document.enrolment_id.is_(None) if enrolment_id is None
                else Document.enrolment_id == enrolment_id)
        row = self._s.execute(
            select(Document)
            .where(same, Document.kind == kind, Document.subject_id == subject_id,
                   Document.deleted_at.is_(None))
            .order_by(Document.version.desc()).limit(1)
        ).scalar_one_or_none()
        return self._info(row) if row is not None else None

    def versions(self, enrolment_id: str, kind: str) -> list[DocumentInfo]:
        rows = self._s.execute(
            select(Document).where(Document.enrolment_id == enrolment_id, Document.kind == kind,
                                   Document.deleted_at.is_(None))
            .order_by(Document.version)
        ).scalars().all()
        return [self._info(r) for r in rows]

    def add(self, *, enrolment_id: str | None, kind: str, version: int,
            supersedes_id: str | None, content: bytes, evidence_set_sha256: str,
            document_id: str | None = None, subject_id: str = "") -> DocumentInfo:
        row = Document(id=document_id or new_id(), enrolment_id=enrolment_id, kind=kind,
                       subject_id=subject_id, version=version,
                       supersedes_id=supersedes_id, content=content,
                       sha256=hashlib.sha256(content).hexdigest(),
                       evidence_set_sha256=evidence_set_sha256)
        self._s.add(row)
        self._s.flush()
        return self._info(row, len(content))

    def set_content(self, document_id: str, content: bytes) -> None:
        row = self._row(document_id)
        if row is None:
            raise KeyError(document_id)
        row.content = content
        row.sha256 = hashlib.sha256(content).hexdigest()
        self._s.flush()

    def add_signature(self, document_id: str, *, signer_name: str, role: str,
                      cert_fingerprint: str, signed_at: datetime, field_name: str) -> None:
        self._s.add(Signature(document_id=document_id, signer_name=signer_name, role=role,
                              cert_fingerprint=cert_fingerprint, signed_at=signed_at,
                              field_name=field_name))
        self._s.flush()

    def find_by_sha256(self, sha256: str) -> DocumentInfo | None:
        """The document whose current content, or any earlier signed state, has this hash."""
        sha = sha256.lower()
        row = self._s.execute(
            select(Document).where(Document.sha256 == sha, Document.deleted_at.is_(None))
            .order_by(Document.created_at.desc()).limit(1)
        ).scalar_one_or_none()
        if row is not None:
            return self._info(row)
        signed_ids = select(Signature.document_id).where(Signature.deleted_at.is_(None))
        ids = self._s.execute(
            select(Document.id).where(Document.id.in_(signed_ids), Document.deleted_at.is_(None))
        ).scalars().all()
        for doc_id in ids:  # one document's bytes in memory at a time
            if sha in revision_hashes(self.content(doc_id) or b""):
                found = self._row(doc_id)
                return self._info(found) if found is not None else None
        return None

    def parties(self, enrolment_id: str) -> dict[str, Party]:
        """Assessor, practitioner and line manager of an enrolment (those that are set)."""
        enr = self._s.get(Enrolment, enrolment_id)
        if enr is None:
            return {}
        out: dict[str, Party] = {}
        pr = self._s.get(Practitioner, enr.practitioner_id)
        if pr is not None:
            out["practitioner"] = Party("practitioner", "practitioner", pr.id, pr.name,
                                        pr.registration_number, pr.employer)
        for role, pid in (("assessor", enr.assessor_id), ("manager", enr.line_manager_id)):
            person = self._s.get(Person, pid) if pid else None
            if person is not None:
                out[role] = Party(role, "person", person.id, person.name,
                                  person.registration_number, person.employer)
        return out
