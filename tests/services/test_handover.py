"""Hand-over mode's service over a real encrypted demo store, and its question sets' loader."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from assessor_app.app import AppContext
from assessor_app.domain.feedback_sets import HandoverStart
from assessor_app.errors import CatalogueError, UsageError
from assessor_app.paths import resources_dir
from assessor_app.services.feedback_sets import load_feedback_sets, parse_feedback_set
from assessor_app.store import feedback_repo
from tests.review_demo import TODAY

SETS = resources_dir() / "feedback"


def _enrolment(ctx: AppContext) -> str:
    return ctx.list_rows(TODAY)[0].enrolment_id


def test_the_three_shipped_sets_load_with_their_shapes() -> None:
    sets = load_feedback_sets(SETS)
    assert list(sets) == ["adult", "easy-read", "child"]
    adult, easy, child = sets.values()
    assert (adult.consent_kind, easy.consent_kind, child.consent_kind) == (
        "consent", "consent", "assent")
    assert [o.value for o in adult.scale] == [1, 2, 3, 4, 5]
    assert [o.value for o in easy.scale] == [1, 3, 5]
    assert all(o.face for o in child.scale) and not any(o.face for o in adult.scale)
    for s in sets.values():
        assert 4 <= len(s.questions) <= 6 and 2 <= len(s.prompts) <= 3
        assert s.questions[0].id == "listened"  # the ids the reports and demo data share
        assert "assessor" in s.hand_back or "grown-up" in s.hand_back


def _mutated(name: str, old: str, new: str) -> str:
    text = (SETS / name).read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def _line_of(text: str, needle: str) -> int:
    return text.splitlines().index(next(x for x in text.splitlines() if needle in x)) + 1


@pytest.mark.parametrize(("old", "new", "needle", "problem"), [
    ("consent_kind: assent", "consent_kind: agreement", "consent_kind:", "not one of"),
    ("  - {value: 3, label: A bit, face: neutral}", "  - {value: 1, label: A bit, face: neutral}",
     "A bit", "higher than the one before"),
    ("face: happy}", "face: grinning}", "grinning", "'face' 'grinning' is not one of"),
    ("  - field: own_words", "  - field: went_well", "field: went_well", "used twice"),
    ("thank_you: |", "thank_yuo: |", "thank_yuo", "did you mean 'thank_you'"),
    ("consent_no: No, thank you", "consent_no: No", "consent_no: No", "in quotes"),
])
def test_loader_errors_name_the_file_and_line(old: str, new: str, needle: str,
                                              problem: str) -> None:
    text = _mutated("child.yaml", old, new)
    line = _line_of(text, needle)
    if "used twice" in problem:  # the second of the two
        line = [n for n, x in enumerate(text.splitlines(), 1) if needle in x][-1]
    with pytest.raises(CatalogueError) as err:
        parse_feedback_set(text, "child.yaml")
    assert err.value.path == "child.yaml" and err.value.line == line, err.value.message
    assert problem in err.value.message and err.value.message.startswith(f"child.yaml, line {line}")


def test_too_few_questions_and_broken_yaml_are_reported_with_lines(tmp_path: Path) -> None:
    text = (SETS / "adult.yaml").read_text(encoding="utf-8")
    cut = text.split("  - id: explained_role")[0] + "\nprompts:" + text.split("\nprompts:")[1]
    with pytest.raises(CatalogueError, match=r"adult.yaml, line \d+: 'questions' needs 4 to 6"):
        parse_feedback_set(cut, "adult.yaml")
    (tmp_path / "bad.yaml").write_text("kind: feedback_set\nid: [oops\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"bad.yaml, line \d+: not valid YAML"):
        load_feedback_sets(tmp_path)
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "copy.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"id 'adult' is also used by bad\.yaml"):
        load_feedback_sets(tmp_path)


def test_a_hand_over_keeps_answers_in_a_feedback_draft(ctx: AppContext) -> None:
    session = ctx.handover.start(_enrolment(ctx), HandoverStart("easy-read", "parent"), today=TODAY)
    assert session.respondent_ref.startswith("R-") and session.answers == {}
    ctx.handover.answer(session.evidence_id, {"consent": "consent", "anonymous": "yes",
                                              "rating:listened": "5", "rating:reliable": "1"})
    ctx.handover.answer(session.evidence_id, {"went_well": "She came when she said",
                                              "rating:reliable": ""})  # an answer taken back
    form = ctx.evidence.load(session.evidence_id)
    v = form.values
    assert (form.kind, form.status) == ("feedback_lived", "draft")
    assert (v["method"], v["format"], v["consent"], v["anonymous"], v["transcribed"]) == (
        "hand-over", "easy-read", "consent", "yes", "no")
    assert v["went_well"] == "She came when she said"
    assert v["title"] == "Feedback from an anonymous parent, hand-over"
    with ctx.database.uow() as uow:
        assert feedback_repo.ratings(uow.session, session.evidence_id) == {"listened": 5}
    # Restarting from the draft (after a crash) brings the answers back, not the consent.
    again = ctx.handover.start("", HandoverStart("easy-read", "parent"), session.evidence_id)
    assert again.answers["went_well"] == "She came when she said"
    assert again.answers["rating:listened"] == "5" and again.respondent_ref == session.respondent_ref
    assert ctx.evidence.load(session.evidence_id).values["consent"] == ""
    with ctx.database.uow() as uow:  # the audit trail says who gave the answers
        actors = {r[0] for r in uow.session.execute(text("SELECT actor FROM audit_event"))}
    assert "family (hand-over)" in actors


def test_declining_keeps_a_note_and_none_of_the_words(ctx: AppContext) -> None:
    session = ctx.handover.start(_enrolment(ctx), HandoverStart("child", "child or young person",
                                                                "8-10"), today=TODAY)
    ctx.handover.answer(session.evidence_id, {"rating:listened": "3", "own_words": "secret"})
    ctx.handover.decline(session.evidence_id)
    v = ctx.evidence.load(session.evidence_id).values
    assert v["consent"] == "declined" and "declined" in v["title"]
    assert (v["went_well"], v["could_be_better"], v["own_words"]) == ("", "", "")
    with ctx.database.uow() as uow:
        assert feedback_repo.ratings(uow.session, session.evidence_id) == {}


def test_answers_outside_the_form_and_typed_in_records_are_refused(ctx: AppContext) -> None:
    session = ctx.handover.start(_enrolment(ctx), HandoverStart("adult", "carer"), today=TODAY)
    with pytest.raises(UsageError):
        ctx.handover.answer(session.evidence_id, {"respondent_ref": "Jane Smith"})
    with pytest.raises(UsageError):
        ctx.handover.answer(session.evidence_id, {"rating:listened": "9"})
    typed = ctx.evidence.create(_enrolment(ctx), "feedback_lived", TODAY)
    ctx.evidence.autosave(typed, {"own_words": "typed in from paper", "method": "transcribed"})
    with pytest.raises(UsageError, match="already has answers"):
        ctx.handover.start("", HandoverStart("adult", "carer"), typed)
    with pytest.raises(UsageError, match="already has answers"):
        ctx.handover.prepare(typed)  # said before the assessor picks a PIN
    prep = ctx.handover.prepare(session.evidence_id)
    assert [s.id for s in prep.sets] == ["adult", "easy-read", "child"]
    assert prep.defaults == HandoverStart("adult", "carer", "", False)
    assert ctx.handover.prepare().defaults is None
    with pytest.raises(UsageError):
        ctx.handover.start(_enrolment(ctx), HandoverStart("adult", "the neighbour"))
