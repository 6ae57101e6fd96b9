"""SigningService and DocumentService against a real encrypted store."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from assessor_app.errors import AppError
from assessor_app.keystore import MemorySecretStore
from assessor_app.reports import certificates
from assessor_app.reports.certificates import KeyDecryptError
from assessor_app.services.documents import DocumentImmutable, DocumentService
from assessor_app.services.signing import (
    DEMO_SIGNING_PASSPHRASE,
    SignerIdentity,
    SigningKeyMissing,
    SigningService,
    demo_secrets,
    field_for,
    secret_name,
    verify_pdf,
)
from assessor_app.store.database import Database
from assessor_app.store.models import Enrolment, Person, Practitioner, SigningIdentity
from tests.reports.test_pdfsign import make_fielded_pdf


def make_enrolment(db: Database) -> str:
    """An enrolment with an assessor, a practitioner and a line manager; returns its id."""
    with db.uow("test") as uow:
        assessor = Person(name="Ann Assessor", role="assessor", registration_number="SW100001",
                          employer="Northshire Council")
        manager = Person(name="Mo Manager", role="manager", registration_number="SW300003",
                         employer="Northshire Council")
        pr = Practitioner(name="Pat Practitioner", registration_number="SW200002",
                          employer="Northshire Council")
        uow.session.add_all([assessor, manager, pr])
        uow.session.flush()
        enr = Enrolment(practitioner_id=pr.id, programme_id="asye-ecf",
                        programme_version="2025.1", start_date=date(2025, 9, 1),
                        assessor_id=assessor.id, line_manager_id=manager.id)
        uow.session.add(enr)
        uow.commit()
        return enr.id


def sign_as(docs: DocumentService, signing: SigningService, doc_id: str, role: str) -> bytes:
    """What the report service and ``sign`` do: identity, sign, record."""
    party = docs.parties(doc_id)[role]
    ident = signing.identity(party.subject_kind, party.subject_id, party.name, role,
                             party.registration_number, party.employer)
    signed = signing.sign_pdf(docs.content(doc_id), role=role, identity=ident, reason="test")
    docs.add_signature(doc_id, signed, ident, role, field_for(role))
    return signed


@pytest.fixture
def signing(db: Database, secrets: MemorySecretStore) -> SigningService:
    return SigningService(db, secrets)


def new_assessor(signing: SigningService, name: str = "Ann Assessor") -> SignerIdentity:
    return signing.identity("person", "p-1", name, "assessor", "SW100001", "Northshire Council")


# -- identities -----------------------------------------------------------------------


def test_identity_is_created_once_and_reused(db: Database, signing: SigningService) -> None:
    first = new_assessor(signing)
    again = new_assessor(signing)
    assert again == first
    assert first.issuer == "self-signed" and len(first.fingerprint) == 64
    as_manager = signing.identity("person", "p-1", "Ann Assessor", "manager", "SW100001")
    assert as_manager.id != first.id  # one certificate per role: the role is in its subject
    with db.uow() as uow:
        assert len(uow.session.execute(select(SigningIdentity)).scalars().all()) == 2


def test_passphrase_is_only_in_the_secret_store(db: Database, signing: SigningService,
                                                secrets: MemorySecretStore) -> None:
    ident = new_assessor(signing)
    passphrase = secrets.get(secret_name(ident.id))
    assert passphrase and len(passphrase) >= 40
    with db.uow() as uow:
        row = uow.session.get(SigningIdentity, ident.id)
        assert row is not None
        assert row.key_pem_encrypted.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert "BEGIN PRIVATE KEY" not in row.key_pem_encrypted
        stored = " ".join(str(v) for v in vars(row).values())
    assert passphrase not in stored
    assert db.paths.db.read_bytes().find(passphrase.encode()) == -1
    pair = signing.signer_for(ident)
    assert certificates.fingerprint(pair.certificate) == ident.fingerprint


def test_changed_registration_number_makes_a_new_certificate(db: Database,
                                                             signing: SigningService) -> None:
    old = new_assessor(signing)
    new = signing.identity("person", "p-1", "Ann Assessor", "assessor", "SW999999")
    assert new.id != old.id and new.registration_number == "SW999999"
    with db.uow() as uow:
        assert uow.session.get(SigningIdentity, old.id).retired_at is not None  # type: ignore[union-attr]


def test_missing_passphrase_is_a_clear_error_and_deletes_nothing(
        db: Database, signing: SigningService, secrets: MemorySecretStore) -> None:
    ident = new_assessor(signing)
    secrets.delete(secret_name(ident.id))
    with pytest.raises(SigningKeyMissing) as err:
        signing.sign_pdf(make_fielded_pdf(), role="assessor", identity=ident, reason="r")
    text = str(err.value)
    assert "keyring has no passphrase" in text and "Ann Assessor" in text
    assert "Nothing was signed or deleted" in text and "--new-key" in text
    assert err.value.exit_code == 3
    assert new_assessor(signing).id == ident.id  # no silent replacement
    fresh = signing.new_identity(ident)
    assert fresh.id != ident.id
    signed = signing.sign_pdf(make_fielded_pdf(), role="assessor", identity=fresh, reason="r")
    assert verify_pdf(signed).all_ok
    with db.uow() as uow:
        assert uow.session.get(SigningIdentity, ident.id) is not None  # kept, retired


def test_wrong_passphrase_is_a_clear_error(signing: SigningService,
                                           secrets: MemorySecretStore) -> None:
    ident = new_assessor(signing)
    secrets.set(secret_name(ident.id), "not-the-passphrase")
    with pytest.raises(KeyDecryptError, match="does not match"):
        signing.signer_for(ident)


def test_exported_certificate_is_a_trust_anchor(tmp_path, signing: SigningService) -> None:  # type: ignore[no-untyped-def]
    ident = new_assessor(signing)
    pem = signing.export_certificate(ident)
    assert pem.startswith(b"-----BEGIN CERTIFICATE-----")
    (tmp_path / "ann.pem").write_bytes(pem)
    signed = signing.sign_pdf(make_fielded_pdf(), role="assessor", identity=ident, reason="r")
    report = verify_pdf(signed, [tmp_path / "ann.pem"])
    assert report.all_ok and report.signatures[0].trusted is True


def test_demo_secrets_open_demo_keys_without_a_keyring(db: Database) -> None:
    signing = SigningService(db, demo_secrets())
    ident = new_assessor(signing)
    # a later run (a new demo_secrets()) still opens the key: the passphrase is documented
    again = SigningService(db, demo_secrets())
    pair = again.signer_for(ident)
    with db.uow() as uow:
        pem = uow.session.get(SigningIdentity, ident.id).key_pem_encrypted  # type: ignore[union-attr]
    assert certificates.load_key_pair(pem, DEMO_SIGNING_PASSPHRASE,
                                      certificates.cert_pem(pair.certificate))
    assert demo_secrets().get("store-key:x") is None


def test_unknown_role_is_refused(signing: SigningService) -> None:
    with pytest.raises(AppError, match="Unknown signing role"):
        signing.identity("person", "p-1", "A", "coordinator")


# -- documents ------------------------------------------------------------------------


def test_versions_supersede_each_other(db: Database) -> None:
    enr = make_enrolment(db)
    docs = DocumentService(db)
    one = docs.store(enr, "final", make_fielded_pdf(), "e" * 64)
    two = docs.store(enr, "final", make_fielded_pdf(), "f" * 64)
    other = docs.store(enr, "review", make_fielded_pdf())
    assert (one.version, one.supersedes_id) == (1, None)
    assert (two.version, two.supersedes_id) == (2, one.id)
    assert (other.version, other.supersedes_id) == (1, None)
    assert [d.id for d in docs.versions(enr, "final")] == [one.id, two.id]
    assert docs.get(one.id).evidence_set_sha256 == "e" * 64
    with pytest.raises(AppError, match="Only PDF"):
        docs.store(enr, "final", b"hello")


def test_signatures_are_recorded_and_every_state_can_be_found(
        db: Database, signing: SigningService) -> None:
    enr = make_enrolment(db)
    docs = DocumentService(db)
    unsigned = make_fielded_pdf()
    info = docs.store(enr, "final", unsigned)
    states = [unsigned]
    for role in ("assessor", "practitioner", "manager"):
        states.append(sign_as(docs, signing, info.id, role))
    final = docs.get(info.id)
    assert [(s.role, s.signer_name, s.field_name) for s in final.signatures] == [
        ("assessor", "Ann Assessor", "sig-assessor"),
        ("practitioner", "Pat Practitioner", "sig-practitioner"),
        ("manager", "Mo Manager", "sig-manager")]
    assert docs.content(info.id) == states[-1]
    for state in states:
        found = docs.find_file(state)
        assert found is not None and found.id == info.id
    assert docs.find_by_sha256("0" * 64) is None
    assert verify_pdf(states[-1]).all_ok


def test_signed_documents_are_immutable(db: Database, signing: SigningService) -> None:
    enr = make_enrolment(db)
    docs = DocumentService(db)
    info = docs.store(enr, "final", make_fielded_pdf())
    assert docs.replace_content(info.id, make_fielded_pdf(2)).version == 1  # unsigned: allowed
    signed = sign_as(docs, signing, info.id, "assessor")
    with pytest.raises(DocumentImmutable, match="Make a new version"):
        docs.replace_content(info.id, make_fielded_pdf())
    # a rewrite (not an append) is refused, even if it is validly signed
    ident = new_assessor(signing)
    rewritten = signing.sign_pdf(make_fielded_pdf(2), role="practitioner", identity=ident, reason="r")
    with pytest.raises(DocumentImmutable, match="does not extend"):
        docs.add_signature(info.id, rewritten, ident, "practitioner", "sig-practitioner")
    # the same role twice is refused
    with pytest.raises(DocumentImmutable, match="already signed"):
        docs.add_signature(info.id, signed + b"\n", ident, "assessor", "sig-assessor")
    assert docs.content(info.id) == signed and len(docs.get(info.id).signatures) == 1


def test_add_signature_refuses_updates_that_break_earlier_signatures(
        db: Database, signing: SigningService) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    enr = make_enrolment(db)
    docs = DocumentService(db)
    info = docs.store(enr, "final", make_fielded_pdf())
    signed = sign_as(docs, signing, info.id, "assessor")
    w = IncrementalPdfFileWriter(io.BytesIO(signed))  # slip a content change in, then sign
    page_ref, _ = w.find_page_for_modification(0)
    page = page_ref.get_object()
    page["/Contents"] = w.add_object(generic.StreamObject(stream_data=b"BT ET"))
    w.update_container(page)
    buf = io.BytesIO()
    w.write(buf)
    party = docs.parties(info.id)["practitioner"]
    ident = signing.identity(party.subject_kind, party.subject_id, party.name, "practitioner",
                             party.registration_number)
    sneaky = signing.sign_pdf(buf.getvalue(), role="practitioner", identity=ident, reason="r")
    with pytest.raises(DocumentImmutable, match="no longer verifies"):
        docs.add_signature(info.id, sneaky, ident, "practitioner", "sig-practitioner")
    # and a signature made with someone else's key is refused
    other = new_assessor(signing, "Somebody Else")
    honest = signing.sign_pdf(signed, role="practitioner", identity=other, reason="r")
    with pytest.raises(DocumentImmutable, match="not made with this signer's key"):
        docs.add_signature(info.id, honest, ident, "practitioner", "sig-practitioner")
    assert docs.content(info.id) == signed


def test_parties_come_from_the_enrolment(db: Database) -> None:
    enr = make_enrolment(db)
    docs = DocumentService(db)
    info = docs.store(enr, "final", make_fielded_pdf())
    parties = docs.parties(info.id)
    assert {r: (p.subject_kind, p.name, p.registration_number) for r, p in parties.items()} == {
        "assessor": ("person", "Ann Assessor", "SW100001"),
        "practitioner": ("practitioner", "Pat Practitioner", "SW200002"),
        "manager": ("person", "Mo Manager", "SW300003")}
