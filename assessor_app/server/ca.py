"""The employer's certificate authority: signs each user's signing key at enrolment.

EC P-256 like ``reports/certificates.py``; kept in ``<data-dir>/server/ca/`` (the key file
mode 0600). Reports signed with an issued certificate verify against this root.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from assessor_app.server.config import ServerError

CA_VALIDITY = timedelta(days=20 * 365)
USER_VALIDITY = timedelta(days=5 * 365 + 1)
ROLE_TITLES = {"assessor": "Assessor", "practitioner": "Practitioner",
               "manager": "Line manager", "coordinator": "Coordinator"}


@dataclass(frozen=True)
class Authority:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def cert_pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def fingerprint(self) -> str:
        return self.cert.fingerprint(hashes.SHA256()).hex(":").upper()


def _write(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _load(ca_dir: Path) -> Authority:
    try:
        key = serialization.load_pem_private_key((ca_dir / "ca-key.pem").read_bytes(),
                                                 password=None)
        cert = x509.load_pem_x509_certificate((ca_dir / "ca-cert.pem").read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise ServerError(f"The employer CA in {ca_dir} cannot be read.",
                          "Restore ca-key.pem and ca-cert.pem from a backup.") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ServerError(f"The employer CA key in {ca_dir} is not an EC key.")
    return Authority(key, cert)


def load_or_create(ca_dir: Path, employer: str = "Employer") -> Authority:
    """The employer CA, created on first use. Created in a scratch folder and renamed into
    place, so two server instances starting together end up with the same CA."""
    if ca_dir.is_dir() and any(ca_dir.iterdir()):
        return _load(ca_dir)
    ca_dir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".ca-", dir=ca_dir.parent))  # mode 0700
    try:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([
            x509.NameAttribute(NameOID.COMMON_NAME, f"{employer} assessor workbench CA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, employer)])
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + CA_VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False),
                           critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256())
        )
        _write(scratch / "ca-key.pem", key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()), 0o600)
        _write(scratch / "ca-cert.pem", cert.public_bytes(serialization.Encoding.PEM), 0o644)
        with contextlib.suppress(OSError):  # another instance got there first: use theirs
            os.rename(scratch, ca_dir)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return _load(ca_dir)


def _builder(ca: Authority, subject: x509.Name, public_key, validity: timedelta):  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    not_after = min(now + validity, ca.cert.not_valid_after_utc)
    return (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca.cert.subject)
        .public_key(public_key).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
                       critical=False)
    )


def issue_user_cert(ca: Authority, csr_pem: str, user_name: str, role: str) -> str:
    """Sign the key in ``csr_pem`` for this user. The name and role come from the server's
    records, not the request; the registration number and employer are kept from it."""
    try:
        csr = x509.load_pem_x509_csr(csr_pem.encode())
    except ValueError as exc:
        raise ServerError("The certificate request is not a valid PEM CSR.") from exc
    if not csr.is_signature_valid:
        raise ServerError("The certificate request's signature does not match its key.")
    pub = csr.public_key()
    if not isinstance(pub, ec.EllipticCurvePublicKey):
        raise ServerError("The certificate request must be for an EC P-256 key.")
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, user_name[:64]),
             x509.NameAttribute(NameOID.TITLE, ROLE_TITLES.get(role, role))]
    for oid in (NameOID.SERIAL_NUMBER, NameOID.ORGANIZATION_NAME):
        for a in csr.subject.get_attributes_for_oid(oid):
            attrs.append(x509.NameAttribute(oid, str(a.value)[:64]))
    if not csr.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME):
        for a in ca.cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME):
            attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, str(a.value)))
    cert = (
        _builder(ca, x509.Name(attrs), pub, USER_VALIDITY)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .sign(ca.key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def issue_server_cert(ca: Authority, out_dir: Path, hosts: tuple[str, ...] = ("127.0.0.1",
                                                                             "localhost")
                      ) -> tuple[Path, Path]:
    """A TLS certificate for this server signed by the employer CA (tests and small sites):
    clients trust it with ``--ca-bundle ca-cert.pem``. Returns (cert file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for h in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            names.append(x509.DNSName(h))
    cert = (
        _builder(ca, x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]),
                 key.public_key(), timedelta(days=825))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = out_dir / "tls-cert.pem", out_dir / "tls-key.pem"
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    _write(key_path, key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption()), 0o600)
    return cert_path, key_path
