"""Real PAdES signatures: signing, countersigning, verification and tamper detection,
checked with pyHanko and independently with poppler's ``pdfsig``."""

from __future__ import annotations

import io
import itertools
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtensionOID, NameOID

from assessor_app.reports import certificates, pdfsign
from assessor_app.reports.certificates import KeyDecryptError, KeyPair, TrustFileError
from assessor_app.reports.pdfsign import PdfUnreadable, SigningRefused

BOXES = {"assessor": (2, (36.0, 40.0, 206.0, 100.0)),
         "practitioner": (2, (213.0, 40.0, 383.0, 100.0)),
         "manager": (2, (390.0, 40.0, 560.0, 100.0))}


def make_pdf(pages: int = 3) -> bytes:
    """A small uncompressed PDF, so a test can find and change a letter of its text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=0, invariant=True)
    for i in range(pages):
        c.drawString(72, 760, f"Final assessment report page {i + 1}")
        c.drawString(72, 740, "The practitioner meets the Post-qualifying standards.")
        c.showPage()
    c.save()
    return buf.getvalue()


def make_fielded_pdf(pages: int = 3) -> bytes:
    boxes = {k: (pages - 1, box) for k, (_p, box) in BOXES.items()}
    return pdfsign.add_signature_fields(make_pdf(pages), boxes)


@pytest.fixture(scope="module")
def people() -> dict[str, KeyPair]:
    return {
        "assessor": certificates.create_identity("Ann Assessor", "assessor", "SW100001", "Northshire"),
        "practitioner": certificates.create_identity("Pat Practitioner", "practitioner", "SW200002"),
        "manager": certificates.create_identity("Mo Manager", "manager", "SW300003", "Northshire"),
    }


@pytest.fixture(scope="module")
def chain(people: dict[str, KeyPair]) -> list[bytes]:
    """[fielded, signed by assessor, + practitioner, + manager]."""
    out = [make_fielded_pdf()]
    for role in ("assessor", "practitioner", "manager"):
        out.append(pdfsign.sign(out[-1], people[role], role, reason=f"{role} signs"))
    return out


def all_certs(people: dict[str, KeyPair]) -> list[x509.Certificate]:
    return [p.certificate for p in people.values()]


def pdfsig(tmp_path: Path, data: bytes) -> str:
    exe = shutil.which("pdfsig")
    if exe is None:
        pytest.skip("poppler-utils (pdfsig) is not installed")
    f = tmp_path / "checked.pdf"
    f.write_bytes(data)
    return subprocess.run([exe, str(f)], capture_output=True, text=True, timeout=60).stdout


def flip(data: bytes, needle: bytes, start: int = 0, new: bytes | None = None) -> bytes:
    i = data.find(needle, start)
    assert i >= 0, needle
    repl = new or needle[:1].swapcase() + needle[1:]
    assert len(repl) == len(needle)
    return data[:i] + repl + data[i + len(needle):]


# -- certificates ---------------------------------------------------------------------


def test_certificate_names_the_signer_and_is_for_signing_only(people: dict[str, KeyPair]) -> None:
    cert = people["manager"].certificate
    attrs = {a.oid: a.value for a in cert.subject}
    assert attrs[NameOID.COMMON_NAME] == "Mo Manager"
    assert attrs[NameOID.TITLE] == "Line manager"
    assert attrs[NameOID.SERIAL_NUMBER] == "SW300003"
    assert attrs[NameOID.ORGANIZATION_NAME] == "Northshire"
    assert cert.issuer == cert.subject
    assert cert.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS).value.ca is False
    ku = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert ku.digital_signature and ku.content_commitment and not ku.key_cert_sign
    cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER)
    years = (cert.not_valid_after_utc - cert.not_valid_before_utc).days / 365
    assert 4.9 < years < 5.1
    who = certificates.describe_subject(cert)
    assert (who.name, who.role, who.registration_number) == ("Mo Manager", "manager", "SW300003")
    assert len(certificates.fingerprint(cert)) == 64


def test_private_key_round_trips_only_with_its_passphrase(people: dict[str, KeyPair]) -> None:
    pair = people["assessor"]
    pem = certificates.encrypt_key(pair, "correct horse")
    assert pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    cert_pem = certificates.cert_pem(pair.certificate)
    back = certificates.load_key_pair(pem, "correct horse", cert_pem)
    assert back.certificate == pair.certificate
    with pytest.raises(KeyDecryptError, match="passphrase"):
        certificates.load_key_pair(pem, "wrong horse", cert_pem)
    other = certificates.cert_pem(certificates.create_identity("X", "assessor").certificate)
    with pytest.raises(KeyDecryptError, match="does not belong"):
        certificates.load_key_pair(pem, "correct horse", other)


def test_trust_file_accepts_pem_bundles_and_der_and_rejects_the_rest(
        tmp_path: Path, people: dict[str, KeyPair]) -> None:
    certs = all_certs(people)
    bundle = tmp_path / "bundle.pem"
    bundle.write_text("".join(certificates.cert_pem(c) for c in certs))
    assert certificates.load_trust_file(bundle) == certs
    der = tmp_path / "one.cer"
    der.write_bytes(certs[0].public_bytes(serialization.Encoding.DER))
    assert certificates.load_trust_file(der) == certs[:1]
    key = tmp_path / "key.pem"
    key.write_text(certificates.encrypt_key(people["assessor"], "x"))
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"not a certificate at all")
    for bad in (key, junk, tmp_path / "missing.pem"):
        with pytest.raises(TrustFileError) as err:
            certificates.load_trust_file(bad)
        assert err.value.exit_code == 2 and str(bad) in err.value.message


# -- fields and signing ---------------------------------------------------------------


def test_fields_are_added_empty_in_one_update(chain: list[bytes]) -> None:
    plain = make_pdf()
    fielded = chain[0]
    assert fielded.startswith(plain)
    assert fielded.count(b"%%EOF") == plain.count(b"%%EOF") + 1
    assert pdfsign.signature_fields(fielded) == {
        "sig-assessor": False, "sig-practitioner": False, "sig-manager": False}
    with pytest.raises(SigningRefused, match="already signed"):
        pdfsign.add_signature_fields(chain[1], {"manager": BOXES["manager"]})


def test_each_signature_is_an_incremental_update_into_its_own_field(chain: list[bytes]) -> None:
    for before, after in itertools.pairwise(chain):
        assert after.startswith(before) and len(after) > len(before)
    assert pdfsign.signature_fields(chain[3]) == {
        "sig-assessor": True, "sig-practitioner": True, "sig-manager": True}


def test_pyhanko_verifies_all_three_as_intact_and_trusted(
        chain: list[bytes], people: dict[str, KeyPair]) -> None:
    report = pdfsign.verify(chain[3], all_certs(people))
    assert report.all_ok and report.trust_checked
    got = [(s.field, s.signer, s.role, s.registration_number, s.later_signatures)
           for s in report.signatures]
    assert got == [("sig-assessor", "Ann Assessor", "assessor", "SW100001", 2),
                   ("sig-practitioner", "Pat Practitioner", "practitioner", "SW200002", 1),
                   ("sig-manager", "Mo Manager", "manager", "SW300003", 0)]
    for s in report.signatures:
        assert s.intact and s.valid and s.trusted is True and not s.modified_after
        assert s.signed_at is not None and s.problems == ()
    assert [s.covers_whole_file for s in report.signatures] == [False, False, True]
    assert [s.fingerprint for s in report.signatures] == [
        certificates.fingerprint(c) for c in all_certs(people)]


def test_pdfsig_independently_says_every_signature_is_valid(
        tmp_path: Path, chain: list[bytes]) -> None:
    out = pdfsig(tmp_path, chain[3])
    assert out.count("Signature is Valid.") == 3, out
    assert out.count("ETSI.CAdES.detached") == 3
    for name in ("sig-assessor", "sig-practitioner", "sig-manager", "Ann Assessor",
                 "title=Line manager", "serialNumber=SW200002"):
        assert name in out
    assert "Total document signed" in out  # the last signature covers the whole file


def test_only_trusted_signers_count_as_trusted(chain: list[bytes], people: dict[str, KeyPair]) -> None:
    report = pdfsign.verify(chain[3], [people["assessor"].certificate])
    assert [s.trusted for s in report.signatures] == [True, False, False]
    assert [s.intact for s in report.signatures] == [True, True, True]
    assert not report.all_ok
    assert "not among the trusted" in report.signatures[1].problems[0]


def test_without_anchors_trust_is_not_checked(chain: list[bytes]) -> None:
    report = pdfsign.verify(chain[3])
    assert not report.trust_checked
    assert [s.trusted for s in report.signatures] == [None, None, None]
    assert report.all_ok


def test_one_byte_inside_revision_one_breaks_every_signature_for_both_tools(
        tmp_path: Path, chain: list[bytes]) -> None:
    tampered = flip(chain[3], b"report page 1")  # a letter of page 1's text, same length
    assert len(tampered) == len(chain[3])
    report = pdfsign.verify(tampered)
    assert [s.intact for s in report.signatures] == [False, False, False]
    assert not report.all_ok
    out = pdfsig(tmp_path, tampered)
    assert "Signature is Valid." not in out
    assert out.count("Digest Mismatch.") + out.count("Signature is Invalid.") == 3, out


def test_one_byte_in_the_last_revision_breaks_only_the_last_signature(
        tmp_path: Path, chain: list[bytes]) -> None:
    start = len(chain[2])  # the manager's revision begins here
    tampered = flip(chain[3], b"manager signs", start, b"manager signz")
    report = pdfsign.verify(tampered)
    assert [s.intact for s in report.signatures] == [True, True, False]
    assert [s.ok for s in report.signatures] == [True, True, False]
    out = pdfsig(tmp_path, tampered)
    assert out.count("Signature is Valid.") == 2, out
    assert "Digest Mismatch." in out or "Signature is Invalid." in out


def test_content_changed_in_a_later_update_is_reported_as_changed_after_signing(
        chain: list[bytes]) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    w = IncrementalPdfFileWriter(io.BytesIO(chain[2]))
    page_ref, _res = w.find_page_for_modification(0)
    page = page_ref.get_object()
    page["/Contents"] = w.add_object(generic.StreamObject(
        stream_data=b"BT /F1 24 Tf 72 600 Td (Recommendation: FAIL) Tj ET"))
    w.update_container(page)
    out = io.BytesIO()
    w.write(out)
    report = pdfsign.verify(out.getvalue())
    assert [s.intact for s in report.signatures] == [True, True]
    assert [s.modified_after for s in report.signatures] == [True, True]
    assert not report.all_ok
    assert "changed after" in report.signatures[0].problems[0]


def test_signing_a_pdf_without_fields_adds_a_visible_field(people: dict[str, KeyPair]) -> None:
    signed = pdfsign.sign(make_pdf(1), people["practitioner"], "practitioner", reason="r")
    assert pdfsign.signature_fields(signed) == {"sig-practitioner": True}
    assert b"Signed by Pat Practitioner" in signed or b"/AP" in signed
    assert pdfsign.verify(signed, [people["practitioner"].certificate]).all_ok


def test_a_signed_field_cannot_be_signed_again(chain: list[bytes], people: dict[str, KeyPair]) -> None:
    with pytest.raises(SigningRefused, match="already signed"):
        pdfsign.sign(chain[1], people["assessor"], "assessor", reason="again")
    with pytest.raises(SigningRefused, match="Unknown signing role"):
        pdfsign.sign(chain[0], people["assessor"], "coordinator", reason="r")


def test_stamp_text_is_folded_to_what_the_stamp_font_can_draw() -> None:
    assert pdfsign.stamp_safe("Łucja Wójcik–Ní Bhriain") == "Lucja Wójcik-Ní Bhriain"
    assert pdfsign.stamp_safe("王") == "?"


def test_unknown_outside_key_is_intact_but_not_trusted(
        chain: list[bytes], people: dict[str, KeyPair]) -> None:
    outsider = certificates.create_identity("Ann Assessor", "assessor", "SW100001", "Northshire")
    forged = pdfsign.sign(chain[0], outsider, "assessor", reason="forged")
    report = pdfsign.verify(forged, all_certs(people))
    (s,) = report.signatures
    assert s.intact and s.valid and s.trusted is False and not report.all_ok


# -- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("cut", [10, 400, 0.5])
def test_truncated_pdf_is_a_clear_error(chain: list[bytes], cut: float) -> None:
    data = chain[3]
    n = int(len(data) * cut) if isinstance(cut, float) else len(data) - int(cut)
    with pytest.raises(PdfUnreadable) as err:
        pdfsign.verify(data[:n])
    assert "truncated" in err.value.message and err.value.exit_code == 2


def test_non_pdf_and_damaged_pdf_are_clear_errors() -> None:
    with pytest.raises(PdfUnreadable, match="not a PDF"):
        pdfsign.verify(b"PK\x03\x04 a zip file, not a report" * 20)
    with pytest.raises(PdfUnreadable, match="damaged"):
        pdfsign.verify(b"%PDF-1.7\n garbage garbage\n%%EOF\n")


def test_an_unsigned_pdf_has_no_signatures_and_is_not_ok() -> None:
    report = pdfsign.verify(make_pdf(1))
    assert report.signatures == () and not report.all_ok


def test_an_unreadable_or_unsupported_signature_is_a_failed_check_not_a_gap(
        chain: list[bytes]) -> None:
    data = chain[3]
    i = data.rfind(b"/Contents <") + len(b"/Contents <")  # the manager's CMS blob
    garbled = data[:i] + b"0" * 40 + data[i + 40:]
    report = pdfsign.verify(garbled)
    assert [(s.field, s.ok) for s in report.signatures] == [
        ("sig-assessor", True), ("sig-practitioner", True), ("sig-manager", False)]
    assert "cannot be read" in report.signatures[2].problems[0] and not report.all_ok
    odd = data.replace(b"/ETSI.CAdES.detached", b"/ETSI.CAdES.detachex", 1)
    report = pdfsign.verify(odd)
    assert len(report.signatures) == 3 and not report.all_ok
    assert any("unsupported signature type" in p for s in report.signatures for p in s.problems)
