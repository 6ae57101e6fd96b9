"""Signing keys and self-signed X.509 certificates (``cryptography`` only, no pyHanko).

Who signed is carried in the certificate's subject, so any validator (pyHanko,
poppler's ``pdfsig``, Acrobat) can show it: CN = name, title = role,
serialNumber = Social Work England registration number, O = employer.

Keys are EC P-256: both pyHanko and ``pdfsig`` (NSS) verify ECDSA-with-SHA256
signatures, key generation is instant (RSA-3072 takes up to a second), and the
signatures are small. The private key is kept only as encrypted PKCS#8 PEM.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from assessor_app.errors import AppError

#: Role keys used across the app → the title written into the certificate.
ROLE_LABELS: dict[str, str] = {
    "assessor": "Assessor",
    "practitioner": "Practitioner",
    "manager": "Line manager",
}
VALIDITY = timedelta(days=5 * 365 + 1)


class TrustFileError(AppError):
    """A ``--trust`` file is missing or holds no certificate."""

    exit_code = 2


class KeyDecryptError(AppError):
    """The passphrase does not open the encrypted private key."""

    exit_code = 3


@dataclass(frozen=True)
class KeyPair:
    """A private key with its certificate: what the PDF signer needs."""

    private_key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate


@dataclass(frozen=True)
class SubjectInfo:
    """The signer as the certificate names them ("" where absent)."""

    name: str
    role: str  # role key ("assessor", ...) when the title is one of ours, else the title
    registration_number: str
    employer: str


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def new_passphrase() -> str:
    """A random passphrase for one key (256 bits, URL-safe text for the keyring)."""
    return secrets.token_urlsafe(32)


def create_identity(name: str, role: str, registration_number: str = "", employer: str = "",
                    *, now: datetime | None = None) -> KeyPair:
    """A new EC P-256 key and a 5-year self-signed certificate naming the signer."""
    if not name.strip():
        raise AppError("A signer needs a name.", "Add the person's name and try again.")
    key = ec.generate_private_key(ec.SECP256R1())
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, name.strip()[:64]),
             x509.NameAttribute(NameOID.TITLE, role_label(role)[:64])]
    if registration_number.strip():
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, registration_number.strip()[:64]))
    if employer.strip():
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, employer.strip()[:64]))
    subject = x509.Name(attrs)
    start = (now or datetime.now(UTC)) - timedelta(minutes=5)  # tolerate small clock skew
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=True,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          key_cert_sign=False, crl_sign=False, encipher_only=False,
                          decipher_only=False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(key, cert)


def encrypt_key(pair: KeyPair, passphrase: str) -> str:
    """The private key as encrypted PKCS#8 PEM ("ENCRYPTED PRIVATE KEY")."""
    return pair.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    ).decode("ascii")


def cert_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def load_key_pair(key_pem_encrypted: str, passphrase: str, certificate_pem: str) -> KeyPair:
    """Decrypt the key; a wrong passphrase or a key that does not match the certificate fails."""
    cert = x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
    try:
        key = serialization.load_pem_private_key(key_pem_encrypted.encode("ascii"),
                                                 passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise KeyDecryptError(
            "The signing key could not be opened: the passphrase in the keyring does not match it.",
            "The keyring entry may have been replaced. Nothing was signed or deleted.",
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or (
        key.public_key().public_numbers() != cert.public_key().public_numbers()  # type: ignore[union-attr]
    ):
        raise KeyDecryptError("The signing key does not belong to its certificate.",
                              "Nothing was signed or deleted.")
    return KeyPair(key, cert)


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate, lower-case hex (what validators show)."""
    return cert.fingerprint(hashes.SHA256()).hex()


def _attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def describe_subject(cert: x509.Certificate) -> SubjectInfo:
    subject = cert.subject
    title = _attr(subject, NameOID.TITLE)
    role = next((k for k, v in ROLE_LABELS.items() if v == title), title)
    return SubjectInfo(_attr(subject, NameOID.COMMON_NAME) or subject.rfc4514_string(), role,
                       _attr(subject, NameOID.SERIAL_NUMBER),
                       _attr(subject, NameOID.ORGANIZATION_NAME))


def parse_certificates(data: bytes, source: str = "the trust file") -> list[x509.Certificate]:
    """PEM (one or many certificates) or DER; anything else is a TrustFileError."""
    hint = "Give a certificate file (PEM or DER: .pem, .crt or .cer)."
    try:
        if b"-----BEGIN" in data:
            if b"-----BEGIN CERTIFICATE-----" not in data:
                raise ValueError("no certificate block")
            return list(x509.load_pem_x509_certificates(data))
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise TrustFileError(f"{source} is not a certificate.", hint) from None


def load_trust_file(path: str | Path) -> list[x509.Certificate]:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise TrustFileError(f"The trust file {p} cannot be read ({exc.strerror or exc}).",
                             "Check the path and try again.") from None
    return parse_certificates(data, f"The trust file {p}")


# -- employer-issued certificates (sync enrolment) ---------------------------------------------
class IssuedCertificateError(AppError):
    """The certificate the employer's server sent does not fit the key or its CA."""

    exit_code = 11


def make_csr(pair: KeyPair) -> str:
    """A PEM certificate signing request for the pair's key, naming its certificate's subject
    (the employer's server writes the name and role from its own records)."""
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(pair.certificate.subject)
           .sign(pair.private_key, hashes.SHA256()))
    return csr.public_bytes(serialization.Encoding.PEM).decode("ascii")


def accept_issued(pair: KeyPair, cert_pem_text: str, ca_pem_text: str) -> KeyPair:
    """The pair with the employer-issued certificate, after checking it holds our key and is
    signed by the employer's CA (so reports signed with it verify against that root)."""
    try:
        cert = x509.load_pem_x509_certificate(cert_pem_text.encode("ascii"))
        ca = x509.load_pem_x509_certificate(ca_pem_text.encode("ascii"))
    except ValueError:
        raise IssuedCertificateError("The server's signing certificate could not be read.",
                                     "Enrol again; if it keeps failing, tell your IT team.") from None
    if cert.public_key().public_numbers() != pair.private_key.public_key().public_numbers():  # type: ignore[union-attr]
        raise IssuedCertificateError("The server issued a certificate for another key.",
                                     "Enrol again; if it keeps failing, tell your IT team.")
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        raise IssuedCertificateError("The server's certificate is not signed by its own CA.",
                                     "Enrol again; if it keeps failing, tell your IT team.") from None
    return KeyPair(pair.private_key, cert)
