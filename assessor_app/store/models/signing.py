"""Signing identities and the moderation pseudonym map: local-only, never synced."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from assessor_app.store.base import Base, new_id, utcnow


class SigningIdentity(Base):
    """A signer's key pair: certificate in clear, private key encrypted (PKCS#8).

    The key's passphrase lives in the OS keyring, never in this table.
    """

    __tablename__ = "signing_identity"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subject_kind: Mapped[str] = mapped_column(String(16))  # person / practitioner
    subject_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))  # assessor / practitioner / manager
    registration_number: Mapped[str] = mapped_column(String(32), default="")
    cert_pem: Mapped[str] = mapped_column(Text)
    key_pem_encrypted: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of the DER cert
    issuer: Mapped[str] = mapped_column(String(32), default="self-signed")  # or "employer"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Pseudonym(Base):
    """Real value → stable pseudonym for anonymised moderation portfolios.

    Kept only in the encrypted store, so a moderator's copy never carries the key.
    """

    __tablename__ = "pseudonym"
    __table_args__ = (UniqueConstraint("scope", "kind", "real", name="uq_pseudonym_scope_kind_real"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    scope: Mapped[str] = mapped_column(String(36))  # enrolment id
    kind: Mapped[str] = mapped_column(String(32))  # practitioner / person / case / registration / place
    real: Mapped[str] = mapped_column(Text)
    pseudonym: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
