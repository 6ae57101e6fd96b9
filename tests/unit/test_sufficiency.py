"""Minimums count final/signed evidence; coverage counts distinct non-draft links and kinds."""

from __future__ import annotations

from datetime import date

from assessor_app.domain.catalogue import Framework, Statement
from assessor_app.domain.enums import EvidenceKind, EvidenceStatus
from assessor_app.domain.sufficiency import EvidenceFact, assess
from tests.unit.test_timeline import asye_programme

K = EvidenceKind
S = EvidenceStatus

PQS = Framework("pqs-cf", "2018", "Post-qualifying standards", "PQS",
                (Statement("KSS-1", "Relationships"), Statement("KSS-2", "Communication"),
                 Statement("KSS-3", "Child development")))
PCF = Framework("pcf", "2018", "Professional capabilities framework", "PCF",
                (Statement("PCF-1", "Professionalism"), Statement("PCF-2", "Values")))


def fact(fid: str, kind: EvidenceKind, status: EvidenceStatus = S.FINAL,
         links: tuple[tuple[str, str], ...] = ()) -> EvidenceFact:
    return EvidenceFact(fid, kind, status, date(2026, 10, 1), "stage-1", links)


def test_minimums_count_final_and_signed_and_report_drafts() -> None:
    facts = [fact("a", K.OBSERVATION), fact("b", K.OBSERVATION, S.SIGNED),
             fact("c", K.OBSERVATION, S.DRAFT), fact("d", K.FEEDBACK_LIVED, S.DRAFT),
             fact("e", K.SUPERVISION)]
    result = assess(asye_programme(), [PQS], facts)
    by_kind = {m.kind: m for m in result.minimums}
    assert [m.kind for m in result.minimums] == [K.OBSERVATION, K.FEEDBACK_LIVED, K.RECORD_REVIEW]
    obs = by_kind[K.OBSERVATION]
    assert (obs.required, obs.have, obs.drafts, obs.met) == (3, 2, 1, False)
    lived = by_kind[K.FEEDBACK_LIVED]
    assert (lived.have, lived.drafts) == (0, 1)
    assert by_kind[K.RECORD_REVIEW].have == 0
    assert not result.all_minimums_met


def test_minimum_met_and_labels() -> None:
    facts = [fact(str(i), K.OBSERVATION) for i in range(4)]
    result = assess(asye_programme(), [], facts)
    obs, lived, _ = result.minimums
    assert obs.met and obs.have == 4
    assert obs.label == K.OBSERVATION.label  # no label in the programme: the kind's
    assert lived.label == "Family feedback"  # the programme's own label


def test_all_minimums_met() -> None:
    facts = [fact(f"{k}-{i}", k) for k in (K.OBSERVATION, K.FEEDBACK_LIVED, K.RECORD_REVIEW)
             for i in range(3)]
    assert assess(asye_programme(), [], facts).all_minimums_met


def test_coverage_in_framework_then_statement_order() -> None:
    result = assess(asye_programme(), [PCF, PQS], [])
    assert [(c.framework_id, c.code) for c in result.coverage] == [
        ("pcf", "PCF-1"), ("pcf", "PCF-2"),
        ("pqs-cf", "KSS-1"), ("pqs-cf", "KSS-2"), ("pqs-cf", "KSS-3")]
    assert result.coverage[2].title == "Relationships"
    assert all(c.items == 0 and c.level == 0 for c in result.coverage)
    assert len(result.uncovered()) == 5
    assert len(result.uncovered("pcf")) == 2


def test_coverage_counts_distinct_non_draft_facts_and_kinds() -> None:
    kss1 = ("pqs-cf", "KSS-1")
    facts = [
        fact("a", K.OBSERVATION, links=(kss1, kss1)),  # linked twice: counts once
        fact("b", K.OBSERVATION, S.SIGNED, links=(kss1, ("pqs-cf", "KSS-2"))),
        fact("c", K.FEEDBACK_LIVED, links=(kss1,)),
        fact("d", K.RECORD_REVIEW, S.DRAFT, links=(kss1,)),  # drafts never count
        fact("e", K.REFLECTION, links=(kss1, ("pcf", "PCF-1"))),
        fact("f", K.SUPERVISION, links=(("pqs-cf", "KSS-99"), ("other", "X"))),  # unknown
    ]
    result = assess(asye_programme(), [PQS, PCF], facts)
    cov = {(c.framework_id, c.code): c for c in result.coverage}
    assert cov[kss1].items == 4
    assert cov[kss1].kinds == {K.OBSERVATION, K.FEEDBACK_LIVED, K.REFLECTION}
    assert cov[kss1].level == 3
    assert (cov[("pqs-cf", "KSS-2")].items, cov[("pqs-cf", "KSS-2")].level) == (1, 1)
    assert cov[("pcf", "PCF-1")].items == 1
    assert [c.code for c in result.uncovered()] == ["KSS-3", "PCF-2"]
    assert len(result.coverage) == 5


def test_level_caps_at_three() -> None:
    kinds = [K.OBSERVATION, K.FEEDBACK_LIVED, K.FEEDBACK_PROFESSIONAL, K.RECORD_REVIEW]
    facts = [fact(str(i), k, links=(("pcf", "PCF-2"),)) for i, k in enumerate(kinds)]
    cov = assess(asye_programme(), [PCF], facts).coverage[1]
    assert (len(cov.kinds), cov.level, cov.items) == (4, 3, 4)
