"""Review: a document changed after it synced (signature fields added, a signature appended)
must keep its bytes on the device that changed it: a signed PDF is never thrown away."""

from __future__ import annotations

import hashlib

import pytest

from tests.sync.devices import Devices, add_portfolio, blobs


def test_a_document_changed_after_it_synced_reaches_the_other_device(
        live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    enrolment = add_portfolio(a)["enrolment"]
    first = b"%PDF-1.7\n% fictional report, first draft\n%%EOF\n"
    doc = a.documents.store(enrolment, "final", first)
    a.sync.sync()
    second = b"%PDF-1.7\n% fictional report, with signature fields\n%%EOF\n"
    a.documents.replace_content(doc.id, second)
    a.sync.sync()
    b.sync.sync()
    assert a.documents.content(doc.id) == second
    assert blobs(b)[doc.id] == second


def _sign(ctx, doc_id: str, content: bytes, who: str) -> None:  # type: ignore[no-untyped-def]
    """A signature appended on this device (the bytes as add_signature leaves them)."""
    from datetime import UTC, datetime

    from assessor_app.store.document_repo import DocumentRepository

    with ctx.database.uow("tester") as uow:
        repo = DocumentRepository(uow.session)
        repo.set_content(doc_id, content)
        repo.add_signature(doc_id, signer_name=who, role="assessor", cert_fingerprint="0" * 64,
                           signed_at=datetime.now(UTC), field_name=f"sig-{who}")
        uow.commit()


def test_two_devices_signing_the_same_document_keep_both_files(
        live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    a = devices.enrolled("a", server, "Fictional Assessor")
    b = devices.enrolled("b", server, "Fictional Assessor")
    enrolment = add_portfolio(a)["enrolment"]
    first = b"%PDF-1.7\n% fictional report\n%%EOF\n"
    doc = a.documents.store(enrolment, "final", first)
    a.sync.sync()
    b.sync.sync()
    signed_a = first + b"% signed on A\n%%EOF\n"
    signed_b = first + b"% signed on B\n%%EOF\n"
    _sign(a, doc.id, signed_a, "A")
    _sign(b, doc.id, signed_b, "B")
    a.sync.sync()
    report = b.sync.sync()  # B's file does not extend A's: the server refuses it
    assert report.refused == 1
    b.sync.sync()
    assert a.documents.content(doc.id) == signed_a
    assert b.documents.content(doc.id) == signed_b  # B's signed file is not thrown away
    assert b.documents.get(doc.id).sha256 == hashlib.sha256(signed_b).hexdigest()
    assert b.sync.status().waiting == 1  # and it still waits, refused with a reason


def test_a_document_changed_after_its_push_was_cut_does_not_hang_the_retry(
        live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    import threading

    from assessor_app.sync.client import SyncError
    from tests.sync.fault_proxy import FaultProxy

    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    proxy = FaultProxy(server.url)
    try:
        a = devices.enrolled("a", server, "Fictional Assessor", url=proxy.url)
        enrolment = add_portfolio(a)["enrolment"]
        a.sync.sync()
        doc = a.documents.store(enrolment, "final", b"%PDF-1.7\n% first draft\n%%EOF\n")
        proxy.arm(1, "request")  # the file's upload is cut (its batch is already in flight)
        with pytest.raises(SyncError):
            a.sync.sync()
        assert proxy.cuts and proxy.cuts[-1][1] == "PATCH"
        second = b"%PDF-1.7\n% signature fields added after the cut\n%%EOF\n"
        a.documents.replace_content(doc.id, second)  # the batch in flight names the old file
        errors: list[BaseException] = []

        def retry() -> None:
            try:
                a.sync.sync()
            except BaseException as exc:  # reported below
                errors.append(exc)

        t = threading.Thread(target=retry, daemon=True)
        t.start()
        t.join(timeout=120)
        assert not t.is_alive(), "the retry never finished (uploading bytes under another sha256)"
        assert errors == []
        assert a.documents.content(doc.id) == second
    finally:
        proxy.close()
