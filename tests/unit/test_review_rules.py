"""The pure rules of reviews and the final assessment: period summary, supervision owed,
suggested evidence and the warnings that stop or question "Mark final"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from assessor_app.domain.assessment_rules import (
    MIN_RATIONALE_CHARS,
    Severity,
    blocking,
    check,
    evidence_options,
    suggested_evidence,
)
from assessor_app.domain.catalogue import EvidenceMinimum
from assessor_app.domain.enums import EvidenceKind as K
from assessor_app.domain.enums import EvidenceStatus as S
from assessor_app.domain.review_dto import (
    AgreementTerms,
    AssessmentInput,
    EvidenceBrief,
    LinkFact,
    ReviewInput,
    StandardJudgementInput,
    StandardRef,
    standards_text,
)
from assessor_app.domain.reviews import (
    period_summary,
    review_period,
    supervision_intervals,
)
from assessor_app.domain.sufficiency import MinimumStatus
from assessor_app.domain.timeline import PauseSpan
from assessor_app.services.reviews import validate

START = date(2026, 1, 5)  # a Monday
STANDARDS = (StandardRef("pqs", "PQS", "1", "Relationships"), StandardRef("pqs", "PQS", "2", "Communication"),
             StandardRef("pcf", "PCF", "1", "Professionalism"))


def ev(i: int, kind: K, day: date, *links: tuple[str, str, int], status: S = S.FINAL,
       held: bool = True) -> EvidenceBrief:
    return EvidenceBrief(f"e{i}", kind, status, day, f"Item {i}",
                         tuple(LinkFact(f, c, st) for f, c, st in links), held, 60 if held else 0)


# -- supervision owed -------------------------------------------------------------------

def test_intervals_are_weekly_then_fortnightly_then_monthly() -> None:
    iv = supervision_intervals(START, date(2026, 9, 30))
    lengths = [(b - a).days for a, b in iv]
    assert lengths[:6] == [7] * 6
    six_months = date(2026, 7, 5)
    fortnightly = [(a, b) for a, b in iv[6:] if b <= six_months]
    # The last fortnight before 6 months is cut short by the switch to monthly (13 days here).
    assert [(b - a).days for a, b in fortnightly] == [14] * 9 + [13]
    assert iv[0][0] == START and all(a == prev_b for (a, _), (_, prev_b) in zip(iv[1:], iv, strict=False))
    assert [a for a, _ in iv if a >= six_months][:3] == [six_months, date(2026, 8, 5), date(2026, 9, 5)]


def test_part_time_stretches_and_a_pause_owes_nothing() -> None:
    half = supervision_intervals(START, date(2026, 3, 1), fte=0.5)
    assert [(b - a).days for a, b in half[:2]] == [14, 14]
    pause = PauseSpan(date(2026, 1, 17), date(2026, 2, 14))  # four weeks off in week 2
    moved = supervision_intervals(START, date(2026, 4, 1), pauses=[pause])
    assert [(b - a).days for a, b in moved[:3]] == [7, 7 + 28, 7]  # week 2 spans the pause
    assert not any(pause.start < a < pause.end for a, _ in moved)


def test_summary_counts_supervision_held_cancelled_and_missed() -> None:
    days = [START + timedelta(days=7 * k + 2) for k in range(6)]
    evidence = [ev(k, K.SUPERVISION, d) for k, d in enumerate(days) if k != 3]
    evidence.append(ev(9, K.SUPERVISION, days[3], held=False))  # week 4 cancelled
    s = period_summary(evidence, STANDARDS, (), programme_start=START, period_start=START,
                       period_end=START + timedelta(days=41), fraction=0.1)
    sup = s.supervision
    assert (sup.owed, sup.held, sup.cancelled, sup.minutes) == (6, 5, 1, 300)
    assert sup.missed == ((START + timedelta(days=21), START + timedelta(days=28)),)
    assert "1 interval without a session: 26 Jan 2026 to 1 Feb 2026" in sup.text()


# -- the period summary -----------------------------------------------------------------

def test_summary_counts_kinds_in_the_period_and_minimums_pro_rata() -> None:
    evidence = [
        ev(1, K.OBSERVATION, date(2026, 2, 1), ("pqs", "1", 2)),  # before the period
        ev(2, K.OBSERVATION, date(2026, 5, 1), ("pqs", "2", 3)),
        ev(3, K.RECORD_REVIEW, date(2026, 5, 2), ("pcf", "1", 1), status=S.DRAFT),
        ev(4, K.FEEDBACK_LIVED, date(2026, 6, 1), ("pqs", "2", 1), ("elsewhere", "9", 3)),
    ]
    minimums = (EvidenceMinimum(K.OBSERVATION, 3, "Observations"),
                EvidenceMinimum(K.RECORD_REVIEW, 3, "Written work"),
                EvidenceMinimum(K.REFLECTION, 2, "Reflections"))
    s = period_summary(evidence, STANDARDS, minimums, programme_start=START,
                       period_start=date(2026, 4, 6), period_end=date(2026, 7, 5), fraction=0.5)
    counts = {c.kind: (c.final, c.drafts) for c in s.counts}
    assert counts[K.OBSERVATION] == (1, 0) and counts[K.RECORD_REVIEW] == (0, 1)
    assert counts[K.FEEDBACK_LIVED] == (1, 0) and s.total == 2 and s.drafts == 1
    assert [x.key for x in s.covered] == ["pqs:2"]
    assert [x.key for x in s.not_yet] == ["pcf:1"]  # a draft link does not count
    progress = {m.kind: (m.expected, m.have, m.missing) for m in s.minimums}
    assert progress == {K.OBSERVATION: (2, 2, 0), K.RECORD_REVIEW: (2, 0, 2),
                        K.REFLECTION: (1, 0, 1)}
    lines = s.missing_lines()
    assert "Written work: 0 of 2 expected by this review (2 more needed)." in lines
    assert lines[-1] == "No evidence yet for 1 standard: PCF 1."
    assert s.workload is None and "No learning agreement" in s.workload_text()


def test_workload_from_the_agreement_flags_what_falls_short() -> None:
    terms = AgreementTerms(date(2026, 1, 20), "weekly then fortnightly", 100.0, 5.0, "")
    s = period_summary([], STANDARDS, (), programme_start=START, period_start=START,
                       period_end=date(2026, 3, 1), fraction=0.25, fte=0.6, agreement=terms)
    assert s.workload is not None
    assert s.workload.protected_hours == pytest.approx(37 * 0.6 * 0.05)
    text = s.workload_text()
    assert "agreed on 20 Jan 2026" in text and "above the 90%" in text and "below the 10%" in text


def test_review_period_starts_after_the_latest_earlier_meeting() -> None:
    assert review_period(date(2026, 7, 1), START, []) == START
    meetings = [date(2026, 4, 2), date(2026, 9, 1), date(2026, 3, 30)]
    assert review_period(date(2026, 7, 1), START, meetings) == date(2026, 4, 3)


def test_review_validation_names_every_problem() -> None:
    points = {"review-3": "3-month review"}
    bad = ReviewInput("review-3", held_on=date(2026, 4, 2), judgement="great",
                      signoffs={"practitioner": date(2026, 4, 1), "friend": date(2026, 4, 3)})
    problems = " ".join(validate(bad, points, final=True))
    for expected in ("'great' is not a progress judgement", "'friend' is not one of the parties",
                     "practitioner's sign-off (1 Apr 2026) is before the meeting (2 Apr 2026)",
                     "Give the reasons"):
        assert expected in problems
    assert validate(ReviewInput("review-3"), points, final=False) == []
    assert "Give the date" in " ".join(validate(ReviewInput("review-3"), points, final=True))
    assert validate(ReviewInput("review-99"), points, final=False)


# -- the final assessment ---------------------------------------------------------------

def test_options_are_strongest_first_drafts_last_and_suggestions_skip_drafts() -> None:
    evidence = [ev(1, K.OBSERVATION, date(2026, 2, 1), ("pqs", "1", 1), ("pqs", "1", 3)),
                ev(2, K.RECORD_REVIEW, date(2026, 3, 1), ("pqs", "1", 2)),
                ev(3, K.FEEDBACK_LIVED, date(2026, 4, 1), ("pqs", "1", 3), status=S.DRAFT),
                ev(4, K.REFLECTION, date(2026, 5, 1), ("pqs", "1", 2))]
    options = evidence_options(evidence, STANDARDS)
    assert [(o.id, o.strength) for o in options["pqs:1"]] == [("e1", 3), ("e4", 2), ("e2", 2),
                                                              ("e3", 3)]
    assert options["pcf:1"] == ()
    assert suggested_evidence(options)["pqs:1"] == ("e1", "e4", "e2")


def _complete(**changes: object) -> AssessmentInput:
    base = AssessmentInput(
        judgements={s.key: StandardJudgementInput("met", ("e1",), "") for s in STANDARDS},
        development="Legal literacy", year2_plan="Lead a case", recommendation="pass",
        rationale="r" * MIN_RATIONALE_CHARS)
    return AssessmentInput(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def _options() -> dict:
    evidence = [ev(1, K.OBSERVATION, date(2026, 2, 1), *((s.framework_id, s.code, 2) for s in STANDARDS))]
    return evidence_options(evidence, STANDARDS)


def test_a_complete_assessment_has_no_warnings() -> None:
    met = (MinimumStatus(K.OBSERVATION, "Observations", 3, 3, 0),)
    assert check(STANDARDS, met, _options(), _complete()) == ()


def test_an_empty_assessment_is_blocked_and_says_why() -> None:
    warnings = check(STANDARDS, (), {}, AssessmentInput())
    assert [w.code for w in blocking(warnings)] == ["recommendation_missing", "rationale_missing",
                                                    "judgement_missing"]
    assert "Give a judgement for 3 more standards: PQS 1, 2; PCF 1." in [w.message for w in warnings]
    no_evidence = [w for w in warnings if w.code == "standard_no_evidence"]
    assert [w.message for w in no_evidence] == ["No final evidence is linked to PQS 1, 2.",
                                                "No final evidence is linked to PCF 1: Professionalism."]
    assert all(w.severity is Severity.WARNING for w in no_evidence)


@pytest.mark.parametrize(("changes", "code", "is_blocking"), [
    ({"rationale": "Too short."}, "rationale_short", True),
    ({"recommendation": "fail", "development": "  "}, "fail_without_development", True),
    ({"recommendation": "maybe"}, "recommendation_missing", True),
    ({"judgements": {"pqs:1": StandardJudgementInput("not_met", ("e1",), "")}}, "judgement_missing", True),
    ({"year2_plan": ""}, "year2_plan_missing", False),
    ({"recommendation": "fail"}, "fail_all_demonstrated", False),
])
def test_each_rule(changes: dict, code: str, is_blocking: bool) -> None:
    found = {w.code: w for w in check(STANDARDS, (), _options(), _complete(**changes))}
    assert code in found and found[code].blocking is is_blocking
    assert bool(found[code].action) is is_blocking  # blocking ones say what to do, briefly


def test_judgements_that_disagree_with_the_evidence_or_recommendation_are_questioned() -> None:
    judgements = {"pqs:1": StandardJudgementInput("not_met", ("e1",), ""),
                  "pqs:2": StandardJudgementInput("met", (), ""),
                  "pcf:1": StandardJudgementInput("partly", ("gone",), "")}
    found = {w.code: w for w in check(STANDARDS, (), _options(), _complete(judgements=judgements))}
    assert "1 standard is judged not yet demonstrated" in found["pass_with_not_yet"].message
    assert found["demonstrated_without_evidence"].key == "pqs:2"
    assert found["evidence_not_linked"].key == "pcf:1"
    assert not blocking(found.values())


def test_minimums_not_met_mention_drafts() -> None:
    short = (MinimumStatus(K.RECORD_REVIEW, "Written work", 3, 1, 1),)
    messages = [w.message for w in check(STANDARDS, short, _options(), _complete())]
    assert messages == ["Written work: 1 of 3 (2 more needed; 1 in draft, not yet counted)."]


def test_standards_text_groups_codes_by_framework() -> None:
    assert standards_text(STANDARDS) == "PQS 1, 2; PCF 1"
    assert standards_text(()) == ""
