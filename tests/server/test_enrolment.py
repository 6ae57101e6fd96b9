"""Enrolment and device auth against a real server: codes, tokens, the employer CA."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select, update

from assessor_app.server.admin import sha256_hex, utcnow
from assessor_app.server.models import Device, EnrolCode
from assessor_app.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION


def _csr(name: str = "Someone Else") -> tuple[ec.EllipticCurvePrivateKey, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                                    x509.NameAttribute(NameOID.SERIAL_NUMBER, "SW123456")]))
           .sign(key, hashes.SHA256()))
    from cryptography.hazmat.primitives.serialization import Encoding

    return key, csr.public_bytes(Encoding.PEM).decode()


def test_code_becomes_token_once_and_server_keeps_only_hashes(live_server) -> None:
    srv = live_server()
    srv.add_user("Asha Assessor", "assessor")
    code = srv.issue_code("Asha Assessor")
    r = httpx.post(f"{srv.url}/v1/enrol", json={"code": code.lower(), "device_name": "laptop"})
    assert r.status_code == 200, r.text
    body = r.json()
    token = body["token"]
    assert body["whoami"]["user_name"] == "Asha Assessor"
    assert body["whoami"]["role"] == "assessor"
    with srv.engine.connect() as conn:
        hashes_ = conn.execute(select(Device.token_hash)).scalars().all()
        codes = conn.execute(select(EnrolCode.code_hash)).scalars().all()
    assert hashes_ == [sha256_hex(token)]
    assert token not in hashes_
    assert codes and code.replace("-", "") not in codes
    again = httpx.post(f"{srv.url}/v1/enrol", json={"code": code, "device_name": "second"})
    assert again.status_code == 403
    assert "already been used" in again.json()["detail"]["message"]
    who = httpx.get(f"{srv.url}/v1/whoami", headers={"Authorization": f"Bearer {token}"})
    assert who.status_code == 200
    assert who.json()["device_id"] == body["whoami"]["device_id"]


def test_expired_and_unknown_codes_are_refused(live_server) -> None:
    srv = live_server()
    srv.add_user("Bo", "manager")
    code = srv.issue_code("Bo", days=1)
    with srv.engine.begin() as conn:
        conn.execute(update(EnrolCode).values(expires_at=utcnow() - timedelta(minutes=1)))
    r = httpx.post(f"{srv.url}/v1/enrol", json={"code": code, "device_name": "laptop"})
    assert r.status_code == 403
    assert "expired" in r.json()["detail"]["message"]
    r = httpx.post(f"{srv.url}/v1/enrol", json={"code": "AAAA-BBBB-CCCC", "device_name": "x"})
    assert r.status_code == 403


def test_csr_is_signed_by_the_employer_ca(live_server) -> None:
    srv = live_server()
    srv.add_user("Cara Assessor", "assessor")
    key, csr_pem = _csr()
    r = httpx.post(f"{srv.url}/v1/enrol", json={"code": srv.issue_code("Cara Assessor"),
                                                 "device_name": "laptop", "csr_pem": csr_pem})
    assert r.status_code == 200, r.text
    body = r.json()
    ca_cert = x509.load_pem_x509_certificate(body["ca_pem"].encode())
    cert = x509.load_pem_x509_certificate(body["cert_pem"].encode())
    assert body["ca_pem"] == srv.ca_bundle.read_text()
    cert.verify_directly_issued_by(ca_cert)  # raises if the signature or issuer is wrong
    assert cert.public_key().public_numbers() == key.public_key().public_numbers()
    # the name comes from the server's records, not the request
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Cara Assessor"
    assert cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "SW123456"
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert (srv.data_dir / "server" / "ca" / "ca-key.pem").stat().st_mode & 0o777 == 0o600


def test_bad_csr_is_a_clear_400_and_uses_no_code(live_server) -> None:
    srv = live_server()
    srv.add_user("Dee", "assessor")
    code = srv.issue_code("Dee")
    r = httpx.post(f"{srv.url}/v1/enrol", json={"code": code, "device_name": "x",
                                                 "csr_pem": "not a csr"})
    assert r.status_code == 400
    assert "CSR" in r.json()["detail"]["message"]
    ok = httpx.post(f"{srv.url}/v1/enrol", json={"code": code, "device_name": "x"})
    assert ok.status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nonsense-token", "Basic abc"])
def test_missing_or_wrong_token_is_401(live_server, header: str | None) -> None:
    srv = live_server()
    headers = {"Authorization": header} if header else {}
    r = httpx.get(f"{srv.url}/v1/whoami", headers=headers)
    assert r.status_code in (401, 403)
    assert r.json()["detail"]["message"]


def test_revoked_device_is_refused_at_once(live_server) -> None:
    srv = live_server()
    srv.add_user("Eve", "assessor")
    token, _who = srv.enrol("Eve", "Eve's laptop")
    h = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{srv.url}/v1/whoami", headers=h).status_code == 200
    srv.revoke("Eve's laptop")
    r = httpx.get(f"{srv.url}/v1/whoami", headers=h)
    assert r.status_code == 401
    assert "revoked" in r.json()["detail"]["message"]
    assert httpx.get(f"{srv.url}/v1/pull", headers=h).status_code == 401


def test_idle_token_expires(live_server) -> None:
    srv = live_server()
    srv.add_user("Fay", "assessor")
    token, _ = srv.enrol("Fay")
    with srv.engine.begin() as conn:
        conn.execute(update(Device).values(last_seen_at=utcnow() - timedelta(days=181)))
    r = httpx.get(f"{srv.url}/v1/whoami", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert "enrol again" in r.json()["detail"]["message"].lower()


def test_newer_protocol_is_426_naming_both_versions(live_server) -> None:
    srv = live_server()
    srv.add_user("Gil", "assessor")
    token, _ = srv.enrol("Gil")
    r = httpx.get(f"{srv.url}/v1/whoami", headers={"Authorization": f"Bearer {token}",
                                                     PROTOCOL_HEADER: "7"})
    assert r.status_code == 426
    msg = r.json()["detail"]["message"]
    assert "protocol 7" in msg and f"protocol {PROTOCOL_VERSION}" in msg
    r = httpx.post(f"{srv.url}/v1/enrol", json={"code": "ABCDEF", "device_name": "x",
                                                 "protocol": 3})
    assert r.status_code == 426


def test_tls_server_verifies_against_the_ca_bundle(live_server) -> None:
    srv = live_server(tls=True)
    assert srv.url.startswith("https://")
    srv.add_user("Hal", "assessor")
    _token, who = srv.enrol("Hal")  # verify=ca_bundle
    assert who["user_name"] == "Hal"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{srv.url}/v1/whoami")  # system trust store does not know the employer CA


def test_instances_starting_together_share_one_ca(tmp_path) -> None:
    import threading

    from assessor_app.server import ca

    ca_dir = tmp_path / "server" / "ca"
    made: list[str] = []
    threads = [threading.Thread(target=lambda: made.append(ca.load_or_create(ca_dir).fingerprint))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(made)) == 1 and len(made) == 6
    assert sorted(p.name for p in ca_dir.iterdir()) == ["ca-cert.pem", "ca-key.pem"]
    assert [p.name for p in ca_dir.parent.iterdir()] == ["ca"]  # no scratch folders left
    assert ca.load_or_create(ca_dir).fingerprint == made[0]


def test_guessing_codes_is_stopped_after_ten_failures_with_a_clear_429(live_server) -> None:
    srv = live_server()
    srv.add_user("Ivy", "assessor")
    code = srv.issue_code("Ivy")
    statuses = [httpx.post(f"{srv.url}/v1/enrol", json={"code": f"WRONG-{i:04d}-CODE",
                                                        "device_name": "x"}).status_code
                for i in range(10)]
    assert statuses == [403] * 10
    r = httpx.post(f"{srv.url}/v1/enrol", json={"code": code, "device_name": "x"})
    assert r.status_code == 429  # even a right code waits: the guesser cannot test one more
    assert "try again in about 15 minutes" in r.json()["detail"]["message"]
    assert 0 < int(r.headers["Retry-After"]) <= 900
    with srv.engine.begin() as conn:  # the code was not spent by the refused attempt
        assert conn.execute(select(EnrolCode.used_at)).scalar_one() is None
