"""Signing identities (certificate in clear, private key encrypted) in the store.

The key's passphrase is never here: it lives in the OS keyring. Services get
plain ``IdentityRecord`` values, never mapped rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessor_app.store.models.signing import SigningIdentity


@dataclass(frozen=True)
class IdentityRecord:
    id: str
    subject_kind: str  # "person" / "practitioner"
    subject_id: str
    name: str
    role: str
    registration_number: str
    cert_pem: str
    key_pem_encrypted: str
    fingerprint: str
    issuer: str
    created_at: datetime
    retired_at: datetime | None


def _utc(at: datetime | None) -> datetime | None:
    if at is not None and at.tzinfo is None:  # SQLite hands back naive datetimes (stored as UTC)
        return at.replace(tzinfo=UTC)
    return at


def _record(row: SigningIdentity) -> IdentityRecord:
    created = _utc(row.created_at)
    assert created is not None
    return IdentityRecord(row.id, row.subject_kind, row.subject_id, row.name, row.role,
                          row.registration_number, row.cert_pem, row.key_pem_encrypted,
                          row.fingerprint, row.issuer, created, _utc(row.retired_at))


class SigningRepository:
    """Reads and writes SigningIdentity rows inside one unit of work."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def current(self, subject_kind: str, subject_id: str, role: str) -> IdentityRecord | None:
        """The live (not retired) identity of a subject in a role, newest first."""
        row = self._session.execute(
            select(SigningIdentity)
            .where(SigningIdentity.subject_kind == subject_kind,
                   SigningIdentity.subject_id == subject_id,
                   SigningIdentity.role == role,
                   SigningIdentity.retired_at.is_(None))
            .order_by(SigningIdentity.created_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        return _record(row) if row is not None else None

    def get(self, identity_id: str) -> IdentityRecord | None:
        row = self._session.get(SigningIdentity, identity_id)
        return _record(row) if row is not None else None

    def by_fingerprint(self, fingerprint: str) -> IdentityRecord | None:
        row = self._session.execute(
            select(SigningIdentity).where(SigningIdentity.fingerprint == fingerprint).limit(1)
        ).scalar_one_or_none()
        return _record(row) if row is not None else None

    def add(self, *, identity_id: str, subject_kind: str, subject_id: str, name: str, role: str,
            registration_number: str, cert_pem: str, key_pem_encrypted: str,
            fingerprint: str, issuer: str = "self-signed") -> IdentityRecord:
        row = SigningIdentity(id=identity_id, subject_kind=subject_kind, subject_id=subject_id,
                              name=name, role=role, registration_number=registration_number,
                              cert_pem=cert_pem, key_pem_encrypted=key_pem_encrypted,
                              fingerprint=fingerprint, issuer=issuer)
        self._session.add(row)
        self._session.flush()
        return _record(row)

    def retire(self, identity_id: str) -> None:
        """Mark an identity as no longer used for new signatures (its row is kept)."""
        row = self._session.get(SigningIdentity, identity_id)
        if row is not None and row.retired_at is None:
            row.retired_at = datetime.now(UTC)
            self._session.flush()

    # -- a store enrolled as someone else: the previous user's keys go ----------------------
    def subjects_issued_by(self, issuer: str) -> set[tuple[str, str]]:
        """(subject kind, subject id) of every identity ``issuer`` issued (the employer issues
        only to the user this store is enrolled as)."""
        rows = self._session.execute(
            select(SigningIdentity.subject_kind, SigningIdentity.subject_id)
            .where(SigningIdentity.issuer == issuer)).all()
        return {(r.subject_kind, r.subject_id) for r in rows}

    def wipe_keys(self, subjects: set[tuple[str, str]]) -> list[str]:
        """Retire every identity of ``subjects`` and delete its private key (freed pages
        zeroed); certificates stay, so what they signed still verifies. Returns the ids whose
        key was deleted now."""
        rows = [row for kind, subject in sorted(subjects) for row in self._session.execute(
            select(SigningIdentity).where(SigningIdentity.subject_kind == kind,
                                          SigningIdentity.subject_id == subject)).scalars()]
        now = datetime.now(UTC)
        wiped = []
        conn = self._session.connection()
        previous = conn.exec_driver_sql("PRAGMA secure_delete").scalar()
        conn.exec_driver_sql("PRAGMA secure_delete = ON")
        try:
            for row in rows:
                row.retired_at = row.retired_at or now
                if row.key_pem_encrypted:
                    row.key_pem_encrypted = ""
                    wiped.append(row.id)
            self._session.flush()
        finally:
            conn.exec_driver_sql(f"PRAGMA secure_delete = {int(previous or 0)}")
        return wiped

    def keys_wiped(self, subject_kind: str, subject_id: str) -> bool:
        """True when the subject's keys left this store (enrolled as someone else since) and
        no live identity has come back for them (enrolled as them again)."""
        rows = self._session.execute(
            select(SigningIdentity.key_pem_encrypted, SigningIdentity.retired_at)
            .where(SigningIdentity.subject_kind == subject_kind,
                   SigningIdentity.subject_id == subject_id)).all()
        return (any(r.key_pem_encrypted == "" for r in rows)
                and not any(r.retired_at is None for r in rows))
