"""AssessmentService over a real encrypted demo store: the draft, saving, rules, signing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from assessor_app.domain.assessment_rules import MIN_RATIONALE_CHARS
from assessor_app.domain.enums import EvidenceStatus
from assessor_app.domain.review_dto import AssessmentInput, StandardJudgementInput
from assessor_app.errors import AppError, NotFound, UsageError
from assessor_app.services.assessment import AssessmentSigned
from assessor_app.store.models import FinalAssessment
from tests.review_demo import TODAY, Services

RATIONALE = ("The direct observations, written work and feedback from families and colleagues "
             "show the practitioner meets every standard expected at the end of the year.")


@pytest.fixture
def api(review_services: Services) -> Services:
    """The real review and assessment services over this test's own copy of the demo."""
    return review_services


def _stored(api: Services, enrolment_id: str) -> tuple[int, dict | None, str]:
    with api.ctx.database.uow() as uow:
        count = uow.session.execute(select(func.count()).select_from(FinalAssessment).where(
            FinalAssessment.enrolment_id == enrolment_id)).scalar_one()
        row = uow.session.execute(select(FinalAssessment).where(
            FinalAssessment.enrolment_id == enrolment_id)).scalars().first()
        return count, (dict(row.judgements) if row else None), (row.status if row else "")


def test_draft_is_created_once_with_suggestions_strongest_first(api: Services) -> None:
    mid = api.scenarios()["overdue"]
    assert _stored(api, mid.enrolment_id)[0] == 0
    first = api.assessment.draft(mid.enrolment_id, TODAY)
    second = api.assessment.draft(mid.enrolment_id, TODAY)
    assert first.record.id == second.record.id and _stored(api, mid.enrolment_id)[:2] == (1, {})
    assert first.record.status == "draft" and first.record.data == AssessmentInput()
    assert [s.framework_id for s in first.standards][:1] == ["pqs-cf"]
    assert len(first.standards) == len({s.key for s in first.standards}) == 25
    for key, options in first.options.items():
        strengths = [o.strength for o in options if o.status is not EvidenceStatus.DRAFT]
        assert strengths == sorted(strengths, reverse=True)
        assert first.suggested[key] == tuple(o.id for o in options
                                             if o.status is not EvidenceStatus.DRAFT)
    assert any(first.suggested.values()) and not all(first.options.values())


def test_every_field_round_trips_and_keeps_the_stored_shape(api: Services) -> None:
    mid = api.scenarios()["overdue"]
    draft = api.assessment.draft(mid.enrolment_id, TODAY)
    key = next(k for k, v in draft.suggested.items() if v)
    typed = AssessmentInput(
        judgements={key: StandardJudgementInput("partly", draft.suggested[key][:1], "Some evidence."),
                    draft.standards[-1].key: StandardJudgementInput("not_met", (), "")},
        strengths="Warm and direct.", development="Court work.", year2_plan="Lead a review.",
        recommendation="fail", rationale=RATIONALE, practitioner_comments="I disagree.",
        manager_comments="Support offered.")
    saved = api.assessment.update(mid.enrolment_id, typed)
    assert saved.record.data == typed and saved.record.status == "draft"
    assert api.assessment.get(mid.enrolment_id).data == typed  # type: ignore[union-attr]
    _, raw, status = _stored(api, mid.enrolment_id)
    assert status == "draft" and raw is not None
    assert raw[key] == {"judgement": "partly", "evidence_ids": list(draft.suggested[key][:1]),
                        "comment": "Some evidence."}
    # A later save of one standard keeps the others.
    api.assessment.update(mid.enrolment_id, AssessmentInput(
        judgements={key: StandardJudgementInput("met", (), "")}))
    _, raw, _ = _stored(api, mid.enrolment_id)
    assert raw is not None and raw[key]["judgement"] == "met"
    assert raw[draft.standards[-1].key]["judgement"] == "not_met"


def test_the_final_report_reads_what_the_editor_saved(api: Services) -> None:
    mid = api.scenarios()["overdue"]
    draft = api.assessment.draft(mid.enrolment_id, TODAY)
    key = draft.standards[0].key
    api.assessment.update(mid.enrolment_id, AssessmentInput(
        judgements={key: StandardJudgementInput("partly", (), "Growing.")}, rationale=RATIONALE))
    data = api.ctx.reports.build("final", mid.enrolment_id, today=TODAY)
    assert data.final is not None and data.final.rationale == RATIONALE
    first = data.final.judgements[0]
    assert (f"{first.framework_id}:{first.code}", first.judgement, first.comment) == \
        (key, "partly", "Growing.")


def test_marking_final_needs_a_rationale_and_refuses_without_saving(api: Services) -> None:
    done = api.scenarios()["completed"]
    record = api.assessment.get(done.enrolment_id)
    assert record is not None and record.status == "final"
    for rationale, words in (("", "Write the rationale"),
                             ("Short.", f"at least {MIN_RATIONALE_CHARS} characters")):
        attempt = AssessmentInput(**{**record.data.__dict__, "rationale": rationale})
        with pytest.raises(UsageError, match=words):
            api.assessment.update(done.enrolment_id, attempt, final=True)
    assert api.assessment.get(done.enrolment_id) == record  # nothing was written
    as_draft = api.assessment.update(done.enrolment_id, AssessmentInput(
        **{**record.data.__dict__, "rationale": ""}))
    assert as_draft.record.status == "draft"  # a draft may lack it
    back = api.assessment.update(done.enrolment_id, record.data, final=True)
    assert back.record.status == "final"


def test_warnings_for_a_mid_year_practitioner_and_none_for_the_completed_one(api: Services) -> None:
    rows = api.scenarios()
    mid = {w.code for w in api.assessment.warnings(rows["overdue"].enrolment_id)}
    assert {"minimum_not_met", "standard_no_evidence", "recommendation_missing",
            "rationale_missing", "judgement_missing"} <= mid
    assert api.assessment.warnings(rows["completed"].enrolment_id) == ()
    assert _stored(api, rows["overdue"].enrolment_id)[0] == 0  # reading warnings wrote nothing


def test_a_signed_assessment_refuses_every_edit(api: Services) -> None:
    done = api.scenarios()["completed"]
    before = api.assessment.get(done.enrolment_id)
    signed = api.assessment.mark_signed(done.enrolment_id)
    assert signed.signed and api.assessment.draft(done.enrolment_id, TODAY).record.signed
    with pytest.raises(AssessmentSigned, match="has been signed, so it cannot be changed") as err:
        api.assessment.update(done.enrolment_id, AssessmentInput(strengths="Changed"))
    assert isinstance(err.value, AppError) and "new version" in err.value.hint
    with pytest.raises(AssessmentSigned):
        api.assessment.mark_signed(done.enrolment_id)
    after = api.assessment.get(done.enrolment_id)
    assert after is not None and before is not None and after.data == before.data


def test_only_a_final_assessment_can_be_signed(api: Services) -> None:
    rows = api.scenarios()
    with pytest.raises(NotFound):
        api.assessment.mark_signed(rows["new"].enrolment_id)
    api.assessment.draft(rows["new"].enrolment_id, TODAY)
    with pytest.raises(UsageError, match="Only a final assessment"):
        api.assessment.mark_signed(rows["new"].enrolment_id)


@pytest.mark.parametrize(("data", "words"), [
    (AssessmentInput(recommendation="defer"), "not a recommendation"),
    (AssessmentInput(judgements={"pqs-cf:1": StandardJudgementInput("excellent")}), "not a judgement"),
    (AssessmentInput(judgements={"nonsense:99": StandardJudgementInput("met")}), "not a standard"),
])
def test_values_outside_the_vocabulary_are_refused(api: Services, data: AssessmentInput,
                                                   words: str) -> None:
    mid = api.scenarios()["overdue"]
    with pytest.raises(UsageError, match=words):
        api.assessment.update(mid.enrolment_id, data)


def test_unknown_practitioner(api: Services) -> None:
    with pytest.raises(NotFound):
        api.assessment.draft("no-such-enrolment", date(2026, 1, 1))
