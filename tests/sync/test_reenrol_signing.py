"""A laptop enrolled as another user keeps no way of signing as the previous one: their keys
leave the store and the keyring, nobody can make a fresh key in their name, and what they
signed still verifies. The same user enrolling again keeps signing. Real server, real
encrypted store (every table scanned), the in-memory keyring of the test device."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text

from assessor_app.app import AppContext
from assessor_app.services.maintenance import verify_audit
from assessor_app.services.signing import REASONS, SigningKeyRetired, secret_name, verify_pdf
from assessor_app.store.models import AuditEvent, SigningIdentity
from tests.reports.test_pdfsign import make_fielded_pdf
from tests.sync.devices import Devices

ONE, TWO = "Assessor One", "Assessor Two"


def _identities(ctx: AppContext) -> list[SigningIdentity]:
    with ctx.database.uow() as uow:
        rows = list(uow.session.execute(select(SigningIdentity)).scalars())
        uow.session.expunge_all()
    return rows


def _live_employer(ctx: AppContext, name: str) -> SigningIdentity:
    [row] = [r for r in _identities(ctx)
             if r.name == name and r.issuer == "employer" and r.retired_at is None]
    return row


def _sign(ctx: AppContext, identity: str) -> bytes:
    return ctx.signing.sign_pdf(make_fielded_pdf(), role="assessor", identity=identity,
                                reason=REASONS["assessor"])


def _store_text(ctx: AppContext) -> str:
    """Every value of every table of the store, as one text."""
    out = []
    with ctx.database.uow() as uow:
        conn = uow.session.connection()
        tables = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
        for table in tables.scalars().all():
            out.extend(" ".join(str(v) for v in row)
                       for row in conn.execute(text(f'SELECT * FROM "{table}"')).all())
    return "\n".join(out)


def _key_lines(pem: str) -> list[str]:
    return [line for line in pem.splitlines() if line and not line.startswith("-----")]


def _trusted(ctx: AppContext, signed: bytes, name: str) -> bool:
    [check] = verify_pdf(signed, [ctx.paths.root / "employer-ca.pem"]).signatures
    return bool(check.ok and check.trusted is True and check.signer == name)


def test_enrolled_as_another_user_the_previous_users_keys_go_and_their_signatures_verify(  # type: ignore[no-untyped-def]
        live_server, devices: Devices) -> None:
    server = live_server("sqlite")
    server.add_user(ONE, "assessor")
    server.add_user(TWO, "assessor")
    laptop = devices.enrolled("laptop", server, ONE)
    first = _live_employer(laptop, ONE)
    signed_first = _sign(laptop, first.id)

    # the same user enrolling again keeps signing (with the new employer-issued key)
    status = laptop.sync.enrol(server.url, server.issue_code(ONE), "laptop")
    assert status.enrolment == "same"
    again = laptop.signing.identity(first.subject_kind, first.subject_id, ONE, "assessor")
    assert again.issuer == "employer" and again.id != first.id
    signed_one = _sign(laptop, again.id)
    assert _trusted(laptop, signed_one, ONE)
    # another key of One's (a role the employer did not issue) goes too
    own = laptop.signing.identity(first.subject_kind, first.subject_id, ONE, "manager")
    ones = [r for r in _identities(laptop) if r.subject_id == first.subject_id]
    assert {r.id for r in ones} == {first.id, again.id, own.id}
    secrets = laptop.secrets
    assert secrets is not None
    assert all(secrets.get(secret_name(r.id)) for r in ones)
    key_lines = [line for r in ones for line in _key_lines(r.key_pem_encrypted)]
    before = _store_text(laptop)
    assert all(line in before for line in key_lines)  # the scan finds what is there

    status = laptop.sync.enrol(server.url, server.issue_code(TWO), "laptop")
    assert status.enrolment == "switched"
    for ident in (first.id, again.id, own.id):
        with pytest.raises(SigningKeyRetired) as err:
            _sign(laptop, ident)
        said = f"{err.value.message} {err.value.hint}"
        assert f"{ONE}'s signing key was removed from this computer" in said
        assert "connects this one as themselves again" in said
    with pytest.raises(SigningKeyRetired):  # nor a fresh key made in One's name
        laptop.signing.identity(first.subject_kind, first.subject_id, ONE, "assessor")
    assert [secrets.get(secret_name(r.id)) is None for r in ones] == [True, True, True]
    after = _store_text(laptop)
    assert [line for line in key_lines if line in after] == []
    assert all(r.cert_pem in after for r in ones)  # certificates stay, for verifying
    assert {r.id: r.retired_at is not None for r in _identities(laptop)
            if r.subject_id == first.subject_id} == dict.fromkeys((first.id, again.id, own.id),
                                                                    True)
    assert _trusted(laptop, signed_first, ONE) and _trusted(laptop, signed_one, ONE)
    two = _live_employer(laptop, TWO)
    assert _trusted(laptop, _sign(laptop, two.id), TWO)  # the new user signs as themselves
    assert verify_audit(laptop.database).ok
    with laptop.database.uow() as uow:
        events = uow.session.execute(select(AuditEvent.entity_id, AuditEvent.fields).where(
            AuditEvent.action == "key-removal")).all()
    assert sorted(e.entity_id for e in events) == sorted((first.id, again.id, own.id))
    assert all("reason=enrolment" in e.fields for e in events)

    # One connecting this laptop as themselves again signs again, with a new key
    laptop.sync.enrol(server.url, server.issue_code(ONE), "laptop")
    back = laptop.signing.identity(first.subject_kind, first.subject_id, ONE, "assessor")
    assert back.id not in (first.id, again.id) and _trusted(laptop, _sign(laptop, back.id), ONE)
    with pytest.raises(SigningKeyRetired):  # Two's key went in turn
        _sign(laptop, two.id)


def test_a_coordinator_on_the_laptop_cannot_sign_as_the_assessor_before_them(  # type: ignore[no-untyped-def]
        live_server, devices: Devices) -> None:
    """No employer certificate for the new user: the previous one's self-made keys go too."""
    server = live_server("sqlite")
    server.add_user(ONE, "assessor")
    server.add_user("Fictional Coordinator", "coordinator")
    laptop = devices.enrolled("laptop", server, ONE)
    first = _live_employer(laptop, ONE)
    made: Any = laptop.signing.identity(first.subject_kind, first.subject_id, ONE, "manager")
    assert laptop.signing.signer_for(made)

    laptop.sync.enrol(server.url, server.issue_code("Fictional Coordinator"), "laptop")
    for ident in (first.id, made.id):
        with pytest.raises(SigningKeyRetired):
            _sign(laptop, ident)
    with pytest.raises(SigningKeyRetired):
        laptop.signing.identity(first.subject_kind, first.subject_id, ONE, "manager")
    assert [r.name for r in _identities(laptop) if r.retired_at is None] == []
