"""The record-review editor's criteria (from resources/) round-trip through autosave."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from assessor_app.app import AppContext
from assessor_app.ui.tasks import DbRunner
from assessor_app.ui.views.evidence_editor import EvidenceEditor
from tests.review_demo import TODAY


def _open(qtbot: QtBot, runner: DbRunner, ctx: AppContext, eid: str) -> EvidenceEditor:
    editor = EvidenceEditor(runner, ctx, eid)
    qtbot.addWidget(editor)
    editor.resize(760, 900)
    editor.show()
    qtbot.waitUntil(lambda: bool(editor.inputs), timeout=10_000)
    return editor


def test_criteria_and_grade_are_chosen_saved_and_reopened(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    eid = ctx.evidence.create(ctx.list_rows(TODAY)[0].enrolment_id, "record_review", TODAY)
    editor = _open(qtbot, runner, ctx, eid)
    data = ctx.evidence.load(eid).criteria_set
    assert data is not None
    assert list(editor.criteria.buttons) == [c.id for c in data.criteria]
    voice = editor.criteria.buttons["child_views_recorded"]
    assert voice["met"].accessibleName() == "The child's or adult's voice is clear: Met"
    qtbot.mouseClick(voice["partly"], Qt.MouseButton.LeftButton)
    plan = editor.criteria.buttons["outcomes_clear"]
    plan["na"].setFocus()
    qtbot.keyClick(plan["na"], Qt.Key.Key_Space)
    grade = editor.inputs["grade"]
    assert [grade.itemText(i) for i in range(1, grade.count())] == [g.value for g in data.grades]
    grade.setCurrentText("good")
    qtbot.waitUntil(lambda: ctx.evidence.load(eid).criteria == {
        "child_views_recorded": "partly", "outcomes_clear": "na"}
        and ctx.evidence.load(eid).values["grade"] == "good", timeout=10_000)
    again = _open(qtbot, runner, ctx, eid)
    assert again.criteria.answers() == {"child_views_recorded": "partly", "outcomes_clear": "na"}
    assert again.inputs["grade"].currentText() == "good"


def test_a_demo_review_shows_its_stored_answers(
        qtbot: QtBot, runner: DbRunner, ctx: AppContext) -> None:
    from assessor_app.store.models import Evidence, RecordReview

    with ctx.database.uow() as uow:
        ev = uow.session.query(Evidence).filter_by(kind="record_review").first()
        assert ev is not None
        eid = ev.id
        stored = uow.session.query(RecordReview).filter_by(evidence_id=ev.id).one().criteria
    editor = _open(qtbot, runner, ctx, eid)
    assert stored and editor.criteria.answers() == stored  # ids not in the file still show
