"""Signing identities and PDF signatures: keys in the store, passphrases in the keyring.

Each signer (assessor, practitioner, line manager) gets an EC key pair and a
self-signed certificate on first use. The private key is stored encrypted
(PKCS#8) in the store; its random passphrase goes to the ``SecretStore`` under
``signing-key:<identity id>`` and never touches disk. Verification needs no
store and no keyring, so it works on any machine.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from assessor_app.errors import AppError
from assessor_app.keystore import SecretStore
from assessor_app.reports import certificates, pdfsign
from assessor_app.reports.pdfsign import SignatureCheck, VerificationReport

if TYPE_CHECKING:  # the store (SQLAlchemy, ~0.6 s) is not needed to verify a file
    from assessor_app.store.database import Database
    from assessor_app.store.signing_repo import IdentityRecord, SigningRepository

__all__ = [
    "DEMO_SIGNING_PASSPHRASE", "REASONS", "ROLES", "SignatureCheck", "SignerIdentity", "SigningKeyMissing",
    "SigningKeyRetired",
    "SigningService", "VerificationReport", "demo_secrets", "field_for", "read_pdf",
    "signing_secrets",
    "verify_pdf",
]

ROLES = tuple(certificates.ROLE_LABELS)  # ("assessor", "practitioner", "manager")

#: The documented passphrase of signing keys in *demo* data folders only (fictional
#: people; lets the demo sign on machines with no keyring). Never used for a real store.
DEMO_SIGNING_PASSPHRASE = "demo-only-fictional-signing-key-notreal"
SECRET_PREFIX = "signing-key:"
#: The /Reason each role's signature carries (shown by PDF readers).
REASONS: dict[str, str] = {
    "assessor": "Assessed and recommended by the assessor",
    "practitioner": "Read and countersigned by the practitioner",
    "manager": "Read and countersigned by the line manager",
}


class SigningKeyMissing(AppError):
    """The keyring has no passphrase for a signer's key."""

    exit_code = 3


class SigningKeyRetired(AppError):
    """The signer's key left this store when it was enrolled as someone else."""

    exit_code = 3


def _retired(name: str) -> SigningKeyRetired:
    return SigningKeyRetired(
        f"{name}'s signing key was removed from this computer when it was connected to the "
        "sync server as someone else, so it cannot sign here. Nothing was signed.",
        f"{name} signs on their own computer, or connects this one as themselves again "
        "(assessor-app enrol with a code for them). Reports they signed earlier keep verifying.")


class PdfFileUnreadable(AppError):
    exit_code = 2


@dataclass(frozen=True)
class SignerIdentity:
    """A signer's identity as the app shows it (no key material)."""

    id: str
    subject_kind: str  # "person" / "practitioner"
    subject_id: str
    name: str
    role: str
    registration_number: str
    fingerprint: str  # sha256 of the DER certificate
    issuer: str  # "self-signed" or "employer"
    created_at: datetime


def _dto(rec: IdentityRecord) -> SignerIdentity:
    return SignerIdentity(rec.id, rec.subject_kind, rec.subject_id, rec.name, rec.role,
                          rec.registration_number, rec.fingerprint, rec.issuer, rec.created_at)


def secret_name(identity_id: str) -> str:
    return f"{SECRET_PREFIX}{identity_id}"


class _DemoSigningSecrets:
    """SecretStore for demo folders: every signing key opens with the documented passphrase."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        if name in self._values:
            return self._values[name]
        return DEMO_SIGNING_PASSPHRASE if name.startswith(SECRET_PREFIX) else None

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def delete(self, name: str) -> None:
        self._values.pop(name, None)

    def describe(self) -> str:
        return "demo (documented passphrase)"


def demo_secrets() -> SecretStore:
    """Secrets for a demo store: signing keys use ``DEMO_SIGNING_PASSPHRASE``."""
    return _DemoSigningSecrets()


def signing_secrets(database: Database, keyring: Callable[[], SecretStore]) -> SecretStore:
    """The demo secrets for demo folders, else the OS keyring (made only when needed)."""
    return demo_secrets() if database.demo else keyring()


class SigningService:
    def __init__(self, database: Database, secrets: SecretStore) -> None:
        self._db = database
        self._secrets = secrets

    def identity(self, subject_kind: str, subject_id: str, name: str, role: str,
                 registration_number: str = "", employer: str = "") -> SignerIdentity:
        """Get the subject's identity for ``role``, creating key and certificate on first use.

        When the name or registration number changed since the certificate was made,
        the old identity is retired (kept, so old signatures still verify) and a new
        one made, because a certificate must name its signer correctly.
        """
        from assessor_app.store.signing_repo import SigningRepository

        if role not in ROLES:
            raise AppError(f"Unknown signing role {role!r}.", f"Use one of: {', '.join(ROLES)}.")
        with self._db.uow("signing") as uow:
            repo = SigningRepository(uow.session)
            rec = repo.current(subject_kind, subject_id, role)
            if rec is not None and (rec.name, rec.registration_number) == (
                    name.strip(), registration_number.strip()):
                return _dto(rec)
            if rec is not None:
                repo.retire(rec.id)
            rec = self._create(repo, subject_kind, subject_id, name, role,
                               registration_number, employer)
            uow.commit()
        return _dto(rec)

    def new_identity(self, identity: SignerIdentity, employer: str = "") -> SignerIdentity:
        """Retire ``identity`` and make a new key for the same signer (only when asked).

        Nothing is deleted: the old row and any keyring entry stay, and reports
        signed with the old certificate keep verifying.
        """
        from assessor_app.store.signing_repo import SigningRepository

        with self._db.uow("signing") as uow:
            repo = SigningRepository(uow.session)
            repo.retire(identity.id)
            rec = self._create(repo, identity.subject_kind, identity.subject_id, identity.name,
                               identity.role, identity.registration_number, employer)
            uow.commit()
        return _dto(rec)

    def _create(self, repo: SigningRepository, subject_kind: str, subject_id: str, name: str,
                role: str, registration_number: str, employer: str) -> IdentityRecord:
        if repo.keys_wiped(subject_kind, subject_id):  # no fresh key in a previous user's name
            raise _retired(name.strip())
        ident_id = str(uuid.uuid4())
        key_name = secret_name(ident_id)
        passphrase = self._secrets.get(key_name) or certificates.new_passphrase()
        self._secrets.set(key_name, passphrase)  # keyring first: no row without its passphrase
        if self._secrets.get(key_name) != passphrase:
            raise SigningKeyMissing("The keyring did not keep the new signing key's passphrase.",
                                    "Check the keyring is unlocked and try again; nothing was saved.")
        pair = certificates.create_identity(name, role, registration_number, employer)
        return repo.add(identity_id=ident_id, subject_kind=subject_kind, subject_id=subject_id,
                        name=name.strip(), role=role, registration_number=registration_number.strip(),
                        cert_pem=certificates.cert_pem(pair.certificate),
                        key_pem_encrypted=certificates.encrypt_key(pair, passphrase),
                        fingerprint=certificates.fingerprint(pair.certificate))

    def _record(self, identity: SignerIdentity | str) -> IdentityRecord:
        from assessor_app.store.signing_repo import SigningRepository

        ident_id = identity if isinstance(identity, str) else identity.id
        with self._db.uow() as uow:
            rec = SigningRepository(uow.session).get(ident_id)
        if rec is None:
            raise AppError("That signing identity is not in this store.",
                           "It may belong to another store; nothing was signed.")
        return rec

    def signer_for(self, identity: SignerIdentity | str) -> certificates.KeyPair:
        """The decrypted key pair; clear errors for a missing or wrong passphrase."""
        rec = self._record(identity)
        if not rec.key_pem_encrypted:
            raise _retired(rec.name)
        passphrase = self._secrets.get(secret_name(rec.id))
        if not passphrase:
            raise SigningKeyMissing(
                f"This computer's keyring has no passphrase for the signing key of {rec.name} "
                f"({certificates.role_label(rec.role).lower()}), so it cannot be used.",
                "If the keyring was reset or the store moved from another computer, restore the "
                "keyring entry. Otherwise a new signing key can be made for this person when you "
                "ask for one (sign with --new-key). Nothing was signed or deleted, and reports "
                "already signed with the old key keep verifying.",
            )
        return certificates.load_key_pair(rec.key_pem_encrypted, passphrase, rec.cert_pem)

    def sign_pdf(self, pdf: bytes, *, role: str, identity: SignerIdentity | str,
                 reason: str, field: str | None = None, location: str = "") -> bytes:
        """Sign in the role's field (incremental update); returns the whole new file."""
        pair = self.signer_for(identity)
        return pdfsign.sign(pdf, pair, role, field=field, reason=reason, location=location)

    def export_certificate(self, identity: SignerIdentity | str) -> bytes:
        """The certificate as PEM, for others to pass to ``verify --trust``."""
        return self._record(identity).cert_pem.encode("ascii")

    def get(self, identity_id: str) -> SignerIdentity:
        return _dto(self._record(identity_id))


def field_for(role: str) -> str:
    return pdfsign.FIELD_NAMES[role]


def read_pdf(path: str | Path) -> bytes:
    """The file's bytes, or a clear error (exit 2) when it cannot be read."""
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise PdfFileUnreadable(f"There is no file {p}.", "Check the path and try again.") from None
    except OSError as exc:
        raise PdfFileUnreadable(f"{p} cannot be read ({exc.strerror or exc}).",
                                "Check the path and your permissions.") from None


def verify_pdf(pdf: bytes, trust_files: Sequence[str | Path] = ()) -> VerificationReport:
    """Verify every signature; trust anchors come from PEM/DER files (none: not checked)."""
    anchors = [c for f in trust_files for c in certificates.load_trust_file(f)]
    return pdfsign.verify(pdf, anchors or None)
