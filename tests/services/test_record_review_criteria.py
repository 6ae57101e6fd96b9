"""Record-review criteria from data: the shipped file, file/line errors, and the round trip."""

from __future__ import annotations

import pytest

from assessor_app.app import AppContext
from assessor_app.domain.report_fields import KEY_LABELS
from assessor_app.errors import CatalogueError
from assessor_app.services.record_review_criteria import default_criteria, parse_criteria
from tests.review_demo import TODAY

GOOD = """kind: record_review_criteria
id: test
version: "1"
title: Review
scale:
  - {value: met, label: Met}
  - {value: not_met, label: Not met}
criteria:
  - id: voice
    label: The child's voice is clear
  - id: plan
    label: The plan is specific
grades:
  - {value: good, label: Good}
  - {value: inadequate, label: Inadequate}
"""


def test_the_shipped_criteria_cover_the_domain_and_print_with_labels() -> None:
    data = default_criteria()
    assert [s.value for s in data.scale] == ["met", "partly", "not_met", "na"]
    assert {"child_views_recorded", "outcomes_clear", "manager_oversight", "clear_writing",
            "chronology_current", "timescales_met"} <= {c.id for c in data.criteria}
    assert {"outstanding", "requires improvement", "met", "not met"} <= \
        {g.value for g in data.grades}
    assert all(c.id in KEY_LABELS for c in data.criteria)  # reports print labels, not ids


@pytest.mark.parametrize(("text", "line", "problem"), [
    (GOOD.replace("id: plan", "id: voice"), 11, "criterion id 'voice'"),
    (GOOD.replace("    label: The plan is specific\n", ""), 11, "missing the key 'label'"),
    (GOOD.replace("kind: record_review_criteria", "kind: nonsense"), 1, "record_review_criteria"),
    (GOOD.replace("  - {value: not_met, label: Not met}\n", ""), 6, "2 to 6"),
    (GOOD.replace("title: Review", "title: [Review"), None, "not valid YAML"),
])
def test_mistakes_name_the_file_and_line(text: str, line: int | None, problem: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        parse_criteria(text, "criteria.yaml")
    assert caught.value.path == "criteria.yaml"
    if line is not None:
        assert caught.value.line == line
    assert problem in caught.value.problem


def test_answers_and_grade_round_trip_and_a_bad_answer_is_left_out(ctx: AppContext) -> None:
    eid = ctx.evidence.create(ctx.list_rows(TODAY)[0].enrolment_id, "record_review", TODAY)
    form = ctx.evidence.load(eid)
    assert form.criteria == {} and form.criteria_set is not None
    result = ctx.evidence.autosave(eid, {"criterion:child_views_recorded": "met",
                                         "criterion:outcomes_clear": "partly",
                                         "criterion:clear_writing": "brilliant",
                                         "grade": "requires improvement"})
    assert result.invalid == ("criterion:clear_writing",)
    again = ctx.evidence.load(eid)
    assert again.criteria == {"child_views_recorded": "met", "outcomes_clear": "partly"}
    assert again.values["grade"] == "requires improvement"
    ctx.evidence.autosave(eid, {"criterion:outcomes_clear": ""})  # cleared
    assert ctx.evidence.load(eid).criteria == {"child_views_recorded": "met"}
    assert form.criteria_set.lines({"outcomes_clear": "na"}) == \
        [("The plan is specific and measurable", "Not applicable")]


def test_reports_print_each_criterion_by_its_label() -> None:
    from assessor_app.domain.enums import EvidenceKind
    from assessor_app.domain.report_fields import detail_fields

    answers = {c.id: "partly" for c in default_criteria().criteria}
    fields = detail_fields(EvidenceKind.RECORD_REVIEW, {"criteria": answers, "grade": "good"})
    rows = next(f.rows for f in fields if f.label == "Criteria")
    assert [label for label, _ in rows] == [KEY_LABELS[c] for c in answers]
    assert {shown for _, shown in rows} == {"Partly met"}
