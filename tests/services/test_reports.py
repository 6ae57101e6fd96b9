"""ReportService and ``report`` CLI over a real encrypted demo store."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assessor_app.cli_reports import register
from assessor_app.domain.enums import EvidenceKind
from assessor_app.errors import NotFound, UsageError
from assessor_app.services import reports as reports_mod
from assessor_app.services.reports import evidence_set_sha256, write_atomic
from assessor_app.store import report_queries
from assessor_app.store.models import (
    Evidence,
    Observation,
    Person,
    Practitioner,
    Pseudonym,
    RecordReview,
    StandardLink,
)
from tests.reports.conftest import COMPLETED, MID_YEAR, TODAY, DemoStore, open_demo, pdf_text


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoStore]:
    store = open_demo(tmp_path_factory.mktemp("svc") / "data", signature_fields=True)
    yield store
    store.database.dispose()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[DemoStore]:
    """A store of its own, for tests that edit it."""
    store = open_demo(tmp_path / "data")
    yield store
    store.database.dispose()


# -- building ----------------------------------------------------------------------------

def test_build_gathers_the_whole_record(demo: DemoStore) -> None:
    data = demo.service.build("final", demo.completed, today=TODAY)
    assert data.practitioner.name == COMPLETED
    assert data.final is not None and data.final.recommendation == "pass"
    assert {p.role for p in data.people} == {"assessor", "manager", "coordinator"}
    assert data.agreement is not None and data.agreement.workload_percent == 90
    assert [e.number for e in data.evidence] == list(range(1, len(data.evidence) + 1))
    assert [e.occurred_on for e in data.evidence] == sorted(e.occurred_on for e in data.evidence)
    sup = [e for e in data.evidence if e.kind is EvidenceKind.SUPERVISION]
    assert data.support.held + data.support.cancelled == len(sup)
    assert data.support.minutes == sum(m.minutes for m in data.support.months) > 0
    assert {r.review_point_id for r in data.reviews} >= {"review-3", "review-6", "final"}
    judged = {(j.framework_id, j.code) for j in data.final.judgements}
    assert judged == {(fw.id, st.code) for fw in data.frameworks for st in fw.statements}


def test_every_entered_detail_column_reaches_the_report(demo: DemoStore) -> None:
    with demo.database.uow() as uow:
        rec = report_queries.load(uow.session, demo.completed)
    data = demo.service.build("portfolio", demo.completed, today=TODAY)
    by_id = {e.id: e for e in data.evidence}
    kinds = set()
    for raw in rec.evidence:
        entered = [k for k, v in raw.detail.items()
                   if isinstance(v, bool) or v not in (None, "", [], {}, 0)]  # "No" is an answer
        item = by_id[raw.id]
        assert len(item.fields) == len(entered), (raw.kind, entered, [f.label for f in item.fields])
        kinds.add(raw.kind)
        assert len(item.links) == len(raw.links)
    assert kinds == {k.value for k in EvidenceKind}


def test_review_and_evidence_need_their_target(demo: DemoStore) -> None:
    with pytest.raises(NotFound):
        demo.service.build("evidence", demo.completed, evidence_id="nope", today=TODAY)
    with pytest.raises(NotFound):
        demo.service.build("review", demo.completed, review_id="nope", today=TODAY)
    with pytest.raises(NotFound, match="no review at 'review-12'"):
        demo.service.review_for_point(demo.completed, "review-12")
    rid = demo.service.review_for_point(demo.completed, "review-6")
    data = demo.service.build("review", demo.completed, review_id=rid, today=TODAY)
    assert data.focus_review().review_point_id == "review-6"
    with pytest.raises(NotFound):
        demo.service.build("final", "no-such-enrolment", today=TODAY)


# -- the evidence set hash ---------------------------------------------------------------

def test_evidence_hash_is_stable_and_follows_every_edit(fresh: DemoStore) -> None:
    def sha() -> str:
        return fresh.service.build("portfolio", fresh.completed, today=TODAY).meta.evidence_set_sha256

    first = sha()
    assert sha() == first, "the same store gives the same hash"
    with fresh.database.uow() as uow:  # sync bookkeeping only: not content
        for ev in uow.session.execute(select(Evidence).where(
                Evidence.enrolment_id == fresh.completed)).scalars():
            ev.rev += 3
        uow.commit()
    assert sha() == first
    seen = {first}
    edits = [
        lambda s: setattr(s.execute(select(Observation).join(Evidence, Evidence.id == Observation.evidence_id)
                                    .where(Evidence.enrolment_id == fresh.completed)).scalars().first(),
                          "notes", "An edited note."),
        lambda s: setattr(s.execute(select(StandardLink).join(Evidence, Evidence.id == StandardLink.evidence_id)
                                    .where(Evidence.enrolment_id == fresh.completed)).scalars().first(),
                          "comment", "Edited comment."),
        lambda s: setattr(s.execute(select(Evidence).where(
            Evidence.enrolment_id == fresh.completed)).scalars().first(), "status", "signed"),
    ]
    for edit in edits:
        with fresh.database.uow() as uow:
            edit(uow.session)
            uow.commit()
        now = sha()
        assert now not in seen
        seen.add(now)


def test_hash_is_canonical() -> None:
    from datetime import date

    a = report_queries.EvidenceFull("1", "reflection", date(2026, 1, 2), "T", "final", "s", "p",
                                    False, {"body": "é"}, (), ())
    b = report_queries.EvidenceFull("2", "reflection", date(2026, 1, 1), "U", "final", "s", "p",
                                    False, {}, (), ())
    assert evidence_set_sha256([a, b]) == evidence_set_sha256([b, a])
    assert evidence_set_sha256([a]) != evidence_set_sha256([b])


# -- moderation --------------------------------------------------------------------------

def _identifiers(demo: DemoStore) -> list[str]:
    with demo.database.uow() as uow:
        s = uow.session
        names = [*s.execute(select(Person.name)).scalars(), *s.execute(select(Practitioner.name)).scalars()]
        regs = [*s.execute(select(Person.registration_number)).scalars(),
                *s.execute(select(Practitioner.registration_number)).scalars()]
        cases = list(s.execute(select(RecordReview.case_reference)).scalars())
        teams = list(s.execute(select(Practitioner.team)).scalars())
    parts = {p for n in names for w in n.split() for p in (w, *w.split("-"))}
    return sorted({*names, *parts, *regs, *cases, *teams} - {""})


@pytest.mark.parametrize("who", [COMPLETED, MID_YEAR])
def test_moderation_pdf_names_nobody(demo: DemoStore, who: str, tmp_path: Path) -> None:
    enrolment = demo.service.resolve_practitioner(who)
    named = pdf_text(demo.service.render("portfolio", enrolment, today=TODAY).pdf, tmp_path)
    text = pdf_text(demo.service.render("moderation", enrolment, today=TODAY).pdf, tmp_path)
    bad = _identifiers(demo)
    assert any(re.search(rf"(?<!\w){re.escape(x)}(?!\w)", named, re.I) for x in bad)
    found = [x for x in bad if re.search(rf"(?<!\w){re.escape(x)}(?!\w)", text, re.I)]
    assert found == []
    assert re.findall(r"\b[AC]-\d{4}\b", text) == [], "case references in narrative too"
    assert "Portfolio — anonymised for moderation" in text and "Practitioner A" in text


def test_pseudonyms_are_stable_and_kept_in_the_store(fresh: DemoStore) -> None:
    a = fresh.service.build("moderation", fresh.completed, today=TODAY)
    with fresh.database.uow() as uow:
        count = uow.session.execute(select(func.count()).select_from(Pseudonym)).scalar_one()
        kept = report_queries.pseudonyms(uow.session, fresh.completed)
    assert count == len(kept) >= 4
    assert kept[("practitioner", COMPLETED)] == "Practitioner A"
    b = fresh.service.build("moderation", fresh.completed, today=TODAY)
    assert [p.name for p in a.people] == [p.name for p in b.people]
    assert a.meta.evidence_set_sha256 == b.meta.evidence_set_sha256
    with fresh.database.uow() as uow:
        assert uow.session.execute(select(func.count()).select_from(Pseudonym)).scalar_one() == count
        assert report_queries.delete_pseudonyms(uow.session, fresh.completed) == count
        uow.commit()


# -- resolving a practitioner ------------------------------------------------------------

def test_resolve_practitioner(demo: DemoStore) -> None:
    svc = demo.service
    with demo.database.uow() as uow:
        refs = report_queries.practitioner_refs(uow.session)
    tomasz = next(r for r in refs if r.name == COMPLETED)
    assert svc.resolve_practitioner(tomasz.practitioner_id) == demo.completed
    assert svc.resolve_practitioner(COMPLETED.upper()) == demo.completed
    assert svc.resolve_practitioner("  abernethy ") == demo.completed
    with pytest.raises(NotFound) as amb:
        svc.resolve_practitioner("an")  # Bethany, Farhan, Castellanos
    assert "more than one" in amb.value.message and COMPLETED not in amb.value.message
    with pytest.raises(NotFound) as unknown:
        svc.resolve_practitioner("Nobody Atall")
    assert COMPLETED in unknown.value.hint and tomasz.practitioner_id not in str(unknown.value)
    with pytest.raises(UsageError):
        svc.resolve_practitioner("  ")


# -- writing -----------------------------------------------------------------------------

def test_write_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "r.pdf"
    write_atomic(out, b"%PDF-1 first")
    assert out.read_bytes() == b"%PDF-1 first"
    with pytest.raises(UsageError, match="does not exist"):
        write_atomic(tmp_path / "missing" / "r.pdf", b"x")
    assert not (tmp_path / "missing").exists()
    with pytest.raises(UsageError, match="is a folder"):
        write_atomic(tmp_path, b"x")

    def broken(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(reports_mod.os, "fsync", broken)
    with pytest.raises(UsageError, match="No space left"):
        write_atomic(out, b"%PDF-1 second")
    assert out.read_bytes() == b"%PDF-1 first", "an existing file is untouched"
    with pytest.raises(UsageError):
        write_atomic(tmp_path / "new.pdf", b"%PDF-1 third")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.pdf"], "no half-written file"


def test_write_atomic_read_only_folder(unwritable_folder: Path) -> None:
    before = sorted(p.name for p in unwritable_folder.iterdir())
    with pytest.raises(UsageError):
        write_atomic(unwritable_folder / "r.pdf", b"x")
    assert sorted(p.name for p in unwritable_folder.iterdir()) == before


# -- the command -------------------------------------------------------------------------

def _run(argv: list[str]) -> int:
    def data_dir(p: argparse.ArgumentParser, *, top: bool) -> None:
        p.add_argument("--data-dir", default=None)

    parser = argparse.ArgumentParser(prog="assessor-app")
    handlers = register(parser.add_subparsers(dest="command"), data_dir)
    args = parser.parse_args(argv)
    assert args.handler is handlers["report"]
    return args.handler(args)


@pytest.fixture
def demo_folder(tmp_path: Path) -> Path:
    from assessor_app.app import create_demo
    from assessor_app.paths import DataPaths

    folder = tmp_path / "demo"
    create_demo(DataPaths(folder), today=TODAY)
    return folder


def test_cli_report_writes_pdf(demo_folder: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "final.pdf"
    assert _run(["report", "final", "--practitioner", "tomasz", "--out", str(out),
                 "--data-dir", str(demo_folder), "--today", TODAY.isoformat()]) == 0
    printed = capsys.readouterr().out
    assert out.read_bytes().startswith(b"%PDF-") and f"Wrote {out}" in printed
    sha = re.search(r"Evidence set sha256: ([0-9a-f]{64})", printed).group(1)
    assert sha in pdf_text(out.read_bytes(), tmp_path, 1, 1)
    rev = tmp_path / "rev.pdf"
    assert _run(["report", "review", "--practitioner", "callum", "--stage", "review-3",
                 "--out", str(rev), "--data-dir", str(demo_folder),
                 "--today", TODAY.isoformat()]) == 0
    assert "3-month" in pdf_text(rev.read_bytes(), tmp_path, 1, 1)


def test_cli_refuses_bad_input_and_writes_nothing(demo_folder: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "x.pdf"
    base = ["--out", str(out), "--data-dir", str(demo_folder)]
    with pytest.raises(NotFound):
        _run(["report", "final", "--practitioner", "Nobody", *base])
    with pytest.raises(UsageError, match="needs --evidence"):
        _run(["report", "evidence", "--practitioner", "tomasz", *base])
    with pytest.raises(UsageError, match="not signed"):
        _run(["report", "moderation", "--practitioner", "tomasz", "--sign", *base])
    with pytest.raises(UsageError, match="does not exist"):
        _run(["report", "final", "--practitioner", "tomasz", "--out", str(tmp_path / "no" / "x.pdf"),
              "--data-dir", str(demo_folder)])
    assert not out.exists()


def test_cli_sign_as_assessor(demo_folder: Path, tmp_path: Path) -> None:
    signing = pytest.importorskip("assessor_app.services.signing")
    out = tmp_path / "signed.pdf"
    assert _run(["report", "portfolio", "--practitioner", "tomasz", "--sign", "--out", str(out),
                 "--data-dir", str(demo_folder), "--today", TODAY.isoformat()]) == 0
    report = signing.verify_pdf(out.read_bytes())
    assert [s.role for s in report.signatures] == ["assessor"] and report.all_ok
