"""PAdES signatures on report PDFs with pyHanko: empty fields, signing, verification.

pyHanko costs ~0.8 s to import, so it is imported inside the functions that use
it; importing this module (for its result types) stays cheap.

Why plain *approval* signatures and no DocMDP certification: a certification
signature with P=1 would forbid the practitioner's and manager's later
signatures, and even P=2 only works if the certifier's field policy is set up
front. Approval signatures in pre-made empty fields, each an incremental update,
let every party sign in turn while every earlier signature stays intact; the
validator's difference analysis (pyHanko: modification level FORM_FILLING at
most) is what proves that later revisions only added signatures.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from assessor_app.errors import AppError
from assessor_app.reports.certificates import (
    ROLE_LABELS,
    KeyPair,
    describe_subject,
    role_label,
)
from assessor_app.reports.certificates import fingerprint as cert_fingerprint

if TYPE_CHECKING:
    from cryptography import x509

#: Role key → the signature field that role signs into.
FIELD_NAMES: dict[str, str] = {role: f"sig-{role}" for role in ROLE_LABELS}
#: Fallback boxes (bottom of the last page) when a PDF has no field for the role.
_FALLBACK_BOXES: dict[str, tuple[float, float, float, float]] = {
    "assessor": (36, 40, 206, 100), "practitioner": (213, 40, 383, 100),
    "manager": (390, 40, 560, 100),
}
STAMP_TEXT = "Signed by %(name)s\n%(role)s, %(reg)s\n%(ts)s"


_NO_DECOMPOSITION = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h",
                                   "ı": "i", "Œ": "OE", "œ": "oe", "ŉ": "'n", "‘": "'", "’": "'",
                                   "“": '"', "”": '"', "–": "-", "—": "-"})


def stamp_safe(text: str) -> str:
    """Text the stamp's built-in font can draw (WinAnsi/Latin-1): ``Łucja`` → ``Lucja``.

    pyHanko's standard-font stamp writes anything else as UTF-16 and shows
    garbage. The certificate keeps the exact name; only the drawn stamp is folded.
    """
    out = []
    for ch in text.translate(_NO_DECOMPOSITION):
        if ch == "\n" or " " <= ch <= "~" or "\xa0" <= ch <= "\xff":
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch)
                       if not unicodedata.combining(c) and (" " <= c <= "~" or "\xa0" <= c <= "\xff"))
        out.append(base or "?")
    return "".join(out)


class PdfUnreadable(AppError):
    """Not a PDF, truncated, or damaged beyond reading."""

    exit_code = 2


class SigningRefused(AppError):
    """The PDF cannot take this signature (field already signed, unknown role...)."""


@dataclass(frozen=True)
class SignatureCheck:
    """What a reader needs to know about one signature."""

    field: str
    signer: str
    role: str  # role key when the certificate is one of ours, else its title (or "")
    registration_number: str
    employer: str
    signed_at: datetime | None
    fingerprint: str
    intact: bool  # the document digest matches the signed bytes
    valid: bool  # the CMS signature matches the signer's key
    trusted: bool | None  # chains to a given trust anchor; None: no anchors given
    covers_whole_file: bool
    modified_after: bool  # later revisions hold more than signatures and form filling
    later_signatures: int
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return (self.intact and self.valid and not self.modified_after
                and self.trusted is not False)

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["signed_at"] = self.signed_at.isoformat() if self.signed_at else None
        d["problems"] = list(self.problems)
        d["ok"] = self.ok
        return d


@dataclass(frozen=True)
class VerificationReport:
    signatures: tuple[SignatureCheck, ...]
    trust_checked: bool

    @property
    def all_ok(self) -> bool:
        """At least one signature, and every one intact, valid, unmodified (and trusted)."""
        return bool(self.signatures) and all(s.ok for s in self.signatures)


def _quiet_pyhanko() -> None:
    """Keep pyHanko's log records out of stderr and out of the app's log file.

    It logs expected path-building failures (self-signed) as warnings with
    tracebacks, and those name the signer (a person's name: not for the log).
    """
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        logger.propagate = False
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def _reader(pdf: bytes):  # type: ignore[no-untyped-def]
    """A pyHanko reader, or PdfUnreadable with a message a person can act on."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not isinstance(pdf, bytes | bytearray) or b"%PDF-" not in bytes(pdf[:1024]):
        raise PdfUnreadable("The file is not a PDF.",
                            "Check you chose the right file; nothing was changed.")
    again = "Copy the file again from where it came from; nothing was changed."
    try:
        reader = PdfFileReader(io.BytesIO(bytes(pdf)))
        reader.root  # noqa: B018 - force the trailer and catalogue to load
    except Exception as exc:  # any parse failure of untrusted input is "damaged"
        if not bytes(pdf).rstrip(b" \t\r\n\x00").endswith(b"%%EOF"):
            raise PdfUnreadable("The PDF is truncated: its end is missing.", again) from None
        raise PdfUnreadable(f"The PDF is damaged and cannot be read ({type(exc).__name__}).",
                            again) from None
    return reader


def _asn1_cert(cert: x509.Certificate):  # type: ignore[no-untyped-def]
    from asn1crypto import x509 as ax
    from cryptography.hazmat.primitives import serialization as ser

    return ax.Certificate.load(cert.public_bytes(ser.Encoding.DER))


def _simple_signer(pair: KeyPair):  # type: ignore[no-untyped-def]
    from asn1crypto import keys as ak
    from cryptography.hazmat.primitives import serialization as ser
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert = _asn1_cert(pair.certificate)
    key = ak.PrivateKeyInfo.load(pair.private_key.private_bytes(
        ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.NoEncryption()))
    return signers.SimpleSigner(signing_cert=cert, signing_key=key,
                                cert_registry=SimpleCertificateStore.from_certs([cert]))


def signature_fields(pdf: bytes) -> dict[str, bool]:
    """Signature field name → filled?"""
    from pyhanko.sign import fields

    reader = _reader(pdf)
    return {name: value is not None
            for name, value, _ref in fields.enumerate_sig_fields(reader)}


def add_signature_fields(pdf: bytes,
                         boxes: dict[str, tuple[int, tuple[float, float, float, float]]]) -> bytes:
    """Empty signature fields (``sig-<role>``) at (page index, box), in one incremental update.

    Called once on a freshly rendered report, before anyone signs it.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    unknown = set(boxes) - set(FIELD_NAMES)
    if unknown:
        raise ValueError(f"unknown signature roles: {sorted(unknown)}")
    existing = signature_fields(pdf)
    if any(existing.values()):
        raise SigningRefused("The PDF is already signed; fields are added before any signature.")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for role, (page, box) in boxes.items():
        if FIELD_NAMES[role] in existing:
            continue
        fields.append_signature_field(writer, fields.SigFieldSpec(
            sig_field_name=FIELD_NAMES[role], on_page=page,
            box=tuple(round(v, 2) for v in box)))  # type: ignore[arg-type]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sign(pdf: bytes, signer: KeyPair, role: str, *, field: str | None = None, reason: str,
         location: str = "", stamp: bool = True) -> bytes:
    """Sign as ``role`` (PAdES B-B, SHA-256) in an incremental update; returns the whole file.

    Signs into the role's empty field when the PDF has one, else adds a field with
    a box at the bottom of the last page. The result always starts with ``pdf``.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    _quiet_pyhanko()
    if role not in FIELD_NAMES:
        raise SigningRefused(f"Unknown signing role {role!r}.",
                             f"Use one of: {', '.join(FIELD_NAMES)}.")
    name = field or FIELD_NAMES[role]
    existing = signature_fields(pdf)
    if existing.get(name):
        raise SigningRefused(f"The {role_label(role).lower()}'s field ({name}) is already signed.",
                             "A signed report cannot be signed again in the same field.")
    meta = signers.PdfSignatureMetadata(
        field_name=name, reason=reason or None, location=location or None,
        md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
    )
    new_field = None
    if name not in existing:
        new_field = fields.SigFieldSpec(sig_field_name=name, on_page=-1,
                                        box=_FALLBACK_BOXES.get(role) if stamp else None)  # type: ignore[arg-type]
    subject = describe_subject(signer.certificate)
    style = TextStampStyle(stamp_text=STAMP_TEXT, timestamp_format="%d %b %Y %H:%M %Z")
    pdf_signer = signers.PdfSigner(meta, signer=_simple_signer(signer),
                                   stamp_style=style if stamp else None, new_field_spec=new_field)
    params = {"name": stamp_safe(subject.name), "role": role_label(role),
              "reg": stamp_safe(subject.registration_number) or "no registration number"}
    try:
        out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                                  appearance_text_params=params)
    except Exception as exc:
        raise SigningRefused(f"pyHanko could not sign this PDF ({type(exc).__name__}: {exc}).",
                             "Nothing was written.") from None
    signed = out.getvalue()
    if not signed.startswith(pdf):  # pragma: no cover - pyHanko always appends
        raise SigningRefused("Signing rewrote the file instead of appending to it.")
    return signed


def _check(embedded, vc, total: int, revisions: list[int]) -> SignatureCheck:  # type: ignore[no-untyped-def]
    from cryptography import x509
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    problems: list[str] = []
    name = str(embedded.field_name)
    later = sum(1 for r in revisions if r > embedded.signed_revision)
    try:
        cert = x509.load_der_x509_certificate(embedded.signer_cert.dump())
        who, fp = describe_subject(cert), cert_fingerprint(cert)
        signed_at = embedded.self_reported_timestamp
        status = validate_pdf_signature(embedded, vc)
    except Exception as exc:  # a malformed signature is a failed check, not a crash
        return _unreadable(name, total, f"the signature cannot be read ({type(exc).__name__})")
    coverage = status.coverage
    level = status.modification_level
    whole = coverage == SignatureCoverageLevel.ENTIRE_FILE
    modified = not whole and not (
        coverage == SignatureCoverageLevel.ENTIRE_REVISION and level is not None
        and level <= ModificationLevel.FORM_FILLING
    )
    if not status.intact:
        problems.append("the signed bytes were changed (digest mismatch)")
    if not status.valid:
        problems.append("the signature does not match the signer's key")
    if modified:
        problems.append("the file was changed after this signature")
    trusted: bool | None = None
    if total:
        trusted = bool(status.trusted)
        if not trusted:
            problems.append("the signer's certificate is not among the trusted ones")
    return SignatureCheck(name, who.name, who.role, who.registration_number, who.employer,
                          status.signer_reported_dt or signed_at, fp,
                          bool(status.intact), bool(status.valid), trusted, whole, modified,
                          later, tuple(problems))


def _unreadable(name: str, total: int, problem: str) -> SignatureCheck:
    return SignatureCheck(name, "unknown", "", "", "", None, "", False, False,
                          False if total else None, False, True, 0, (problem,))


def verify(pdf: bytes, trust: list[x509.Certificate] | None = None) -> VerificationReport:
    """Check every signature offline; ``trust`` are the anchors (None/empty: not checked).

    Every filled signature field is reported: one that pyHanko cannot read or does
    not support (pyHanko would silently skip it) is a failed check, not a gap.
    """
    from pyhanko.sign import fields
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    from pyhanko_certvalidator import ValidationContext

    _quiet_pyhanko()
    reader = _reader(pdf)
    anchors = [_asn1_cert(c) for c in (trust or [])]
    vc = ValidationContext(trust_roots=anchors, allow_fetching=False)
    embedded: list[EmbeddedPdfSignature] = []
    broken: list[SignatureCheck] = []
    try:
        found = list(fields.enumerate_sig_fields(reader, filled_status=True))
    except Exception as exc:
        raise PdfUnreadable(f"The PDF's signature fields cannot be read ({type(exc).__name__}).",
                            "The file is damaged; copy it again from where it came from.") from None
    supported = {f.value for f in fields.SigSeedSubFilter}
    for name, sig_obj, sig_field in found:
        try:
            subfilter = sig_obj.get_object().get("/SubFilter")
            if subfilter not in supported:
                broken.append(_unreadable(str(name), len(anchors),
                                          f"unsupported signature type {subfilter}"))
                continue
            embedded.append(EmbeddedPdfSignature(reader, sig_field, name))
        except Exception as exc:
            broken.append(_unreadable(str(name), len(anchors),
                                      f"the signature cannot be read ({type(exc).__name__})"))
    embedded.sort(key=lambda e: e.signed_revision)
    revisions = [e.signed_revision for e in embedded]
    checks = tuple(_check(e, vc, len(anchors), revisions) for e in embedded)
    return VerificationReport(checks + tuple(broken), bool(anchors))
