"""The demo cohort, written into a real encrypted store."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Session

from assessor_app.domain.audit import verify_chain
from assessor_app.domain.catalogue import Catalogue
from assessor_app.domain.enums import EvidenceKind
from assessor_app.keystore import MemorySecretStore
from assessor_app.paths import DataPaths, migrations_dir
from assessor_app.services.catalogue_loader import load_builtin
from assessor_app.services.demo import DemoSummary, create_demo_cohort
from assessor_app.store.audit import iter_records
from assessor_app.store.database import Database, open_database
from assessor_app.store.models import (
    Agreement,
    Enrolment,
    Evidence,
    Feedback,
    FinalAssessment,
    Observation,
    Pause,
    Person,
    Practitioner,
    RecordReview,
    Reflection,
    Review,
    SelfAssessment,
    StandardLink,
    SupervisionEntry,
)

TODAY = date(2026, 11, 23)
DETAILS = {
    EvidenceKind.OBSERVATION: Observation,
    EvidenceKind.RECORD_REVIEW: RecordReview,
    EvidenceKind.FEEDBACK_LIVED: Feedback,
    EvidenceKind.FEEDBACK_PROFESSIONAL: Feedback,
    EvidenceKind.REFLECTION: Reflection,
    EvidenceKind.SELF_ASSESSMENT: SelfAssessment,
    EvidenceKind.SUPERVISION: SupervisionEntry,
}
NAME_FIELDS = {"observer_name", "supervisor_name", "collected_by"}  # staff names belong here
NOT_TEXT = {"id", "evidence_id", "enrolment_id", "updated_by", "kind", "status", "stage_id",
            "author_role", "start_time", "case_reference", "respondent_ref", "age_band",
            "period", "grade", "framework_id", "framework_version", "statement_code"}


@pytest.fixture(scope="module")
def catalogue(resources: Path) -> Catalogue:
    return load_builtin(resources)


@pytest.fixture
def cohort(db: Database, catalogue: Catalogue) -> DemoSummary:
    return create_demo_cohort(db, catalogue, today=TODAY)


@pytest.fixture
def session(db: Database, cohort: DemoSummary) -> Iterator[Session]:
    """A session on the store holding the cohort (rows stay usable during the test)."""
    with db.uow() as uow:
        yield uow.session


def _all(session: Session, cls: type) -> list:
    return list(session.execute(select(cls)).scalars())


def _fresh_store(root: Path) -> Database:
    return open_database(DataPaths(root), MemorySecretStore(), migrations_dir=migrations_dir())


def test_summary_matches_the_store(db: Database, cohort: DemoSummary) -> None:
    with db.uow() as uow:
        s = uow.session
        people = Counter(p.role for p in _all(s, Person))
        evidence = _all(s, Evidence)
        assert people == {"assessor": 2, "manager": 2, "coordinator": 1}
        assert len(_all(s, Practitioner)) == 6
        assert len(_all(s, Enrolment)) == 6
        assert len(_all(s, Agreement)) == 6
        assert len(evidence) == cohort.evidence
        assert len(_all(s, StandardLink)) == cohort.links
        assert len(_all(s, Review)) == cohort.reviews
    assert (cohort.assessors, cohort.practitioners, cohort.final_assessments) == (2, 6, 1)
    assert 140 <= cohort.evidence <= 170
    assert all(cohort.evidence_by_kind[k.value] > 0 for k in EvidenceKind)
    assert sum(cohort.evidence_by_kind.values()) == cohort.evidence
    assert cohort.drafts > 0 and cohort.transcribed > 0


def test_assessors_are_registered_and_share_the_cohort(session: Session) -> None:
    assessors = [p for p in _all(session, Person) if p.role == "assessor"]
    enrolments = _all(session, Enrolment)
    assert {a.job_title for a in assessors} == {
        "Practice educator", "Senior practitioner and ASYE assessor"}
    assert all(re.fullmatch(r"SW\d{6}", a.registration_number) for a in assessors)
    assert Counter(e.assessor_id for e in enrolments) == {a.id: 3 for a in assessors}


def test_every_evidence_has_exactly_one_detail_of_its_kind(session: Session) -> None:
    s = session
    owners: Counter[str] = Counter()
    kind_of_detail: dict[str, type] = {}
    for cls in set(DETAILS.values()):
        for d in _all(s, cls):
            owners[d.evidence_id] += 1
            kind_of_detail[d.evidence_id] = cls
    evidence = _all(s, Evidence)
    assert all(owners[e.id] == 1 for e in evidence)
    assert len(owners) == len(evidence)
    assert all(kind_of_detail[e.id] is DETAILS[EvidenceKind(e.kind)] for e in evidence)


def test_links_point_to_statements_of_the_enrolments_frameworks(
        catalogue: Catalogue, session: Session) -> None:
    s = session
    enrolments = {e.id: e for e in _all(s, Enrolment)}
    evidence = {e.id: e for e in _all(s, Evidence)}
    links = _all(s, StandardLink)
    per_item = Counter(ln.evidence_id for ln in links)
    for ln in links:
        enrolment = enrolments[evidence[ln.evidence_id].enrolment_id]
        assert enrolment.framework_versions[ln.framework_id] == ln.framework_version
        fw = catalogue.framework(ln.framework_id, ln.framework_version)
        assert fw is not None and fw.statement(ln.statement_code) is not None
        assert ln.comment and 1 <= ln.strength <= 3
    for e in evidence.values():
        if e.kind == EvidenceKind.SUPERVISION:
            assert per_item[e.id] == 0
        else:
            assert 2 <= per_item[e.id] <= 4, e.title


def test_coverage_is_uneven_for_the_early_practitioners(catalogue: Catalogue,
                                                       session: Session) -> None:
    s = session
    evidence = {e.id: e for e in _all(s, Evidence)}
    covered: dict[str, set[str]] = {}
    for ln in _all(s, StandardLink):
        covered.setdefault(evidence[ln.evidence_id].enrolment_id, set()).add(
            f"{ln.framework_id}:{ln.statement_code}")
    enrolments = _all(s, Enrolment)
    for e in enrolments:
        statements = {f"{fid}:{st.code}" for fid, version in e.framework_versions.items()
                      for st in catalogue.framework(fid, version).statements}  # type: ignore[union-attr]
        gaps = statements - covered.get(e.id, set())
        if e.status in ("completed", "extended"):
            assert not gaps
        elif (TODAY - e.start_date).days < 240:  # the two earliest in their year
            assert gaps


def test_the_six_scenarios(catalogue: Catalogue, session: Session) -> None:
    s = session
    enrolments = _all(s, Enrolment)
    practitioners = {p.id: p for p in _all(s, Practitioner)}
    pauses = _all(s, Pause)
    reviews = _all(s, Review)
    finals = _all(s, FinalAssessment)
    evidence = _all(s, Evidence)
    reflections = {r.evidence_id: r for r in _all(s, Reflection)}
    by_status = Counter(e.status for e in enrolments)
    assert by_status == {"active": 3, "paused": 1, "extended": 1, "completed": 1}

    paused = next(e for e in enrolments if e.status == "paused")
    (open_pause,) = [p for p in pauses if p.enrolment_id == paused.id]
    assert open_pause.end_date is None and open_pause.reason == "parental leave"
    assert open_pause.agreed_by and open_pause.start_date < TODAY

    part_time = [e for e in enrolments if e.fte == 0.6]
    assert len(part_time) == 1 and practitioners[part_time[0].practitioner_id].fte == 0.6
    assert part_time[0].programme_id == "asye-adults"

    extended = next(e for e in enrolments if e.status == "extended")
    assert extended.extension_months == 3 and "illness" in extended.extension_reason.lower()
    (closed,) = [p for p in pauses if p.enrolment_id == extended.id]
    assert closed.reason == "illness" and closed.end_date is not None
    # A long sickness absence: with the extension it runs past the 24-month maximum.
    assert 280 <= (closed.end_date - closed.start_date).days <= 320

    done = next(e for e in enrolments if e.status == "completed")
    assert done.outcome == "pass" and done.completed_on is not None
    assert {r.review_point_id for r in reviews if r.enrolment_id == done.id} == {
        "review-3", "review-6", "review-9", "final"}
    (fa,) = finals
    assert fa.enrolment_id == done.id and fa.recommendation == "pass"
    assert fa.rationale and fa.strengths and fa.development and fa.year2_plan
    own = {e.id for e in evidence if e.enrolment_id == done.id}
    assert all(e.status == "final" for e in evidence if e.id in own)
    expected_keys = {f"{fid}:{st.code}" for fid, v in done.framework_versions.items()
                     for st in catalogue.framework(fid, v).statements}  # type: ignore[union-attr]
    assert set(fa.judgements) == expected_keys
    assert all(j["evidence_ids"] and set(j["evidence_ids"]) <= own for j in fa.judgements.values())

    # the one with overdue items: no six-month reflection, one observation, concerns at review 6
    concerns = [r for r in reviews if r.judgement == "some_concerns"]
    assert len(concerns) == 1 and concerns[0].review_point_id == "review-6"
    late = concerns[0].enrolment_id
    assert not [r for eid, r in reflections.items() if eid in
                {e.id for e in evidence if e.enrolment_id == late}]
    assert sum(e.kind == "observation" for e in evidence if e.enrolment_id == late) == 1

    for r in reviews:
        assert r.status == "final" and r.held_on and r.attendees and r.pdp
        assert set(r.comments) == {"practitioner", "manager"} and r.signoffs


def test_evidence_fields_are_filled_in(session: Session) -> None:
    s = session
    stages = {"stage-1", "stage-2", "stage-3"}
    assert all(e.stage_id in stages and e.title for e in _all(s, Evidence))
    for o in _all(s, Observation):
        assert o.setting and o.people_present and o.consent_how and o.observer_name
        assert o.notes.count(". ") >= 3 and o.went_well and o.development
    kinds = {e.id: e.kind for e in _all(s, Evidence)}
    lived = [f for f in _all(s, Feedback) if kinds[f.evidence_id] == "feedback_lived"]
    assert any(f.anonymous for f in lived) and any(f.age_band for f in lived)
    assert {f.consent for f in lived} == {"consent", "assent"}
    assert all(set(f.ratings) == {"listened", "explained_role", "respected_views",
                                  "kept_informed", "reliable"} for f in lived)
    assert all(f.respondent_ref.startswith("R-") for f in lived)
    for r in _all(s, RecordReview):
        assert r.grade in {"outstanding", "good", "requires improvement", "inadequate"}
        assert set(r.criteria.values()) <= {"met", "partly", "not_met", "na"}
        assert re.fullmatch(r"[CA]-\d{4}", r.case_reference)
    assert all(r.period in {"reflection-6", "reflection-12"} and r.body.count("\n\n") >= 2
               for r in _all(s, Reflection))
    supervision = _all(s, SupervisionEntry)
    assert any(not x.held for x in supervision) and all(x.supervisor_name for x in supervision)


def _dates(value: object) -> list[date]:
    if isinstance(value, datetime):
        return []  # created_at/updated_at: when the demo was written, not what it describes
    if isinstance(value, date):
        return [value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return [date.fromisoformat(value)]
    if isinstance(value, dict):
        return [d for v in value.values() for d in _dates(v)]
    if isinstance(value, list):
        return [d for v in value for d in _dates(v)]
    return []


def test_nothing_is_dated_after_today(db: Database, cohort: DemoSummary) -> None:
    tables = [Enrolment, Pause, Evidence, Review, FinalAssessment, *set(DETAILS.values())]
    with db.uow() as uow:
        for cls in tables:
            for row in _all(uow.session, cls):
                for col in cls.__table__.columns:
                    assert all(d <= TODAY for d in _dates(getattr(row, col.name))), (cls, col.name)
        enrolments = {e.id: e for e in _all(uow.session, Enrolment)}
        for a in _all(uow.session, Agreement):  # planned dates may lie ahead; agreeing may not
            assert a.agreed_on is not None and a.agreed_on <= TODAY
            assert 0 <= (a.agreed_on - enrolments[a.enrolment_id].start_date).days <= 31
            assert {"review-3", "review-6", "final", "moderation"} <= set(a.planned_dates)


def _narrative(session: Session) -> list[str]:
    """Every free-text value of evidence (and of reviews and the final report, which
    name their attendees and signatories in structured fields only)."""
    texts = []
    for cls in [Evidence, StandardLink, *set(DETAILS.values()), Review, FinalAssessment]:
        cols = [c.name for c in cls.__table__.columns
                if isinstance(c.type, String | Text) and c.name not in NAME_FIELDS | NOT_TEXT]
        for row in _all(session, cls):
            texts += [getattr(row, c) for c in cols if getattr(row, c)]
            if cls is Observation:
                texts += row.people_present
            if cls is Review:
                texts += list(row.comments.values())
            if cls is FinalAssessment:
                texts += [j["comment"] for j in row.judgements.values()]
    return texts


def test_no_person_is_named_in_evidence_text(session: Session) -> None:
    names = [p.name for p in _all(session, Person)]
    names += [p.name for p in _all(session, Practitioner)]
    texts = _narrative(session)
    tokens = {t for n in names for t in re.split(r"[\s-]+", n) if len(t) > 2}
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(tokens))) + r")\b")
    assert len(texts) > 1000 and all(pattern.search(n) for n in names)
    offending = [t for t in texts if pattern.search(t)]
    assert not offending, offending[:3]


def _snapshot(database: Database) -> tuple[list[tuple], list[tuple], list[tuple]]:
    with database.uow() as uow:
        s = uow.session
        evidence = sorted((e.kind, e.title, e.occurred_on, e.status, e.stage_id)
                          for e in _all(s, Evidence))
        texts = sorted(o.notes + o.went_well for o in _all(s, Observation))
        reviews = sorted((r.review_point_id, r.held_on, r.judgement, r.reasons)
                         for r in _all(s, Review))
    return evidence, [(t,) for t in texts], reviews


def test_same_seed_and_day_give_the_same_cohort(db: Database, catalogue: Catalogue,
                                                tmp_path: Path) -> None:
    other = _fresh_store(tmp_path / "second")
    third = _fresh_store(tmp_path / "third")
    try:
        create_demo_cohort(db, catalogue, today=TODAY)
        create_demo_cohort(other, catalogue, today=TODAY)
        create_demo_cohort(third, catalogue, today=TODAY, seed=7)
        assert _snapshot(db) == _snapshot(other)
        assert _snapshot(db)[1] != _snapshot(third)[1]
    finally:
        other.dispose()
        third.dispose()


def test_audit_chain_verifies_afterwards(db: Database, cohort: DemoSummary) -> None:
    with db.uow() as uow:
        report = verify_chain(iter_records(uow.session))
        actors = {r.actor for r in iter_records(uow.session)}
    assert report.ok, report.problem
    assert report.events >= cohort.evidence * 2 + cohort.links
    assert actors == {"demo"}


@pytest.mark.parametrize("today", [date(2026, 1, 31), date(2027, 2, 28), date(2028, 2, 29),
                                   date(2029, 8, 4)])
def test_any_day_gives_a_valid_cohort(db: Database, catalogue: Catalogue, today: date) -> None:
    summary = create_demo_cohort(db, catalogue, today=today)
    assert 140 <= summary.evidence <= 170
    assert all(summary.evidence_by_kind[k.value] > 0 for k in EvidenceKind)
    with db.uow() as uow:
        assert max(e.occurred_on for e in _all(uow.session, Evidence)) <= today
        assert max(r.held_on for r in _all(uow.session, Review)) <= today


def test_creation_is_quick(db: Database, catalogue: Catalogue) -> None:
    started = time.perf_counter()
    create_demo_cohort(db, catalogue, today=TODAY)
    assert time.perf_counter() - started < 3.0
