"""``sign`` and ``verify`` end to end, in-process, against real encrypted stores.

Until ``cli.py`` wires ``cli_signing.register``, the commands run through a parser
built here with the same error handling as ``cli.main``; once wired, through
``cli.main`` itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from assessor_app import cli
from assessor_app.app import keyring_secrets, open_context
from assessor_app.paths import DataPaths
from assessor_app.reports import certificates, pdfsign
from assessor_app.services.documents import DocumentService
from assessor_app.services.signing import SigningService, demo_secrets, secret_name
from tests.reports.test_pdfsign import make_fielded_pdf, make_pdf
from tests.services.test_signing import make_enrolment, sign_as


def _main(argv: list[str]) -> int:
    return cli.main(argv)


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = _main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@dataclass
class Setup:
    data_dir: Path
    report: Path  # the report as the app wrote it, signed by the assessor
    document_id: str


def _prepare(tmp_path: Path, *, demo: bool = False, assessor_signs: bool = True) -> Setup:
    paths = DataPaths(tmp_path / "data")
    if demo:
        paths.ensure()
        paths.demo_marker.write_text("fictional", encoding="utf-8")
    ctx = open_context(paths)
    try:
        enr = make_enrolment(ctx.database)
        docs = DocumentService(ctx.database)
        info = docs.store(enr, "final", make_fielded_pdf())
        secrets = demo_secrets() if demo else keyring_secrets()
        if assessor_signs:
            sign_as(docs, SigningService(ctx.database, secrets), info.id, "assessor")
        report = tmp_path / "final report.pdf"
        report.write_bytes(docs.content(info.id))
    finally:
        ctx.close()
    return Setup(paths.root, report, info.id)


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    return _prepare(tmp_path)


def export_certs(s: Setup, folder: Path) -> list[Path]:
    ctx = open_context(DataPaths(s.data_dir), create=False)
    try:
        docs = DocumentService(ctx.database)
        signing = SigningService(ctx.database, keyring_secrets())
        out = []
        for role, party in docs.parties(s.document_id).items():
            ident = signing.identity(party.subject_kind, party.subject_id, party.name, role,
                                     party.registration_number, party.employer)
            f = folder / f"{role}.pem"
            f.write_bytes(signing.export_certificate(ident))
            out.append(f)
        return out
    finally:
        ctx.close()


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


# -- sign -----------------------------------------------------------------------------


def test_practitioner_and_manager_countersign_then_everything_verifies(
        setup: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = setup.report.read_bytes()
    code, out, _ = run(capsys, "sign", setup.report, "--role", "practitioner",
                       "--data-dir", setup.data_dir)
    assert code == 0 and "as practitioner (Pat Practitioner, SW200002)" in out
    after_p = setup.report.read_bytes()
    assert after_p.startswith(before) and len(after_p) > len(before)

    final = tmp_path / "final-signed.pdf"
    code, out, _ = run(capsys, "sign", setup.report, "--role", "manager", "--out", final,
                       "--data-dir", setup.data_dir)
    assert code == 0 and "3 signature(s) on version 1" in out
    assert setup.report.read_bytes() == after_p  # --out leaves the input alone
    assert no_temp_files(tmp_path)

    code, out, _ = run(capsys, "verify", final, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["file"] == str(final) and data["all_ok"] is True
    assert [(s["field"], s["signer"], s["role"], s["intact"], s["trusted"], s["modified_after"])
            for s in data["signatures"]] == [
        ("sig-assessor", "Ann Assessor", "assessor", True, None, False),
        ("sig-practitioner", "Pat Practitioner", "practitioner", True, None, False),
        ("sig-manager", "Mo Manager", "manager", True, None, False)]

    trust: list[str | Path] = []
    for f in export_certs(setup, tmp_path):
        trust += ["--trust", f]
    code, out, _ = run(capsys, "verify", final, *trust)
    assert code == 0
    assert out.count("Trusted:              yes") == 3
    assert "Registration number:  SW300003" in out and "Role:                 Line manager" in out
    assert "Changed after it:     no (only 2 later signatures added)" in out
    assert "Verdict: OK - 3 signatures intact, nothing changed after signing and trusted." in out

    if shutil.which("pdfsig"):
        res = subprocess.run(["pdfsig", str(final)], capture_output=True, text=True, timeout=60)
        assert res.stdout.count("Signature is Valid.") == 3, res.stdout

    ctx = open_context(DataPaths(setup.data_dir), create=False)
    try:
        info = DocumentService(ctx.database).get(setup.document_id)
        assert [s.role for s in info.signatures] == ["assessor", "practitioner", "manager"]
        assert DocumentService(ctx.database).content(setup.document_id) == final.read_bytes()
    finally:
        ctx.close()


def test_a_pdf_from_elsewhere_is_refused(setup: Setup, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    stranger = tmp_path / "stranger.pdf"
    data = make_fielded_pdf(2)
    stranger.write_bytes(data)
    code, _, err = run(capsys, "sign", stranger, "--role", "practitioner",
                       "--data-dir", setup.data_dir)
    assert code == 1 and "This PDF was not produced by this store" in err
    assert stranger.read_bytes() == data and no_temp_files(tmp_path)


def test_countersigning_before_the_assessor_is_refused(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    s = _prepare(tmp_path, assessor_signs=False)
    before = s.report.read_bytes()
    code, _, err = run(capsys, "sign", s.report, "--role", "manager", "--data-dir", s.data_dir)
    assert code == 2 and "The assessor has not signed this report yet" in err
    assert s.report.read_bytes() == before and no_temp_files(tmp_path)


def test_the_same_role_cannot_sign_twice(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "sign", setup.report, "--role", "practitioner",
               "--data-dir", setup.data_dir)[0] == 0
    signed = setup.report.read_bytes()
    code, _, err = run(capsys, "sign", setup.report, "--role", "practitioner",
                       "--data-dir", setup.data_dir)
    assert code == 2 and "practitioner has already signed" in err
    assert setup.report.read_bytes() == signed


def test_an_older_copy_is_signed_from_the_stores_latest_version(
        setup: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p_copy = tmp_path / "practitioner.pdf"
    assert run(capsys, "sign", setup.report, "--role", "practitioner", "--out", p_copy,
               "--data-dir", setup.data_dir)[0] == 0
    code, _, err = run(capsys, "sign", setup.report, "--role", "manager",
                       "--data-dir", setup.data_dir)  # the assessor-only copy
    assert code == 0 and "older copy" in err
    report = pdfsign.verify(setup.report.read_bytes())
    assert [s.role for s in report.signatures] == ["assessor", "practitioner", "manager"]
    assert report.all_ok


def test_a_superseded_version_is_not_signed(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    ctx = open_context(DataPaths(setup.data_dir), create=False)
    try:
        docs = DocumentService(ctx.database)
        enr = docs.get(setup.document_id).enrolment_id
        docs.store(enr, "final", make_fielded_pdf(4))
    finally:
        ctx.close()
    code, _, err = run(capsys, "sign", setup.report, "--role", "practitioner",
                       "--data-dir", setup.data_dir)
    assert code == 2 and "version 2 replaces it" in err


def test_missing_passphrase_is_explained_and_new_key_recovers(
        setup: Setup, tmp_path: Path, memory_keyring, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    ctx = open_context(DataPaths(setup.data_dir), create=False)
    try:
        party = DocumentService(ctx.database).parties(setup.document_id)["practitioner"]
        ident = SigningService(ctx.database, keyring_secrets()).identity(
            party.subject_kind, party.subject_id, party.name, "practitioner",
            party.registration_number)
    finally:
        ctx.close()
    keyring_secrets().delete(secret_name(ident.id))
    before = setup.report.read_bytes()
    code, _, err = run(capsys, "sign", setup.report, "--role", "practitioner",
                       "--data-dir", setup.data_dir)
    assert code == 3 and "keyring has no passphrase for the signing key of Pat Practitioner" in err
    assert "--new-key" in err
    assert setup.report.read_bytes() == before and no_temp_files(tmp_path)
    assert not any(ident.id in str(k) and "BEGIN" in v for k, v in memory_keyring.store.items())
    code, _, _ = run(capsys, "sign", setup.report, "--role", "practitioner", "--new-key",
                       "--data-dir", setup.data_dir)
    assert code == 0 and pdfsign.verify(setup.report.read_bytes()).all_ok


def test_a_demo_folder_signs_without_keyring_entries(
        tmp_path: Path, memory_keyring, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    s = _prepare(tmp_path, demo=True)
    code, _, _ = run(capsys, "sign", s.report, "--role", "practitioner", "--data-dir", s.data_dir)
    assert code == 0
    assert not any(k[1].startswith("signing-key:") for k in memory_keyring.store)
    assert pdfsign.verify(s.report.read_bytes()).all_ok


# -- verify ---------------------------------------------------------------------------


def test_verify_bad_input_exits_2_with_a_clear_message(
        setup: Setup, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "notes.pdf"
    text.write_text("just some notes")
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(setup.report.read_bytes()[:-300])
    bad_trust = tmp_path / "trust.pem"
    bad_trust.write_text("hello")
    cases = [
        ((tmp_path / "missing.pdf",), "There is no file"),
        ((text,), "not a PDF"),
        ((cut,), "truncated"),
        ((setup.report, "--trust", bad_trust), "is not a certificate"),
        ((setup.report, "--trust", tmp_path / "nope.pem"), "cannot be read"),
    ]
    for args, message in cases:
        code, _, err = run(capsys, "verify", *args)
        assert code == 2 and message in err, (args, err)


def test_verify_an_unsigned_pdf_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "plain.pdf"
    f.write_bytes(make_pdf(1))
    code, out, _ = run(capsys, "verify", f)
    assert code == 1 and "no signatures" in out
    code, out, _ = run(capsys, "verify", f, "--json")
    assert code == 1 and json.loads(out)["all_ok"] is False


def test_verify_a_pdf_signed_by_someone_else(setup: Setup, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    outsider = certificates.create_identity("Ann Assessor", "assessor", "SW100001")
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(pdfsign.sign(make_fielded_pdf(), outsider, "assessor", reason="x"))
    trust: list[str | Path] = []
    for f in export_certs(setup, tmp_path):
        trust += ["--trust", f]
    code, out, _ = run(capsys, "verify", forged, *trust)
    assert code == 1
    assert "Intact:               yes" in out and "Trusted:              NO" in out
    assert "Verdict: FAILED" in out
    code, out, _ = run(capsys, "verify", forged)  # without anchors: intact, trust not checked
    assert code == 0 and "not checked" in out


def test_verify_a_tampered_pdf_exits_1(setup: Setup, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = setup.report.read_bytes()
    i = data.find(b"report page 1")
    bad = tmp_path / "tampered.pdf"
    bad.write_bytes(data[:i] + b"R" + data[i + 1:])
    code, out, _ = run(capsys, "verify", bad, "--json")
    assert code == 1
    (sig,) = json.loads(out)["signatures"]
    assert sig["intact"] is False and sig["ok"] is False


def test_python_m_verify(setup: Setup) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ASSESSOR_APP_DATA_DIR"}
    res = subprocess.run([sys.executable, "-m", "assessor_app", "verify", str(setup.report),
                          "--json"], capture_output=True, text=True, timeout=120, env=env)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["all_ok"] is True
