"""Generated PDFs in the store: versions, signatures, and the rule that signed means final.

A signed document is immutable: the only change accepted is one more signature,
and only as an incremental update that leaves every earlier signature valid.
A correction is a new version (``store`` again), which supersedes the old one.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from assessor_app.errors import AppError, NotFound
from assessor_app.reports import pdfsign
from assessor_app.store import review_repo
from assessor_app.store.database import Database
from assessor_app.store.document_repo import DocumentInfo, DocumentRepository, Party, SignatureInfo

if TYPE_CHECKING:
    from assessor_app.services.signing import SignerIdentity

__all__ = ["DocumentImmutable", "DocumentInfo", "DocumentService", "Party", "SignatureInfo"]

_NEW_VERSION = ("Make a new version instead: generate the report again. The signed version is "
                "kept as it is.")


class DocumentImmutable(AppError):
    """A change to a signed document (other than one more valid signature) was refused."""


class DocumentService:
    def __init__(self, database: Database, actor: str = "") -> None:
        self._db = database
        self._actor = actor

    def store(self, enrolment_id: str | None, kind: str, pdf: bytes,
              evidence_set_sha256: str = "", *, document_id: str | None = None,
              subject_id: str = "") -> DocumentInfo:
        """Keep a newly generated PDF as the next version of (enrolment, kind, subject).

        ``document_id``: the id printed in the PDF's footer, so the paper finds the record.
        """
        if not pdf.startswith(b"%PDF-"):
            raise AppError("Only PDF files can be stored as documents.", "Nothing was saved.")
        with self._db.uow(self._actor) as uow:
            repo = DocumentRepository(uow.session)
            prev = repo.latest(enrolment_id, kind, subject_id)
            info = repo.add(enrolment_id=enrolment_id, kind=kind,
                            version=(prev.version + 1) if prev else 1,
                            supersedes_id=prev.id if prev else None, content=pdf,
                            evidence_set_sha256=evidence_set_sha256, document_id=document_id,
                            subject_id=subject_id)
            uow.commit()
        return info

    def get(self, document_id: str) -> DocumentInfo:
        with self._db.uow() as uow:
            info = DocumentRepository(uow.session).get(document_id)
        if info is None:
            raise NotFound("That document is not in this store.", "Nothing was changed.")
        return info

    def content(self, document_id: str) -> bytes:
        with self._db.uow() as uow:
            data = DocumentRepository(uow.session).content(document_id)
        if data is None:
            raise NotFound("That document is not in this store.", "Nothing was changed.")
        return data

    def versions(self, enrolment_id: str, kind: str) -> list[DocumentInfo]:
        with self._db.uow() as uow:
            return DocumentRepository(uow.session).versions(enrolment_id, kind)

    def find_by_sha256(self, sha256: str) -> DocumentInfo | None:
        """The document that has (or had, before later signatures) this sha256."""
        with self._db.uow() as uow:
            return DocumentRepository(uow.session).find_by_sha256(sha256)

    def find_file(self, pdf: bytes) -> DocumentInfo | None:
        return self.find_by_sha256(hashlib.sha256(pdf).hexdigest())

    def parties(self, document_id: str) -> dict[str, Party]:
        """Who may sign this document: its enrolment's assessor, practitioner and manager."""
        info = self.get(document_id)
        if info.enrolment_id is None:
            return {}
        with self._db.uow() as uow:
            return DocumentRepository(uow.session).parties(info.enrolment_id)

    def replace_content(self, document_id: str, pdf: bytes) -> DocumentInfo:
        """Change an *unsigned* document (e.g. add signature fields); signed ones refuse."""
        with self._db.uow(self._actor) as uow:
            repo = DocumentRepository(uow.session)
            info = repo.get(document_id)
            if info is None:
                raise NotFound("That document is not in this store.", "Nothing was changed.")
            if info.signed:
                raise DocumentImmutable(
                    f"Version {info.version} of this {info.kind} report is signed, so it cannot "
                    "be changed.", _NEW_VERSION)
            repo.set_content(document_id, pdf)
            uow.commit()
            out = repo.get(document_id)
        assert out is not None
        return out

    def add_signature(self, document_id: str, signed_pdf: bytes, identity: SignerIdentity,
                      role: str, field: str) -> DocumentInfo:
        """Record one more signature; refuses anything but a valid incremental update."""
        with self._db.uow(self._actor) as uow:
            repo = DocumentRepository(uow.session)
            info = repo.get(document_id)
            old = repo.content(document_id)
            if info is None or old is None:
                raise NotFound("That document is not in this store.", "Nothing was changed.")
            if info.signed_by(role):
                raise DocumentImmutable(
                    f"The {role} has already signed version {info.version} of this report.",
                    _NEW_VERSION)
            if len(signed_pdf) <= len(old) or not signed_pdf.startswith(old):
                raise DocumentImmutable(
                    "The new file does not extend the stored one: signing may only append to a "
                    "document, never rewrite it.", _NEW_VERSION)
            signed_at = self._check_signatures(signed_pdf, identity, field)
            repo.set_content(document_id, signed_pdf)
            repo.add_signature(document_id, signer_name=identity.name, role=role,
                               cert_fingerprint=identity.fingerprint, signed_at=signed_at,
                               field_name=field)
            # Once the assessor signs the final report, the assessment it was built from is
            # fixed: any correction needs a new version with new signatures.
            if (info.kind == "final" and role == "assessor" and info.enrolment_id
                    and review_repo.assessment_status(uow.session, info.enrolment_id) == "final"):
                review_repo.set_assessment_status(uow.session, info.enrolment_id, "signed")
            uow.commit()
            out = repo.get(document_id)
        assert out is not None
        return out

    @staticmethod
    def _check_signatures(signed_pdf: bytes, identity: SignerIdentity, field: str) -> datetime:
        """Every earlier signature still verifies; the new one is last, in ``field``, by ``identity``."""
        report = pdfsign.verify(signed_pdf)
        new = [s for s in report.signatures if s.field == field]
        if len(new) != 1 or new[0].later_signatures != 0 or not new[0].covers_whole_file:
            raise DocumentImmutable(f"The file has no new signature in the field {field}.",
                                    "Nothing was changed.")
        if new[0].fingerprint != identity.fingerprint:
            raise DocumentImmutable("The new signature was not made with this signer's key.",
                                    "Nothing was changed.")
        bad = [s for s in report.signatures if not s.ok]
        if bad:
            raise DocumentImmutable(
                f"After signing, the signature in {bad[0].field} no longer verifies "
                f"({'; '.join(bad[0].problems) or 'failed'}).", "Nothing was changed.")
        return new[0].signed_at or datetime.now(UTC)
